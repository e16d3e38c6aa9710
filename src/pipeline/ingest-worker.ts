/**
 * Worker thread that owns the event store: it normalizes batches and appends them in the same
 * thread, so normalized events are never copied between threads (a structured clone of an event
 * costs more than normalizing it), and the store's synchronous work stays off the main thread, which
 * is left to network and journal I/O. Queries for the API are served here too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InputLimits } from '../core/limits.ts';
import type { RuleSource } from '../detect/detection.ts';
import { openDuckDbEventStore } from '../store/duckdb/duckdb-event-store.ts';
import type { EventStore, SearchBatch } from '../store/event-store.ts';
import { InlineIngestBackend } from './ingest-backend.ts';
import { toWorkerError, type WorkerRequest, type WorkerResponse } from './ingest-worker-protocol.ts';

const { storeDir, storeMemoryLimit, archiveDir, limits, rules } = workerData as {
  storeDir: string; storeMemoryLimit?: string; archiveDir?: string; limits: InputLimits; rules: RuleSource[];
};
const port = parentPort!;
const reply = (message: WorkerResponse) => port.postMessage(message);

let store: EventStore;
try {
  store = await openDuckDbEventStore({ dir: storeDir, memoryLimit: storeMemoryLimit, archiveDir });
} catch (err) {
  reply({ id: 0, ok: false, error: toWorkerError(err) });
  process.exit(1);
}
// Orders the appends itself, so a batch is parsed as soon as it arrives, while the previous commits.
const backend = new InlineIngestBackend(store, limits, rules);

/** An export the main thread pulls batch by batch; closed when not pulled for this long (its consumer is gone). */
const EXPORT_IDLE_MS = 5 * 60_000;
const exports = new Map<number, { batches: AsyncIterator<SearchBatch>; idle: NodeJS.Timeout }>();
let nextStream = 1;

function openExport(request: Parameters<EventStore['exportSearch']>[0]): number {
  const stream = nextStream++;
  const batches = store.exportSearch(request)[Symbol.asyncIterator]();
  exports.set(stream, { batches, idle: setTimeout(() => void closeExport(stream), EXPORT_IDLE_MS) });
  return stream;
}

async function nextBatch(stream: number): Promise<SearchBatch | null> {
  const entry = exports.get(stream);
  if (!entry) throw new Error(`no export stream ${stream} (it ended, or was idle too long)`);
  entry.idle.refresh();
  try {
    const next = await entry.batches.next();
    if (!next.done) return next.value;
  } catch (err) {
    exports.delete(stream);
    clearTimeout(entry.idle);
    throw err;
  }
  await closeExport(stream);
  return null;
}

async function closeExport(stream: number): Promise<void> {
  const entry = exports.get(stream);
  if (!entry) return;
  exports.delete(stream);
  clearTimeout(entry.idle);
  await entry.batches.return?.();
}

port.on('message', (request: WorkerRequest) => {
  const work = (): Promise<unknown> => {
    switch (request.op) {
      case 'ingest': return backend.ingest(request.batch);
      case 'rules': return Promise.resolve(backend.setRules(request.rules));
      case 'query': return store.query(request.query);
      case 'search': return store.search(request.request);
      case 'exportOpen': return Promise.resolve(openExport(request.request));
      case 'exportNext': return nextBatch(request.stream);
      case 'exportClose': return closeExport(request.stream);
      case 'stats': return store.stats();
      case 'lastSeq': return store.lastSeq();
      case 'retention': return store.enforceRetention(request.policy, request.now);
      case 'archive': return store.archive(request.policy, request.now, { dryRun: request.dryRun });
      case 'close': return Promise.all([...exports.keys()].map(closeExport)).then(() => backend.close()).then(() => store.close());
      default: return Promise.reject(new Error(`unknown request ${JSON.stringify((request as { op?: unknown }).op)}`));
    }
  };
  work().then(
    (value) => reply({ id: request.id, ok: true, result: value }),
    (err: unknown) => reply({ id: request.id, ok: false, error: toWorkerError(err) }),
  );
});
reply({ id: 0, ok: true, result: 'ready' });
