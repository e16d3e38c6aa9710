/** Options of the embedded DuckDB event store, with defaults sized for a small self-hosted box. */
export interface DuckDbEventStoreOptions {
  /** Data directory; the database file `events.duckdb` (plus its `.wal`) lives in it. Created if missing. */
  dir: string;
  /**
   * Memory DuckDB may use for caches and sorting. DuckDB's own default is 80% of RAM, too greedy for
   * a process that also parses and detects.
   */
  memoryLimit?: string;
  /** DuckDB worker threads (default: DuckDB's choice, the core count). */
  threads?: number;
  /**
   * WAL size that triggers a checkpoint. DuckDB's 16 MB default makes a steady ingest stream rewrite
   * (and recompress) the same partly filled row group many times; 256 MB cut commit cost by 3-4x in
   * bench/store-append.ts at the price of a longer WAL replay after a crash (seconds).
   */
  checkpointThreshold?: string;
  /** Most events one query returns, whatever its `limit` (default 10,000). */
  maxQueryLimit?: number;
  /** Test hooks; never set in production. */
  hooks?: DuckDbTestHooks;
}

/** Failure injection for the conformance and crash tests. */
export interface DuckDbTestHooks {
  /** Called inside the append transaction after rows are written and before COMMIT; may throw. */
  beforeCommit?: () => void | Promise<void>;
}

export interface ResolvedDuckDbOptions {
  dir: string;
  memoryLimit: string;
  threads: number | undefined;
  checkpointThreshold: string;
  maxQueryLimit: number;
  hooks: DuckDbTestHooks;
}

/** DuckDB size settings: a number and a unit; checked so no option text reaches SQL unvalidated. */
const SIZE = /^\d{1,6}(?:\.\d{1,3})?\s?(?:B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$/;

/** Fills defaults and rejects nonsense with a message naming the option. */
export function resolveDuckDbOptions(options: DuckDbEventStoreOptions): ResolvedDuckDbOptions {
  if (typeof options.dir !== 'string' || options.dir.trim() === '') throw new TypeError('event store: `dir` must be a non-empty path');
  const memoryLimit = options.memoryLimit ?? '1GB';
  const checkpointThreshold = options.checkpointThreshold ?? '256MB';
  for (const [name, value] of [['memoryLimit', memoryLimit], ['checkpointThreshold', checkpointThreshold]] as const) {
    if (!SIZE.test(value)) throw new TypeError(`event store: \`${name}\` must look like "512MB" or "2GB", got ${JSON.stringify(value)}`);
  }
  const { threads } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new TypeError(`event store: \`threads\` must be an integer from 1 to 256, got ${threads}`);
  }
  const maxQueryLimit = options.maxQueryLimit ?? 10_000;
  if (!Number.isInteger(maxQueryLimit) || maxQueryLimit < 1 || maxQueryLimit > 1_000_000) {
    throw new TypeError(`event store: \`maxQueryLimit\` must be an integer from 1 to 1,000,000, got ${maxQueryLimit}`);
  }
  return { dir: options.dir, memoryLimit, threads, checkpointThreshold, maxQueryLimit, hooks: options.hooks ?? {} };
}
