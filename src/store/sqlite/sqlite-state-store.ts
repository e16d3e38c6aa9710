import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { IntakeKind } from '../../core/event.ts';
import type { ParseErrorSample, Session, Source, SourceStats, StateStore, User } from '../state-store.ts';
import { StoreClosedError, StoreWriteError, type StoreFailure } from '../store-errors.ts';
import { migrate } from './sqlite-migrations.ts';

export interface SqliteStateStoreOptions {
  /** Database file (created with its directory if missing), or `:memory:` for tests. */
  path: string;
}

/** Longest parse-error sample and reason kept: they are excerpts shown in the UI, not archives. */
const MAX_SAMPLE_CHARS = 8192;
const MAX_REASON_CHARS = 2048;
/** Most per-minute buckets kept per source (the contract shows 60; a day is the hard ceiling). */
const MAX_MINUTES = 1440;

/**
 * Opens the SQLite state store. WAL mode lets readers run while a write commits. `synchronous=FULL`
 * rather than NORMAL: in WAL mode NORMAL may lose the last commits on power loss, and these commits
 * are security decisions (a revoked token, a changed password, a deleted session) that must not come
 * back after a reboot. The write rate is low (the auth layer touches sessions at most once a minute),
 * so the extra fsync per commit costs nothing noticeable.
 */
