import { describe, expect, it } from 'vitest';
import { bucketRange, denseHistogram, MAX_SERIES, timechartSeries } from './search-chart.ts';

describe('search histogram', () => {
  it('fills the buckets the server left out with zeros', () => {
    const h = denseHistogram({ from: 1000, to: 7000, intervalMs: 1000, buckets: [{ t: 2000, count: 3 }, { t: 5000, count: 1 }] });
    expect(h).toEqual({ start: 1000, bucketMs: 1000, counts: [0, 3, 0, 0, 1, 0] });
  });

  it('starts at the aligned bucket holding `from` and ignores buckets outside', () => {
    const h = denseHistogram({ from: 1500, to: 3500, intervalMs: 1000, buckets: [{ t: 1000, count: 2 }, { t: 3000, count: 4 }, { t: 9000, count: 7 }] });
    expect(h).toEqual({ start: 1000, bucketMs: 1000, counts: [2, 0, 4] });
  });

  it('turns a drag across buckets into a range clipped to the search', () => {
    const h = { start: 1000, bucketMs: 1000, counts: [1, 2, 3, 4] };
    expect(bucketRange(h, 2, 1, { from: 0, to: 10_000 })).toEqual({ from: 2000, to: 4000 });
    expect(bucketRange(h, 0, 0, { from: 1500, to: 10_000 })).toEqual({ from: 1500, to: 2000 });
    expect(bucketRange(h, -3, 99, { from: 0, to: 4200 })).toEqual({ from: 1000, to: 4200 });
  });
});

describe('timechart series', () => {
  it('plots the first aggregation, one line without a by field', () => {
    const s = timechartSeries(['_time', 'count'], [[2000, 5], [1000, 3]], undefined);
    expect(s).toEqual([{ name: 'count', total: 8, points: [{ t: 1000, v: 3 }, { t: 2000, v: 5 }] }]);
  });

  it('draws one line per group, zero where a group is absent', () => {
    const s = timechartSeries(['_time', 'host.name', 'count'], [[1000, 'a', 1], [1000, 'b', 4], [2000, 'a', 2], [2000, null, 1]], 'host.name');
    expect(s.map((x) => x.name)).toEqual(['b', 'a', '(none)']);
    expect(s[0]?.points).toEqual([{ t: 1000, v: 4 }, { t: 2000, v: 0 }]);
  });

  it(`keeps the ${MAX_SERIES - 1} largest groups and sums the rest as "other"`, () => {
    const rows = Array.from({ length: 12 }, (_, i) => [1000, `h${i}`, i + 1]);
    const s = timechartSeries(['_time', 'host.name', 'count'], rows, 'host.name');
    expect(s).toHaveLength(MAX_SERIES);
    expect(s[0]?.name).toBe('h11');
    expect(s[MAX_SERIES - 1]).toMatchObject({ name: 'other', total: 1 + 2 + 3 + 4 + 5 });
  });

  it('gives nothing for a table without _time', () => {
    expect(timechartSeries(['host.name', 'count'], [['a', 1]], undefined)).toEqual([]);
  });
});
