/**
 * The main thread's side of streaming detection: it keeps the ingest worker's rules in step with
 * the rule store (polling its version), and saves the detections each stored batch brings back, with
 * the last event seq they cover (the journal replays from there after a crash), counting them in
 * /metrics.
 */
import type { Detection, RuleSource } from '../detect/detection.ts';
import type { VigilMetrics } from '../ops/metrics.ts';
import type { StateStore } from '../store/state-store.ts';
import type { DetectionSink } from './pipeline.ts';

/** State setting: the last event seq whose batch's detections are saved. */
const SAVED_SEQ_SETTING = 'detections.savedSeq';
const RULES_POLL_MS = 2_000;

export class StreamingDetections implements DetectionSink {
  readonly #state: StateStore;
  readonly #metrics: VigilMetrics;
  #rulesVersion: number;
  #poll: NodeJS.Timeout | undefined;

  constructor(state: StateStore, metrics: VigilMetrics) {
    this.#state = state;
    this.#metrics = metrics;
    this.#rulesVersion = state.rules.version();
  }

  /** The rules the engine runs: every enabled rule of the store (the engine reports the others' states). */
  enabledRules(): RuleSource[] {
    return this.#state.rules.list().filter((rule) => rule.enabled).map(({ id, yaml, enabled }) => ({ id, yaml, enabled }));
  }

  /**
   * Calls `apply` with the enabled rules whenever the rule store's version moves (checked every
   * few seconds; cheap: one indexed read).
   */
  watchRules(apply: (rules: RuleSource[]) => void, onError: (err: unknown) => void): void {
    this.#poll = setInterval(() => {
      try {
        const version = this.#state.rules.version();
        if (version === this.#rulesVersion) return;
        this.#rulesVersion = version;
        apply(this.enabledRules());
      } catch (err) {
        onError(err);
      }
    }, RULES_POLL_MS);
    this.#poll.unref();
  }

  stop(): void {
    clearInterval(this.#poll);
  }

  savedSeq(): number | undefined {
    const saved = this.#state.getSetting(SAVED_SEQ_SETTING);
    return saved === undefined ? undefined : Number(saved);
  }

  save(detections: readonly Detection[], lastSeq: number, detectionStartedAt: number): void {
    if (detections.length > 0) {
      this.#state.detections.add(detections);
      const savedAt = Date.now();
      for (const detection of detections) {
        this.#metrics.detections.inc({ level: detection.level });
        this.#metrics.detectionLatencySeconds.observe(Math.max(0, savedAt - detectionStartedAt) / 1000);
      }
    }
    this.#state.setSetting(SAVED_SEQ_SETTING, String(lastSeq));
  }
}
