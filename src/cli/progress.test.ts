import { describe, expect, it } from 'vitest';
import {
  ProgressDisplay, formatBytes, formatCount, formatDuration, formatSummary, renderPlainLine, renderProgressLine,
  type ProgressState,
} from './progress.ts';

const state = (over: Partial<ProgressState> = {}): ProgressState => ({
  bytesRead: 50 * 1024 * 1024,
  bytesTotal: 200 * 1024 * 1024,
  files: 3,
  filesTotal: 10,
  currentFile: '/var/log/archive/app-2024.log.gz',
  records: 120_000,
  ...over,
});

describe('number formatting', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12.3 * 1024 * 1024)).toBe('12.3 MiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3.0 TiB');
    expect(formatBytes(Number.NaN)).toBe('0 B');
  });

  it('groups thousands without depending on the locale', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1234567.6)).toBe('1,234,568');
    expect(formatCount(-12345)).toBe('-12,345');
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe('0');
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3600 + 62)).toBe('1:01:02');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

describe('renderProgressLine', () => {
  it('shows bar, percent, bytes, rate, ETA and the current file', () => {
    const line = renderProgressLine(state(), 10, 200);
    expect(line).toContain('[=====               ]');
    expect(line).toContain(' 25%');
    expect(line).toContain('50.0 MiB/200.0 MiB');
    expect(line).toContain('12,000 ev/s');
    // 150 MiB left at 5 MiB/s.
    expect(line).toContain('ETA 0:30');
    expect(line).toContain('/var/log/archive/app-2024.log.gz');
  });

  it('never exceeds the width and keeps the end of a long path', () => {
    const long = state({ currentFile: `/data/${'deep/'.repeat(30)}final.ndjson` });
    for (const width of [20, 60, 80, 120]) {
      const line = renderProgressLine(long, 10, width);
      expect(line.length).toBeLessThanOrEqual(width);
    }
    const line = renderProgressLine(long, 10, 120);
    expect(line).toMatch(/…[a-z/]*final\.ndjson$/);
  });

  it('copes with nothing read yet and unknown totals', () => {
    const line = renderProgressLine(state({ bytesRead: 0, bytesTotal: 0, records: 0 }), 0, 100);
    expect(line).toContain('  0%');
    expect(line).toContain('ETA --:--');
    expect(line).toContain('0 ev/s');
    expect(renderProgressLine(state({ bytesRead: 10, bytesTotal: 10 }), 1, 100)).toContain('100%');
  });
});

describe('renderPlainLine', () => {
  it('is one self-contained log line', () => {
    const line = renderPlainLine(state(), 10);
    expect(line).toBe(
      'progress 25%, 50.0 MiB of 200.0 MiB, 3/10 files, 120,000 records (12,000/s), ETA 0:30, at /var/log/archive/app-2024.log.gz',
    );
  });
});

describe('ProgressDisplay', () => {
  const sink = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, stream: { isTTY, columns: 100, write: (s: string) => writes.push(s) } };
  };

  it('redraws a terminal line in place at most every 100 ms', () => {
    let now = 0;
    const { writes, stream } = sink(true);
    const display = new ProgressDisplay({ stream, now: () => now });
    display.update(state());
    now = 50;
    display.update(state());
    now = 100;
    display.update(state());
    expect(writes).toHaveLength(2);
    for (const w of writes) {
      expect(w.startsWith('\r')).toBe(true);
      expect(w.endsWith('\x1b[K')).toBe(true);
      expect(w).not.toContain('\n');
    }
    display.finish();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('prints plain lines with newlines, spaced out, when not a terminal', () => {
    let now = 0;
    const { writes, stream } = sink(false);
    const display = new ProgressDisplay({ stream, now: () => now, plainIntervalMs: 5000 });
    display.update(state());
    now = 4999;
    display.update(state());
    now = 5000;
    display.update(state());
    display.finish();
    expect(writes).toHaveLength(2);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r') && !w.includes('\x1b'))).toBe(true);
  });
});

describe('formatSummary', () => {
  it('lists read, stored, rejected and the rate, aligned', () => {
    expect(formatSummary({ read: 120_000, stored: 119_990, rejected: 10, seconds: 6 })).toEqual([
      'read:     120,000 records',
      'stored:   119,990',
      'rejected: 10',
      'rate:     20,000 events/s over 6.0 s',
    ]);
  });

  it('adds optional counters only when non-zero and formats long runs as h:mm:ss', () => {
    const lines = formatSummary({ read: 10, stored: 8, rejected: 2, seconds: 3725, errors: 1, skipped: 0, invalidUtf8: 3 });
    expect(lines.some((l) => l.startsWith('errors:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('skipped:'))).toBe(false);
    expect(lines.find((l) => l.startsWith('bad UTF-8:'))).toContain('3 records');
    expect(lines.at(-1)).toContain('over 1:02:05');
  });

  it('reports a zero rate for an instant run instead of dividing by zero', () => {
    expect(formatSummary({ read: 0, stored: 0, rejected: 0, seconds: 0 }).at(-1)).toBe('rate:     0 events/s over 0.0 s');
  });
});
