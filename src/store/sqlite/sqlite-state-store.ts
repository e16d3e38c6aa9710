import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { IntakeKind } from '../../core/event.ts';
import type {
  ApiToken, CustomRole, ParseErrorSample, Session, Source, SourceStats, StateStore, User, UserChanges,
} from '../state-store.ts';
import { FileAuditAnchor, MemoryAuditAnchor } from '../audit-anchor.ts';
import type { AuditAnchor, AuditStore } from '../audit-store.ts';
import { StoreWriteError } from '../store-errors.ts';
import { SqliteAuditStore } from './sqlite-audit-store.ts';
import { count, optionalTime, requireText, SqliteDb, time, translate } from './sqlite-db.ts';
import { SqliteMfaStore } from './sqlite-mfa-store.ts';
import { migrate } from './sqlite-migrations.ts';
import { SqliteIdentityStore } from './sqlite-identity-store.ts';
import { SqliteIncidentStore } from './sqlite-incident-store.ts';
import { SqliteSavedSearchStore } from './sqlite-saved-search-store.ts';
import { SqliteRuleStore } from './sqlite-rule-store.ts';
import { SqliteDetectionStore } from './sqlite-detection-store.ts';

export interface SqliteStateStoreOptions {
  /** Database file (created with its directory if missing), or `:memory:` for tests. */
  path: string;
  /**
   * File recording the audit log's head outside the database (docs/audit.md); default `audit.head`
   * beside the database file, kept in memory for `:memory:`.
   */
  auditAnchorPath?: string;
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
      const anchorPath = options.auditAnchorPath ?? (options.path === ':memory:' ? undefined : join(dirname(options.path), 'audit.head'));
      return new SqliteStateStore(db, anchorPath === undefined ? new MemoryAuditAnchor() : new FileAuditAnchor(anchorPath));
    } catch (err) {
      db.close();
      throw err;
    }
  } catch (err) {
    throw translate(err, `cannot open state database ${options.path}`);
  }
}

interface UserRow {
  id: string; username: string; password_hash: string; role: string; must_change_password: number; created_at: number;
  display_name: string | null; email: string | null; auth_source: string; disabled_at: number | null; password_changed_at: number | null;
  failed_logins: number; locked_until: number | null;
}
interface SessionRow {
  token_hash: string; user_id: string; created_at: number; last_seen_at: number; expires_at: number; address: string | null; user_agent: string | null;
}
interface RoleRow { name: string; description: string; permissions: string; created_at: number; updated_at: number }
interface ApiTokenRow {
  id: string; user_id: string; name: string; token_hash: string; permissions: string; created_at: number; expires_at: number;
  last_used_at: number | null; revoked_at: number | null;
}
interface SourceRow { id: string; name: string; kind: string; source_type: string; token_hash: string | null; created_at: number; revoked_at: number | null }
interface StatsRow { source_name: string; events_total: number; parse_errors_total: number; last_event_at: number | null; per_minute: string; minute_end: number }
interface ParseErrorRow { source_name: string; at: number; reason: string; sample: string }

/** {@link StateStore} on node:sqlite. Every statement is prepared once and takes bound parameters. */
class SqliteStateStore implements StateStore {
  private readonly db: SqliteDb;
  readonly audit: AuditStore;
  readonly mfa: SqliteMfaStore;
  readonly identities: SqliteIdentityStore;
  readonly incidents: SqliteIncidentStore;
  readonly savedSearches: SqliteSavedSearchStore;
  readonly rules: SqliteRuleStore;
  readonly detections: SqliteDetectionStore;

  constructor(db: DatabaseSync, auditAnchor: AuditAnchor) {
    this.db = new SqliteDb(db);
    this.audit = new SqliteAuditStore(this.db, auditAnchor);
    this.mfa = new SqliteMfaStore(this.db);
    this.identities = new SqliteIdentityStore(this.db);
    this.incidents = new SqliteIncidentStore(this.db);
    this.savedSearches = new SqliteSavedSearchStore(this.db);
    this.rules = new SqliteRuleStore(this.db);
    this.detections = new SqliteDetectionStore(this.db);
  }

  private sql(sql: string): StatementSync {
    return this.db.sql(sql);
  }

  private write<T>(what: string, fn: () => T): T {
    return this.db.write(what, fn);
  }

  private transaction(what: string, fn: () => void): void {
    this.db.transaction(what, fn);
  }

