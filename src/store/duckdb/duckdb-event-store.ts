import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ArchivePolicy, ArchiveReport, ArchiveStats, EventQuery, EventStore, EventStoreCapabilities, EventStoreStats, RetentionPolicy, SearchBatch,
  SearchExportRequest, SearchRequest, SearchResult, StoredEvent,
} from '../event-store.ts';
import {
  assertArchiveFileName, isoDay, nextArchiveFileName, removeTempFiles, unrecordedFiles, writeArchiveFile, type ArchivedPartition,
} from './duckdb-archive.ts';
import { resolveDuckDbOptions, type DuckDbEventStoreOptions, type ResolvedDuckDbOptions } from './duckdb-config.ts';
import { DUCKDB_SEARCH_SETUP } from './duckdb-dialect.ts';
import { compileEventQuery, type PartitionInfo } from './duckdb-query.ts';
import { appendEventRow, decodeEventRow, validateBatch } from './duckdb-rows.ts';
import {
  CREATE_META_SQL, PROMOTED_FIELDS, SCHEMA_VERSION, STORAGE_VERSION, assertPartitionName, createPartitionSql, dayOf, dayStart, jsonPath,
  partitionTable, sqlString, storageSupportsZstd,
} from './duckdb-schema.ts';
import { runSearch, streamSearch, type SearchPartition } from './duckdb-search.ts';
import { TEXT_INDEX_BLOCK_ROWS, TEXT_INDEX_CHUNK_ROWS, TextIndexer } from './duckdb-text-index.ts';
import { SerialQueue } from './serial-queue.ts';
import {
  StoreClosedError, StoreQueryError, StoreWriteError, classifyFailure, firstLine, isFatal,
} from '../store-errors.ts';

export type { DuckDbEventStoreOptions } from './duckdb-config.ts';

const DB_FILE = 'events.duckdb';
/** Catalog name the database file is attached under. */
const DB_NAME = 'vigil_events';
const MS_PER_DAY = 86_400_000;
/** Exports running at once, each on a connection of its own; more are refused until one ends. */
const MAX_CONCURRENT_EXPORTS = 4;

interface Handles {
  instance: DuckDBInstance;
  writer: DuckDBConnection;
  reader: DuckDBConnection;
}

/**
 * Opens (creating if needed) the embedded event store in `options.dir`. Throws {@link StoreWriteError}
 * with a clear message when the directory or database cannot be opened (permissions, disk full, the
 * file locked by another Vigil process, a database from a newer version).
 */
export async function openDuckDbEventStore(options: DuckDbEventStoreOptions): Promise<EventStore> {
  const resolved = resolveDuckDbOptions(options);
  const store = new DuckDbEventStore(resolved);
  await store.open();
  return store;
}

/**
 * The DuckDB {@link EventStore}: day tables, a catalog, and a meta row holding the last stored seq,
 * all updated in one transaction per batch. Writes and retention run one at a time on the writer
 * connection; queries run on a second connection and see committed data only (DuckDB MVCC), so a long
 * search does not stall ingest.
 */
class DuckDbEventStore implements EventStore {
  readonly capabilities: EventStoreCapabilities = { local: true, archive: true };
  private readonly options: ResolvedDuckDbOptions;
  private readonly file: string;
  private handles: Handles | undefined;
  /** Set after a fatal DuckDB error: the instance must be reopened before its next use. */
  private broken: unknown;
  private closed = false;
  private lastSeqValue = 0;
  private readonly partitions = new Map<number, PartitionInfo>();
  /** Archive files by file name (a day may have several). */
  private readonly archived = new Map<string, ArchivedPartition>();
  /** Whether the database file's storage format can hold zstd columns (files created before it cannot). */
  private zstd = false;
  private readonly writes = new SerialQueue();
  private readonly reads = new SerialQueue();
  /** Connections of running exports, closed with the store. */
  private readonly exports = new Set<DuckDBConnection>();
  /** Appends waiting for or holding the write queue: the word index is only built when there are none. */
  private appendsWaiting = 0;
  private readonly textIndex: TextIndexer;

