/**
 * The Events page's search state: time range, source filters and `field=value` filters. It lives in
 * the page URL (so a search can be bookmarked and shared) and maps onto `GET /api/v1/events`.
 */

export const RANGES = [
  { id: '15m', label: 'Last 15 minutes', short: '15m', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', short: '1h', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', short: '24h', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', short: '7d', ms: 7 * 86_400_000 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

export const DEFAULT_RANGE: RangeId = '1h';
/** The API's page size for the console: newest first, at most this many. */
export const EVENTS_LIMIT = 200;

export interface FieldFilter {
  field: string;
  value: string;
}

export interface EventSearch {
  range: RangeId;
  source: string;
  sourceType: string;
  filters: FieldFilter[];
}

const MAX_FIELD_LENGTH = 256;
const MAX_VALUE_LENGTH = 4096;
const MAX_FILTERS = 20;

/** True for a dotted ECS-style field name such as `host.name` or `winlog.event_data.CommandLine`. */
export function isFieldName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_FIELD_LENGTH) return false;
  // A scanner rather than a regex: letters, digits, `_`, `@`, `-` and single dots between segments.
  let prevDot = true;
  for (const ch of name) {
    if (ch === '.') {
      if (prevDot) return false;
      prevDot = true;
      continue;
    }
    const ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_' || ch === '@' || ch === '-';
    if (!ok) return false;
    prevDot = false;
  }
  return !prevDot;
}

/**
 * Parses what the user typed into the filter box: `field=value` (split at the first `=`, so values
 * may contain `=`). Answers the filter or a message saying what is wrong.
 */
export function parseFieldFilter(input: string): { filter: FieldFilter } | { error: string } {
  const eq = input.indexOf('=');
  if (eq < 0) return { error: 'Write a filter as field=value, for example host.name=web-01.' };
  const field = input.slice(0, eq).trim();
  const value = input.slice(eq + 1).trim();
  if (field === '') return { error: 'The field name before “=” is missing.' };
  if (!isFieldName(field)) {
    return { error: `“${field.slice(0, 60)}” is not a field name: use letters, digits, _ @ - and dots, like source.ip.` };
  }
  if (value === '') return { error: `Give a value after “${field}=”.` };
  if (value.length > MAX_VALUE_LENGTH) return { error: `The value is too long (at most ${MAX_VALUE_LENGTH} characters).` };
  return { filter: { field, value } };
}

/** Adds a filter unless the same one is already there; replaces an existing filter on the same field. */
export function addFilter(filters: readonly FieldFilter[], f: FieldFilter): FieldFilter[] {
  const rest = filters.filter((x) => x.field !== f.field);
  return [...rest, f].slice(-MAX_FILTERS);
}

function isRange(v: string | null): v is RangeId {
  return RANGES.some((r) => r.id === v);
}

/** The search encoded in a page URL's query string (`?range=1h&source=…&field.host.name=…`). */
export function searchFromUrl(search: string): EventSearch {
  const p = new URLSearchParams(search);
  const range = p.get('range');
  const filters: FieldFilter[] = [];
  for (const [k, v] of p) {
    if (!k.startsWith('field.')) continue;
    const field = k.slice('field.'.length);
    if (isFieldName(field) && v !== '' && v.length <= MAX_VALUE_LENGTH) filters.push({ field, value: v });
  }
  return {
    range: isRange(range) ? range : DEFAULT_RANGE,
    source: p.get('source') ?? '',
    sourceType: p.get('sourceType') ?? '',
    filters: filters.slice(0, MAX_FILTERS),
  };
}

/** The page URL query string for a search (without `?`); defaults are left out to keep links short. */
export function searchToUrl(s: EventSearch): string {
  const p = new URLSearchParams();
  if (s.range !== DEFAULT_RANGE) p.set('range', s.range);
  if (s.source) p.set('source', s.source);
  if (s.sourceType) p.set('sourceType', s.sourceType);
  for (const f of s.filters) p.append(`field.${f.field}`, f.value);
  return p.toString();
}

/** The `GET /api/v1/events` query string for a search ending at `now`. */
export function buildEventsQuery(s: EventSearch, now: number, limit = EVENTS_LIMIT): string {
  const range = RANGES.find((r) => r.id === s.range) ?? RANGES[1];
  const p = new URLSearchParams();
  p.set('from', String(Math.floor(now - range.ms)));
  p.set('to', String(Math.ceil(now)));
  p.set('limit', String(limit));
  if (s.source) p.set('source', s.source);
  if (s.sourceType) p.set('sourceType', s.sourceType);
  for (const f of s.filters) p.append(`field.${f.field}`, f.value);
  return p.toString();
}
