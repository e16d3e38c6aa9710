/** Geometry and series arithmetic for the console's hand-written SVG charts. */

export const MINUTE = 60_000;

export interface MinuteSeries {
  perMinute: readonly number[];
  /** End (ms) of the last bucket. */
  minuteEnd: number;
}

/**
 * Sums per-minute series into one of `buckets` minutes ending at the latest `minuteEnd`. Series that
 * end earlier are shifted by whole minutes so each bucket adds the same wall-clock minute; values
 * outside the window, and non-finite or negative values, are ignored.
 */
export function sumPerMinute(series: readonly MinuteSeries[], buckets = 60): MinuteSeries {
  const values = new Array<number>(buckets).fill(0);
  const ends = series.map((s) => s.minuteEnd).filter((e) => Number.isFinite(e));
  if (ends.length === 0) return { perMinute: values, minuteEnd: 0 };
  const end = Math.max(...ends);
  for (const s of series) {
    if (!Number.isFinite(s.minuteEnd)) continue;
    const shift = Math.round((end - s.minuteEnd) / MINUTE);
    const n = s.perMinute.length;
    for (let i = 0; i < n; i++) {
      // Index from the end: the series' last bucket lands `shift` buckets before the window's end.
      const target = buckets - 1 - shift - (n - 1 - i);
      const v = s.perMinute[i];
      if (target < 0 || target >= buckets || v === undefined || !Number.isFinite(v) || v < 0) continue;
      values[target] = (values[target] ?? 0) + v;
    }
  }
  return { perMinute: values, minuteEnd: end };
}

/** The smallest "nice" number (1, 2, 2.5 or 5 × 10ⁿ) ≥ `max`; 1 for an empty or all-zero series. */
export function niceCeil(max: number): number {
  if (!Number.isFinite(max) || max <= 0) return 1;
  const exp = Math.floor(Math.log10(max));
  const base = 10 ** exp;
  for (const m of [1, 2, 2.5, 5, 10]) {
    const v = m * base;
    // Guard against float noise (e.g. 3 * 0.1) pushing an exact value to the next step.
    if (v >= max * (1 - 1e-9)) return v;
  }
  return 10 * base;
}

/** Start time (ms) of bucket `i` in a series of `n` minutes ending at `minuteEnd`. */
export function bucketStart(minuteEnd: number, n: number, i: number): number {
  return minuteEnd - (n - i) * MINUTE;
}

/**
 * SVG path data for a sparkline of `values` in a `width`×`height` box: the line, and the closed area
 * under it. The y scale starts at zero so a quiet source looks quiet; `pad` keeps the stroke inside.
 */
export function sparklinePaths(values: readonly number[], width: number, height: number, pad = 1): { line: string; area: string; max: number } {
  const clean = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const max = clean.reduce((a, b) => Math.max(a, b), 0);
  if (clean.length === 0) return { line: '', area: '', max: 0 };
  const innerH = height - pad * 2;
  const step = clean.length > 1 ? width / (clean.length - 1) : 0;
  const pts = clean.map((v, i) => {
    const x = clean.length > 1 ? i * step : width / 2;
    const y = pad + innerH - (max > 0 ? (v / max) * innerH : 0);
    return `${round(x)},${round(y)}`;
  });
  const line = `M${pts.join('L')}`;
  const bottom = round(height - pad);
  const area = `${line}L${round(clean.length > 1 ? width : width / 2)},${bottom}L0,${bottom}Z`;
  return { line, area, max };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800]
  .map((s) => s * 1000);

/** The smallest "clock-friendly" duration (1 s … 7 d) of at least `ms`. */
export function niceStep(ms: number): number {
  return NICE_STEPS.find((s) => s >= ms) ?? NICE_STEPS[NICE_STEPS.length - 1] ?? 86_400_000;
}

/**
 * Indexes of buckets that get an axis label: bucket starts on a multiple of a clock-friendly step
 * chosen so about `labels` labels fit. `offsetMs` shifts the grid to the display time zone.
 */
export function labelBuckets(start: number, bucketMs: number, n: number, labels = 6, offsetMs = 0): { step: number; indexes: number[] } {
  const step = Math.max(bucketMs, niceStep((n * bucketMs) / Math.max(1, labels)));
  const indexes: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = start + i * bucketMs + offsetMs;
    if (((t % step) + step) % step === 0) indexes.push(i);
  }
  return { step, indexes };
}
