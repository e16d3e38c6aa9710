/**
 * Typed store errors shared by every backend (DuckDB and SQLite today, ClickHouse and PostgreSQL
 * later), so callers decide on retries and messages without knowing the backend.
 */

/** What went wrong, coarsely, so callers can decide whether to retry, alert or stop. */
export type StoreFailure =
  | 'disk-full' | 'io' | 'unavailable' | 'invalid-input' | 'internal'
  /** A unique name or key is already taken (state store). */
  | 'conflict'
  /** The record to change does not exist (state store). */
  | 'not-found'
  /** A search ran past its time limit and was interrupted (event store). */
  | 'timeout';

/** A write (append, retention) failed; nothing of the failed operation was stored. */
export class StoreWriteError extends Error {
  override name = 'StoreWriteError';
  readonly failure: StoreFailure;
  constructor(message: string, failure: StoreFailure, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
  }
}

/** A query was refused (bad field name, bad bounds) or failed to run. */
export class StoreQueryError extends Error {
  override name = 'StoreQueryError';
  readonly failure: StoreFailure;
  constructor(message: string, failure: StoreFailure, options?: { cause?: unknown }) {
    super(message, options);
    this.failure = failure;
  }
}

/** The store was used after {@link close}. */
export class StoreClosedError extends Error {
  override name = 'StoreClosedError';
  constructor(what: string) {
    super(`${what} is closed`);
  }
}

/**
 * Classifies a database error by its message: DuckDB reports OS errors as text only. ENOSPC and
 * quota errors become `disk-full` so the message tells the operator what to do.
 */
export function classifyFailure(err: unknown): StoreFailure {
  const text = err instanceof Error ? err.message : String(err);
  if (/No space left on device|ENOSPC|Disk quota exceeded|EDQUOT|File too large/i.test(text)) return 'disk-full';
  if (/IO Error|Could not (?:write|read|open|truncate|fsync)|Input\/output error|EIO\b|Permission denied|Read-only file system/i.test(text)) return 'io';
  if (/database has been invalidated|FATAL Error/i.test(text)) return 'unavailable';
  return 'internal';
}

/** True when DuckDB says the database instance is unusable until reopened. */
export function isFatal(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /FATAL Error|database has been invalidated/i.test(text);
}

/** The first line of an error message, trimmed, for messages shown to operators. */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
