/**
 * Worker thread entry: normalizes batches of raw records off the main thread, which keeps the main
 * thread free for network and storage I/O.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';

const limits = (workerData as { limits: InputLimits }).limits;

parentPort!.on('message', (message: { id: number; records: RawRecord[] }) => {
  const events = message.records.map((record) => normalizeRecord(record, limits));
  parentPort!.postMessage({ id: message.id, events });
});
