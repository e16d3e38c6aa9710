import type { DuckDBConnection, DuckDBResultReader, DuckDBValue } from '@duckdb/node-api';
import { basename } from 'node:path';
import { summarizeFields } from '../../search/field-stats.ts';
import { compileSearch, type CompiledSearch } from '../../search/sql/search-compiler.ts';
import type { SqlParamValue } from '../../search/sql/sql-dialect.ts';
import { bucketStarts, roundInterval } from '../../search/sql/time-buckets.ts';
import type {
  SearchBatch, SearchCell, SearchExportRequest, SearchHistogram, SearchRequest, SearchResult, StoredEvent,
} from '../event-store.ts';
import { StoreQueryError, classifyFailure, firstLine } from '../store-errors.ts';
import { assertArchiveFileName } from './duckdb-archive.ts';
import { EMPTY_EVENTS_TABLE, duckDbDialect } from './duckdb-dialect.ts';
import { decodeEventRow } from './duckdb-rows.ts';
import { assertPartitionName, sqlString } from './duckdb-schema.ts';
import { candidateRanges, type TextIndexCoverage } from './duckdb-text-index.ts';

/** Table rows a search returns when the request does not say (search.maxRows). */
export const DEFAULT_MAX_ROWS = 10_000;
/** Most table rows any search returns, whatever it asks. */
const MAX_ROWS_CAP = 100_000;
/** Most bytes of events or rows one search answer carries; the rest is cut and marked truncated. */
export const MAX_RESULT_BYTES = 32 * 1024 * 1024;
/** Rows per export batch: about one DuckDB vector. */
const EXPORT_BATCH_ROWS = 2_048;
/** Most rows an export streams. */
export const MAX_EXPORT_ROWS = 1_000_000;

/**
 * What a search reads: a day table, or an archived day's Parquet file (`parquet`: its absolute path,
 * whose file name is checked again here). Both have the same columns (checked when the file is written).
 */
export type SearchPartition = { rows: number; minTs: number; maxTs: number } & (
  | { table: string; parquet?: undefined; textIndex?: TextIndexCoverage; seqFilter?: string }
  | { parquet: string; table?: undefined; textIndex?: undefined; seqFilter?: undefined }
);

/**
 * Runs a search on `conn` (the store's read connection) over the `partitions` whose time range
 * overlaps the request's. Every statement runs under one deadline: when it passes, the running
 * statement is interrupted and the search fails with a StoreQueryError of failure `timeout`.
 */
export async function runSearch(
  conn: DuckDBConnection, partitions: readonly SearchPartition[], request: SearchRequest, maxLimit: number,
): Promise<SearchResult> {
  const started = Date.now();
  const { from, to, timeoutMs } = checkRequest(request);
  const limit = Math.min(Math.floor(request.limit), maxLimit);
  const maxRows = Math.min(Math.floor(request.maxRows ?? DEFAULT_MAX_ROWS), MAX_ROWS_CAP);
  const deadline = new Deadline(conn, timeoutMs);
  const { scanned, compiled } = await narrowByWords(overlapping(partitions, from, to), compileSearch(request.query, duckDbDialect, { from, to, limit, maxRows: Math.max(maxRows, 1) }), deadline);
  const meta = { from, to, tookMs: 0, truncated: false, partitions: scanned.length };
  const result: SearchResult = { kind: compiled.kind, meta };

  if (compiled.kind === 'events') {
    const rows = scanned.length === 0 || limit === 0 ? [] : await readEvents(compiled, scanned, deadline);
    const events = applyFieldStages(rows.slice(0, compiled.rowLimit), compiled);
    const kept = withinBytes(events, (e) => e.original.length + JSON.stringify(e.fields).length + 128);
    meta.truncated = rows.length > compiled.rowLimit || kept.length < events.length;
    result.events = kept;
    if (request.fieldStats) result.fields = summarizeFields(kept);
  } else {
    const sql = compiled.statement(union(scanned));
    const rows = (await deadline.run(sql, compiled.paramsFor(sql))).getRowsJS().map((row) => row.map(toCell));
    const limited = rows.slice(0, Math.min(compiled.rowLimit, maxRows));
    const kept = withinBytes(limited, (row) => JSON.stringify(row).length);
    meta.truncated = rows.length > limited.length || kept.length < limited.length;
    result.columns = compiled.columns;
    result.rows = kept;
  }
  if (request.histogram) result.histogram = await histogram(compiled, scanned, from, to, deadline);
  meta.tookMs = Date.now() - started;
  return result;
}

