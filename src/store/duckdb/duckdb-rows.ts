import { DuckDBTimestampValue, type DuckDBAppender } from '@duckdb/node-api';
import type { EventFields, FieldValue } from '../../core/event.ts';
import type { StoredEvent } from '../event-store.ts';
import { PROMOTED_BY_FIELD, PROMOTED_FIELDS } from './duckdb-schema.ts';
import { StoreWriteError } from '../store-errors.ts';

/** JS Date range: every such ms value fits DuckDB's microsecond TIMESTAMP. */
const MAX_TIME = 8.64e15;

/**
 * Rejects a batch the store cannot write faithfully, naming the offending event. Called before any
 * database work so a bad batch leaves no trace. Sequence numbers must ascend strictly: they are the
 * idempotency key, and the journal hands them out in order.
 */
export function validateBatch(events: readonly StoredEvent[]): void {
  let previous = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const where = `event ${i} of the batch (seq ${String(e?.seq)})`;
    if (e === null || typeof e !== 'object') throw invalid(`event ${i} of the batch is not an object`);
    if (!Number.isSafeInteger(e.seq) || e.seq < 1) throw invalid(`${where}: seq must be a positive integer`);
    if (e.seq <= previous) throw invalid(`${where}: seq must be strictly ascending (previous ${previous})`);
    previous = e.seq;
    if (!isTime(e.timestamp)) throw invalid(`${where}: timestamp must be a finite time in ms`);
    if (!isTime(e.receivedAt)) throw invalid(`${where}: receivedAt must be a finite time in ms`);
    if (typeof e.source !== 'string' || typeof e.sourceType !== 'string' || typeof e.original !== 'string') {
      throw invalid(`${where}: source, sourceType and original must be strings`);
    }
    if (e.parseError !== undefined && typeof e.parseError !== 'string') throw invalid(`${where}: parseError must be a string`);
    if (e.fields === null || typeof e.fields !== 'object' || Array.isArray(e.fields)) throw invalid(`${where}: fields must be an object`);
  }
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_TIME;
}

function invalid(message: string): StoreWriteError {
  return new StoreWriteError(`event store refused the batch: ${message}`, 'invalid-input');
}

function micros(ms: number): DuckDBTimestampValue {
  // Sub-millisecond fractions are rounded away: the store keeps ms precision.
  return new DuckDBTimestampValue(BigInt(Math.round(ms)) * 1000n);
}

/** Text form of a scalar for a promoted column; `undefined` for values that stay JSON-only. */
function scalarText(value: FieldValue | undefined): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value.length === 0) return null;
  if (value.length === 1) return String(value[0]);
  return undefined;
}

/**
 * Appends one event as a row; returns the stored text size used for size accounting. The JSON keeps
 * every field except promoted string fields, which live only in their column (see duckdb-schema.ts).
 */
export function appendEventRow(appender: DuckDBAppender, e: StoredEvent): number {
  appender.appendBigInt(BigInt(e.seq));
  appender.appendTimestamp(micros(e.timestamp));
  appender.appendTimestamp(micros(e.receivedAt));
  appender.appendVarchar(e.source);
  appender.appendVarchar(e.sourceType);
  if (e.parseError === undefined) appender.appendNull();
  else appender.appendVarchar(e.parseError);
  const fields = e.fields;
  let multiValued = false;
  let stripped = 0;
  let bytes = e.original.length + e.source.length + 64;
  for (const p of PROMOTED_FIELDS) {
    const value = fields[p.field];
    let text = scalarText(value);
    if (text === undefined) {
      // Several values: the column keeps their JSON array, so searches and grouping never have to
      // read the (large) fields column to find them.
      multiValued = true;
      text = JSON.stringify(value);
    }
    if (typeof value === 'string') stripped++;
    if (text === null) appender.appendNull();
    else {
      appender.appendVarchar(text);
      bytes += text.length;
    }
  }
  appender.appendBoolean(multiValued);
  const json = JSON.stringify(stripped === 0 ? fields : withoutPromotedStrings(fields));
  appender.appendVarchar(json);
  appender.appendVarchar(e.original);
  appender.endRow();
  return bytes + json.length;
}

function withoutPromotedStrings(fields: EventFields): EventFields {
  const out: EventFields = {};
  for (const key in fields) {
    const value = fields[key]!;
    if (typeof value === 'string' && PROMOTED_BY_FIELD.has(key)) continue;
    out[key] = value;
  }
  return out;
}

/** The SELECT list that {@link decodeEventRow} reads, in order. */
export const SELECT_COLUMNS = [
  'seq', 'epoch_ms(ts)', 'epoch_ms(received_at)', 'source', 'source_type', 'parse_error',
  ...PROMOTED_FIELDS.map((p) => p.column), 'fields::VARCHAR', 'original',
].join(', ');

/** Turns a row selected with {@link SELECT_COLUMNS} back into the event that was appended. */
export function decodeEventRow(row: readonly unknown[]): StoredEvent {
  const [seq, ts, receivedAt, source, sourceType, parseError] = row;
  const json = row[6 + PROMOTED_FIELDS.length] as string;
  const fields = JSON.parse(json) as EventFields;
  // Restore promoted string fields, which the JSON leaves out; a field present in the JSON was not a
  // string and its column only holds a text copy.
  for (let i = 0; i < PROMOTED_FIELDS.length; i++) {
    const value = row[6 + i];
    const field = PROMOTED_FIELDS[i]!.field;
    if (typeof value === 'string' && !(field in fields)) fields[field] = value;
  }
  const event: StoredEvent = {
    seq: Number(seq),
    timestamp: Number(ts),
    receivedAt: Number(receivedAt),
    source: source as string,
    sourceType: sourceType as string,
    fields,
    original: row[7 + PROMOTED_FIELDS.length] as string,
  };
  if (typeof parseError === 'string') event.parseError = parseError;
  return event;
}
