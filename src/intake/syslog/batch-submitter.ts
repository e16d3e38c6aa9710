/**
 * Batches records for an {@link IntakeSink} and tells the transport when to stop reading.
 *
 * One batch is in flight at a time: the sink may reject a batch with BackpressureError, and a retried
 * batch must not be overtaken by a later one, or messages of a connection would be stored out of
 * order. Records keep arriving while a batch is being made durable and go out together next, so
 * batches grow with load (group commit) without a second request in flight.
 */
import { BackpressureError, type IntakeSink } from '../intake-sink.ts';
import type { RawRecord } from '../../core/event.ts';
import type { SyslogLog } from './syslog-stats.ts';

export interface BatchSubmitterOptions {
  /** Records per submit call. */
  maxBatchRecords: number;
  /** Approximate text bytes per submit call. */
  maxBatchBytes: number;
  /** How long a record may wait for companions before its batch is submitted anyway. */
  flushIntervalMs: number;
  /** Pending records (queued, not yet durable) above which the transport is told to pause. */
  maxPendingRecords: number;
  /** Pending text bytes above which the transport is told to pause: bounds memory. */
  maxPendingBytes: number;
  log: SyslogLog;
  /** Called when a submit failed with something other than backpressure (it is retried). */
  onSubmitError?: (error: unknown) => void;
}

export const DEFAULT_BATCH_OPTIONS = {
  maxBatchRecords: 1000,
  maxBatchBytes: 4 * 1024 * 1024,
  flushIntervalMs: 5,
  maxPendingRecords: 5000,
  maxPendingBytes: 32 * 1024 * 1024,
} as const;

interface Batch {
  records: RawRecord[];
  bytes: number;
}

const MIN_RETRY_MS = 10;
const MAX_RETRY_MS = 2000;

/** Accumulates records and submits them in order; see the module comment. */
export class BatchSubmitter {
  readonly #sink: IntakeSink;
  readonly #opts: BatchSubmitterOptions;
  #current: Batch = { records: [], bytes: 0 };
  readonly #queue: Batch[] = [];
  #pendingRecords = 0;
  #pendingBytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pumping = false;
  /** True while the sink refused us and we wait for capacity. */
  #blocked = false;
  /** Hysteresis: once over the high watermark, stay congested until under half of it. */
  #overWatermark = false;
  #watchingSink = false;
  #waiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  /** Records the sink accepted. */
  submitted = 0;
  /** Submit attempts refused or failed (each retried). */
  retries = 0;

  constructor(sink: IntakeSink, opts: BatchSubmitterOptions) {
    this.#sink = sink;
    this.#opts = opts;
  }

  /** Records accepted by {@link add} that the sink has not made durable yet. */
  get pendingRecords(): number {
    return this.#pendingRecords;
  }

  /** True while the transport should stop reading (TCP) or drop (UDP). */
  get congested(): boolean {
    return this.#blocked || this.#overWatermark || this.#sink.saturated;
  }

  /** Queues one record; `bytes` is its approximate size for the memory bound. */
  add(record: RawRecord, bytes: number): void {
    const batch = this.#current;
    batch.records.push(record);
    batch.bytes += bytes;
    this.#pendingRecords++;
    this.#pendingBytes += bytes;
    this.#updateWatermark();
    if (batch.records.length >= this.#opts.maxBatchRecords || batch.bytes >= this.#opts.maxBatchBytes) {
      this.#seal();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#seal();
      }, this.#opts.flushIntervalMs);
    }
  }

  /** Resolves once the transport may read again (immediately when not congested). */
  whenFlowing(): Promise<void> {
    if (!this.congested) return Promise.resolve();
    const promise = new Promise<void>((resolve) => this.#waiters.push(resolve));
    void this.#watchSink();
    return promise;
  }

  /**
   * Submits everything still buffered and resolves when all of it is durable, or when `timeoutMs`
   * passes; resolves to the number of records that were still not accepted then.
   */
  async drain(timeoutMs: number): Promise<number> {
    this.#seal();
    if (this.#pendingRecords === 0) return 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([idle, timeout]);
    clearTimeout(timer);
    const lost = this.#pendingRecords;
    if (lost > 0) this.#closed = true; // stop retrying: the caller reports these as lost
    return lost;
  }

  #seal(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#current.records.length === 0) return;
    this.#queue.push(this.#current);
    this.#current = { records: [], bytes: 0 };
    void this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    let delayMs = MIN_RETRY_MS;
    try {
      for (;;) {
        // Records that arrived while the last batch was in flight go out right away.
        if (this.#queue.length === 0 && this.#current.records.length > 0) {
          this.#queue.push(this.#current);
          this.#current = { records: [], bytes: 0 };
          if (this.#timer !== undefined) clearTimeout(this.#timer);
          this.#timer = undefined;
        }
        const batch = this.#queue[0];
        if (!batch || this.#closed) break;
        if (this.#sink.saturated) {
          this.#setBlocked(true);
          await this.#waitForCapacity(delayMs);
          delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
          continue;
        }
        try {
          await this.#sink.submit(batch.records);
        } catch (error) {
          this.retries++;
          this.#setBlocked(true);
          if (error instanceof BackpressureError) {
            await this.#waitForCapacity(delayMs);
          } else {
            // Storage failure: keep the batch and retry with backoff; TCP stays paused meanwhile.
            this.#opts.onSubmitError?.(error);
            this.#opts.log.error({ err: error, records: batch.records.length }, 'syslog: submitting records failed; retrying');
            await sleep(delayMs);
          }
          delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
          continue;
        }
        delayMs = MIN_RETRY_MS;
        this.#queue.shift();
        this.submitted += batch.records.length;
        this.#pendingRecords -= batch.records.length;
        this.#pendingBytes -= batch.bytes;
        this.#updateWatermark();
        this.#setBlocked(false);
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#pendingRecords === 0) {
      const idle = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Waits for the sink to have room, at least `minMs` so a sink that says "ready" too early cannot make us spin. */
  async #waitForCapacity(minMs: number): Promise<void> {
    // A failing wait must not end the pump (an unhandled rejection would take the process down).
    await Promise.all([this.#sink.waitForCapacity().catch(() => {}), sleep(minMs)]);
  }

  /** Wakes paused readers when congestion comes from the sink alone and no batch is pending. */
  async #watchSink(): Promise<void> {
    if (this.#watchingSink) return;
    this.#watchingSink = true;
    try {
      let delayMs = MIN_RETRY_MS;
      while (this.#sink.saturated && !this.#closed) {
        await this.#waitForCapacity(delayMs);
        delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
      }
    } finally {
      this.#watchingSink = false;
    }
    this.#notify();
  }

  #setBlocked(blocked: boolean): void {
    this.#blocked = blocked;
    this.#notify();
  }

  #updateWatermark(): void {
    const { maxPendingRecords, maxPendingBytes } = this.#opts;
    if (this.#pendingRecords >= maxPendingRecords || this.#pendingBytes >= maxPendingBytes) {
      this.#overWatermark = true;
    } else if (this.#pendingRecords <= maxPendingRecords / 2 && this.#pendingBytes <= maxPendingBytes / 2) {
      this.#overWatermark = false;
      this.#notify();
    }
  }

  #notify(): void {
    if (this.#waiters.length === 0) return;
    if (this.congested && !this.#closed) {
      // Still congested only because of the sink: someone must watch it, or readers stay paused.
      if (!this.#blocked && !this.#overWatermark) void this.#watchSink();
      return;
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
