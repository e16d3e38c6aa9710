/**
 * One thread's share of `vigil hunt`: raw records from files to detections. Each record is
 * normalized as intake would, then offered to the detection engine; every detection carries where
 * its event came from and a sequence number for a stable time order. Used on the main thread for
 * small inputs and inside each hunt worker otherwise.
 */
import type { RawRecord } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import type { NormalizedEvent } from '../core/event.ts';
import type { Detection, RuleState } from '../detect/detection.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';

/** The part of the detection engine a hunt uses (DetectionEngine in src/detect/detection-engine.ts). */
export interface HuntEngine {
  readonly states: ReadonlyMap<string, RuleState>;
  detect(event: NormalizedEvent, seq?: number, now?: number): Detection[];
}

/** A detection over a file: where its event came from. */
export interface HuntDetection extends Detection {
  /** File of the event; `archive.zip!member` for a member of an archive. */
  file?: string;
  /** Line of a text file, or record id of an EVTX event. */
  record?: string;
}

/** A detection with the number of its event among every record read, for a stable order among equal times. */
export interface SequencedDetection {
  seq: number;
  detection: HuntDetection;
}

/** What one batch of records gave. */
export interface HuntBatchResult {
  events: number;
  /** Events no parser understood (detected on as raw text). */
  unparsed: number;
  detections: SequencedDetection[];
}

/**
 * Detects over batches of raw records with one engine.
 *
 * @example
 * const detector = new HuntDetector(DetectionEngine.build(rules), DEFAULT_INPUT_LIMITS);
 * const { detections } = detector.run(batch.records, recordsSoFar, Date.now());
 */
export class HuntDetector {
  readonly #engine: HuntEngine;
  readonly #limits: InputLimits;

  constructor(engine: HuntEngine, limits: InputLimits) {
    this.#engine = engine;
    this.#limits = limits;
  }

  /** `firstSeq` numbers the batch's first record; the others follow it. */
  run(records: readonly RawRecord[], firstSeq: number, now: number): HuntBatchResult {
    const detections: SequencedDetection[] = [];
    let unparsed = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const event = normalizeRecord(record, this.#limits);
      if (event.parseError !== undefined && event.sourceType === 'raw') unparsed++;
      const found = this.#engine.detect(event, undefined, now);
      for (const detection of found) {
        const file = record.meta?.file;
        const at = record.meta?.record ?? record.meta?.line;
        detections.push({ seq: firstSeq + i, detection: { ...detection, ...(file === undefined ? {} : { file }), ...(at === undefined ? {} : { record: at }) } });
      }
    }
    return { events: records.length, unparsed, detections };
  }
}
