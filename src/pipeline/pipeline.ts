import type { RawRecord } from '../core/event.ts';
import type { Detection } from '../detect/detection.ts';
import { BackpressureError, type IntakeSink, type SubmitReceipt } from '../intake/intake-sink.ts';
import type { VigilMetrics } from '../ops/metrics.ts';
import type { EventStore } from '../store/event-store.ts';
import { OutOfOrderError, type IngestBackend, type IngestBatch, type IngestResult } from './ingest-backend.ts';
import { Journal, type RecoveryReport } from './journal.ts';
import type { SourceStatsTracker } from './source-stats.ts';

export interface PipelineOptions {
  journalDir: string;
  journalSegmentBytes: number;
  batchSize: number;
  maxPendingRecords: number;
  /** Journal bytes accepted but not yet stored before intake is refused (bounds memory for large records). */
  maxPendingBytes: number;
  /** Normalizes and stores batches (a worker thread in a running node). */
  backend: IngestBackend;
  /** The event store, asked for the highest sequence it holds when the pipeline starts. */
  store: EventStore;
  stats: SourceStatsTracker;
  metrics: VigilMetrics;
  /** Saves what the streaming Sigma rules found; without it, detections are dropped. */
  detections?: DetectionSink;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Where a stored batch's detections are saved, before the journal lets the batch go. The events are
 * stored first (another database): after a crash between the two, the batches after
 * {@link savedSeq} are replayed from the journal, the store skips their events and detection runs again.
 */
export interface DetectionSink {
  /** The last event seq whose batch's detections are saved, if known. */
  savedSeq(): number | undefined;
  /** Saves a batch's detections and records `lastSeq` as saved; throws when they could not be saved. */
  save(detections: readonly Detection[], lastSeq: number, detectionStartedAt: number): void;
}

interface Pending {
  firstSeq: number;
  records: RawRecord[];
  /** Journal bytes of these records, for the memory bound. */
  bytes: number;
}

/** Store writes that fail (disk full) are retried with this backoff; the records wait in the journal. */
const STORE_RETRY_MS = [100, 500, 1000, 2000, 5000];
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * The ingest pipeline: journal → normalize + store (on the ingest worker), in sequence order.
 *
 * Intake calls {@link submit}; the records are journaled (durable) before it resolves, then handed
 * in batches to the ingest backend, which normalizes and stores them in order. Memory is bounded by
 * `maxPendingRecords`: past it, submit refuses with {@link BackpressureError} and `saturated` tells
 * stream listeners to pause.
 */
export class Pipeline implements IntakeSink {
  private readonly options: PipelineOptions;
  private readonly journal: Journal;
  private queue: Pending[] = [];
  private pending = 0;
  private pendingBytes = 0;
  /** Batches handed to the backend and not yet stored, oldest first. */
  private inFlight: { batch: IngestBatch & { bytes: number }; result: Promise<IngestResult> }[] = [];
  private consuming = false;
  /** Last sequence number handed to the backend: the next batch's `after`. */
  private lastTakenSeq: number;
  private storedSeq: number;
  private capacityWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  private storeHealthy = true;
  /** Events stored per second, smoothed, for Retry-After estimates and status. */
  private storedRate = 0;
  private lastRateSample = { at: Date.now(), stored: 0 };
  private storedTotal = 0;
  private journalErrorLoggedAt = 0;
  /** Set when close() gave up waiting for the store: no more retries, the journal replays the rest. */
  private abandoned = false;

  private constructor(options: PipelineOptions, journal: Journal, storedSeq: number) {
    this.options = options;
    this.journal = journal;
    this.storedSeq = storedSeq;
    this.lastTakenSeq = storedSeq;
  }

  /** Opens the journal, replays what the store does not have yet, and starts processing. */
  static async start(options: PipelineOptions): Promise<{ pipeline: Pipeline; recovery: RecoveryReport }> {
    const storedSeq = await options.store.lastSeq();
    const saved = options.detections?.savedSeq();
    // The first start with detection owes no detections for what was stored before.
    if (saved === undefined) options.detections?.save([], storedSeq, Date.now());
    const replayFrom = Math.min(storedSeq, saved ?? storedSeq);
    const { journal, recovery } = await Journal.open({ dir: options.journalDir, segmentBytes: options.journalSegmentBytes }, storedSeq, replayFrom);
    const pipeline = new Pipeline(options, journal, replayFrom);
    for (const entry of recovery.entries) pipeline.enqueue(entry.firstSeq, entry.records, entry.bytes, true);
    if (recovery.entries.length > 0 || recovery.truncatedBytes > 0 || recovery.corruptSegments.length > 0) {
      options.log.warn({
        replayedRecords: pipeline.pending, truncatedBytes: recovery.truncatedBytes, corruptSegments: recovery.corruptSegments,
      }, 'journal recovered after an unclean stop');
    }
    return { pipeline, recovery };
  }

