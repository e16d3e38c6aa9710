import type { NormalizedEvent, RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import { DetectionEngine } from '../detect/detection-engine.ts';
import type { Detection, RuleSource } from '../detect/detection.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';
import type { EventStore, StoredEvent } from '../store/event-store.ts';
import type { ParseErrorSample } from '../store/state-store.ts';

/** Records to normalize and store, each with its journal sequence number (ascending). */
export interface IngestBatch {
  seqs: number[];
  records: RawRecord[];
  /**
   * Last sequence number of the batch before this one. The batch is stored only once the store holds
   * that one: a later batch never overtakes an earlier one that failed (the store ignores sequence
   * numbers below the highest it holds, so an overtaken batch would be lost on retry).
   */
  after: number;
}

/** A batch arrived before the batch it follows was stored; the pipeline sends it again, no harm done. */
export class OutOfOrderError extends Error {
  override name = 'OutOfOrderError';
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
  /** What the streaming Sigma rules found in the batch (empty without rules). */
  detections: Detection[];
  /**
   * Where the latency detection adds is measured from (ms): the time the result was ready less the
   * time detection took. Detection overlaps the store's commit, so what it adds is at most its own
   * time plus the time to save: an upper bound, never less than the real figure.
   */
  detectionStartedAt: number;
}

/**
 * Normalizes batches and writes them to the event store. The pipeline hands batches over in
 * sequence order, one after the other; an implementation stores each atomically and idempotently
 * (the store skips sequence numbers it already holds), and rejects when the store write failed so
 * the pipeline can retry the same batch.
 */
export interface IngestBackend {
  ingest(batch: IngestBatch): Promise<IngestResult>;
  /** Replaces the Sigma rules run on every batch from now on (the enabled rules of the rule store). */
  setRules(rules: readonly RuleSource[]): void;
  close(): Promise<void>;
}

const SAMPLES_PER_BATCH = 20;
const SAMPLE_CHARS = 512;

/**
 * Normalizes and appends on the calling thread; used inside the ingest worker, and by tests.
 * Normalization runs as soon as a batch arrives, appends run one after another: so the next batch is
 * parsed while the store commits the previous one.
 */
export class InlineIngestBackend implements IngestBackend {
  private readonly store: EventStore;
  private readonly limits: InputLimits;
  private committedSeq: Promise<number> | undefined;
  private appends: Promise<unknown> = Promise.resolve();
  private engine: DetectionEngine | undefined;

  constructor(store: EventStore, limits: InputLimits, rules: readonly RuleSource[] = []) {
    this.store = store;
    this.limits = limits;
    this.setRules(rules);
  }

  setRules(rules: readonly RuleSource[]): void {
    this.engine = rules.some((rule) => rule.enabled) ? DetectionEngine.build(rules) : undefined;
  }

  ingest(batch: IngestBatch): Promise<IngestResult> {
    const events: StoredEvent[] = new Array(batch.records.length);
    for (let i = 0; i < batch.records.length; i++) {
      events[i] = { ...normalizeSafely(batch.records[i]!, this.limits), seq: batch.seqs[i]! };
    }
    this.committedSeq ??= this.store.lastSeq();
    const stored = this.appends.then(async () => {
      const committed = await this.committedSeq!;
      if (committed < batch.after) throw new OutOfOrderError(`batch after seq ${batch.after} arrived before that seq was stored`);
      const appended = this.store.append(events);
      // Detection runs while the store commits. Events the store already held (a replay) are
      // detected again: their detections may not have been saved (see docs/sigma.md).
      const started = performance.now();
      const detections = detectAll(this.engine, events, Date.now());
      const detectionMs = performance.now() - started;
      await appended;
      this.committedSeq = Promise.resolve(Math.max(committed, events.at(-1)?.seq ?? committed));
      return { ...summarize(events), detections, detectionStartedAt: Date.now() - detectionMs };
    });
    this.appends = stored.catch(() => {});
    return stored;
  }

  /** Waits for the appends under way; the store is the caller's to close. */
  async close(): Promise<void> {
    await this.appends;
  }
}

/** Counts a stored batch per source and keeps a few parse-error samples. */
export function summarize(events: readonly StoredEvent[]): Omit<IngestResult, 'detections' | 'detectionStartedAt'> {
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

function detectAll(engine: DetectionEngine | undefined, events: readonly StoredEvent[], now: number): Detection[] {
  const found: Detection[] = [];
  if (engine === undefined) return found;
  for (const event of events) {
    const detections = engine.detect(event, event.seq, now);
    for (let i = 0; i < detections.length; i++) found.push(detections[i]!);
  }
  return found;
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
