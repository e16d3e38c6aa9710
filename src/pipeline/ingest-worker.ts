/**
 * Worker thread that owns the event store: it normalizes batches and appends them in the same
 * thread, so normalized events are never copied between threads (a structured clone of an event
 * costs more than normalizing it), and the store's synchronous work stays off the main thread, which
 * is left to network and journal I/O. Queries for the API are served here too.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InputLimits } from '../core/limits.ts';
import { openDuckDbEventStore } from '../store/duckdb/duckdb-event-store.ts';
import type { EventStore } from '../store/event-store.ts';
import { InlineIngestBackend } from './ingest-backend.ts';
import type { WorkerRequest, WorkerResponse } from './ingest-worker-protocol.ts';

const { storeDir, storeMemoryLimit, limits } = workerData as { storeDir: string; storeMemoryLimit?: string; limits: InputLimits };
const port = parentPort!;
const reply = (message: WorkerResponse) => port.postMessage(message);

let store: EventStore;
try {
  store = await openDuckDbEventStore({ dir: storeDir, memoryLimit: storeMemoryLimit });
} catch (err) {
  reply({ id: 0, ok: false, error: { name: (err as Error).name, message: (err as Error).message } });
  process.exit(1);
}
// Orders the appends itself, so a batch is parsed as soon as it arrives, while the previous commits.
const backend = new InlineIngestBackend(store, limits);

port.on('message', (request: WorkerRequest) => {
  const work = (): Promise<unknown> => {
    switch (request.op) {
      case 'ingest': return backend.ingest(request.batch);
      case 'query': return store.query(request.query);
      case 'stats': return store.stats();
      case 'lastSeq': return store.lastSeq();
      case 'retention': return store.enforceRetention(request.policy, request.now);
      case 'close': return backend.close().then(() => store.close());
      default: return Promise.reject(new Error(`unknown request ${JSON.stringify((request as { op?: unknown }).op)}`));
    }
  };
  work().then(
    (value) => reply({ id: request.id, ok: true, result: value }),
    (err: unknown) => reply({ id: request.id, ok: false, error: { name: (err as Error).name, message: (err as Error).message } }),
  );
});
reply({ id: 0, ok: true, result: 'ready' });
