import type { DatabaseSync } from 'node:sqlite';

/**
 * Schema migrations of the state database, applied in order; entry `i` brings the schema from
 * version `i` to `i + 1`. Never edit a released entry: add a new one. Tables are STRICT so a wrong
 * type is an error instead of a silently coerced value.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    must_change_password INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_expires_at ON sessions(expires_at);

  CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    source_type TEXT NOT NULL,
    token_hash TEXT UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;
  -- A name is unique among active sources; a revoked source's name may be used again.
  CREATE UNIQUE INDEX sources_active_name ON sources(name) WHERE revoked_at IS NULL;
  CREATE INDEX sources_name ON sources(name, created_at);

  CREATE TABLE source_stats (
    source_name TEXT PRIMARY KEY,
    events_total INTEGER NOT NULL,
    parse_errors_total INTEGER NOT NULL,
    last_event_at INTEGER,
    per_minute TEXT NOT NULL,
    minute_end INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE parse_errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_name TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    sample TEXT NOT NULL
  ) STRICT;
  CREATE INDEX parse_errors_by_source ON parse_errors(source_name, at, id);

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
];

/**
 * Brings the database to the newest schema, one transaction per step, recording the version in
 * `schema_version`. Refuses a database written by a newer Vigil rather than guessing.
 */
export function migrate(db: DatabaseSync): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  let version = row?.version ?? 0;
  if (version > MIGRATIONS.length) {
    throw new Error(`state database has schema version ${version}, newer than this Vigil understands (${MIGRATIONS.length}); upgrade Vigil`);
  }
  while (version < MIGRATIONS.length) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[version]!);
      if (version === 0) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version + 1);
      else db.prepare('UPDATE schema_version SET version = ?').run(version + 1);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
    version++;
  }
  return version;
}