export function openSqliteStateStore(options: SqliteStateStoreOptions): StateStore {
  if (typeof options?.path !== 'string' || options.path === '') throw new TypeError('state store: `path` must be a non-empty path');
  try {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const db = new DatabaseSync(options.path, { enableForeignKeyConstraints: true, timeout: 5000 });
    try {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = FULL');
      migrate(db);
      return new SqliteStateStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  } catch (err) {
    throw translate(err, `cannot open state database ${options.path}`);
  }
}

interface UserRow { id: string; username: string; password_hash: string; role: string; must_change_password: number; created_at: number }
interface SessionRow { token_hash: string; user_id: string; created_at: number; last_seen_at: number; expires_at: number }
interface SourceRow { id: string; name: string; kind: string; source_type: string; token_hash: string | null; created_at: number; revoked_at: number | null }
interface StatsRow { source_name: string; events_total: number; parse_errors_total: number; last_event_at: number | null; per_minute: string; minute_end: number }
interface ParseErrorRow { source_name: string; at: number; reason: string; sample: string }

/** {@link StateStore} on node:sqlite. Every statement is prepared once and takes bound parameters. */
class SqliteStateStore implements StateStore {
  private db: DatabaseSync | undefined;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** The prepared statement for `sql`, prepared on first use. */
  private sql(sql: string): StatementSync {
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
  private write<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translate(err, what);
    }
  }

  private transaction(what: string, fn: () => void): void {
    const db = this.db;
    if (!db) throw new StoreClosedError('state store');
    this.write(what, () => {
      db.exec('BEGIN IMMEDIATE');
      try {
        fn();
        db.exec('COMMIT');
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  createUser(user: User): void {
    requireText(user?.id, 'user id');
    requireText(user.username, 'username');
    requireText(user.passwordHash, 'password hash');
    this.write(`cannot create user "${user.username}"`, () => this.sql(
      'INSERT INTO users (id, username, password_hash, role, must_change_password, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(user.id, user.username, user.passwordHash, user.role, user.mustChangePassword ? 1 : 0, time(user.createdAt, 'createdAt')));
  }

  /** Usernames compare case-insensitively (ASCII), so `Admin` and `admin` are one account. */
  findUserByName(username: string): User | undefined {
    const row = this.sql('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row && toUser(row);
  }

  findUserById(id: string): User | undefined {
    const row = this.sql('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  updatePassword(userId: string, passwordHash: string, mustChange: boolean): void {
    requireText(passwordHash, 'password hash');
    const result = this.write('cannot update password', () => this.sql(
      'UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?',
    ).run(passwordHash, mustChange ? 1 : 0, userId));
    if (result.changes === 0) throw new StoreWriteError(`cannot update password: no user with id "${userId}"`, 'not-found');
  }

  countUsers(): number {
    return (this.sql('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  createSession(session: Session): void {
    requireText(session?.tokenHash, 'session token hash');
    this.write('cannot create session', () => this.sql(
      'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ).run(session.tokenHash, session.userId, time(session.createdAt, 'createdAt'), time(session.lastSeenAt, 'lastSeenAt'), time(session.expiresAt, 'expiresAt')));
  }

  /** Returns the session as stored, expired or not: the auth layer decides what expiry means. */
  findSession(tokenHash: string): Session | undefined {
    const row = this.sql('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
    return row && { tokenHash: row.token_hash, userId: row.user_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at };
  }

  /** A session deleted meanwhile (logout in another tab) is not an error. */
  touchSession(tokenHash: string, lastSeenAt: number): void {
    this.write('cannot update session', () => this.sql('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(time(lastSeenAt, 'lastSeenAt'), tokenHash));
  }

  deleteSession(tokenHash: string): void {
    this.write('cannot delete session', () => this.sql('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash));
  }

  /** Deletes sessions whose expiry is at or before `now`; returns how many. */
  deleteExpiredSessions(now: number): number {
    const result = this.write('cannot delete expired sessions', () => this.sql('DELETE FROM sessions WHERE expires_at <= ?').run(time(now, 'now')));
    return Number(result.changes);
  }

  createSource(source: Source): void {
    requireText(source?.id, 'source id');
    requireText(source.name, 'source name');
    if (source.tokenHash !== undefined && !/^[0-9a-f]{64}$/.test(source.tokenHash)) {
      throw new StoreWriteError('cannot create source: tokenHash must be a SHA-256 hex digest', 'invalid-input');
    }
    this.write(`cannot create source "${source.name}"`, () => this.sql(
      'INSERT INTO sources (id, name, kind, source_type, token_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(source.id, source.name, source.kind, source.sourceType, source.tokenHash ?? null, time(source.createdAt, 'createdAt'),
      source.revokedAt === undefined ? null : time(source.revokedAt, 'revokedAt')));
  }

  /** Every source, revoked ones included (the Sources page shows them), oldest first. */
  listSources(): Source[] {
    return (this.sql('SELECT * FROM sources ORDER BY created_at, id').all() as unknown as SourceRow[]).map(toSource);
  }

  /** The active source of that name, else the most recently created revoked one. */
  findSourceByName(name: string): Source | undefined {
    const row = this.sql(
      'SELECT * FROM sources WHERE name = ? ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC LIMIT 1',
    ).get(name) as SourceRow | undefined;
    return row && toSource(row);
  }

  /** Only active sources: a revoked token must stop authenticating at once. */
  findSourceByTokenHash(tokenHash: string): Source | undefined {
    const row = this.sql('SELECT * FROM sources WHERE token_hash = ? AND revoked_at IS NULL').get(tokenHash) as SourceRow | undefined;
    return row && toSource(row);
  }

  /** Revoking twice keeps the first revocation time. Unknown ids are an error, not a silent no-op. */
  revokeSource(id: string, at: number): void {
    const when = time(at, 'at');
    this.transaction('cannot revoke source', () => {
      if (!this.sql('SELECT 1 AS found FROM sources WHERE id = ?').get(id)) {
        throw new StoreWriteError(`cannot revoke source: no source with id "${id}"`, 'not-found');
      }
      this.sql('UPDATE sources SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(when, id);
    });
  }

  saveSourceStats(stats: SourceStats[]): void {
    const rows = stats.map((s) => {
      requireText(s?.sourceName, 'source name');
      if (!Array.isArray(s.perMinute) || !s.perMinute.every((n) => Number.isFinite(n))) {
        throw new StoreWriteError(`cannot save stats of "${s.sourceName}": perMinute must be an array of numbers`, 'invalid-input');
      }
      return [
        s.sourceName, count(s.eventsTotal, 'eventsTotal'), count(s.parseErrorsTotal, 'parseErrorsTotal'),
        s.lastEventAt === undefined ? null : time(s.lastEventAt, 'lastEventAt'),
        JSON.stringify(s.perMinute.slice(-MAX_MINUTES)), time(s.minuteEnd, 'minuteEnd'),
      ] satisfies SQLInputValue[];
    });
    this.transaction('cannot save source stats', () => {
      const upsert = this.sql(`INSERT INTO source_stats (source_name, events_total, parse_errors_total, last_event_at, per_minute, minute_end)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_name) DO UPDATE SET events_total = excluded.events_total,
        parse_errors_total = excluded.parse_errors_total, last_event_at = excluded.last_event_at,
        per_minute = excluded.per_minute, minute_end = excluded.minute_end`);
      for (const row of rows) upsert.run(...row);
    });
  }

  loadSourceStats(): SourceStats[] {
    return (this.sql('SELECT * FROM source_stats ORDER BY source_name').all() as unknown as StatsRow[]).map((r) => ({
      sourceName: r.source_name,
      eventsTotal: r.events_total,
      parseErrorsTotal: r.parse_errors_total,
      ...(r.last_event_at === null ? {} : { lastEventAt: r.last_event_at }),
      perMinute: parsePerMinute(r.per_minute),
      minuteEnd: r.minute_end,
    }));
  }

  /** Samples longer than 8 KiB (reasons: 2 KiB) are cut: they are excerpts for the UI. */
  addParseErrors(samples: ParseErrorSample[], keepPerSource: number): void {
    if (!Number.isInteger(keepPerSource) || keepPerSource < 0) {
      throw new StoreWriteError('cannot add parse errors: keepPerSource must be a non-negative integer', 'invalid-input');
    }
    for (const s of samples) requireText(s?.sourceName, 'source name');
    const sources = new Set(samples.map((s) => s.sourceName));
    this.transaction('cannot add parse errors', () => {
      const insert = this.sql('INSERT INTO parse_errors (source_name, at, reason, sample) VALUES (?, ?, ?, ?)');
      for (const s of samples) {
        insert.run(s.sourceName, time(s.at, 'at'), String(s.reason).slice(0, MAX_REASON_CHARS), String(s.sample).slice(0, MAX_SAMPLE_CHARS));
      }
      const trim = this.sql(`DELETE FROM parse_errors WHERE source_name = $source AND id NOT IN (
        SELECT id FROM parse_errors WHERE source_name = $source ORDER BY at DESC, id DESC LIMIT $keep)`);
      for (const source of sources) trim.run({ source, keep: keepPerSource });
    });
  }

  /** Newest first. */
  recentParseErrors(sourceName: string, limit: number): ParseErrorSample[] {
    const capped = Number.isFinite(limit) ? Math.max(0, Math.min(Math.floor(limit), 10_000)) : 0;
    const rows = this.sql('SELECT source_name, at, reason, sample FROM parse_errors WHERE source_name = ? ORDER BY at DESC, id DESC LIMIT ?')
      .all(sourceName, capped) as unknown as ParseErrorRow[];
    return rows.map((r) => ({ sourceName: r.source_name, at: r.at, reason: r.reason, sample: r.sample }));
  }

  getSetting(key: string): string | undefined {
    const row = this.sql('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setSetting(key: string, value: string): void {
    requireText(key, 'setting key');
    if (typeof value !== 'string') throw new StoreWriteError(`cannot save setting "${key}": value must be a string`, 'invalid-input');
    this.write(`cannot save setting "${key}"`, () => this.sql(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value));
  }

  close(): void {
    const db = this.db;
    if (!db) return;
    this.db = undefined;
    this.statements.clear();
    db.close();
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id, username: row.username, passwordHash: row.password_hash, role: row.role as User['role'],
    mustChangePassword: row.must_change_password === 1, createdAt: row.created_at,
  };
}

function toSource(row: SourceRow): Source {
  return {
    id: row.id, name: row.name, kind: row.kind as IntakeKind, sourceType: row.source_type, createdAt: row.created_at,
    ...(row.token_hash === null ? {} : { tokenHash: row.token_hash }),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

function parsePerMinute(text: string): number[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((n): n is number => typeof n === 'number') : [];
  } catch {
    return [];
  }
}

function requireText(value: unknown, what: string): void {
  if (typeof value !== 'string' || value === '') throw new StoreWriteError(`${what} must be a non-empty string`, 'invalid-input');
}

function time(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new StoreWriteError(`${what} must be an integer time in ms, got ${String(value)}`, 'invalid-input');
  return value;
}

function count(value: number, what: string): number {
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

function translate(err: unknown, what: string): Error {
  if (err instanceof StoreWriteError || err instanceof StoreClosedError) return err;
  const failure = failureOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const hint = failure === 'disk-full' ? ' (disk full: free space and retry)'
    : failure === 'conflict' ? ' (it already exists)' : '';
  return new StoreWriteError(`${what}: ${message}${hint}`, failure, { cause: err });
}
