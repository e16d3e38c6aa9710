/**
 * Shapes of the search API (`POST /api/v1/search`, `/api/v1/saved-searches`) as the console uses
 * them, and their decoders. Event values in them are attacker-controlled: render as text only.
 */
import { arr, bool, num, obj, optNum, optStr, str } from './decode.ts';
import { ApiError } from './errors.ts';
import { decodeEvents, type VigilEvent } from './types.ts';

/** One cell of a `table` result (stats, timechart, top, rare). */
export type Cell = string | number | boolean | null;

export interface HistogramBucket {
  /** Bucket start, ms since the epoch. */
  t: number;
  count: number;
}

/** Matching events over the whole range (not only the returned page), in buckets of `intervalMs`. */
export interface SearchHistogram {
  from: number;
  to: number;
  intervalMs: number;
  buckets: HistogramBucket[];
}

/** A field of the returned events: how many have it, how many distinct values, the most common ones. */
export interface FieldStat {
  name: string;
  count: number;
  distinct: number;
  top: { value: string; count: number }[];
}

export interface SearchMeta {
  /** The resolved range, ms since the epoch. */
  from: number;
  to: number;
  tookMs: number;
  /** The result stopped at the row limit. */
  truncated: boolean;
  partitions: number;
  /** Days of the range held in the archive: searched only when the request asked for them. */
  archivedDays?: number;
}

export type SearchResult =
  | { kind: 'events'; events: VigilEvent[]; histogram: SearchHistogram | undefined; fields: FieldStat[]; meta: SearchMeta }
  | { kind: 'table'; columns: string[]; rows: Cell[][]; histogram: SearchHistogram | undefined; fields: FieldStat[]; meta: SearchMeta };

/** Where in the query text a syntax error is: offsets into the query, `end` exclusive. */
export interface QuerySpan {
  start: number;
  end: number;
}

export interface SavedSearch {
  id: string;
  name: string;
  query: string;
  /** Time range as typed (`-7d`, `now`, ISO 8601); absent means the default. */
  from: string | undefined;
  to: string | undefined;
  shared: boolean;
  ownerId: string;
  /** Name of the owner, when the server tells it (shared searches of others). */
  ownerName: string | undefined;
  /** The signed-in user may rename or delete it (its owner, or a user administrator). */
  editable: boolean;
  updatedAt: number;
}

function decodeHistogram(v: unknown): SearchHistogram | undefined {
  if (v === undefined || v === null) return undefined;
  const h = obj(v, 'histogram');
  return {
    from: num(h.from, 'histogram.from'),
    to: num(h.to, 'histogram.to'),
    intervalMs: num(h.intervalMs, 'histogram.intervalMs'),
    buckets: arr(h.buckets, 'histogram.buckets').map((b, i) => {
      const o = obj(b, `histogram.buckets[${i}]`);
      return { t: num(o.t, `histogram.buckets[${i}].t`), count: num(o.count, `histogram.buckets[${i}].count`) };
    }),
  };
}

function decodeFields(v: unknown): FieldStat[] {
  if (v === undefined || v === null) return [];
  return arr(v, 'fields').map((f, i) => {
    const o = obj(f, `fields[${i}]`);
    return {
      name: str(o.name, `fields[${i}].name`),
      count: num(o.count, `fields[${i}].count`),
      distinct: num(o.distinct, `fields[${i}].distinct`),
      top: arr(o.top ?? [], `fields[${i}].top`).map((t, j) => {
        const tv = obj(t, `fields[${i}].top[${j}]`);
        // Values are text on the wire; a server may send numbers and booleans as they are.
        const value = typeof tv.value === 'boolean' ? String(tv.value) : str(tv.value, `fields[${i}].top[${j}].value`);
        return { value, count: num(tv.count, `fields[${i}].top[${j}].count`) };
      }),
    };
  });
}

function decodeCell(v: unknown): Cell {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v === undefined) return null;
  // Lists (values()) and objects are shown as their JSON text rather than refused.
  return JSON.stringify(v) ?? null;
}

/** Decodes the answer of `POST /api/v1/search`. */
export function decodeSearchResult(body: unknown): SearchResult {
  const b = obj(body, 'the answer');
  const m = obj(b.meta, 'meta');
  const meta: SearchMeta = {
    from: num(m.from, 'meta.from'),
    to: num(m.to, 'meta.to'),
    tookMs: num(m.tookMs, 'meta.tookMs'),
    truncated: bool(m.truncated, 'meta.truncated'),
    partitions: optNum(m.partitions, 'meta.partitions') ?? 0,
    archivedDays: optNum(m.archivedDays, 'meta.archivedDays'),
  };
  const histogram = decodeHistogram(b.histogram);
  const fields = decodeFields(b.fields);
  if (b.kind === 'events') return { kind: 'events', events: decodeEvents(b), histogram, fields, meta };
  if (b.kind === 'table') {
    const columns = arr(b.columns, 'columns').map((c, i) => str(c, `columns[${i}]`));
    const rows = arr(b.rows, 'rows').map((r, i) => arr(r, `rows[${i}]`).map(decodeCell));
    return { kind: 'table', columns, rows, histogram, fields, meta };
  }
  throw new ApiError(0, 'bad_response', 'Unexpected answer from the server: kind should be "events" or "table".');
}

/**
 * The span of a `QUERY_SYNTAX` error: the server sends `position: { start, end }` in the error body
 * (directly or under `details`). Answers undefined for other errors or a malformed position.
 */
export function syntaxErrorSpan(err: unknown, queryLength: number): QuerySpan | undefined {
  if (!(err instanceof ApiError) || err.code !== 'QUERY_SYNTAX') return undefined;
  const details = err.details;
  const nested = typeof details.details === 'object' && details.details !== null ? (details.details as Record<string, unknown>) : {};
  const p = details.position ?? nested.position;
  if (typeof p !== 'object' || p === null) return undefined;
  const { start, end } = p as { start?: unknown; end?: unknown };
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) return undefined;
  const s = Math.min(start, queryLength);
  const e = typeof end === 'number' && Number.isInteger(end) && end > s ? Math.min(end, queryLength) : s;
  return { start: s, end: e };
}

/** Decodes `{ savedSearch }` (create, update). */
export function decodeSavedSearchAnswer(body: unknown): SavedSearch {
  return decodeSavedSearch(obj(body, 'the answer').savedSearch, 'savedSearch');
}

function decodeSavedSearch(v: unknown, what: string): SavedSearch {
  const o = obj(v, what);
  return {
    id: str(o.id, `${what}.id`),
    name: str(o.name, `${what}.name`),
    query: str(o.query, `${what}.query`),
    from: optStr(o.from, `${what}.from`),
    to: optStr(o.to, `${what}.to`),
    shared: bool(o.shared, `${what}.shared`),
    ownerId: str(o.ownerId, `${what}.ownerId`),
    ownerName: optStr(o.ownerName, `${what}.ownerName`),
    editable: bool(o.editable, `${what}.editable`),
    updatedAt: num(o.updatedAt, `${what}.updatedAt`),
  };
}

/** Decodes `{ savedSearches: [...] }`. */
export function decodeSavedSearches(body: unknown): SavedSearch[] {
  return arr(obj(body, 'the answer').savedSearches, 'savedSearches').map((s, i) => decodeSavedSearch(s, `savedSearches[${i}]`));
}
