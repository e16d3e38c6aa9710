import type { ParseErrorSample, SourceStats, StateStore } from '../store/state-store.ts';
import type { IngestResult } from './ingest-backend.ts';

const MINUTE = 60_000;
const MINUTES_KEPT = 60;
const SAMPLES_KEPT_PER_SOURCE = 20;

interface LiveStats extends SourceStats {
  /** Events per second over the last 60 seconds, as a ring indexed by epoch second. */
  perSecond: number[];
  secondEnd: number;
}

/** What the Sources page and metrics show for one source, derived from the counters. */
export interface SourceStatsView extends SourceStats {
  eventsPerSecond: number;
}

/**
 * Per-source counters (events, parse errors, last event, per-minute history) kept in memory on the
 * hot path and flushed to the state store periodically, so they survive restarts without a write
 * per event.
 */
export class SourceStatsTracker {
  private readonly live = new Map<string, LiveStats>();
  private pendingSamples: ParseErrorSample[] = [];
  private readonly state: StateStore;

  constructor(state: StateStore) {
    this.state = state;
    for (const saved of state.loadSourceStats()) {
      this.live.set(saved.sourceName, { ...saved, perMinute: [...saved.perMinute], perSecond: new Array(60).fill(0), secondEnd: 0 });
    }
  }

  /** Counts a stored batch. `now` is the wall clock at storing time. */
  record(batch: IngestResult, now: number): void {
    for (const summary of batch.sources) {
      const stats = this.entry(summary.source, now);
      stats.eventsTotal += summary.events;
      stats.parseErrorsTotal += summary.parseErrors;
      stats.lastEventAt = Math.max(stats.lastEventAt ?? 0, summary.lastReceivedAt);
      stats.perMinute[MINUTES_KEPT - 1]! += summary.events;
      stats.perSecond[59]! += summary.events;
    }
    for (const sample of batch.samples) {
      if (this.pendingSamples.length < 1000) this.pendingSamples.push(sample);
    }
  }

  view(now: number): SourceStatsView[] {
    return [...this.live.values()].map((s) => {
      this.roll(s, now);
      const { perSecond: _perSecond, secondEnd: _secondEnd, ...stats } = s;
      return { ...stats, perMinute: [...s.perMinute], eventsPerSecond: s.perSecond.reduce((a, b) => a + b, 0) / 60 };
    });
  }

  /** True when parse-error samples are waiting to be written (readers of recent errors flush first). */
  get hasUnsavedSamples(): boolean {
    return this.pendingSamples.length > 0;
  }

  /**
   * Writes counters and new parse-error samples to the state store. A failed write (disk full) is
   * reported to `onError` and retried at the next flush: the counters live on in memory meanwhile.
   */
  flush(now: number, onError: (err: unknown) => void): void {
    try {
      const views = this.view(now).map(({ eventsPerSecond: _eps, ...stats }) => stats);
      this.state.saveSourceStats(views);
      if (this.pendingSamples.length > 0) {
        this.state.addParseErrors(this.pendingSamples, SAMPLES_KEPT_PER_SOURCE);
        this.pendingSamples = [];
      }
    } catch (err) {
      onError(err);
    }
  }

  private entry(source: string, now: number): LiveStats {
    let stats = this.live.get(source);
    if (!stats) {
      stats = {
        sourceName: source, eventsTotal: 0, parseErrorsTotal: 0, perMinute: new Array(MINUTES_KEPT).fill(0),
        minuteEnd: minuteEndOf(now), perSecond: new Array(60).fill(0), secondEnd: secondEndOf(now),
      };
      this.live.set(source, stats);
    }
    this.roll(stats, now);
    return stats;
  }

  /** Shifts the rings so their last slot is the current minute / second. */
  private roll(stats: LiveStats, now: number): void {
    const minuteEnd = minuteEndOf(now);
    shift(stats.perMinute, Math.round((minuteEnd - stats.minuteEnd) / MINUTE));
    stats.minuteEnd = minuteEnd;
    const secondEnd = secondEndOf(now);
    shift(stats.perSecond, Math.round((secondEnd - stats.secondEnd) / 1000));
    stats.secondEnd = secondEnd;
  }
}

function shift(ring: number[], steps: number): void {
  if (steps <= 0) return;
  if (steps >= ring.length) {
    ring.fill(0);
    return;
  }
  ring.splice(0, steps);
  for (let i = 0; i < steps; i++) ring.push(0);
}

const minuteEndOf = (now: number) => Math.floor(now / MINUTE) * MINUTE + MINUTE;
const secondEndOf = (now: number) => Math.floor(now / 1000) * 1000 + 1000;
