import type { NormalizedEvent, RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';
import type { EventStore, StoredEvent } from '../store/event-store.ts';
import type { ParseErrorSample } from '../store/state-store.ts';

/** Records to normalize and store, each with its journal sequence number (ascending). */
export interface IngestBatch {
  seqs: number[];
  records: RawRecord[];
}

/** Per-source counts of a stored batch: what the pipeline needs for stats and metrics, without the events. */
export interface SourceSummary {
  source: string;
  events: number;
  parseErrors: number;
  lastReceivedAt: number;
}

export interface IngestResult {
  lastSeq: number;
  sources: SourceSummary[];
  /** A few records per batch that no parser understood, for the Sources page. */
  samples: ParseErrorSample[];
}

/**
 * Normalizes batches and writes them to the event store. The pipeline hands batches over in
 * sequence order, one after the other; an implementation stores each atomically and idempotently
 * (the store skips sequence numbers it already holds), and rejects when the store write failed so
 * the pipeline can retry the same batch.
 */
export interface IngestBackend {
  ingest(batch: IngestBatch): Promise<IngestResult>;
  close(): Promise<void>;
}

const SAMPLES_PER_BATCH = 20;
const SAMPLE_CHARS = 512;

/** Normalizes and appends on the calling thread. Used inside the ingest worker, and by tests. */
export class InlineIngestBackend implements IngestBackend {
  private readonly store: EventStore;
  private readonly limits: InputLimits;

  constructor(store: EventStore, limits: InputLimits) {
    this.store = store;
    this.limits = limits;
  }

  async ingest(batch: IngestBatch): Promise<IngestResult> {
    const events: StoredEvent[] = new Array(batch.records.length);
    for (let i = 0; i < batch.records.length; i++) {
      events[i] = { ...normalizeSafely(batch.records[i]!, this.limits), seq: batch.seqs[i]! };
    }
    await this.store.append(events);
    return summarize(events);
  }

  async close(): Promise<void> {}
}

/** Counts a stored batch per source and keeps a few parse-error samples. */
export function summarize(events: readonly StoredEvent[]): IngestResult {
  const bySource = new Map<string, SourceSummary>();
  const samples: ParseErrorSample[] = [];
  for (const event of events) {
    let summary = bySource.get(event.source);
    if (!summary) {
      summary = { source: event.source, events: 0, parseErrors: 0, lastReceivedAt: 0 };
      bySource.set(event.source, summary);
    }
    summary.events++;
    if (event.receivedAt > summary.lastReceivedAt) summary.lastReceivedAt = event.receivedAt;
    if (event.parseError !== undefined) {
      summary.parseErrors++;
      if (samples.length < SAMPLES_PER_BATCH) {
        samples.push({ sourceName: event.source, at: event.receivedAt, reason: event.parseError, sample: event.original.slice(0, SAMPLE_CHARS) });
      }
    }
  }
  return { lastSeq: events.at(-1)?.seq ?? 0, sources: [...bySource.values()], samples };
}

/** normalizeRecord never throws by contract; this keeps a parser bug from costing the batch. */
function normalizeSafely(record: RawRecord, limits: InputLimits): NormalizedEvent {
  try {
    return normalizeRecord(record, limits);
  } catch (err) {
    const original = record.text ?? JSON.stringify(record.data ?? null);
    return {
      timestamp: record.receivedAt, receivedAt: record.receivedAt, source: record.source, sourceType: 'raw',
      fields: { message: original.slice(0, 4096) }, original, parseError: `parser crashed: ${(err as Error).message}`,
    };
  }
}
