import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { caretLines, fitColumns, formatTable, printable, truncate } from './search-table.ts';

describe('printable', () => {
  it('escapes control characters so event values cannot drive the terminal', () => {
    expect(printable('a\nb\tc\r')).toBe('a\\nb\\tc\\r');
    expect(printable('\u001b[2J\u001b]0;pwned\u0007')).toBe('\\u{1b}[2J\\u{1b}]0;pwned\\u{7}');
    expect(printable('\u009b31m')).toBe('\\u{9b}31m');
    expect(printable('evil\u202egnp.exe')).toBe('evil\\u{202e}gnp.exe');
    expect(printable(null)).toBe('');
    expect(printable(42)).toBe('42');
    expect(printable(false)).toBe('false');
  });
});

describe('truncate', () => {
  it('keeps text that fits and cuts longer text with an ellipsis at the exact width', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(stringWidth(truncate('x'.repeat(100), 10))).toBe(10);
  });

  it('counts wide characters as two columns and never splits one', () => {
    const cut = truncate('日本語のログ', 7);
    expect(cut).toBe('日本語…');
    expect(stringWidth(cut)).toBeLessThanOrEqual(7);
    expect(truncate('👍🏽👍🏽👍🏽', 4)).toBe('👍🏽…');
  });
});

describe('fitColumns', () => {
  it('leaves columns alone when they fit', () => {
    expect(fitColumns([24, 10, 8], 80)).toEqual([24, 10, 8]);
  });

  it('shrinks the widest column first so short ones stay whole', () => {
    expect(fitColumns([24, 10, 200], 80)).toEqual([24, 10, 42]);
  });

  it('shrinks several wide columns evenly and never below the minimum', () => {
    const widths = fitColumns([50, 50, 4], 60);
    expect(widths[2]).toBe(4);
    expect(widths[0]! + widths[1]! + 4 + 4).toBeLessThanOrEqual(60);
    expect(Math.abs(widths[0]! - widths[1]!)).toBeLessThanOrEqual(1);
    expect(fitColumns([30, 30, 30], 5)).toEqual([6, 6, 6]);
  });
});

describe('formatTable', () => {
  it('aligns columns, puts numbers on the right and draws a rule under the header', () => {
    expect(formatTable(['host.name', 'count'], [['web-1', 12], ['db-1', 3]], 80)).toEqual([
      'host.name  count',
      '---------  -----',
      'web-1         12',
      'db-1           3',
    ]);
  });

  it('fits the terminal width, cutting the long column with an ellipsis', () => {
    const message = 'Failed password for invalid user admin from 203.0.113.9 port 51234 ssh2 '.repeat(5);
    const lines = formatTable(['time', 'host', 'message'], [['2026-11-23T10:15:00.000Z', 'web-1', message]], 60);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(60);
    expect(lines[2]).toMatch(/^2026-11-23T10:15:00\.000Z {2}web-1 {2}Failed password.*…$/);
  });

  it('shows null and missing cells as empty and escapes control characters in cells and headers', () => {
    const lines = formatTable(['a\u001b', 'b'], [[null, 'x\ny'], ['z']], 80);
    expect(lines[0]).toBe('a\\u{1b}  b');
    expect(lines[2]).toBe('         x\\ny');
    expect(lines[3]).toBe('z');
    expect(lines.join('')).not.toContain('\u001b');
  });
});

describe('caretLines', () => {
  it('puts carets under the span of the error', () => {
    expect(caretLines('host.name:web-1 AND', { start: 16, end: 19 }, 80)).toEqual(['host.name:web-1 AND', '                ^^^']);
  });

  it('shows one caret for an empty span at the end of the query', () => {
    expect(caretLines('a:(b', { start: 4, end: 4 }, 80)).toEqual(['a:(b', '    ^']);
  });

  it('shows only the line of a multi-line query that holds the error', () => {
    expect(caretLines('a:1\n| stats nope(x)', { start: 12, end: 16 }, 80)).toEqual(['| stats nope(x)', '        ^^^^']);
  });

  it('keeps tabs from shifting the caret and counts wide characters as two columns', () => {
    expect(caretLines('a\t:"日本" OR', { start: 8, end: 10 }, 80)).toEqual(['a :"日本" OR', '          ^^']);
  });

  it('shows a window around the error in a line longer than the terminal', () => {
    const query = `${'x:1 AND '.repeat(50)}bad( AND y:2`;
    const start = query.indexOf('bad(');
    const [line, carets] = caretLines(query, { start, end: start + 4 }, 60);
    expect(stringWidth(line)).toBeLessThanOrEqual(60);
    expect(line.startsWith('…')).toBe(true);
    expect(line.slice(carets.indexOf('^'), carets.indexOf('^') + 4)).toBe('bad(');
  });
});
