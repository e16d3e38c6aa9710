/**
 * The Search page's state (query text and time range) as it lives in the page URL
 * (`/search?q=…&from=-24h&to=now`, so a search can be shared by link), and the edits the page makes
 * to the query text: adding a `field:"value"` filter, completing a field name.
 */
import { isValidFieldName, MAX_QUERY_LENGTH, type Query, type Span } from '../../../src/search/query-ast.ts';
import { QuerySyntaxError } from '../../../src/search/query-error.ts';
import { parseQuery } from '../../../src/search/query-parser.ts';
import { DEFAULT_FROM, DEFAULT_TO, parseTimeBound } from '../../../src/search/time-range.ts';
import { formatTimestamp } from './format.ts';

/** What is wrong with a query, and where (offsets into it) when known. */
export interface QueryProblem {
  message: string;
  span: Span | undefined;
}

/**
 * The query parsed by the server's own parser (pure, so it runs here too), or its syntax error:
 * instant feedback while typing, and the AST for details such as a timechart's `by` field.
 */
export function checkQuery(text: string): { query: Query } | { problem: QueryProblem } {
  try {
    return { query: parseQuery(text) };
  } catch (err) {
    if (err instanceof QuerySyntaxError) return { problem: { message: err.message, span: err.position } };
    return { problem: { message: err instanceof Error ? err.message : 'The query cannot be read.', span: undefined } };
  }
}

/** The `by` field of the query's timechart stage, if it has one. */
export function timechartBy(text: string): string | undefined {
  const r = checkQuery(text);
  if (!('query' in r)) return undefined;
  for (const stage of r.query.stages) if (stage.kind === 'timechart') return stage.by?.name;
  return undefined;
}

export interface SearchState {
  q: string;
  /** As typed: `-24h`, `now`, ISO 8601, or ms since the epoch; the server resolves it. */
  from: string;
  to: string;
}

export { DEFAULT_FROM, DEFAULT_TO };
export { MAX_QUERY_LENGTH };

/** Time range presets, newest data last. */
export const PRESETS = [
  { from: '-15m', label: 'Last 15 minutes', short: '15m' },
  { from: '-1h', label: 'Last hour', short: '1h' },
  { from: '-24h', label: 'Last 24 hours', short: '24h' },
  { from: '-7d', label: 'Last 7 days', short: '7d' },
  { from: '-30d', label: 'Last 30 days', short: '30d' },
] as const;

/**
 * A time as the API takes it, resolved to ms against `now` by the same code as the server (`now`,
 * `-15m`/`-24h`/`-7d`, ISO 8601 read as UTC without an offset, ms). Undefined when it is none of these.
 */
export function resolveTime(text: string, now: number): number | undefined {
  try {
    return parseTimeBound(text, now, 'from');
  } catch {
    return undefined;
  }
}

/** The page state encoded in a URL query string; missing or unreadable parts take the defaults. */
export function stateFromUrl(search: string): SearchState {
  const p = new URLSearchParams(search);
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const now = Date.now();
  return {
    q: (p.get('q') ?? '').slice(0, MAX_QUERY_LENGTH),
    from: resolveTime(from, now) === undefined ? DEFAULT_FROM : from.trim(),
    to: resolveTime(to, now) === undefined ? DEFAULT_TO : to.trim(),
  };
}

/** The Search page URL for a state. */
export function stateToUrl(s: SearchState): string {
  const p = new URLSearchParams();
  if (s.q !== '') p.set('q', s.q);
  p.set('from', s.from);
  p.set('to', s.to);
  return `/search?${p.toString()}`;
}

/** How to say a range: "Last 24 hours" for a preset, else the two ends as typed. */
export function rangeLabel(s: Pick<SearchState, 'from' | 'to'>): string {
  const preset = s.to === DEFAULT_TO ? PRESETS.find((p) => p.from === s.from) : undefined;
  return preset ? preset.label : `${s.from} → ${s.to}`;
}

/** A time for the URL after zooming: ISO 8601 in UTC, readable and exact. */
export function isoTime(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

/** Index of the first `|` outside quotes: where the filter ends and the pipeline starts (or the length). */
export function pipelineStart(query: string): number {
  let quoted = false;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '|') return i;
  }
  return query.length;
}

/** True when `filter` has an OR outside quotes and parentheses, so adding a term needs parentheses. */
function hasTopLevelOr(filter: string): boolean {
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && /\s/.test(filter[i - 1] ?? ' ') && /^or\s/i.test(filter.slice(i, i + 3))) return true;
  }
  return false;
}

/** A value as a quoted phrase of the query language: backslash and double quote escaped. */
export function quoteValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** True for a dotted field name such as `host.name` or `winlog.event_data.CommandLine`: one the query language reads, without empty segments. */
export function isFieldName(name: string): boolean {
  return isValidFieldName(name) && !name.split('.').includes('');
}

