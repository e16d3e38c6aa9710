import { Worker } from 'node:worker_threads';
import type { NormalizedEvent, RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';

interface Task {
  id: number;
  records: RawRecord[];
  resolve: (events: NormalizedEvent[]) => void;
}

interface PoolWorker {
  worker: Worker;
  tasks: Map<number, Task>;
}

/**
 * Fixed-size pool of normalize workers. Batches go to the least-loaded worker. A worker that dies
 * (a parser bug, memory exhaustion) is replaced; its unfinished batches are normalized once more on
 * the main thread record by record, so a crash costs time, never events.
 */
export class NormalizeWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private closing = false;
  private readonly limits: InputLimits;
  private readonly onWorkerError: (err: Error) => void;

  constructor(size: number, limits: InputLimits, onWorkerError: (err: Error) => void) {
    this.limits = limits;
    this.onWorkerError = onWorkerError;
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  normalize(records: RawRecord[]): Promise<NormalizedEvent[]> {
    const target = this.workers.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
    return new Promise((resolve) => {
      const task: Task = { id: this.nextId++, records, resolve };
      target.tasks.set(task.id, task);
      target.worker.postMessage({ id: task.id, records });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private spawn(): PoolWorker {
    const worker = new Worker(new URL('./normalize-worker.ts', import.meta.url), { workerData: { limits: this.limits } });
    const entry: PoolWorker = { worker, tasks: new Map() };
    worker.on('message', (message: { id: number; events: NormalizedEvent[] }) => {
      const task = entry.tasks.get(message.id);
      if (!task) return;
      entry.tasks.delete(message.id);
      task.resolve(message.events);
    });
    let failed = false;
    const fail = (err: Error) => {
      if (this.closing || failed) return;
      failed = true;
      this.onWorkerError(err);
      const orphaned = [...entry.tasks.values()];
      entry.tasks.clear();
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers[index] = this.spawn();
      for (const task of orphaned) task.resolve(task.records.map((r) => normalizeSafely(r, this.limits)));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`normalize worker exited with code ${code}`));
    });
    return entry;
  }
}

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