/**
 * Streams a search's result in batches from `conn`, a connection of its own that the caller closes
 * when the iteration ends (completed, failed or abandoned). Only the first batch is under the time
 * limit: an export of a million events may take long, but a query that finds nothing quickly must
 * not hold the connection forever before its first row.
 */
export async function* streamSearch(
  conn: DuckDBConnection, partitions: readonly SearchPartition[], request: SearchExportRequest,
): AsyncGenerator<SearchBatch> {
  const { from, to, timeoutMs } = checkRequest(request);
  const limit = Math.min(Math.floor(request.limit), MAX_EXPORT_ROWS);
  if (!(limit >= 1)) throw refuse('`limit` must be at least 1');
  const deadline = new Deadline(conn, timeoutMs);
  const { scanned, compiled } = await narrowByWords(
    overlapping(partitions, from, to), compileSearch(request.query, duckDbDialect, { from, to, limit, maxRows: limit }), deadline,
  );
  if (scanned.length === 0 && compiled.kind === 'events') return;
  const sql = compiled.statement(union(scanned));
  const result = await deadline.wrap(() => conn.stream(sql, compiled.paramsFor(sql)));
  let sent = 0;
  let first = true;
  for (;;) {
    const chunk = first ? await deadline.wrap(() => result.fetchChunk()) : await result.fetchChunk();
    first = false;
    if (!chunk || chunk.rowCount === 0) return;
    const rows = chunk.getRows().slice(0, compiled.rowLimit - sent);
    sent += rows.length;
    for (let i = 0; i < rows.length; i += EXPORT_BATCH_ROWS) {
      const slice = rows.slice(i, i + EXPORT_BATCH_ROWS);
      if (compiled.kind === 'events') yield { kind: 'events', events: applyFieldStages(slice.map(decodeEventRow), compiled) };
      else yield { kind: 'table', columns: compiled.columns, rows: slice.map((row) => row.map(duckValueToCell)) };
    }
    if (sent >= compiled.rowLimit) return;
  }
}

/** Validates what the compiler does not: the range and the time limit. */
function checkRequest(request: { from: number; to: number; limit: number; timeoutMs: number; query: unknown }): { from: number; to: number; timeoutMs: number } {
  if (request === null || typeof request !== 'object') throw refuse('the request must be an object');
  const { from, to, limit, timeoutMs, query } = request;
  if (query === null || typeof query !== 'object') throw refuse('`query` must be a parsed query');
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 8.64e15) throw refuse(`\`${name}\` must be a time in ms since the epoch`);
  }
  if (to <= from) throw refuse('`to` must be after `from`');
  if (typeof limit !== 'number' || !(limit >= 0)) throw refuse('`limit` must be a non-negative number');
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > 86_400_000) throw refuse('`timeoutMs` must be between 1 ms and a day');
  return { from, to, timeoutMs };
}

/** Partitions whose event-time range overlaps [from, to), newest first. */
function overlapping(partitions: readonly SearchPartition[], from: number, to: number): SearchPartition[] {
  return partitions
    .filter((p) => p.rows > 0 && p.maxTs >= from && p.minTs < to)
    .sort((a, b) => b.maxTs - a.maxTs);
}

/**
 * A FROM item of every row of the partitions (an empty relation of the right shape when none); the
 * archive files of the range are read by one `read_parquet` of their list.
 */
