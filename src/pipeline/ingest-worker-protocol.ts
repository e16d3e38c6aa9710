import type { EventQuery, RetentionPolicy } from '../store/event-store.ts';
import type { IngestBatch } from './ingest-backend.ts';

/** Messages from the main thread to the ingest worker; `id` pairs each with its response. */
export type WorkerRequest =
  | { id: number; op: 'ingest'; batch: IngestBatch }
  | { id: number; op: 'query'; query: EventQuery }
  | { id: number; op: 'stats' }
  | { id: number; op: 'lastSeq' }
  | { id: number; op: 'retention'; policy: RetentionPolicy; now: number }
  | { id: number; op: 'close' };

/** Responses; id 0 is the worker's start-up report (ready, or why the store could not open). */
export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string } };
