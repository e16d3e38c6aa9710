/**
 * Worker threads for `vigil hunt`: each builds its own detection engine (engines are not shared
 * between threads) and takes batches of raw records; a batch goes to the worker with the fewest
 * batches in hand. Raw records cross threads as text (cheaper to clone than normalized events);
 * only detections come back.
 */
import { Worker } from 'node:worker_threads';
import type { RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import type { RuleSource, RuleState } from '../detect/detection.ts';
import type { HuntBatchResult } from './hunt-detector.ts';

export interface HuntWorkerInit {
  rules: RuleSource[];
  ignoreLogsource: boolean;
  limits: InputLimits;
  /** Whether this worker sends the engine's rule states back (one worker is enough). */
  reportStates: boolean;
}

export interface HuntWorkerRequest {
  id: number;
  records: RawRecord[];
  firstSeq: number;
}

export type HuntWorkerReply =
  | { kind: 'ready'; states: [string, RuleState][] }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; result: HuntBatchResult }
  | { kind: 'error'; id: number; message: string };

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (result: HuntBatchResult) => void; reject: (err: Error) => void }>;
}

/**
 * @example
 * const { pool, states } = await HuntPool.start(2, { rules, ignoreLogsource: false, limits, reportStates: true });
 * const result = await pool.run(batch.records, recordsSoFar);
 * await pool.close();
 */
export class HuntPool {
  readonly #slots: Slot[];
  #nextId = 1;
  #failure: Error | undefined;
  #closing = false;

  private constructor(slots: Slot[]) {
    this.#slots = slots;
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Starts `size` workers and waits until each has built its engine; rejects if one cannot. */
  static async start(size: number, init: Omit<HuntWorkerInit, 'reportStates'>): Promise<{ pool: HuntPool; states: Map<string, RuleState> }> {
    const slots: Slot[] = [];
    const ready: Promise<[string, RuleState][]>[] = [];
    const pool = new HuntPool(slots);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./hunt-worker.ts', import.meta.url), { workerData: { ...init, reportStates: i === 0 } satisfies HuntWorkerInit });
      const slot: Slot = { worker, pending: new Map() };
      slots.push(slot);
      ready.push(new Promise((resolve, reject) => pool.#listen(slot, resolve, reject)));
    }
    let states: [string, RuleState][];
    try {
      states = (await Promise.all(ready))[0] ?? [];
    } catch (err) {
      await pool.close();
      throw err;
    }
    return { pool, states: new Map(states) };
  }

  /** Detects over one batch on the least busy worker. */
  run(records: RawRecord[], firstSeq: number): Promise<HuntBatchResult> {
    if (this.#failure) return Promise.reject(this.#failure);
    let slot = this.#slots[0]!;
    for (const candidate of this.#slots) if (candidate.pending.size < slot.pending.size) slot = candidate;
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, records, firstSeq } satisfies HuntWorkerRequest);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  /** Handles a worker's messages for its whole life: first `ready` (or why not), then batch results. */
  #listen(slot: Slot, ready: (states: [string, RuleState][]) => void, notReady: (err: Error) => void): void {
    let started = false;
    slot.worker.on('message', (reply: HuntWorkerReply) => {
      if (reply.kind === 'ready') {
        started = true;
        ready(reply.states);
        return;
      }
      if (reply.kind === 'failed') {
        notReady(new Error(`a hunt worker could not build its engine: ${reply.message}`));
        return;
      }
      const waiter = slot.pending.get(reply.id);
      slot.pending.delete(reply.id);
      if (reply.kind === 'result') waiter?.resolve(reply.result);
      else waiter?.reject(new Error(`detection failed in a hunt worker: ${reply.message}`));
    });
    const fail = (err: Error) => {
      if (!started) notReady(err);
      if (this.#closing) return;
      this.#failure ??= err;
      for (const waiter of slot.pending.values()) waiter.reject(err);
      slot.pending.clear();
    };
    slot.worker.on('error', (err) => fail(new Error(`a hunt worker failed: ${err.message}`)));
    slot.worker.on('exit', (code) => fail(new Error(`a hunt worker stopped unexpectedly (exit code ${code})`)));
  }
}