function union(partitions: readonly SearchPartition[]): string {
  if (partitions.length === 0) return `(SELECT * FROM ${EMPTY_EVENTS_TABLE})`;
  const selects = partitions.filter((p) => p.parquet === undefined).map((p) => `SELECT * FROM ${relation(p)}`);
  const files = partitions.flatMap((p) => (p.parquet === undefined ? [] : [parquetPath(p.parquet)]));
  if (files.length > 0) selects.push(`SELECT * FROM read_parquet([${files.join(', ')}])`);
  return `(${selects.join(' UNION ALL ')})`;
}

/** The FROM item of one partition: its quoted table (only the seqs the word index left), or a `read_parquet` of its file. */
function relation(p: SearchPartition): string {
  if (p.parquet !== undefined) return `read_parquet(${parquetPath(p.parquet)})`;
  const table = `"${assertPartitionName(p.table)}"`;
  return p.seqFilter === undefined ? table : `(SELECT * FROM ${table} WHERE ${p.seqFilter})`;
}

/**
 * Narrows the day tables that have a word index to the seq ranges that can hold the search's plain
 * free-text terms (see duckdb-text-index.ts); archive files and days not indexed yet are read whole.
 * The ranges are bound parameters (`seq_N`) that the returned search's paramsFor adds where used.
 */
async function narrowByWords(
  partitions: SearchPartition[], compiled: CompiledSearch, deadline: Deadline,
): Promise<{ scanned: SearchPartition[]; compiled: CompiledSearch }> {
  const indexed = partitions.flatMap((p) => (p.textIndex === undefined ? [] : [p.textIndex]));
  const run = async (sql: string, params: Record<string, DuckDBValue>) => (await deadline.run(sql, params)).getRows();
  const ranges = await candidateRanges(run, indexed, compiled.indexTerms);
  if (ranges === undefined) return { scanned: partitions, compiled };
  const bounds: Record<string, number> = {};
  const bind = (seq: number) => {
    const name = `seq_${Object.keys(bounds).length}`;
    bounds[name] = seq;
    return `$${name}::BIGINT`;
  };
  let next = 0;
  const scanned = partitions.flatMap((p): SearchPartition[] => {
    if (p.textIndex === undefined) return [p];
    const { ranges: within, after } = ranges[next++]!;
    const conditions = within.map(([lo, hi]) => `seq BETWEEN ${bind(lo)} AND ${bind(hi)}`);
    // Events not indexed yet are read whole; a fully indexed day without candidates is not read at all.
    if (!p.textIndex.complete) conditions.push(`seq > ${bind(after)}`);
    return conditions.length === 0 ? [] : [{ ...p, seqFilter: conditions.join(' OR ') }];
  });
  const paramsFor = (sql: string) => {
    const params: Record<string, SqlParamValue> = compiled.paramsFor(sql);
    for (const [name, seq] of Object.entries(bounds)) if (new RegExp(`\\$${name}(?![0-9A-Za-z_])`).test(sql)) params[name] = seq;
    return params;
  };
  return { scanned, compiled: { ...compiled, paramsFor } };
}

function parquetPath(path: string): string {
  assertArchiveFileName(basename(path));
  return sqlString(path);
}

/**
 * Events of a filter + newest-first search are read partition by partition, newest partition first,
 * stopping once the partitions left cannot hold anything newer than what was found: the common "last
 * 100 events" over 30 days then reads one or two days. Other searches run as one statement.
 */
async function readEvents(compiled: CompiledSearch, partitions: readonly SearchPartition[], deadline: Deadline): Promise<StoredEvent[]> {
  const n = compiled.newestFirstLimit;
  if (n === undefined) {
    const sql = compiled.statement(union(partitions));
    return (await deadline.run(sql, compiled.paramsFor(sql))).getRows().map(decodeEventRow);
  }
  let found: StoredEvent[] = [];
  for (const p of partitions) {
    if (found.length >= n && found[n - 1]!.timestamp > p.maxTs) break;
    // The inner query finds the newest matches reading only the columns the filter needs; only
    // those rows are then read whole. Selecting every column in one go made DuckDB decompress the
    // large text columns of every row in the day before filtering (2.4 s instead of ~0.1 s a day).
    const rel = relation(p);
    const newest = `SELECT seq FROM ${rel} AS e WHERE ${compiled.filter} ORDER BY ${duckDbDialect.newestFirst} LIMIT $fast_limit`;
    const sql = `SELECT ${duckDbDialect.eventColumns} FROM ${rel} AS e WHERE seq IN (${newest}) ORDER BY ${duckDbDialect.newestFirst}`;
    const rows = (await deadline.run(sql, { ...compiled.paramsFor(sql), fast_limit: n })).getRows().map(decodeEventRow);
    found = [...found, ...rows].sort((a, b) => b.timestamp - a.timestamp || b.seq - a.seq).slice(0, n);
  }
  return found;
}

