import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { StoreClosedError, StoreWriteError, type StoreFailure } from '../store-errors.ts';

/**
 * One SQLite connection shared by the state store and its per-domain parts (audit log, MFA, ...):
 * prepared-statement cache, error translation and transactions in one place, so every part binds
 * parameters the same way and fails with the same {@link StoreWriteError}s.
 */
export class SqliteDb {
  private db: DatabaseSync | undefined;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** The prepared statement for `sql`, prepared on first use. */
  sql(sql: string): StatementSync {
    const db = this.db;
    if (!db) throw new StoreClosedError('state store');
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs a write and turns SQLite failures into {@link StoreWriteError}s with `what` as context. */
  write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translate(err, what);
    }
  }

  /** Runs `fn` in an immediate transaction (all or nothing); nested calls join the outer one. */
  transaction<T>(what: string, fn: () => T): T {
    const db = this.db;
    if (!db) throw new StoreClosedError('state store');
    if (db.isTransaction) return this.write(what, fn);
    return this.write(what, () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  close(): void {
    const db = this.db;
    if (!db) return;
    this.db = undefined;
    this.statements.clear();
    db.close();
  }
}

export function requireText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') throw new StoreWriteError(`${what} must be a non-empty string`, 'invalid-input');
}

export function time(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new StoreWriteError(`${what} must be an integer time in ms, got ${String(value)}`, 'invalid-input');
  return value;
}

export function optionalTime(value: number | undefined, what: string): number | null {
  return value === undefined ? null : time(value, what);
}

export function count(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new StoreWriteError(`${what} must be a non-negative integer, got ${String(value)}`, 'invalid-input');
  return value;
}

/** SQLite extended result codes worth telling apart (sqlite.org/rescode.html). */
function failureOf(err: unknown): StoreFailure {
  const code = (err as { errcode?: number }).errcode;
  const primary = typeof code === 'number' ? code & 0xff : undefined;
  if (primary === 13) return 'disk-full';
  if (primary === 19) return 'conflict';
  if (primary === 5 || primary === 6) return 'unavailable';
  if (primary === 10 || primary === 14 || primary === 8 || primary === 26 || primary === 11) return 'io';
  return 'internal';
}

export function translate(err: unknown, what: string): Error {
  if (err instanceof StoreWriteError || err instanceof StoreClosedError) return err;
  const failure = failureOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const hint = failure === 'disk-full' ? ' (disk full: free space and retry)'
    : failure === 'conflict' ? ' (it already exists)' : '';
  return new StoreWriteError(`${what}: ${message}${hint}`, failure, { cause: err });
}
