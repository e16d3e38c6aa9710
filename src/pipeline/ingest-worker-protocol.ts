import type { ArchivePolicy, EventQuery, RetentionPolicy, SearchExportRequest, SearchRequest } from '../store/event-store.ts';
import { QuerySyntaxError } from '../search/query-error.ts';
import { StoreQueryError, StoreWriteError, type StoreFailure } from '../store/store-errors.ts';
import type { RuleSource } from '../detect/detection.ts';
import type { IngestBatch } from './ingest-backend.ts';

/** Messages from the main thread to the ingest worker; `id` pairs each with its response. */
export type WorkerRequest =
  | { id: number; op: 'ingest'; batch: IngestBatch }
  /** Replaces the streaming Sigma rules; batches sent after it are detected with them. */
  | { id: number; op: 'rules'; rules: RuleSource[] }
  | { id: number; op: 'query'; query: EventQuery }
  | { id: number; op: 'search'; request: SearchRequest }
  /** Starts an export; answers the stream's number. Batches are pulled one at a time (backpressure). */
  | { id: number; op: 'exportOpen'; request: SearchExportRequest }
  /** Answers the stream's next SearchBatch, or null at its end (the stream is then closed). */
  | { id: number; op: 'exportNext'; stream: number }
  | { id: number; op: 'exportClose'; stream: number }
  | { id: number; op: 'stats' }
  | { id: number; op: 'lastSeq' }
  | { id: number; op: 'retention'; policy: RetentionPolicy; now: number }
  | { id: number; op: 'archive'; policy: ArchivePolicy; now: number; dryRun: boolean }
  | { id: number; op: 'close' };

/** Responses; id 0 is the worker's start-up report (ready, or why the store could not open). */
export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WorkerError };

/** An error crossing the thread boundary: enough to rebuild the typed store and query errors. */
export interface WorkerError {
  name: string;
  message: string;
  /** StoreQueryError / StoreWriteError: what went wrong. */
  failure?: string;
  /** QuerySyntaxError: where in the query. */
  position?: { start: number; end: number };
}

/** What the worker sends for a failure. */
export function toWorkerError(err: unknown): WorkerError {
  const e = err instanceof Error ? err : new Error(String(err));
  const out: WorkerError = { name: e.name, message: e.message };
  if (e instanceof StoreQueryError || e instanceof StoreWriteError) out.failure = e.failure;
  if (e instanceof QuerySyntaxError) out.position = { start: e.position.start, end: e.position.end };
  return out;
}

/** The main thread's copy of a worker failure, typed again so callers can tell a timeout or a syntax error. */
export function fromWorkerError(error: WorkerError): Error {
  if (error.name === 'QuerySyntaxError' && error.position) return new QuerySyntaxError(error.message, error.position);
  if (error.name === 'StoreQueryError' && error.failure) return new StoreQueryError(error.message, error.failure as StoreFailure);
  if (error.name === 'StoreWriteError' && error.failure) return new StoreWriteError(error.message, error.failure as StoreFailure);
  return Object.assign(new Error(error.message), { name: error.name });
}