async function histogram(compiled: CompiledSearch, partitions: readonly SearchPartition[], from: number, to: number, deadline: Deadline): Promise<SearchHistogram> {
  const intervalMs = roundInterval(from, to);
  const counts = new Map<number, number>();
  if (partitions.length > 0) {
    const sql = compiled.histogram(union(partitions), intervalMs);
    for (const [t, n] of (await deadline.run(sql, compiled.paramsFor(sql))).getRows()) counts.set(Number(t), Number(n));
  }
  return { from, to, intervalMs, buckets: bucketStarts(from, to, intervalMs).map((t) => ({ t, count: counts.get(t) ?? 0 })) };
}

function applyFieldStages(events: StoredEvent[], compiled: CompiledSearch): StoredEvent[] {
  if (compiled.fieldStages.length === 0) return events;
  return events.map((event) => {
    let fields = event.fields;
    for (const stage of compiled.fieldStages) {
      const named = stage.fields.map((f) => f.name);
      fields = stage.mode === 'keep'
        ? Object.fromEntries(named.filter((name) => Object.hasOwn(fields, name)).map((name) => [name, fields[name]!]))
        : Object.fromEntries(Object.entries(fields).filter(([name]) => !named.includes(name)));
    }
    return { ...event, fields };
  });
}

/** The longest prefix of `items` whose estimated size stays within {@link MAX_RESULT_BYTES}. */
function withinBytes<T>(items: T[], size: (item: T) => number): T[] {
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += size(items[i]!);
    if (total > MAX_RESULT_BYTES) return items.slice(0, i);
  }
  return items;
}

/** A JS value of a result row as a table cell: lists (values()) become their JSON text. */
function toCell(value: unknown): SearchCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

function duckValueToCell(value: DuckDBValue): SearchCell {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint') return toCell(value);
  // Lists and other composite values: their JS form, as JSON text.
  const items = (value as { items?: unknown }).items;
  return toCell(Array.isArray(items) ? items : String(value));
}

/** One time limit shared by the statements of a search; interrupts the connection when it passes. */
class Deadline {
  private readonly conn: DuckDBConnection;
  private readonly timeoutMs: number;
  private readonly at: number;

  constructor(conn: DuckDBConnection, timeoutMs: number) {
    this.conn = conn;
    this.timeoutMs = timeoutMs;
    this.at = Date.now() + timeoutMs;
  }

  run(sql: string, params: Record<string, DuckDBValue>): Promise<DuckDBResultReader> {
    return this.wrap(() => this.conn.runAndReadAll(sql, params));
  }

  async wrap<T>(work: () => Promise<T>): Promise<T> {
    const remaining = this.at - Date.now();
    if (remaining <= 0) throw this.timeout();
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
      this.conn.interrupt();
    }, remaining);
    try {
      return await work();
    } catch (err) {
      if (fired || /^INTERRUPT Error/.test(firstLine(err))) throw this.timeout();
      if (err instanceof StoreQueryError) throw err;
      throw new StoreQueryError(`search failed: ${firstLine(err)}`, classifyFailure(err), { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  private timeout(): StoreQueryError {
    const seconds = Math.round(this.timeoutMs / 100) / 10;
    return new StoreQueryError(`the search took longer than ${seconds} s and was stopped: narrow the time range or the filter`, 'timeout');
  }
}

function refuse(message: string): StoreQueryError {
  return new StoreQueryError(`invalid search: ${message}`, 'invalid-input');
}