/** True when a clicked value can become a filter: a plain field name and a value of sensible size. */
export function canFilterOn(field: string, value: string): boolean {
  return isFieldName(field) && value.length > 0 && value.length <= 4096;
}

/**
 * What a click on an event field's value can filter on: the value's text, or for a multi-valued
 * field each distinct element apart (a `field:"value"` filter matches any element). Undefined when
 * the value cannot be a filter as shown (an object, a list holding objects or huge texts, an odd name).
 *
 * @example filterValues('user.name', ['bob', 'carol', 'bob']) // ['bob', 'carol']
 */
export function filterValues(field: string, value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value.filter((v) => v !== null) : [value];
  const texts = new Set<string>();
  for (const item of items) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') return undefined;
    const text = String(item);
    if (!canFilterOn(field, text)) return undefined;
    texts.add(text);
  }
  return texts.size > 0 ? [...texts] : undefined;
}

/**
 * The query with `field:"value"` (or `NOT field:"value"`) added to its filter, before any pipeline.
 * A filter with a top-level OR is put in parentheses so the new term narrows all of it; a term that is
 * already there is not added twice.
 *
 * @example addFilterTerm('error | stats count()', 'host.name', 'web-1') // 'error host.name:"web-1" | stats count()'
 */
export function addFilterTerm(query: string, field: string, value: string, exclude = false): string {
  const cut = pipelineStart(query);
  const filter = query.slice(0, cut).trim();
  const pipeline = query.slice(cut).trim();
  const term = `${exclude ? 'NOT ' : ''}${field}:${quoteValue(value)}`;
  let next: string;
  if (filter === '' || filter === '*') next = term;
  else if (filter.split(/\s+/).join(' ').includes(term)) next = filter;
  else next = `${hasTopLevelOr(filter) ? `(${filter})` : filter} ${term}`;
  return pipeline === '' ? next : `${next} ${pipeline}`;
}

export interface Completion {
  /** Start of the word being completed; it ends at the cursor. */
  start: number;
  prefix: string;
  /** Whether the word is in the filter part (complete to `name:`) or the pipeline (just `name`). */
  inFilter: boolean;
}

const FIELD_CHAR = /[A-Za-z0-9_.@-]/;
/** Words of the language that are never field names, so typing them does not pop up completions. */
const KEYWORDS = new Set(['and', 'or', 'not', 'by', 'as', 'where', 'fields', 'sort', 'head', 'stats', 'timechart', 'top', 'rare', 'desc', 'asc', 'like']);

/** The field name being typed at `cursor`, if the cursor is at the end of one (outside quotes). */
export function completionAt(query: string, cursor: number): Completion | undefined {
  let start = cursor;
  while (start > 0 && FIELD_CHAR.test(query[start - 1]!)) start--;
  const prefix = query.slice(start, cursor);
  if (prefix === '' || KEYWORDS.has(prefix.toLowerCase()) || (query[cursor] !== undefined && FIELD_CHAR.test(query[cursor]!))) return undefined;
  const before = query[start - 1];
  if (before !== undefined && !/[\s(,|=]/.test(before)) return undefined;
  // Inside a quoted phrase (an odd number of unescaped quotes before it): a value, not a field.
  let quoted = false;
  for (let i = 0; i < start; i++) {
    if (quoted && query[i] === '\\') i++;
    else if (query[i] === '"') quoted = !quoted;
  }
  if (quoted) return undefined;
  return { start, prefix, inFilter: pipelineStart(query) >= start };
}

/** Up to `max` known field names for a prefix: names starting with it first, then names containing it. */
export function suggestFields(names: Iterable<string>, prefix: string, max = 8): string[] {
  const p = prefix.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const name of new Set(names)) {
    const n = name.toLowerCase();
    if (n === p) continue;
    if (n.startsWith(p)) starts.push(name);
    else if (n.includes(p)) contains.push(name);
  }
  starts.sort();
  contains.sort();
  return [...starts, ...contains].slice(0, max);
}

/** The query and cursor after accepting a completion. */
export function applyCompletion(query: string, cursor: number, c: Completion, name: string): { query: string; cursor: number } {
  const insert = c.inFilter ? `${name}:` : name;
  return { query: query.slice(0, c.start) + insert + query.slice(cursor), cursor: c.start + insert.length };
}

/** `ms` as the value of an `<input type="datetime-local">` ("2026-11-23T14:05:09") in UTC or the browser's zone. */
export function toDateTimeInput(ms: number, utc: boolean): string {
  return formatTimestamp(ms, utc, false).replace(' ', 'T');
}

/** The ms of a `datetime-local` value read in UTC or the browser's zone; undefined when empty or invalid. */
export function fromDateTimeInput(value: string, utc: boolean): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const ms = utc ? Date.parse(`${value}Z`) : new Date(value).getTime();
  return Number.isFinite(ms) ? ms : undefined;
}
