/**
 * A hunt worker thread: builds its own detection engine from the rules it is given, then turns
 * batches of raw records into detections (see hunt-pool.ts). Normalizing and matching are the CPU
 * work of a hunt; reading and decompressing files stay on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DetectionEngine } from '../detect/detection-engine.ts';
import { HuntDetector } from './hunt-detector.ts';
import type { HuntWorkerInit, HuntWorkerReply, HuntWorkerRequest } from './hunt-pool.ts';

const init = workerData as HuntWorkerInit;
const port = parentPort!;
const reply = (message: HuntWorkerReply) => port.postMessage(message);

let detector: HuntDetector;
try {
  const engine = DetectionEngine.build(init.rules, { ignoreLogsource: init.ignoreLogsource });
  detector = new HuntDetector(engine, init.limits);
  reply({ kind: 'ready', states: init.reportStates ? [...engine.states] : [] });
} catch (err) {
  reply({ kind: 'failed', message: (err as Error).message });
  process.exit(1);
}

port.on('message', (request: HuntWorkerRequest) => {
  try {
    reply({ kind: 'result', id: request.id, result: detector.run(request.records, request.firstSeq, Date.now()) });
  } catch (err) {
    reply({ kind: 'error', id: request.id, message: (err as Error).stack ?? String(err) });
  }
});
