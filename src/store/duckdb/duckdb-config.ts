import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { ArchiveStep } from './duckdb-archive.ts';

/** Options of the embedded DuckDB event store, with defaults sized for a small self-hosted box. */
export interface DuckDbEventStoreOptions {
  /** Data directory; the database file `events.duckdb` (plus its `.wal`) lives in it. Created if missing. */
  dir: string;
  /**
   * Memory DuckDB may use for caches and sorting. DuckDB's own default is 80% of RAM, too greedy for
   * a process that also parses and detects.
   */
  memoryLimit?: string;
  /**
   * DuckDB worker threads. Default: 1 on machines with up to 2 cores, else DuckDB's choice (the core
   * count). With more than one, the thread running a statement polls for work while DuckDB's threads
   * do it; on 2 cores that doubled the CPU DuckDB spent per appended event (bench/store-append.ts,
   * docs/benchmarks.md) and took it from parsing. Searches then use one core.
   */
  threads?: number;
  /**
   * WAL size that triggers a checkpoint, which blocks appends while it runs. Each checkpoint
   * recompresses the newest, partly filled row group, so this trades stall length and memory (the
   * WAL's rows stay in memory until checkpointed) against how often that happens; see rowGroupSize.
   * Default 64MB.
   */
  checkpointThreshold?: string;
  /**
   * Rows per DuckDB row group in new and existing day tables (DuckDB's default is 122,880). A
   * checkpoint rewrites the partly filled last row group, so with DuckDB's size a steady stream of
   * batches recompressed up to 122,880 rows at every checkpoint: multi-second stalls. 32,768 keeps
   * stalls well under a second at the price of ~10% more disk. Default 32768.
   */
  rowGroupSize?: number;
  /** Most events one query returns, whatever its `limit` (default 10,000). */
  maxQueryLimit?: number;
  /** Folder of the Parquet archive files (default `<dir>/archive`); from configuration, never from clients. */
  archiveDir?: string;
  /** Test hooks; never set in production. */
  hooks?: DuckDbTestHooks;
}

/** Failure injection for the conformance and crash tests. */
export interface DuckDbTestHooks {
  /** Called inside the append transaction after rows are written and before COMMIT; may throw. */
  beforeCommit?: () => void | Promise<void>;
  /**
   * Called while a day is archived: `copied` after the temporary file is written and verified, before
   * it is renamed; `renamed` inside the catalog transaction, before COMMIT. May throw.
   */
  archiveStep?: (step: ArchiveStep, day: number) => void | Promise<void>;
  /**
   * The free-text word index (duckdb-text-index.ts): `off` neither builds nor uses it (the baseline
   * searches are compared with); small `blockRows` / `chunkRows` exercise blocks and chunks with few
   * events; `paused` holds indexing back while it returns true (as a waiting append does); `idle` is
   * called whenever every event is indexed.
   */
  textIndex?: { off?: boolean; blockRows?: number; chunkRows?: number; paused?: () => boolean; idle?: () => void };
}

export interface ResolvedDuckDbOptions {
  dir: string;
  memoryLimit: string;
  threads: number | undefined;
  checkpointThreshold: string;
  rowGroupSize: number;
  maxQueryLimit: number;
  archiveDir: string;
  hooks: DuckDbTestHooks;
}

/** DuckDB size settings: a number and a unit; checked so no option text reaches SQL unvalidated. */
const SIZE = /^\d{1,6}(?:\.\d{1,3})?\s?(?:B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$/;

/** Fills defaults and rejects nonsense with a message naming the option. */
export function resolveDuckDbOptions(options: DuckDbEventStoreOptions): ResolvedDuckDbOptions {
  if (typeof options.dir !== 'string' || options.dir.trim() === '') throw new TypeError('event store: `dir` must be a non-empty path');
  const memoryLimit = options.memoryLimit ?? '1GB';
  const checkpointThreshold = options.checkpointThreshold ?? '64MB';
  for (const [name, value] of [['memoryLimit', memoryLimit], ['checkpointThreshold', checkpointThreshold]] as const) {
    if (!SIZE.test(value)) throw new TypeError(`event store: \`${name}\` must look like "512MB" or "2GB", got ${JSON.stringify(value)}`);
  }
  const threads = options.threads ?? (availableParallelism() <= 2 ? 1 : undefined);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new TypeError(`event store: \`threads\` must be an integer from 1 to 256, got ${threads}`);
  }
  const rowGroupSize = options.rowGroupSize ?? 32_768;
  // DuckDB wants a multiple of its vector size (2,048).
  if (!Number.isInteger(rowGroupSize) || rowGroupSize < 2_048 || rowGroupSize > 1_048_576 || rowGroupSize % 2_048 !== 0) {
    throw new TypeError(`event store: \`rowGroupSize\` must be a multiple of 2048 from 2048 to 1048576, got ${rowGroupSize}`);
  }
  const maxQueryLimit = options.maxQueryLimit ?? 10_000;
  if (!Number.isInteger(maxQueryLimit) || maxQueryLimit < 1 || maxQueryLimit > 1_000_000) {
    throw new TypeError(`event store: \`maxQueryLimit\` must be an integer from 1 to 1,000,000, got ${maxQueryLimit}`);
  }
  if (options.archiveDir !== undefined && (typeof options.archiveDir !== 'string' || options.archiveDir.trim() === '')) {
    throw new TypeError('event store: `archiveDir` must be a non-empty path');
  }
  // Absolute: DuckDB resolves a relative path against the process's working folder, which may change.
  const archiveDir = resolve(options.archiveDir ?? join(options.dir, 'archive'));
  return { dir: options.dir, memoryLimit, threads, checkpointThreshold, rowGroupSize, maxQueryLimit, archiveDir, hooks: options.hooks ?? {} };
}
