import { describe, expect, it } from 'vitest';
import { parseTimeBound, resolveTimeRange, TimeRangeError } from './time-range.ts';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const at = (input: string | number) => new Date(parseTimeBound(input, NOW, 'from')).toISOString();

function failure(run: () => unknown): TimeRangeError {
  try {
    run();
  } catch (error) {
    if (error instanceof TimeRangeError) return error;
    throw error;
  }
  throw new Error('expected a TimeRangeError');
}

describe('parseTimeBound', () => {
  it('reads now and relative times', () => {
    expect(at('now')).toBe('2024-05-01T12:00:00.000Z');
    expect(at('-30s')).toBe('2024-05-01T11:59:30.000Z');
    expect(at('-15m')).toBe('2024-05-01T11:45:00.000Z');
    expect(at('-24h')).toBe('2024-04-30T12:00:00.000Z');
    expect(at('-7d')).toBe('2024-04-24T12:00:00.000Z');
    expect(at('-2w')).toBe('2024-04-17T12:00:00.000Z');
    expect(at('now-1h')).toBe('2024-05-01T11:00:00.000Z');
    expect(at(' -1h ')).toBe('2024-05-01T11:00:00.000Z');
  });

  it('reads ISO 8601 dates and times, UTC unless an offset is given', () => {
    expect(at('2024-04-01')).toBe('2024-04-01T00:00:00.000Z');
    expect(at('2024-04-01T10:30')).toBe('2024-04-01T10:30:00.000Z');
    expect(at('2024-04-01 10:30:15')).toBe('2024-04-01T10:30:15.000Z');
    expect(at('2024-04-01T10:30:15.1234Z')).toBe('2024-04-01T10:30:15.123Z');
    expect(at('2024-04-01T12:00:00+02:00')).toBe('2024-04-01T10:00:00.000Z');
    expect(at('2024-04-01T12:00:00-0130')).toBe('2024-04-01T13:30:00.000Z');
  });

  it('reads ms since the epoch as a number or digits', () => {
    expect(at(1_714_564_800_000)).toBe('2024-05-01T12:00:00.000Z');
    expect(at('1714564800000')).toBe('2024-05-01T12:00:00.000Z');
    expect(at(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('refuses what it cannot read, naming the bound', () => {
    for (const input of ['yesterday', '-15', '15m', '-5y', '2024-02-30', '2024-13-01', '2024-04-01T24:00', '2024-04-01T10:60', '', '-1.5h', '2024-04-01Z']) {
      const error = failure(() => parseTimeBound(input, NOW, 'to'));
      expect(error.bound, input).toBe('to');
      expect(error.message, input).toContain('is not a time: write now, a relative time like -15m, -24h or -7d');
    }
    for (const input of [-1, 1.5, Number.NaN, 9e15, '99999999999999999']) {
      expect(failure(() => parseTimeBound(input, NOW, 'from')).message).toMatch(/outside the times Vigil can search|is not a time/);
    }
  });
});

describe('resolveTimeRange', () => {
  it('defaults to the last 24 hours', () => {
    expect(resolveTimeRange({}, NOW)).toEqual({ from: NOW - 86_400_000, to: NOW });
    expect(resolveTimeRange({ from: '-7d' }, NOW)).toEqual({ from: NOW - 7 * 86_400_000, to: NOW });
    expect(resolveTimeRange({ from: undefined, to: '-1h' }, NOW)).toEqual({ from: NOW - 86_400_000, to: NOW - 3_600_000 });
  });

  it('refuses a range that does not start before it ends', () => {
    const error = failure(() => resolveTimeRange({ from: '-1h', to: '-2h' }, NOW));
    expect(error.bound).toBe('range');
    expect(error.message).toBe('the time range must start before it ends (from 2024-05-01T11:00:00.000Z to 2024-05-01T10:00:00.000Z)');
    expect(failure(() => resolveTimeRange({ from: 'now', to: 'now' }, NOW)).bound).toBe('range');
  });
});
