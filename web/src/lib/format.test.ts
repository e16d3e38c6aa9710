import { describe, expect, it } from 'vitest';
import { formatBytes, formatCompact, formatDuration, formatInt, formatRate, formatRelative, formatTimestamp, zoneLabel } from './format.ts';

describe('format', () => {
  it('formats integers and compact magnitudes', () => {
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatInt(Number.NaN)).toBe('—');
    expect(formatCompact(999)).toBe('999');
    expect(formatCompact(2000)).toBe('2k');
    expect(formatCompact(1500)).toBe('1.5k');
    expect(formatCompact(12_345_678)).toBe('12.3M');
    expect(formatCompact(250_000)).toBe('250k');
    expect(formatCompact(3e9)).toBe('3B');
  });

  it('formats rates with sensible precision', () => {
    expect(formatRate(0)).toBe('0');
    expect(formatRate(0.001)).toBe('<0.01');
    expect(formatRate(0.35)).toBe('0.35');
    expect(formatRate(12.44)).toBe('12.4');
    expect(formatRate(1234.4)).toBe('1,234');
    expect(formatRate(-1)).toBe('—');
  });

  it('formats sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3.4e9)).toBe('3.2 GiB');
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(725)).toBe('12m 5s');
    expect(formatDuration(18_234)).toBe('5h 3m');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3d 4h');
  });

  it('formats relative times in both directions', () => {
    const now = 1_700_000_000_000;
    expect(formatRelative(now - 2000, now)).toBe('just now');
    expect(formatRelative(now - 42_000, now)).toBe('42s ago');
    expect(formatRelative(now - 5 * 60_000, now)).toBe('5m ago');
    expect(formatRelative(now - 3 * 3_600_000, now)).toBe('3h ago');
    expect(formatRelative(now - 2 * 86_400_000, now)).toBe('2d ago');
    expect(formatRelative(now + 10 * 60_000, now)).toBe('in 10m');
    expect(formatRelative(Number.NaN, now)).toBe('—');
  });

  it('formats timestamps in UTC, and never throws on bad input', () => {
    expect(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 6), true)).toBe('2025-01-02 03:04:05.006');
    expect(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 6), true, false)).toBe('2025-01-02 03:04:05');
    expect(formatTimestamp(Number.NaN, true)).toBe('—');
    expect(formatTimestamp(1e20, false)).toBe('—');
    expect(zoneLabel(0, true)).toBe('UTC');
  });
});
