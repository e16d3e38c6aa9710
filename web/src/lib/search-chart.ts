/** Arithmetic behind the Search page's charts: the zoomable histogram and the timechart lines. */
import type { Cell, SearchHistogram } from '../api/search-types.ts';

export interface DenseHistogram {
  /** Start of the first bucket, ms. */
  start: number;
  bucketMs: number;
  counts: number[];
}

/** Most buckets drawn; a server answering more is summed down rather than drawing slivers. */
const MAX_BUCKETS = 500;

/**
 * The server's buckets (which may leave out empty ones) as one count per interval, from the bucket
 * holding `from` to the one holding the end of the range.
 */
export function denseHistogram(h: SearchHistogram): DenseHistogram {
  const bucketMs = h.intervalMs > 0 ? h.intervalMs : Math.max(1, h.to - h.from);
  const first = h.buckets.reduce((min, b) => Math.min(min, b.t), Number.POSITIVE_INFINITY);
  // Buckets are aligned to the interval; the first one may start before `from`.
  const start = Math.min(Number.isFinite(first) ? first : h.from, Math.floor(h.from / bucketMs) * bucketMs);
  const n = Math.min(MAX_BUCKETS, Math.max(1, Math.ceil((Math.max(h.to, start + 1) - start) / bucketMs)));
  const counts = new Array<number>(n).fill(0);
  for (const b of h.buckets) {
    const i = Math.floor((b.t - start) / bucketMs);
    if (i >= 0 && i < n && Number.isFinite(b.count) && b.count > 0) counts[i] = (counts[i] ?? 0) + b.count;
  }
  return { start, bucketMs, counts };
}

/** The time range of buckets `a`..`b` (either order, inclusive), clipped to the searched range. */
export function bucketRange(h: DenseHistogram, a: number, b: number, clip: { from: number; to: number }): { from: number; to: number } {
  const lo = Math.max(0, Math.min(a, b));
  const hi = Math.min(h.counts.length - 1, Math.max(a, b));
  return { from: Math.max(clip.from, h.start + lo * h.bucketMs), to: Math.min(clip.to, h.start + (hi + 1) * h.bucketMs) };
}

export interface Series {
  /** The group's value (`by` field), or the aggregation's name when there is no `by`. */
  name: string;
  points: { t: number; v: number }[];
  total: number;
}

/** Most lines drawn: the groups with the largest totals, the rest summed as "other". */
export const MAX_SERIES = 8;

/**
 * Lines of a timechart table: `_time`, an optional `by` column, then aggregation columns (one row per
 * bucket and group). Plots the first aggregation; one line per group, the largest {@link MAX_SERIES} − 1
 * kept and the rest summed into "other".
 */
export function timechartSeries(columns: readonly string[], rows: readonly (readonly Cell[])[], byColumn: string | undefined): Series[] {
  const ti = columns.indexOf('_time');
  const bi = byColumn === undefined ? -1 : columns.indexOf(byColumn);
  const vi = columns.findIndex((c, i) => i !== ti && i !== bi);
  if (ti < 0 || vi < 0) return [];
  const groups = new Map<string, Map<number, number>>();
  for (const row of rows) {
    const t = Number(row[ti]);
    const v = Number(row[vi]);
    if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
    const name = bi < 0 ? columns[vi]! : row[bi] === null || row[bi] === undefined ? '(none)' : String(row[bi]);
    const g = groups.get(name) ?? new Map<number, number>();
    g.set(t, (g.get(t) ?? 0) + v);
    groups.set(name, g);
  }
  const all = [...groups].map(([name, g]) => ({ name, g, total: [...g.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  const keep = all.length > MAX_SERIES ? all.slice(0, MAX_SERIES - 1) : all;
  if (all.length > MAX_SERIES) {
    const other = new Map<number, number>();
    for (const { g } of all.slice(MAX_SERIES - 1)) for (const [t, v] of g) other.set(t, (other.get(t) ?? 0) + v);
    keep.push({ name: 'other', g: other, total: [...other.values()].reduce((a, b) => a + b, 0) });
  }
  const times = [...new Set(all.flatMap(({ g }) => [...g.keys()]))].sort((a, b) => a - b);
  // Every line has a point at every bucket time: a group absent from a bucket counted zero there.
  return keep.map(({ name, g, total }) => ({ name, total, points: times.map((t) => ({ t, v: g.get(t) ?? 0 })) }));
}
