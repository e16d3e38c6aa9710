import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketStart, labelBuckets, niceCeil, niceStep, sparklinePaths, sumPerMinute } from './chart-math.ts';

const END = 1_700_000_040_000 - (1_700_000_040_000 % 60_000);

describe('sumPerMinute', () => {
  it('adds aligned series bucket by bucket', () => {
    const r = sumPerMinute([{ perMinute: [1, 2, 3], minuteEnd: END }, { perMinute: [10, 20, 30], minuteEnd: END }], 3);
    expect(r).toEqual({ perMinute: [11, 22, 33], minuteEnd: END });
  });

  it('shifts a series that ends earlier by whole minutes', () => {
    const r = sumPerMinute([{ perMinute: [0, 0, 5], minuteEnd: END }, { perMinute: [1, 2, 3], minuteEnd: END - 60_000 }], 3);
    expect(r.perMinute).toEqual([2, 3, 5]);
  });

  it('ignores negative and non-finite values and handles no series', () => {
    expect(sumPerMinute([{ perMinute: [-1, Number.NaN, 4], minuteEnd: END }], 3).perMinute).toEqual([0, 0, 4]);
    expect(sumPerMinute([], 2)).toEqual({ perMinute: [0, 0], minuteEnd: 0 });
  });

  it('preserves the total of in-window values', () => {
    fc.assert(fc.property(fc.array(fc.array(fc.nat(1000), { minLength: 60, maxLength: 60 }), { maxLength: 5 }), (series) => {
      const r = sumPerMinute(series.map((perMinute) => ({ perMinute, minuteEnd: END })));
      const total = series.flat().reduce((a, b) => a + b, 0);
      expect(r.perMinute.reduce((a, b) => a + b, 0)).toBe(total);
    }));
  });

  it('places bucket starts a minute apart ending at minuteEnd', () => {
    expect(bucketStart(END, 60, 59)).toBe(END - 60_000);
    expect(bucketStart(END, 60, 0)).toBe(END - 3_600_000);
  });
});

describe('niceCeil', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeil(0)).toBe(1);
    expect(niceCeil(3)).toBe(5);
    expect(niceCeil(5)).toBe(5);
    expect(niceCeil(21)).toBe(25);
    expect(niceCeil(1476)).toBe(2000);
    expect(niceCeil(0.3)).toBe(0.5);
  });

  it('is never below its input', () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (v) => {
      const n = niceCeil(v);
      expect(n).toBeGreaterThanOrEqual(v * (1 - 1e-9));
      expect(n).toBeLessThanOrEqual(v * 2.5 + 1e-9);
    }));
  });
});

describe('sparklinePaths', () => {
  it('draws a line and a closed area inside the box', () => {
    const { line, area, max } = sparklinePaths([0, 5, 10], 100, 20, 0);
    expect(max).toBe(10);
    expect(line).toBe('M0,20L50,10L100,0');
    expect(area).toBe('M0,20L50,10L100,0L100,20L0,20Z');
  });

  it('draws an all-zero series flat at the bottom', () => {
    expect(sparklinePaths([0, 0], 10, 10, 1).line).toBe('M0,9L10,9');
    expect(sparklinePaths([], 10, 10).line).toBe('');
  });
});

describe('chart steps', () => {
  it('picks clock-friendly steps', () => {
    expect(niceStep(14_000)).toBe(15_000);
    expect(niceStep(7 * 86_400_000 / 60)).toBe(3 * 3_600_000);
    expect(niceStep(1e15)).toBe(7 * 86_400_000);
  });

  it('labels buckets on multiples of the step', () => {
    const { step, indexes } = labelBuckets(0, 60_000, 60, 6);
    expect(step).toBe(600_000);
    expect(indexes).toEqual([0, 10, 20, 30, 40, 50]);
  });
});
