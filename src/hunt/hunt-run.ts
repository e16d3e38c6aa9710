/**
 * The scan of `vigil hunt`: reads the paths batch by batch (files, folders, archives, EVTX through
 * `readPaths`), detects on the main thread or a pool of workers, and hands every detection to the
 * caller as batches finish. Reading waits while enough batches are in the workers' hands, so memory
 * stays bounded however large the input.
 */
import type { RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import type { RuleSource, RuleState } from '../detect/detection.ts';
import { DetectionEngine } from '../detect/detection-engine.ts';
import { readPaths, type FileBatch, type FileReadIssue } from '../intake/file/file-reader.ts';
import { HuntDetector, type HuntBatchResult, type SequencedDetection } from './hunt-detector.ts';
import { HuntPool } from './hunt-pool.ts';

/** Batches in a worker's hands at most: one being detected on, one waiting. */
const BATCHES_PER_WORKER = 2;

export interface HuntScanOptions {
  paths: readonly string[];
  /** Parser for every record, or `auto`. */
  sourceType: string;
  limits: InputLimits;
  /** 1: detect on the main thread; more: that many worker threads. */
  threads: number;
}

export interface HuntScanTotals {
  events: number;
  unparsed: number;
  detections: number;
  files: number;
  errors: number;
  rejected: number;
  warnings: number;
}

/** What the caller hears while the scan runs. */
export interface HuntScanListener {
  detection(found: SequencedDetection): Promise<void> | void;
  issue(issue: FileReadIssue): void;
  progress(batch: FileBatch, totals: HuntScanTotals): void;
}

/** Detection on one thread or several, behind one interface. */
export interface HuntDetectors {
  readonly threads: number;
  /** The engine's verdict on every rule it was given. */
  readonly states: ReadonlyMap<string, RuleState>;
  run(records: RawRecord[], firstSeq: number): Promise<HuntBatchResult>;
  close(): Promise<void>;
}

/**
 * Builds the engine: on this thread for `threads` 1, else in each of `threads` workers (in parallel).
 *
 * @example
 * const detectors = await startDetectors(set.sources, { ignoreLogsource: false, limits, threads: 2 });
 */
export async function startDetectors(rules: RuleSource[], options: { ignoreLogsource: boolean; limits: InputLimits; threads: number }): Promise<HuntDetectors> {
  if (options.threads <= 1) {
    const engine = DetectionEngine.build(rules, { ignoreLogsource: options.ignoreLogsource });
    const detector = new HuntDetector(engine, options.limits);
    return { threads: 1, states: engine.states, run: async (records, firstSeq) => detector.run(records, firstSeq, Date.now()), close: async () => {} };
  }
  const { pool, states } = await HuntPool.start(options.threads, { rules, ignoreLogsource: options.ignoreLogsource, limits: options.limits });
  return { threads: pool.size, states, run: (records, firstSeq) => pool.run(records, firstSeq), close: () => pool.close() };
}

/**
 * Reads and detects over every path; resolves with the totals once every batch is done.
 *
 * @example
 * const totals = await scan(detectors, { paths, sourceType: 'auto', limits, threads: 2 }, listener);
 */
export async function scan(detectors: HuntDetectors, options: Omit<HuntScanOptions, 'threads'>, listener: HuntScanListener): Promise<HuntScanTotals> {
  const totals: HuntScanTotals = { events: 0, unparsed: 0, detections: 0, files: 0, errors: 0, rejected: 0, warnings: 0 };
  const inFlight: Promise<HuntBatchResult>[] = [];
  const settle = async (result: HuntBatchResult) => {
    totals.events += result.events;
    totals.unparsed += result.unparsed;
    totals.detections += result.detections.length;
    for (const found of result.detections) await listener.detection(found);
  };
  let seq = 0;
  const batches = readPaths(options.paths, { sourceName: 'hunt', sourceType: options.sourceType, maxRecordBytes: options.limits.maxRecordBytes });
  for await (const batch of batches) {
    for (const issue of batch.issues) listener.issue(issue);
    if (batch.records.length > 0) {
      const pending = detectors.run(batch.records, seq);
      // Awaited below in order; a later batch failing first must not count as unhandled meanwhile.
      pending.catch(() => {});
      inFlight.push(pending);
      seq += batch.records.length;
    }
    // Results are taken in the order batches went out: detections are sorted at the end anyway.
    while (inFlight.length >= detectors.threads * BATCHES_PER_WORKER || (detectors.threads === 1 && inFlight.length > 0)) {
      await settle(await inFlight.shift()!);
    }
    Object.assign(totals, { files: batch.progress.files, errors: batch.counts.errors, rejected: batch.counts.rejected, warnings: batch.counts.warnings });
    listener.progress(batch, totals);
  }
  while (inFlight.length > 0) await settle(await inFlight.shift()!);
  return totals;
}
