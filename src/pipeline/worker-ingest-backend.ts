import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InputLimits } from '../core/limits.ts';
import type { RuleSource } from '../detect/detection.ts';
import type {
  ArchivePolicy, ArchiveReport, EventQuery, EventStore, EventStoreStats, RetentionPolicy, SearchBatch, SearchExportRequest, SearchRequest,
  SearchResult, StoredEvent,
} from '../store/event-store.ts';
import type { IngestBackend, IngestBatch, IngestResult } from './ingest-backend.ts';
import { fromWorkerError, type WorkerRequest, type WorkerResponse } from './ingest-worker-protocol.ts';

/**
 * Store folders open in this process. DuckDB's file lock is per process, so two workers of one process
 * could open the same database and corrupt it; this refuses the second one.
 */
const openDirs = new Set<string>();

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };
/** Omit applied to each member of a union (plain Omit would merge the members). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type RequestBody = DistributiveOmit<WorkerRequest, 'id'>;

export interface WorkerIngestOptions {
  storeDir: string;
  /** DuckDB buffer memory, e.g. "512MB" (the store's default when absent). */
  storeMemoryLimit?: string;
  /** Folder of the event archive (the store's default when absent). */
  archiveDir?: string;
  limits: InputLimits;
  /** Sigma rules run on every batch from the start (see {@link WorkerIngestBackend.setRules}). */
  rules?: readonly RuleSource[];
  onWorkerError: (err: Error) => void;
}

/**
 * The ingest backend of a running node: one worker thread owns the event store (see
 * ingest-worker.ts). {@link store} is an EventStore for the rest of the process (API queries,
 * retention) that forwards to the worker. A worker that dies is restarted and reopens the store;
 * requests in flight fail, and the pipeline retries its batch (appends are idempotent by seq).
 */
export class WorkerIngestBackend implements IngestBackend {
  readonly store: EventStore;
  private readonly options: WorkerIngestOptions;
  private worker!: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  /** The latest rules: a restarted worker starts with them. */
  private rules: readonly RuleSource[];

  private constructor(options: WorkerIngestOptions) {
    this.options = options;
    this.rules = options.rules ?? [];
    const call = <T>(body: RequestBody) => this.call<T>(body);
    this.store = {
      capabilities: { local: true, archive: true },
      append: () => Promise.reject(new Error('append goes through the ingest pipeline')),
      lastSeq: () => call<number>({ op: 'lastSeq' }),
      query: (query: EventQuery) => call<StoredEvent[]>({ op: 'query', query }),
      search: (request: SearchRequest) => call<SearchResult>({ op: 'search', request }),
      exportSearch: (request: SearchExportRequest) => this.exportSearch(request),
      stats: () => call<EventStoreStats>({ op: 'stats' }),
      enforceRetention: (policy: RetentionPolicy, now: number) => call<number>({ op: 'retention', policy, now }),
      archive: (policy: ArchivePolicy, now: number, options?: { dryRun?: boolean }) =>
        call<ArchiveReport>({ op: 'archive', policy, now, dryRun: options?.dryRun === true }),
      close: () => this.close(),
    };
  }

  /** Starts the worker and waits until it opened the store (rejects with the store's reason if it cannot). */
  static async start(options: WorkerIngestOptions): Promise<WorkerIngestBackend> {
    const dir = resolve(options.storeDir);
    if (openDirs.has(dir)) throw new Error(`the event store in ${dir} is already open in this process`);
    openDirs.add(dir);
    const backend = new WorkerIngestBackend(options);
    try {
      await backend.spawn();
    } catch (err) {
      openDirs.delete(dir);
      throw err;
    }
    return backend;
  }

  ingest(batch: IngestBatch): Promise<IngestResult> {
    return this.call<IngestResult>({ op: 'ingest', batch });
  }

  /** The worker builds its engine from them before the next batch (messages are handled in order). */
  setRules(rules: readonly RuleSource[]): void {
    this.rules = rules;
    // A worker that died meanwhile restarts with these rules; nothing to wait for here.
    this.call({ op: 'rules', rules: [...rules] }).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    await this.call({ op: 'close' });
    this.closing = true;
    await this.worker.terminate();
    openDirs.delete(resolve(this.options.storeDir));
  }

  /** Pulls an export from the worker one batch at a time; leaving the loop early closes it there. */
  private async *exportSearch(request: SearchExportRequest): AsyncGenerator<SearchBatch> {
    const stream = await this.call<number>({ op: 'exportOpen', request });
    let ended = false;
    try {
      for (;;) {
        const batch = await this.call<SearchBatch | null>({ op: 'exportNext', stream });
        if (batch === null) {
          ended = true;
          return;
        }
        yield batch;
      }
    } catch (err) {
      // The worker drops a stream that failed.
      ended = true;
      throw err;
    } finally {
      if (!ended) await this.call({ op: 'exportClose', stream }).catch(() => undefined);
    }
  }

  private call<T>(body: RequestBody): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the event store is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, ...body } as WorkerRequest);
    });
  }

  private spawn(): Promise<void> {
    const worker = new Worker(new URL('./ingest-worker.ts', import.meta.url), {
      workerData: {
        storeDir: this.options.storeDir, storeMemoryLimit: this.options.storeMemoryLimit, archiveDir: this.options.archiveDir, limits: this.options.limits,
        rules: this.rules,
      },
    });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: WorkerResponse) => {
        if (message.id === 0) {
          if (message.ok) {
            started = true;
            resolve();
          } else reject(fromWorkerError(message.error));
          return;
        }
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (message.ok) waiting.resolve(message.result);
        else waiting.reject(fromWorkerError(message.error));
      });
      let failed = false;
      const fail = (err: Error) => {
        if (failed || this.closing) return;
        failed = true;
        if (!started) return reject(err);
        this.options.onWorkerError(err);
        for (const waiting of this.pending.values()) waiting.reject(new Error(`ingest worker died: ${err.message}`));
        this.pending.clear();
        this.spawn().catch((spawnErr: unknown) => this.options.onWorkerError(spawnErr as Error));
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`ingest worker exited with code ${code}`)));
    });
  }
}
