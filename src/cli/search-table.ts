/**
 * Terminal rendering for `vigil search`: aligned tables that fit the terminal, and a query with a
 * caret under a syntax error. Pure (no I/O) and unit-tested. Event values are attacker-controlled, so
 * every cell is made printable first: a log line must not be able to move the cursor, recolour or
 * retitle the analyst's terminal.
 */
import stringWidth from 'string-width';

/** Cells of a table as the search API returns them. */
export type Cell = string | number | boolean | null | undefined;

/** Space between columns. */
const GAP = '  ';
/** A column is never squeezed below this many characters (header included), so each stays recognisable. */
const MIN_COLUMN_WIDTH = 6;
const ELLIPSIS = '…';

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators and bidi overrides
// that reorder or break a line on screen.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * The value as one printable line: newlines and tabs as `\n` and `\t`, other control characters as
 * `\u{..}` escapes.
 *
 * @example
 * printable('a\nb\u001b[31m') // 'a\\nb\\u{1b}[31m'
 */
export function printable(value: Cell): string {
  if (value === null || value === undefined) return '';
  return String(value).replace(UNPRINTABLE, (c) => c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` cut to at most `width` terminal columns, ending in `…` when cut; wide characters (CJK,
 * emoji) count as two columns and are never split.
 *
 * @example
 * truncate('hello world', 8) // 'hello w…'
 */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return out + ELLIPSIS;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

/**
 * Column widths: each column's widest cell, then, while the line is wider than `maxWidth`, the widest
 * columns shrink first (down to {@link MIN_COLUMN_WIDTH}), so short columns such as times and host
 * names stay whole and long messages are cut.
 */
export function fitColumns(natural: readonly number[], maxWidth: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((sum, w) => sum + w, 0) + GAP.length * Math.max(0, widths.length - 1);
  while (total() > maxWidth) {
    const widest = Math.max(...widths);
    if (widest <= MIN_COLUMN_WIDTH) break;
    const secondWidest = Math.max(MIN_COLUMN_WIDTH, ...widths.filter((w) => w < widest));
    const count = widths.filter((w) => w === widest).length;
    // Shrink all the widest columns together, no further than the next width (or what is needed).
    const cut = Math.min(widest - secondWidest, Math.ceil((total() - maxWidth) / count));
    for (let i = 0; i < widths.length; i++) if (widths[i] === widest) widths[i] = widest - cut;
  }
  return widths;
}

/**
 * A table as lines of text: a header, a rule, one line per row, columns aligned and the whole no
 * wider than `maxWidth` columns when that is possible (long values end in `…`). Numbers align right.
 *
 * @example
 * formatTable(['host.name', 'count'], [['web-1', 12], ['db-1', 3]], 80)
 * // ['host.name  count', '---------  -----', 'web-1         12', 'db-1           3']
 */
export function formatTable(columns: readonly string[], rows: readonly (readonly Cell[])[], maxWidth: number): string[] {
  const header = columns.map(printable);
  const cells = rows.map((row) => columns.map((_, i) => printable(row[i])));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number' || row[i] === null || row[i] === undefined));
  const natural = header.map((h, i) => Math.max(stringWidth(h), ...cells.map((row) => stringWidth(row[i]!))));
  const widths = fitColumns(natural, maxWidth);
  const line = (values: string[], alignRight: (i: number) => boolean) => values.map((value, i) => {
    const cut = truncate(value, widths[i]!);
    const last = i === values.length - 1;
    if (alignRight(i)) return ' '.repeat(Math.max(0, widths[i]! - stringWidth(cut))) + cut;
    return last ? cut : pad(cut, widths[i]!);
  }).join(GAP).trimEnd();
  return [
    line(header, (i) => numeric[i]!),
    widths.map((w) => '-'.repeat(w)).join(GAP),
    ...cells.map((row) => line(row, (i) => numeric[i]!)),
  ];
}

/**
 * The query line holding a syntax error with carets under `start`..`end` (character offsets into
 * the query; an empty span still gets one caret), cut to a window of `maxWidth` columns around the
 * error when the line is longer.
 *
 * @example
 * caretLines('host.name:web-1 AND', { start: 16, end: 19 }, 80)
 * // ['host.name:web-1 AND', '                ^^^']
 */
export function caretLines(query: string, position: { start: number; end: number }, maxWidth: number): [string, string] {
  const start = clamp(position.start, 0, query.length);
  const end = clamp(position.end, start, query.length);
  const lineStart = query.lastIndexOf('\n', start - 1) + 1;
  const newline = query.indexOf('\n', start);
  const lineEnd = newline === -1 ? query.length : newline;
  // Tabs and other control characters would shift the caret: show them as single spaces.
  const text = query.slice(lineStart, lineEnd).replace(UNPRINTABLE, ' ');
  let from = start - lineStart;
  let to = Math.max(from + 1, Math.min(end, lineEnd) - lineStart);
  let shown = text;
  const room = Math.max(MIN_COLUMN_WIDTH * 2, maxWidth);
  if (stringWidth(text) > room) {
    const first = Math.max(0, from - Math.floor(room / 3));
    const prefix = first > 0 ? ELLIPSIS : '';
    shown = prefix + truncate(text.slice(first), room - prefix.length);
    from = from - first + prefix.length;
    to = to - first + prefix.length;
  }
  // Width up to the error, not character count: a wide character before it takes two columns.
  const indent = stringWidth(shown.slice(0, from));
  const carets = Math.max(1, Math.min(stringWidth(shown.slice(from, to)), room - indent));
  return [shown, ' '.repeat(indent) + '^'.repeat(carets)];
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(Math.max(Math.trunc(value), min), max) : min;
}
