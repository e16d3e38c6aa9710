/**
 * The event model shared by every stage: intake produces {@link RawRecord}s, normalization turns each
 * into a {@link NormalizedEvent} whose fields use Elastic Common Schema names, and stores keep those.
 *
 * Fields are flat, dotted ECS names (`source.ip`, `winlog.event_data.CommandLine`) rather than nested
 * objects: detection, search and storage all address fields by their full name, and a flat map makes
 * that a single lookup.
 */

/** A field value: scalars, or arrays of scalars for multi-valued fields such as `related.ip`. */
export type FieldValue = string | number | boolean | null | readonly (string | number | boolean)[];

/** ECS fields of one event, keyed by their dotted name. */
export type EventFields = Record<string, FieldValue>;

/** Where a record came in: the intake protocol. */
export type IntakeKind = 'syslog' | 'http' | 'hec' | 'elastic' | 'otlp' | 'file' | 'demo';

/** A record as received, before parsing. Must stay JSON-serializable: it is written to the journal. */
export interface RawRecord {
  /** Name of the configured source the record arrived through. */
  source: string;
  /** Parser to use: a source type name from the normalize registry, or `auto` to detect it. */
  sourceType: string;
  /** Milliseconds since the epoch when Vigil received the record. */
  receivedAt: number;
  /** The record as text: a syslog line, a log file line, a JSON document. */
  text?: string;
  /** A record that arrived already structured (HEC event, Elasticsearch document, OTLP log record). */
  data?: unknown;
  /** Transport facts worth keeping: remote address, HEC host/sourcetype/index, OTLP resource. */
  meta?: Record<string, string>;
}

/** An event after parsing and normalization, ready to store and to detect on. */
export interface NormalizedEvent {
  /** Event time in milliseconds since the epoch (falls back to the receive time). */
  timestamp: number;
  receivedAt: number;
  source: string;
  /** The source type that understood the record, or `raw` when none did. */
  sourceType: string;
  /** ECS fields. `event.original` is not here: see {@link original}. */
  fields: EventFields;
  /** The record exactly as received (text, or JSON text of structured input). */
  original: string;
  /** Why no parser understood the record; the event is then stored raw with this reason. */
  parseError?: string;
}