  createUser(user: User): void {
    requireText(user?.id, 'user id');
    requireText(user.username, 'username');
    requireText(user.role, 'role');
    if (typeof user.passwordHash !== 'string') throw new StoreWriteError('password hash must be a string', 'invalid-input');
    this.write(`cannot create user "${user.username}"`, () => this.sql(
      `INSERT INTO users (id, username, password_hash, role, must_change_password, created_at, display_name, email, auth_source,
        disabled_at, password_changed_at, failed_logins, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(user.id, user.username, user.passwordHash, user.role, user.mustChangePassword ? 1 : 0, time(user.createdAt, 'createdAt'),
      user.displayName ?? null, user.email ?? null, user.authSource || 'local', optionalTime(user.disabledAt, 'disabledAt'),
      optionalTime(user.passwordChangedAt, 'passwordChangedAt'), count(user.failedLogins ?? 0, 'failedLogins'), optionalTime(user.lockedUntil, 'lockedUntil')));
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

  updatePassword(userId: string, passwordHash: string, mustChange: boolean, changedAt: number): void {
    requireText(passwordHash, 'password hash');
    const result = this.write('cannot update password', () => this.sql(
      'UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ? WHERE id = ?',
    ).run(passwordHash, mustChange ? 1 : 0, time(changedAt, 'changedAt'), userId));
    if (result.changes === 0) throw new StoreWriteError(`cannot update password: no user with id "${userId}"`, 'not-found');
  }

  updateUser(userId: string, changes: UserChanges): User {
    const columns: string[] = [];
    const values: SQLInputValue[] = [];
    const set = (column: string, value: SQLInputValue) => {
      columns.push(`${column} = ?`);
      values.push(value);
    };
    if (changes.role !== undefined) {
      requireText(changes.role, 'role');
      set('role', changes.role);
    }
    if (changes.displayName !== undefined) set('display_name', changes.displayName);
    if (changes.email !== undefined) set('email', changes.email);
    if (changes.disabledAt !== undefined) set('disabled_at', changes.disabledAt === null ? null : time(changes.disabledAt, 'disabledAt'));
    if (changes.mustChangePassword !== undefined) set('must_change_password', changes.mustChangePassword ? 1 : 0);
    if (changes.failedLogins !== undefined) set('failed_logins', count(changes.failedLogins, 'failedLogins'));
    if (changes.lockedUntil !== undefined) set('locked_until', changes.lockedUntil === null ? null : time(changes.lockedUntil, 'lockedUntil'));
    let updated: User | undefined;
    this.transaction('cannot update user', () => {
      // Column names come from the fixed list above, never from the caller.
      if (columns.length > 0) this.sql(`UPDATE users SET ${columns.join(', ')} WHERE id = ?`).run(...values, userId);
      updated = this.findUserById(userId);
    });
    if (!updated) throw new StoreWriteError(`cannot update user: no user with id "${userId}"`, 'not-found');
    return updated;
  }

  listUsers(): User[] {
    return (this.sql('SELECT * FROM users ORDER BY username').all() as unknown as UserRow[]).map(toUser);
  }

  countUsers(): number {
    return (this.sql('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  createSession(session: Session): void {
    requireText(session?.tokenHash, 'session token hash');
    this.write('cannot create session', () => this.sql(
      'INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(session.tokenHash, session.userId, time(session.createdAt, 'createdAt'), time(session.lastSeenAt, 'lastSeenAt'), time(session.expiresAt, 'expiresAt'),
      session.address ?? null, session.userAgent?.slice(0, 512) ?? null));
  }

  /** Returns the session as stored, expired or not: the auth layer decides what expiry means. */
  findSession(tokenHash: string): Session | undefined {
    const row = this.sql('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as SessionRow | undefined;
    return row && toSession(row);
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

  listUserSessions(userId: string): Session[] {
    return (this.sql('SELECT * FROM sessions WHERE user_id = ? ORDER BY created_at DESC').all(userId) as unknown as SessionRow[]).map(toSession);
  }

  deleteUserSessions(userId: string): number {
    return Number(this.write('cannot delete sessions', () => this.sql('DELETE FROM sessions WHERE user_id = ?').run(userId)).changes);
  }

  listRoles(): CustomRole[] {
    return (this.sql('SELECT * FROM roles ORDER BY name').all() as unknown as RoleRow[]).map(toRole);
  }

  findRole(name: string): CustomRole | undefined {
    const row = this.sql('SELECT * FROM roles WHERE name = ?').get(name) as RoleRow | undefined;
    return row && toRole(row);
  }

  saveRole(role: CustomRole): void {
    requireText(role?.name, 'role name');
    if (!Array.isArray(role.permissions) || !role.permissions.every((p) => typeof p === 'string')) {
      throw new StoreWriteError('role permissions must be an array of strings', 'invalid-input');
    }
    this.write(`cannot save role "${role.name}"`, () => this.sql(`INSERT INTO roles (name, description, permissions, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET description = excluded.description, permissions = excluded.permissions,
      updated_at = excluded.updated_at`).run(role.name, String(role.description ?? ''), JSON.stringify(role.permissions),
      time(role.createdAt, 'createdAt'), time(role.updatedAt, 'updatedAt')));
  }

  deleteRole(name: string): void {
    this.transaction(`cannot delete role "${name}"`, () => {
      const users = (this.sql('SELECT count(*) AS n FROM users WHERE role = ?').get(name) as { n: number }).n;
      if (users > 0) throw new StoreWriteError(`cannot delete role "${name}": ${users} user(s) still have it`, 'conflict');
      const result = this.sql('DELETE FROM roles WHERE name = ?').run(name);
      if (result.changes === 0) throw new StoreWriteError(`cannot delete role: no custom role "${name}"`, 'not-found');
    });
  }

  createApiToken(token: ApiToken): void {
    requireText(token?.id, 'token id');
    requireText(token.name, 'token name');
    if (!/^[0-9a-f]{64}$/.test(token.tokenHash)) throw new StoreWriteError('cannot create API token: tokenHash must be a SHA-256 hex digest', 'invalid-input');
    this.write(`cannot create API token "${token.name}"`, () => this.sql(`INSERT INTO api_tokens
      (id, user_id, name, token_hash, permissions, created_at, expires_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      token.id, token.userId, token.name, token.tokenHash, JSON.stringify(token.permissions), time(token.createdAt, 'createdAt'),
      time(token.expiresAt, 'expiresAt'), optionalTime(token.lastUsedAt, 'lastUsedAt'), optionalTime(token.revokedAt, 'revokedAt')));
  }

  findApiTokenByHash(tokenHash: string): ApiToken | undefined {
    const row = this.sql('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as ApiTokenRow | undefined;
    return row && toApiToken(row);
  }

  listApiTokens(userId?: string): ApiToken[] {
    const rows = userId === undefined
      ? this.sql('SELECT * FROM api_tokens ORDER BY created_at DESC, id').all()
      : this.sql('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id').all(userId);
    return (rows as unknown as ApiTokenRow[]).map(toApiToken);
  }

  touchApiToken(id: string, at: number): void {
    this.write('cannot update API token', () => this.sql('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(time(at, 'at'), id));
  }

  /** Revoking twice keeps the first revocation time. */
  revokeApiToken(id: string, at: number): void {
    const when = time(at, 'at');
    this.transaction('cannot revoke API token', () => {
      if (!this.sql('SELECT 1 AS found FROM api_tokens WHERE id = ?').get(id)) {
        throw new StoreWriteError(`cannot revoke API token: no token with id "${id}"`, 'not-found');
      }
      this.sql('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(when, id);
    });
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
    this.db.close();
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id, username: row.username, passwordHash: row.password_hash, role: row.role,
    mustChangePassword: row.must_change_password === 1, createdAt: row.created_at, authSource: row.auth_source, failedLogins: row.failed_logins,
    ...(row.display_name === null ? {} : { displayName: row.display_name }),
    ...(row.email === null ? {} : { email: row.email }),
    ...(row.disabled_at === null ? {} : { disabledAt: row.disabled_at }),
    ...(row.password_changed_at === null ? {} : { passwordChangedAt: row.password_changed_at }),
    ...(row.locked_until === null ? {} : { lockedUntil: row.locked_until }),
  };
}

function toSession(row: SessionRow): Session {
  return {
    tokenHash: row.token_hash, userId: row.user_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at,
    ...(row.address === null ? {} : { address: row.address }),
    ...(row.user_agent === null ? {} : { userAgent: row.user_agent }),
  };
}

function toRole(row: RoleRow): CustomRole {
  return { name: row.name, description: row.description, permissions: parseStringList(row.permissions), createdAt: row.created_at, updatedAt: row.updated_at };
}

function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id, userId: row.user_id, name: row.name, tokenHash: row.token_hash, permissions: parseStringList(row.permissions),
    createdAt: row.created_at, expiresAt: row.expires_at,
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

function parseStringList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
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
