import type { NormalizedEvent, RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import { BackpressureError, type IntakeSink, type SubmitReceipt } from '../intake/intake-sink.ts';
import type { VigilMetrics } from '../ops/metrics.ts';
import type { EventStore, StoredEvent } from '../store/event-store.ts';
import { Journal, type RecoveryReport } from './journal.ts';
import type { SourceStatsTracker } from './source-stats.ts';
import { NormalizeWorkerPool } from './worker-pool.ts';

export interface PipelineOptions {
  journalDir: string;
  journalSegmentBytes: number;
  batchSize: number;
  maxPendingRecords: number;
  workers: number;
  limits: InputLimits;
  store: EventStore;
  stats: SourceStatsTracker;
  metrics: VigilMetrics;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

interface Pending {
  firstSeq: number;
  records: RawRecord[];
}

/** Store writes that fail (disk full) are retried with this backoff; the records wait in the journal. */
const STORE_RETRY_MS = [100, 500, 1000, 2000, 5000];

/**
 * The ingest pipeline: journal → normalize workers → event store, in sequence order.
 *
 * Intake calls {@link submit}; the records are journaled (durable) before it resolves, then
 * normalized on worker threads in batches and appended to the store in order. Memory is bounded by
 * `maxPendingRecords`: past it, submit refuses with {@link BackpressureError} and `saturated` tells
 * stream listeners to pause.
 */
export class Pipeline implements IntakeSink {
  private readonly options: PipelineOptions;
  private readonly journal: Journal;
  private readonly pool: NormalizeWorkerPool;
  private queue: Pending[] = [];
  private pending = 0;
  private inFlight = 0;
  private storedSeq: number;
  private appendChain: Promise<void> = Promise.resolve();
  private capacityWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  private storeHealthy = true;
  /** Events stored per second, smoothed, for Retry-After estimates and status. */
  private storedRate = 0;
  private lastRateSample = { at: Date.now(), stored: 0 };
  private storedTotal = 0;

  private constructor(options: PipelineOptions, journal: Journal, storedSeq: number) {
    this.options = options;
    this.journal = journal;
    this.storedSeq = storedSeq;
    this.pool = new NormalizeWorkerPool(options.workers, options.limits, (err) => options.log.error({ err }, 'normalize worker failed; replaced'));
  }

  /** Opens the journal, replays what the store does not have yet, and starts processing. */
  static async start(options: PipelineOptions): Promise<{ pipeline: Pipeline; recovery: RecoveryReport }> {
    const storedSeq = await options.store.lastSeq();
    const { journal, recovery } = await Journal.open({ dir: options.journalDir, segmentBytes: options.journalSegmentBytes }, storedSeq);
    const pipeline = new Pipeline(options, journal, storedSeq);
    for (const entry of recovery.entries) pipeline.enqueue(entry.firstSeq, entry.records);
    if (recovery.entries.length > 0 || recovery.truncatedBytes > 0 || recovery.corruptSegments.length > 0) {
      options.log.warn({
        replayedRecords: pipeline.pending, truncatedBytes: recovery.truncatedBytes, corruptSegments: recovery.corruptSegments,
      }, 'journal recovered after an unclean stop');
    }
    return { pipeline, recovery };
  }

  get saturated(): boolean {
    return this.pending >= this.options.maxPendingRecords * 0.75 || !this.storeHealthy;
  }

  get pendingRecords(): number {
    return this.pending;
  }

  get lastStoredSeq(): number {
    return this.storedSeq;
  }

  get eventsPerSecond(): number {
    return this.storedRate;
  }

  get healthy(): boolean {
    return this.storeHealthy && !this.closed;
  }

  async submit(records: RawRecord[]): Promise<SubmitReceipt> {
    if (this.closed) throw new BackpressureError(5);
    if (records.length === 0) return { firstSeq: this.journal.nextSequence, lastSeq: this.journal.nextSequence - 1 };
    if (this.pending + records.length > this.options.maxPendingRecords) throw new BackpressureError(this.retryAfterSeconds());
    this.pending += records.length;
    this.options.metrics.pendingRecords.set(this.pending);
    const started = performance.now();
    let firstSeq: number;
    try {
      firstSeq = await this.journal.append(records);
    } catch (err) {
      this.release(records.length);
      throw err;
    }
    this.options.metrics.journalWriteSeconds.observe((performance.now() - started) / 1000);
    this.countIntake(records);
    this.enqueue(firstSeq, records, false);
    return { firstSeq, lastSeq: firstSeq + records.length - 1 };
  }

  waitForCapacity(): Promise<void> {
    if (!this.saturated) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  isStored(seq: number): boolean {
    return seq <= this.storedSeq;
  }

  /** Resolves once everything accepted so far is in the store. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Refuses new records, stores everything accepted, then stops the workers and the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    await this.journal.close();
    await this.pool.close();
    for (const wake of this.capacityWaiters.splice(0)) wake();
  }

  private enqueue(firstSeq: number, records: RawRecord[], reserve = true): void {
    if (reserve) {
      this.pending += records.length;
      this.options.metrics.pendingRecords.set(this.pending);
    }
    this.queue.push({ firstSeq, records });
    this.pump();
  }

  private countIntake(records: RawRecord[]): void {
    let source = records[0]!.source;
    let count = 0;
    for (const record of records) {
      if (record.source !== source) {
        this.options.metrics.intakeRecords.inc({ source }, count);
        source = record.source;
        count = 0;
      }
      count++;
    }
    this.options.metrics.intakeRecords.inc({ source }, count);
  }

  /** Starts batches while there is work and fewer than two batches per worker are in flight. */
  private pump(): void {
    const maxInFlight = this.options.workers * 2;
    while (this.inFlight < maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      const normalized = this.pool.normalize(batch.records);
      this.appendChain = this.appendChain
        .then(async () => this.store(batch, await normalized))
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  /** Takes up to batchSize records from the queue head, keeping each record's sequence number. */
  private takeBatch(): { seqs: number[]; records: RawRecord[] } {
    const seqs: number[] = [];
    const records: RawRecord[] = [];
    while (records.length < this.options.batchSize && this.queue.length > 0) {
      const head = this.queue[0]!;
      const room = this.options.batchSize - records.length;
      const taken = head.records.length <= room ? head.records : head.records.slice(0, room);
      for (let i = 0; i < taken.length; i++) seqs.push(head.firstSeq + i);
      records.push(...taken);
      if (taken.length === head.records.length) this.queue.shift();
      else this.queue[0] = { firstSeq: head.firstSeq + taken.length, records: head.records.slice(room) };
    }
    return { seqs, records };
  }

  private async store(batch: { seqs: number[] }, events: NormalizedEvent[]): Promise<void> {
    const stored: StoredEvent[] = events.map((event, i) => ({ ...event, seq: batch.seqs[i]! }));
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      try {
        await this.options.store.append(stored);
        this.options.metrics.storeWriteSeconds.observe((performance.now() - started) / 1000);
        if (!this.storeHealthy) this.options.log.info({}, 'event store writes recovered');
        this.storeHealthy = true;
        break;
      } catch (err) {
        this.options.metrics.storeWriteErrors.inc();
        if (this.storeHealthy) this.options.log.error({ err }, 'event store write failed; retrying, records stay in the journal');
        this.storeHealthy = false;
        await sleep(STORE_RETRY_MS[Math.min(attempt, STORE_RETRY_MS.length - 1)]!);
      }
    }
    this.storedSeq = batch.seqs.at(-1)!;
    this.observeStored(events);
    this.journal.release(this.storedSeq);
    this.release(events.length);
  }

  private observeStored(events: NormalizedEvent[]): void {
    const now = Date.now();
    this.options.stats.record(events, now);
    for (const event of events) {
      this.options.metrics.storedEvents.inc({ source: event.source });
      if (event.parseError !== undefined) this.options.metrics.parseFailures.inc({ source: event.source });
    }
    this.storedTotal += events.length;
    const elapsed = now - this.lastRateSample.at;
    if (elapsed >= 1000) {
      const rate = ((this.storedTotal - this.lastRateSample.stored) * 1000) / elapsed;
      this.storedRate = this.storedRate === 0 ? rate : this.storedRate * 0.7 + rate * 0.3;
      this.lastRateSample = { at: now, stored: this.storedTotal };
    }
  }

  private release(count: number): void {
    this.pending -= count;
    this.options.metrics.pendingRecords.set(this.pending);
    if (!this.saturated && this.pending <= this.options.maxPendingRecords * 0.5) {
      for (const wake of this.capacityWaiters.splice(0)) wake();
    }
    if (this.pending === 0) for (const wake of this.drainWaiters.splice(0)) wake();
  }

  private retryAfterSeconds(): number {
    const rate = Math.max(this.storedRate, 1000);
    return Math.min(30, Math.max(1, Math.ceil(this.pending / rate)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
