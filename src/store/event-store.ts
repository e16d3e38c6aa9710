import type { NormalizedEvent } from '../core/event.ts';
import type { FieldSummary } from '../search/field-stats.ts';
import type { Query } from '../search/query-ast.ts';

export type { FieldSummary } from '../search/field-stats.ts';

/** A stored event as read back: the normalized event plus its store identity. */
export interface StoredEvent extends NormalizedEvent {
  /** Journal sequence number the event was ingested under; unique per event. */
  seq: number;
}

/** The minimal event query of the foundation; the query language (issue 4) compiles to more. */
export interface EventQuery {
  /** Inclusive lower bound on event time, ms since epoch. */
  from?: number;
  /** Exclusive upper bound on event time, ms since epoch. */
  to?: number;
  /** Every listed field must equal its value (string comparison). `source`, `sourceType` address the columns. */
  equals?: Record<string, string>;
  /** Newest first; at most this many (the store caps it). */
  limit?: number;
}

/**
 * A search in the query language (docs/query-language.md), already parsed and checked. Served by
 * `EventStore.search(request: SearchRequest): Promise<SearchResult>` and, streamed,
 * `EventStore.exportSearch(request: SearchExportRequest): AsyncIterable<SearchBatch>`.
 */
export interface SearchRequest {
  query: Query;
  /** Inclusive lower bound on event time, ms since the epoch. */
  from: number;
  /** Exclusive upper bound on event time, ms since the epoch. */
  to: number;
  /** Most events returned (kind `events`); the store caps it. */
  limit: number;
  /** Most table rows returned (kind `table`); the store caps it. Default 10,000. */
  maxRows?: number;
  /** Also count ALL matching events over [from, to) in ~60–120 round buckets. */
  histogram?: boolean;
  /** Also summarize the fields of the returned events. */
  fieldStats?: boolean;
  /** The search is interrupted after this long and fails with a StoreQueryError of failure `timeout`. */
  timeoutMs: number;
  /** Also read the archived days of the range (Parquet files, slower); default false. */
  includeArchive?: boolean;
}

/** One cell of a table result; `values()` lists arrive as their JSON text. */
export type SearchCell = string | number | boolean | null;

export interface SearchHistogram {
  from: number;
  to: number;
  intervalMs: number;
  /** Every bucket of the range, empty ones with count 0; `t` is the bucket start (ms). */
  buckets: { t: number; count: number }[];
}

export interface SearchMeta {
  from: number;
  to: number;
  tookMs: number;
  /** More rows matched than were returned (row or byte limit). */
  truncated: boolean;
  /** Partitions (day tables and archive files) the search read. */
  partitions: number;
  /**
   * Days of the range held in the archive (present when there are any): read when the request said
   * `includeArchive`, else left out of the result, so a client can offer to include them.
   */
  archivedDays?: number;
}

/**
 * What a search gives: events for plain filters (plus where/fields/sort/head), a table for
 * stats/timechart/top/rare.
 */
export interface SearchResult {
  kind: 'events' | 'table';
  events?: StoredEvent[];
  columns?: string[];
  rows?: SearchCell[][];
  histogram?: SearchHistogram;
  fields?: FieldSummary[];
  meta: SearchMeta;
}

/** A search whose whole result is streamed (export): no histogram, no field stats. */
export interface SearchExportRequest {
  query: Query;
  from: number;
  to: number;
  /** Most events or rows streamed in total. */
  limit: number;
  /** Time limit for producing the first batch (the running statement is interrupted); unlimited afterwards. */
  timeoutMs: number;
  /** Also read the archived days of the range; default false. */
  includeArchive?: boolean;
}

/** One batch of an export, in result order. A table export repeats its columns in every batch. */
export type SearchBatch =
  | { kind: 'events'; events: StoredEvent[] }
  | { kind: 'table'; columns: string[]; rows: SearchCell[][] };

export interface RetentionPolicy {
  /** Delete events older than this many days (0 keeps forever). */
  maxAgeDays: number;
  /** Delete the oldest days until the store is under this many bytes (0: no size limit). */
  maxBytes: number;
}

export interface EventStoreStats {
  /** Events, bytes, time range and day partitions of the live store; the archive is counted apart. */
  events: number;
  bytes: number;
  oldest?: number;
  newest?: number;
  partitions: number;
  archive: ArchiveStats;
}

export interface ArchiveStats {
  /** Days with at least one archive file. */
  days: number;
  files: number;
  events: number;
  bytes: number;
  oldest?: number;
  newest?: number;
}

/** When days move from the store to the archive, and how long archive files are kept. */
export interface ArchivePolicy {
  /** A day is archived once its last moment is older than this many days. */
  hotDays: number;
  /** Archive files of days older than this many days are deleted (0 keeps them forever). */
  retentionDays: number;
}

/** What an archive run did (or, with `dryRun`, would do). Days are UTC days of receipt, `YYYY-MM-DD`. */
export interface ArchiveReport {
  dryRun: boolean;
  archived: { day: string; file: string; events: number; bytes?: number }[];
  deleted: { day: string; file: string; events: number; bytes: number }[];
}

/** What a backend can do beyond the interface, so callers ask instead of testing the backend's type. */
export interface EventStoreCapabilities {
  /** Data stays on this machine's disk (size-based retention measures it). */
  local: boolean;
  /** {@link EventStore.archive} moves old days to files that searches can still read. */
  archive: boolean;
}

/**
 * Storage for events. The embedded backend is DuckDB; a ClickHouse backend implements the same
 * interface. Appends are batched and idempotent per sequence number: appending an event whose `seq`
 * is at or below {@link lastSeq} is a no-op, so replaying the journal after a crash never duplicates.
 */
export interface EventStore {
  readonly capabilities: EventStoreCapabilities;
  /** Writes a batch atomically (all or nothing) and durably, in ascending seq order. */
  append(events: StoredEvent[]): Promise<void>;
  /** Highest seq stored, 0 when empty. The journal replays everything above it after a restart. */
  lastSeq(): Promise<number>;
  query(query: EventQuery): Promise<StoredEvent[]>;
  /**
   * Runs a query-language search. Throws QuerySyntaxError (with a position) for what the compiler
   * refuses, StoreQueryError with failure `timeout` when `timeoutMs` elapsed.
   */
  search(request: SearchRequest): Promise<SearchResult>;
  /**
   * Streams a search's result in batches of up to a few thousand rows, never holding it whole.
   * Breaking out of the loop (or `return()` on the iterator) stops the query and frees its resources.
   */
  exportSearch(request: SearchExportRequest): AsyncIterable<SearchBatch>;
  stats(): Promise<EventStoreStats>;
  /** Applies the policy; returns how many events were removed. */
  enforceRetention(policy: RetentionPolicy, now: number): Promise<number>;
  /**
   * Moves the days older than the policy's hot window to the archive (verified files; a crash at any
   * point leaves each day either in the store or in a complete, recorded file) and deletes archive
   * files past the policy's retention. With `dryRun`, only reports what it would do.
   */
  archive(policy: ArchivePolicy, now: number, options?: { dryRun?: boolean }): Promise<ArchiveReport>;
  close(): Promise<void>;
}
