const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Round bucket widths, each at most 2.5 times the previous, so some width gives 48–120 buckets. */
const ROUND_INTERVALS = [
  SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 5 * DAY, 10 * DAY, 30 * DAY, 60 * DAY, 180 * DAY, 365 * DAY,
];

/** Most buckets an automatically chosen interval gives. */
export const MAX_AUTO_BUCKETS = 120;

/**
 * The smallest round interval that splits `[from, to)` into at most {@link MAX_AUTO_BUCKETS}
 * epoch-aligned buckets: about 60–120 for most ranges.
 *
 * @example roundInterval(0, 86_400_000) // 900_000 (15 minutes: 96 buckets)
 */
export function roundInterval(from: number, to: number): number {
  for (const interval of ROUND_INTERVALS) {
    if (bucketCount(from, to, interval) <= MAX_AUTO_BUCKETS) return interval;
  }
  // Beyond a year per bucket: whole years' multiples.
  const years = Math.ceil((to - from) / (MAX_AUTO_BUCKETS * 365 * DAY));
  return (years + 1) * 365 * DAY;
}

/** Starts (ms) of the epoch-aligned `interval` buckets covering `[from, to)`. */
export function bucketStarts(from: number, to: number, interval: number): number[] {
  const starts: number[] = [];
  for (let t = Math.floor(from / interval) * interval; t < to; t += interval) starts.push(t);
  return starts;
}

/** How many epoch-aligned `interval` buckets cover `[from, to)`. */
export function bucketCount(from: number, to: number, interval: number): number {
  if (to <= from) return 0;
  return Math.ceil(to / interval) - Math.floor(from / interval);
}