  get saturated(): boolean {
    return this.fill() >= 0.75 || !this.storeHealthy;
  }

  /** How full the pending queue is: the larger of its record and byte fractions. */
  private fill(): number {
    return Math.max(this.pending / this.options.maxPendingRecords, this.pendingBytes / this.options.maxPendingBytes);
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
    if (this.pending + records.length > this.options.maxPendingRecords || this.pendingBytes >= this.options.maxPendingBytes) {
      throw new BackpressureError(this.retryAfterSeconds());
    }
    this.pending += records.length;
    this.options.metrics.pendingRecords.set(this.pending);
    const started = performance.now();
    let firstSeq: number;
    let bytes = 0;
    try {
      firstSeq = await this.journal.append(records, (encoded) => {
        bytes = encoded;
        this.pendingBytes += encoded;
      });
    } catch (err) {
      this.release(records.length, bytes);
      // Disk full or failing: the sender should retry later, like for a full queue, not see a server error.
      if (Date.now() - this.journalErrorLoggedAt > 60_000) {
        this.journalErrorLoggedAt = Date.now();
        this.options.log.error({ err }, 'journal write failed; intake refused until the disk accepts writes');
      }
      throw new BackpressureError(10, (err as Error).message);
    }
    this.options.metrics.journalWriteSeconds.observe((performance.now() - started) / 1000);
    this.countIntake(records);
    this.enqueue(firstSeq, records, bytes, false);
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

  /** Refuses new records, stores everything accepted, then closes the journal (the backend is the caller's). */
  async close(drainTimeoutMs = 30_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), drainTimeoutMs)));
    if (await Promise.race([this.drain().then(() => false), timedOut])) {
      // Safe to stop: what is not stored yet is in the journal and is replayed at the next start.
      this.abandoned = true;
      this.options.log.warn({ pendingRecords: this.pending }, 'stopping before the store caught up; the journal keeps the rest for the next start');
    }
    clearTimeout(timer);
    await this.journal.close();
    for (const wake of this.capacityWaiters.splice(0)) wake();
  }

  private enqueue(firstSeq: number, records: RawRecord[], bytes: number, reserve: boolean): void {
    if (reserve) {
      this.pending += records.length;
      this.pendingBytes += bytes;
      this.options.metrics.pendingRecords.set(this.pending);
    }
    this.queue.push({ firstSeq, records, bytes });
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

  /**
   * Hands batches to the backend, two at a time, so it parses the next while the store commits the
   * current one. Results are taken in order; a batch is never stored before the one it follows
   * (`after`), so a failed write is retried before anything later lands.
   */
  private pump(): void {
    while (this.inFlight.length < MAX_BATCHES_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.takeBatch();
      const result = this.options.backend.ingest(batch);
      result.catch(() => {}); // observed in order by consume()
      this.inFlight.push({ batch, result });
    }
    if (!this.consuming && this.inFlight.length > 0) void this.consume();
  }

  private async consume(): Promise<void> {
    this.consuming = true;
    while (this.inFlight.length > 0 && !this.abandoned) {
      const head = this.inFlight[0]!;
      if (!(await this.store(head.batch, head.result))) break;
      this.inFlight.shift();
      this.pump();
    }
    this.consuming = false;
  }

  /** Takes up to batchSize records from the queue head, keeping each record's sequence number. */
  private takeBatch(): IngestBatch & { bytes: number } {
    const seqs: number[] = [];
    const records: RawRecord[] = [];
    let bytes = 0;
    // Large records (Windows events of several KB) make batches by count heavy in memory: cap bytes too.
    const maxBytes = this.options.maxPendingBytes / 8;
    while (records.length < this.options.batchSize && bytes < maxBytes && this.queue.length > 0) {
      const head = this.queue[0]!;
      const perRecord = head.bytes / head.records.length;
      const byBytes = Math.max(1, Math.floor((maxBytes - bytes) / Math.max(perRecord, 1)));
      const room = Math.min(this.options.batchSize - records.length, byBytes);
      const taken = head.records.length <= room ? head.records : head.records.slice(0, room);
      for (let i = 0; i < taken.length; i++) {
        seqs.push(head.firstSeq + i);
        records.push(taken[i]!);
      }
      if (taken.length === head.records.length) {
        bytes += head.bytes;
        this.queue.shift();
      } else {
        const share = Math.floor((head.bytes * taken.length) / head.records.length);
        bytes += share;
        this.queue[0] = { firstSeq: head.firstSeq + taken.length, records: head.records.slice(room), bytes: head.bytes - share };
      }
    }
    const after = this.lastTakenSeq;
    this.lastTakenSeq = seqs.at(-1)!;
    return { seqs, records, bytes, after };
  }

  /** Waits for the batch to be stored, retrying failed writes (disk full) with backoff until they succeed. */
  /** Returns false when the pipeline was abandoned while retrying (the batch stays in the journal). */
  private async store(batch: IngestBatch & { bytes: number }, first: Promise<IngestResult>): Promise<boolean> {
    let result: IngestResult;
    let attempt = first;
    for (let failures = 0; ; failures++) {
      if (this.abandoned) return false;
      const started = performance.now();
      try {
        result = await attempt;
        this.options.metrics.storeWriteSeconds.observe((performance.now() - started) / 1000);
        if (!this.storeHealthy) this.options.log.info({}, 'event store writes recovered');
        this.storeHealthy = true;
        break;
      } catch (err) {
        // Overtaken by a failed earlier batch that has now been stored: send again at once.
        if (err instanceof Error && err.name === OutOfOrderError.name) {
          attempt = this.options.backend.ingest(batch);
          continue;
        }
        this.options.metrics.storeWriteErrors.inc();
        if (this.storeHealthy) this.options.log.error({ err }, 'event store write failed; retrying, records stay in the journal');
        this.storeHealthy = false;
        await sleep(STORE_RETRY_MS[Math.min(failures, STORE_RETRY_MS.length - 1)]!);
        if (this.abandoned) return false;
        attempt = this.options.backend.ingest(batch);
      }
    }
    this.storedSeq = batch.seqs.at(-1)!;
    this.observeStored(result);
    this.saveDetections(result);
    this.journal.release(this.storedSeq);
    this.release(batch.records.length, batch.bytes);
    return true;
  }

  private observeStored(result: IngestResult): void {
    const now = Date.now();
    this.options.stats.record(result, now);
    let stored = 0;
    for (const summary of result.sources) {
      stored += summary.events;
      this.options.metrics.storedEvents.inc({ source: summary.source }, summary.events);
      if (summary.parseErrors > 0) this.options.metrics.parseFailures.inc({ source: summary.source }, summary.parseErrors);
    }
    this.storedTotal += stored;
    const elapsed = now - this.lastRateSample.at;
    if (elapsed >= 1000) {
      const rate = ((this.storedTotal - this.lastRateSample.stored) * 1000) / elapsed;
      this.storedRate = this.storedRate === 0 ? rate : this.storedRate * 0.7 + rate * 0.3;
      this.lastRateSample = { at: now, stored: this.storedTotal };
    }
  }

  private saveDetections(result: IngestResult): void {
    const sink = this.options.detections;
    if (!sink) return;
    try {
      sink.save(result.detections, this.storedSeq, result.detectionStartedAt);
    } catch (err) {
      // The events are stored; holding ingest back for the state database would not bring these back.
      this.options.metrics.detectionPersistErrors.inc();
      this.options.log.error({ err, detections: result.detections.length, lastSeq: this.storedSeq }, 'could not save detections');
    }
  }

  private release(count: number, bytes: number): void {
    this.pending -= count;
    this.pendingBytes -= bytes;
    this.options.metrics.pendingRecords.set(this.pending);
    if (!this.saturated && this.fill() <= 0.5) {
      for (const wake of this.capacityWaiters.splice(0)) wake();
    }
    if (this.pending === 0) for (const wake of this.drainWaiters.splice(0)) wake();
  }

  /**
   * Seconds until intake reopens: the time to drain the queue to half full at the current store rate.
   * Short on purpose: a long wait leaves the store idle once it has caught up.
   */
  private retryAfterSeconds(): number {
    const rate = Math.max(this.storedRate, 1000);
    const fill = this.fill();
    const toDrain = fill > 0.5 ? this.pending * (1 - 0.5 / fill) : 0;
    return Math.min(10, Math.max(1, Math.ceil(toDrain / rate)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