  constructor(options: ResolvedDuckDbOptions) {
    this.options = options;
    this.file = join(options.dir, DB_FILE);
    const hooks = options.hooks.textIndex;
    this.textIndex = new TextIndexer({
      writes: this.writes,
      writer: async () => (await this.ensureUsable()).writer,
      partitions: () => this.partitions.values(),
      appendWaiting: () => this.appendsWaiting > 0 || hooks?.paused?.() === true,
      failed: (err) => {
        if (isFatal(err)) this.broken = err;
      },
      enabled: hooks?.off !== true,
      blockRows: hooks?.blockRows ?? TEXT_INDEX_BLOCK_ROWS,
      chunkRows: hooks?.chunkRows ?? TEXT_INDEX_CHUNK_ROWS,
      idle: hooks?.idle,
    });
  }

  async open(): Promise<void> {
    try {
      await mkdir(this.options.dir, { recursive: true });
    } catch (err) {
      throw new StoreWriteError(`cannot create event store directory ${this.options.dir}: ${firstLine(err)}`, classifyFailure(err), { cause: err });
    }
    await this.connect();
  }

  private async connect(): Promise<void> {
    const config: Record<string, string> = {
      memory_limit: this.options.memoryLimit,
      checkpoint_threshold: this.options.checkpointThreshold,
    };
    if (this.options.threads !== undefined) config.threads = String(this.options.threads);
    let instance: DuckDBInstance | undefined;
    try {
      // The file is attached rather than opened directly because only ATTACH takes a row group size
      // (see rowGroupSize in duckdb-config.ts). STORAGE_VERSION applies to a file created now; an
      // existing file keeps its format, read back below.
      instance = await DuckDBInstance.create(':memory:', config);
      const writer = await instance.connect();
      const reader = await instance.connect();
      this.handles = { instance, writer, reader };
      await writer.run(
        `ATTACH ${sqlString(this.file)} AS ${DB_NAME} (STORAGE_VERSION '${STORAGE_VERSION}', ROW_GROUP_SIZE ${this.options.rowGroupSize})`,
      );
      await writer.run(`USE ${DB_NAME}`);
      await reader.run(`USE ${DB_NAME}`);
      for (const sql of DUCKDB_SEARCH_SETUP) await writer.run(sql);
      await this.migrate(writer);
      this.zstd = storageSupportsZstd(await this.storageVersion(writer));
      await this.loadCatalog(writer);
      await this.backfillMultiValuedColumns(writer);
      await this.textIndex.load(writer);
      this.broken = undefined;
      // Stores written before the index existed, or events appended since it last ran.
      this.textIndex.kick();
    } catch (err) {
      if (this.handles) this.release();
      else instance?.closeSync();
      const failure = /lock/i.test(firstLine(err)) ? 'unavailable' : classifyFailure(err);
      const hint = failure === 'disk-full' ? ' (the disk is full: free space, then restart or retry)' : '';
      throw new StoreWriteError(`cannot open event store ${this.file}: ${firstLine(err)}${hint}`, failure, { cause: err });
    }
  }

  private async migrate(conn: DuckDBConnection): Promise<void> {
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const sql of CREATE_META_SQL) await conn.run(sql);
      const version = await this.metaValue(conn, 'schema_version');
      if (version === undefined) {
        await conn.run("INSERT INTO store_meta VALUES ('schema_version', $v), ('last_seq', 0)", { v: SCHEMA_VERSION });
      } else if (version > SCHEMA_VERSION) {
        throw new Error(`the database has schema version ${version}, newer than this Vigil understands (${SCHEMA_VERSION}); upgrade Vigil`);
      }
      await conn.run('COMMIT');
    } catch (err) {
      await rollbackQuietly(conn);
      throw err;
    }
  }

  /** The file's storage format tag, e.g. `v1.2.0+`. */
  private async storageVersion(conn: DuckDBConnection): Promise<string | undefined> {
    const reader = await conn.runAndReadAll(
      "SELECT map_extract_value(tags, 'storage_version') FROM duckdb_databases() WHERE database_name = current_database()",
    );
    const tag = reader.getRows()[0]?.[0];
    return typeof tag === 'string' ? tag : undefined;
  }

  private async metaValue(conn: DuckDBConnection, key: string): Promise<number | undefined> {
    const reader = await conn.runAndReadAll('SELECT value FROM store_meta WHERE key = $key', { key });
    const value = reader.getRows()[0]?.[0];
    return value === undefined || value === null ? undefined : Number(value);
  }

  /**
   * Stores written before promoted columns held multi-valued fields as JSON arrays (they held NULL)
   * get those values copied from the JSON once, so searches on promoted fields, which no longer read
   * the JSON, still find them. Only rows flagged multi_valued are touched.
   */
  private async backfillMultiValuedColumns(conn: DuckDBConnection): Promise<void> {
    if ((await this.metaValue(conn, 'multi_valued_columns')) !== undefined) return;
    await conn.run('BEGIN TRANSACTION');
    try {
      for (const { table } of this.partitions.values()) {
        for (const { field, column } of PROMOTED_FIELDS) {
          const path = jsonPath(field);
          await conn.run(`UPDATE "${assertPartitionName(table)}" SET ${column} = CAST(json_extract(fields, '${path}') AS VARCHAR)
            WHERE multi_valued AND ${column} IS NULL AND json_type(fields, '${path}') = 'ARRAY'`);
        }
      }
      await conn.run("INSERT INTO store_meta VALUES ('multi_valued_columns', 1)");
      await conn.run('COMMIT');
    } catch (err) {
      await rollbackQuietly(conn);
      throw err;
    }
  }

  private async loadCatalog(conn: DuckDBConnection): Promise<void> {
    this.lastSeqValue = (await this.metaValue(conn, 'last_seq')) ?? 0;
    const reader = await conn.runAndReadAll('SELECT day, table_name, rows, min_ts, max_ts, raw_bytes FROM event_partitions');
    this.partitions.clear();
    for (const [day, table, rows, minTs, maxTs, rawBytes] of reader.getRows()) {
      this.partitions.set(Number(day), {
        day: Number(day), table: String(table), rows: Number(rows), minTs: Number(minTs), maxTs: Number(maxTs), rawBytes: Number(rawBytes),
      });
    }
    const files = await conn.runAndReadAll('SELECT day, file, rows, min_ts, max_ts, bytes, sha256 FROM archived_partitions');
    this.archived.clear();
    for (const [day, file, rows, minTs, maxTs, bytes, sha256] of files.getRows()) {
      this.archived.set(String(file), {
        day: Number(day), file: String(file), rows: Number(rows), minTs: Number(minTs), maxTs: Number(maxTs), bytes: Number(bytes), sha256: String(sha256),
      });
    }
  }

  private release(): void {
    const handles = this.handles;
    this.handles = undefined;
    if (!handles) return;
    for (const conn of this.exports) {
      try {
        conn.closeSync();
      } catch {
        // Ends the export's stream; its consumer sees the failure.
      }
    }
    this.exports.clear();
    for (const close of [() => handles.reader.closeSync(), () => handles.writer.closeSync(), () => handles.instance.closeSync()]) {
      try {
        close();
      } catch {
        // Closing an invalidated database can fail; the handles are dropped either way.
      }
    }
  }

  /** Reopens after a fatal error (DuckDB refuses all work until restarted); runs on the write queue. */
  private async ensureUsable(): Promise<Handles> {
    // Work queued before close() still runs; close() releases the handles after it.
    if (this.closed && !this.handles) throw new StoreClosedError('event store');
    if (this.broken !== undefined || !this.handles) {
      this.release();
      await this.connect();
    }
    return this.handles!;
  }

  async append(events: StoredEvent[]): Promise<void> {
    if (this.closed) throw new StoreClosedError('event store');
    if (!Array.isArray(events)) throw new StoreWriteError('event store refused the batch: not an array', 'invalid-input');
    validateBatch(events);
    if (events.length === 0) return;
    this.appendsWaiting++;
    await this.writes.run(async () => {
      const { writer } = await this.ensureUsable();
      let start = 0;
      while (start < events.length && events[start]!.seq <= this.lastSeqValue) start++;
      if (start === events.length) return;
      const fresh = start === 0 ? events : events.slice(start);
      const changed = await this.writeBatch(writer, fresh);
      for (const info of changed) this.partitions.set(info.day, info);
      this.lastSeqValue = fresh[fresh.length - 1]!.seq;
    }).finally(() => this.appendsWaiting--);
    this.textIndex.kick();
  }

  /** Rows, catalog and last_seq in one transaction: all or nothing. Returns the new catalog entries. */
  private async writeBatch(conn: DuckDBConnection, events: readonly StoredEvent[]): Promise<PartitionInfo[]> {
    const groups = new Map<number, StoredEvent[]>();
    for (const e of events) {
      const day = dayOf(e.receivedAt);
      const group = groups.get(day);
      if (group) group.push(e);
      else groups.set(day, [e]);
    }
    const changed: PartitionInfo[] = [];
    let appender: DuckDBAppender | undefined;
    await conn.run('BEGIN TRANSACTION').catch((err: unknown) => this.writeFailed(err, events.length));
    try {
      for (const [day, group] of groups) {
        const known = this.partitions.get(day);
        const table = known?.table ?? partitionTable(day);
        if (!known) await conn.run(createPartitionSql(table, { zstd: this.zstd }));
        // The appender writes into the open transaction: a rollback discards its rows too
        // (verified by the mid-batch failure test).
        appender = await conn.createAppender(table);
        let rawBytes = 0;
        let minTs = known?.minTs ?? Number.POSITIVE_INFINITY;
        let maxTs = known?.maxTs ?? Number.NEGATIVE_INFINITY;
        for (const e of group) {
          rawBytes += appendEventRow(appender, e);
          const ts = Math.round(e.timestamp);
          if (ts < minTs) minTs = ts;
          if (ts > maxTs) maxTs = ts;
        }
        appender.closeSync();
        appender = undefined;
        const info: PartitionInfo = {
          day, table, rows: (known?.rows ?? 0) + group.length, minTs, maxTs, rawBytes: (known?.rawBytes ?? 0) + rawBytes,
        };
        const values = { day, table, rows: info.rows, minTs: info.minTs, maxTs: info.maxTs, rawBytes: info.rawBytes };
        await conn.run(known
          ? 'UPDATE event_partitions SET rows = $rows, min_ts = $minTs, max_ts = $maxTs, raw_bytes = $rawBytes WHERE day = $day AND table_name = $table'
          : 'INSERT INTO event_partitions VALUES ($day, $table, $rows, $minTs, $maxTs, $rawBytes)', values);
        changed.push(info);
      }
      await conn.run("UPDATE store_meta SET value = $seq WHERE key = 'last_seq'", { seq: events[events.length - 1]!.seq });
      await this.options.hooks.beforeCommit?.();
      await conn.run('COMMIT');
    } catch (err) {
      if (appender) {
        try {
          appender.clear();
          appender.closeSync();
        } catch {
          // The transaction is rolled back below; a half-filled appender has nothing worth keeping.
        }
      }
      await rollbackQuietly(conn);
      this.writeFailed(err, events.length);
    }
    return changed;
  }

  private writeFailed(err: unknown, count: number): never {
    if (err instanceof StoreWriteError) throw err;
    const failure = classifyFailure(err);
    const fatal = isFatal(err);
    if (fatal) this.broken = err;
    const what = fatal
      ? `the database must be reopened (done automatically on the next call); lastSeq() tells which events are stored`
      : `none of the ${count} events were stored`;
    const hint = failure === 'disk-full' ? `disk full at ${this.options.dir}: free space or lower retention. ` : '';
    throw new StoreWriteError(`event store write failed: ${hint}${firstLine(err)}; ${what}`, failure, { cause: err });
  }

  async lastSeq(): Promise<number> {
    if (this.closed) throw new StoreClosedError('event store');
    return this.writes.run(async () => {
      await this.ensureUsable();
      return this.lastSeqValue;
    });
  }

  async query(query: EventQuery): Promise<StoredEvent[]> {
    if (this.closed) throw new StoreClosedError('event store');
    // Compiled up front so an invalid query fails fast, before waiting for the connection.
    compileEventQuery(query, [], this.options.maxQueryLimit);
    if (this.broken !== undefined) await this.writes.run(() => this.ensureUsable());
    return this.reads.run(async () => {
      // A partition dropped by retention between compiling and running fails with "does not exist";
      // the second attempt compiles against the updated catalog.
      for (let attempt = 1; ; attempt++) {
        const compiled = compileEventQuery(query, [...this.partitions.values()], this.options.maxQueryLimit);
        if (!compiled) return [];
        const handles = this.handles;
        if (!handles) throw new StoreQueryError('event store query failed: the database is not open', 'unavailable');
        try {
          const reader = await handles.reader.runAndReadAll(compiled.sql, compiled.params);
          return reader.getRows().map(decodeEventRow);
        } catch (err) {
          if (attempt < 2 && /does not exist/i.test(firstLine(err))) continue;
          if (isFatal(err)) this.broken = err;
          throw new StoreQueryError(`event store query failed: ${firstLine(err)}`, classifyFailure(err), { cause: err });
        }
      }
    });
  }

  async search(request: SearchRequest): Promise<SearchResult> {
    if (this.closed) throw new StoreClosedError('event store');
    if (this.broken !== undefined) await this.writes.run(() => this.ensureUsable());
    return this.reads.run(async () => {
      for (let attempt = 1; ; attempt++) {
        const handles = this.handles;
        if (!handles) throw new StoreQueryError('search failed: the database is not open', 'unavailable');
        try {
          const archived = this.archivedOverlapping(request);
          const result = await runSearch(handles.reader, this.searchPartitions(request.includeArchive === true, archived), request, this.options.maxQueryLimit);
          const archivedDays = new Set(archived.map((a) => a.day)).size;
          if (archivedDays > 0) result.meta.archivedDays = archivedDays;
          return result;
        } catch (err) {
          // A partition dropped by retention or archived meanwhile, or an archive file deleted by its
          // retention: the second attempt uses the updated catalog.
          if (attempt < 2 && err instanceof StoreQueryError && /does not exist|no files found/i.test(err.message)) continue;
          if (isFatal((err as Error).cause ?? err)) this.broken = err;
          throw err;
        }
      }
    });
  }

  async *exportSearch(request: SearchExportRequest): AsyncGenerator<SearchBatch> {
    if (this.closed) throw new StoreClosedError('event store');
    if (this.broken !== undefined) await this.writes.run(() => this.ensureUsable());
    if (this.exports.size >= MAX_CONCURRENT_EXPORTS) {
      throw new StoreQueryError(`${MAX_CONCURRENT_EXPORTS} exports are already running; try again when one has finished`, 'unavailable');
    }
    const handles = this.handles;
    if (!handles) throw new StoreQueryError('export failed: the database is not open', 'unavailable');
    // A connection of its own: a long export must not hold the read connection other searches wait for.
    const conn = await handles.instance.connect();
    this.exports.add(conn);
    try {
      await conn.run(`USE ${DB_NAME}`);
      yield* streamSearch(conn, this.searchPartitions(request.includeArchive === true, this.archivedOverlapping(request)), request);
    } finally {
      if (this.exports.delete(conn)) conn.closeSync();
    }
  }

  /** Archive files holding events of the request's range. */
  private archivedOverlapping(request: { from: number; to: number }): ArchivedPartition[] {
    const { from, to } = request ?? {};
    return [...this.archived.values()].filter((a) => a.rows > 0 && a.maxTs >= from && a.minTs < to);
  }

  /** The day tables, plus the given archive files when the archive is included. */
  private searchPartitions(includeArchive: boolean, archived: readonly ArchivedPartition[]): SearchPartition[] {
    const live: SearchPartition[] = [...this.partitions.values()].map((p) => ({ ...p, textIndex: this.textIndex.coverage(p) }));
    if (!includeArchive) return live;
    return [...live, ...archived.map((a) => {
      const parquet = join(this.options.archiveDir, assertArchiveFileName(a.file));
      // DuckDB would only say "No files found that match the pattern".
      if (!existsSync(parquet)) {
        throw new StoreQueryError(`archive file ${parquet} is missing (moved or deleted outside Vigil): restore it from a backup, or search without the archive`, 'unavailable');
      }
      return { rows: a.rows, minTs: a.minTs, maxTs: a.maxTs, parquet };
    })];
  }

  async stats(): Promise<EventStoreStats> {
    if (this.closed) throw new StoreClosedError('event store');
    return this.writes.run(async () => {
      const handles = await this.ensureUsable();
      let events = 0;
      let oldest: number | undefined;
      let newest: number | undefined;
      for (const p of this.partitions.values()) {
        events += p.rows;
        if (oldest === undefined || p.minTs < oldest) oldest = p.minTs;
        if (newest === undefined || p.maxTs > newest) newest = p.maxTs;
      }
      const bytes = await this.usedBytes(handles.writer);
      return { events, bytes, partitions: this.partitions.size, ...(oldest === undefined ? {} : { oldest, newest }), archive: this.archiveStats() };
    });
  }

  private archiveStats(): ArchiveStats {
    const files = [...this.archived.values()];
    const stats: ArchiveStats = {
      days: new Set(files.map((a) => a.day)).size, files: files.length,
      events: files.reduce((sum, a) => sum + a.rows, 0), bytes: files.reduce((sum, a) => sum + a.bytes, 0),
    };
    if (files.length > 0) {
      stats.oldest = Math.min(...files.map((a) => a.minTs));
      stats.newest = Math.max(...files.map((a) => a.maxTs));
    }
    return stats;
  }

  /**
   * Bytes the store occupies: used database blocks plus the WAL. Not the file size: DuckDB never
   * shrinks its file, it reuses the blocks that dropped partitions free (after a checkpoint).
   */
  private async usedBytes(conn: DuckDBConnection): Promise<number> {
    const reader = await conn.runAndReadAll('SELECT used_blocks * block_size FROM pragma_database_size() WHERE database_name = current_database()');
    const blocks = Number(reader.getRows()[0]?.[0] ?? 0);
    let wal = 0;
    try {
      wal = (await stat(`${this.file}.wal`)).size;
    } catch {
      // No WAL file: everything is checkpointed.
    }
    return blocks + wal;
  }

  async enforceRetention(policy: RetentionPolicy, now: number): Promise<number> {
    if (this.closed) throw new StoreClosedError('event store');
    const { maxAgeDays, maxBytes } = policy ?? ({} as RetentionPolicy);
    for (const [name, value] of [['maxAgeDays', maxAgeDays], ['maxBytes', maxBytes], ['now', now]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new StoreWriteError(`invalid retention policy: \`${name}\` must be a non-negative number`, 'invalid-input');
      }
    }
    return this.writes.run(async () => {
      const { writer } = await this.ensureUsable();
      let removed = 0;
      if (maxAgeDays > 0) {
        // A day table goes once its *last* moment is older than the cutoff, so events are kept up to
        // one day longer than asked rather than deleted early.
        const cutoff = now - maxAgeDays * MS_PER_DAY;
        const expired = [...this.partitions.values()].filter((p) => dayStart(p.day + 1) <= cutoff);
        removed += await this.dropPartitions(writer, expired);
      }
      if (maxBytes > 0) removed += await this.enforceSize(writer, maxBytes);
      return removed;
    });
  }

  /**
   * Drops the oldest days until the measured size fits. Per-day sizes are estimated by apportioning
   * the measured total by each day's share of stored text (DuckDB shares blocks between tables and
   * reports no per-table byte size), then the total is measured again after a checkpoint. The newest
   * day — the one receiving events — is never dropped for size.
   */
  private async enforceSize(conn: DuckDBConnection, maxBytes: number): Promise<number> {
    let removed = 0;
    let measured = await this.usedBytes(conn);
    for (let round = 0; round < 50 && measured > maxBytes; round++) {
      const days = [...this.partitions.values()].sort((a, b) => a.day - b.day).slice(0, -1);
      if (days.length === 0) break;
      const totalRaw = [...this.partitions.values()].reduce((sum, p) => sum + p.rawBytes, 0) || 1;
      const victims: PartitionInfo[] = [];
      let estimate = measured;
      for (const p of days) {
        if (estimate <= maxBytes) break;
        victims.push(p);
        estimate -= (measured * p.rawBytes) / totalRaw;
      }
      removed += await this.dropPartitions(conn, victims);
      const before = measured;
      measured = await this.usedBytes(conn);
      if (measured >= before && victims.length === days.length) break;
    }
    return removed;
  }

  /** Drops day tables and their catalog rows in one transaction, then checkpoints to free blocks. */
  private async dropPartitions(conn: DuckDBConnection, victims: readonly PartitionInfo[]): Promise<number> {
    if (victims.length === 0) return 0;
    try {
      await conn.run('BEGIN TRANSACTION');
      for (const p of victims) {
        await conn.run(`DROP TABLE IF EXISTS "${p.table}"`);
        await conn.run('DELETE FROM event_partitions WHERE day = $day', { day: p.day });
        await this.textIndex.drop(conn, p.day, p.table);
      }
      await conn.run('COMMIT');
    } catch (err) {
      await rollbackQuietly(conn);
      if (isFatal(err)) this.broken = err;
      throw new StoreWriteError(`event store retention failed: ${firstLine(err)}`, classifyFailure(err), { cause: err });
    }
    for (const p of victims) {
      this.partitions.delete(p.day);
      this.textIndex.forget(p.day);
    }
    await this.checkpointQuietly(conn);
    return victims.reduce((sum, p) => sum + p.rows, 0);
  }

  async archive(policy: ArchivePolicy, now: number, options: { dryRun?: boolean } = {}): Promise<ArchiveReport> {
    if (this.closed) throw new StoreClosedError('event store');
    const { hotDays, retentionDays } = policy ?? ({} as ArchivePolicy);
    for (const [name, value] of [['hotDays', hotDays], ['retentionDays', retentionDays], ['now', now]] as const) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new StoreWriteError(`invalid archive policy: \`${name}\` must be a non-negative number`, 'invalid-input');
      }
    }
    const dryRun = options?.dryRun === true;
    return this.writes.run(async () => {
      const { writer } = await this.ensureUsable();
      const dir = this.options.archiveDir;
      // Like retention: a day goes once its *last* moment is older than the cutoff.
      const due = [...this.partitions.values()].filter((p) => dayStart(p.day + 1) <= now - hotDays * MS_PER_DAY).sort((a, b) => a.day - b.day);
      const expired = (day: number) => retentionDays > 0 && dayStart(day + 1) <= now - retentionDays * MS_PER_DAY;
      const report: ArchiveReport = { dryRun, archived: [], deleted: [] };
      if (dryRun) {
        for (const p of due) report.archived.push({ day: isoDay(p.day), file: nextArchiveFileName(p.day, this.archived.values()), events: p.rows });
        for (const a of this.archived.values()) if (expired(a.day)) report.deleted.push({ day: isoDay(a.day), file: a.file, events: a.rows, bytes: a.bytes });
        return report;
      }
      try {
        await mkdir(dir, { recursive: true });
        await removeTempFiles(dir);
      } catch (err) {
        throw new StoreWriteError(`cannot prepare the archive folder ${dir}: ${firstLine(err)}`, classifyFailure(err), { cause: err });
      }
      for (const p of due) {
        const file = await this.archiveDay(writer, p, dir);
        report.archived.push({ day: isoDay(file.day), file: file.file, events: file.rows, bytes: file.bytes });
      }
      for (const a of [...this.archived.values()].filter((a) => expired(a.day))) {
        await this.forgetArchiveFile(writer, a);
        await rm(join(dir, assertArchiveFileName(a.file)), { force: true });
        report.deleted.push({ day: isoDay(a.day), file: a.file, events: a.rows, bytes: a.bytes });
      }
      // Files whose catalog row went but whose deletion a crash interrupted.
      for (const orphan of await unrecordedFiles(dir, new Set(this.archived.keys()))) {
        if (expired(orphan.day)) await rm(join(dir, orphan.file), { force: true });
      }
      if (due.length > 0) await this.checkpointQuietly(writer);
      return report;
    });
  }

  /** Writes one day table to a verified file, then records the file and drops the table in one transaction. */
  private async archiveDay(conn: DuckDBConnection, p: PartitionInfo, dir: string): Promise<ArchivedPartition> {
    const hook = this.options.hooks.archiveStep;
    const file = nextArchiveFileName(p.day, this.archived.values());
    const failed = (err: unknown): never => {
      if (isFatal(err)) this.broken = err;
      throw new StoreWriteError(`archiving ${isoDay(p.day)} failed (its events stay in the event store): ${firstLine(err)}`, classifyFailure(err), { cause: err });
    };
    let record: ArchivedPartition;
    try {
      const written = await writeArchiveFile(conn, p.table, dir, file, hook && ((step) => hook(step, p.day)));
      record = { day: p.day, file, rows: written.rows, minTs: p.minTs, maxTs: p.maxTs, bytes: written.bytes, sha256: written.sha256 };
    } catch (err) {
      return failed(err);
    }
    try {
      await conn.run('BEGIN TRANSACTION');
      await conn.run('INSERT INTO archived_partitions VALUES ($day, $file, $rows, $minTs, $maxTs, $bytes, $sha256)', { ...record });
      await conn.run(`DROP TABLE "${assertPartitionName(p.table)}"`);
      await conn.run('DELETE FROM event_partitions WHERE day = $day', { day: p.day });
      await this.textIndex.drop(conn, p.day, p.table);
      await hook?.('renamed', p.day);
      await conn.run('COMMIT');
    } catch (err) {
      await rollbackQuietly(conn);
      return failed(err);
    }
    this.partitions.delete(p.day);
    this.textIndex.forget(p.day);
    this.archived.set(file, record);
    return record;
  }

  private async forgetArchiveFile(conn: DuckDBConnection, a: ArchivedPartition): Promise<void> {
    try {
      await conn.run('DELETE FROM archived_partitions WHERE file = $file', { file: a.file });
    } catch (err) {
      if (isFatal(err)) this.broken = err;
      throw new StoreWriteError(`archive retention failed: ${firstLine(err)}`, classifyFailure(err), { cause: err });
    }
    this.archived.delete(a.file);
  }

  private async checkpointQuietly(conn: DuckDBConnection): Promise<void> {
    try {
      await conn.run('CHECKPOINT');
    } catch (err) {
      // Freed blocks are then reclaimed at the next automatic checkpoint; only a fatal error matters.
      if (isFatal(err)) this.broken = err;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.textIndex.stop();
    // Let queued work finish; new calls are refused from here on.
    await Promise.allSettled([this.writes.run(async () => undefined), this.reads.run(async () => undefined)]);
    this.release();
  }
}

async function rollbackQuietly(conn: DuckDBConnection): Promise<void> {
  try {
    await conn.run('ROLLBACK');
  } catch {
    // "no transaction is active": DuckDB already rolled back the failed commit.
  }
}
