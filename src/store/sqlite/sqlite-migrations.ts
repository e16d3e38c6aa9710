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
  // 2: identity, access control and audit.
  `
  ALTER TABLE users ADD COLUMN display_name TEXT;
  ALTER TABLE users ADD COLUMN email TEXT;
  -- 'local' (password) or 'oidc:<provider>' (single sign-on; password_hash is then '').
  ALTER TABLE users ADD COLUMN auth_source TEXT NOT NULL DEFAULT 'local';
  ALTER TABLE users ADD COLUMN disabled_at INTEGER;
  ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
  -- Consecutive failed sign-ins and the lockout they caused; survive restarts, reset on success.
  ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN locked_until INTEGER;

  ALTER TABLE sessions ADD COLUMN address TEXT;
  ALTER TABLE sessions ADD COLUMN user_agent TEXT;
  CREATE INDEX sessions_user ON sessions(user_id);

  -- Custom roles; the built-in ones live in code (src/auth/permissions.ts). permissions: JSON array.
  CREATE TABLE roles (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    description TEXT NOT NULL,
    permissions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  -- API tokens act for their user with at most the listed permissions (JSON array). Only the
  -- SHA-256 of the token is kept; the token is shown once.
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    permissions TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  ) STRICT;
  CREATE INDEX api_tokens_user ON api_tokens(user_id);

  -- TOTP second factor: the secret sealed with the master key; enabled once a code was confirmed.
  CREATE TABLE user_totp (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sealed_secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    enabled_at INTEGER,
    -- Last accepted time step: a code is accepted once (no replay within its window).
    last_step INTEGER
  ) STRICT;

  CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
  ) STRICT;

  -- Single sign-on identities: (provider, subject) of the identity provider to a Vigil user.
  CREATE TABLE external_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_login_at INTEGER,
    PRIMARY KEY (provider, subject)
  ) STRICT;

  -- Append-only, hash-chained audit log: hash = SHA-256 over prev_hash and the entry's canonical
  -- form (src/audit). The triggers refuse edits and deletions through SQL; verification detects
  -- any made behind SQLite's back.
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    outcome TEXT NOT NULL,
    address TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_log_at ON audit_log(at);
  CREATE INDEX audit_log_actor ON audit_log(actor_name, at);
  CREATE INDEX audit_log_action ON audit_log(action, at);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 3: incidents and their members (restricted incidents are visible to members only).
  `
  CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    restricted INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX incidents_created_at ON incidents(created_at);

  CREATE TABLE incident_members (
    incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_by TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (incident_id, user_id)
  ) STRICT;
  CREATE INDEX incident_members_user ON incident_members(user_id);
  `,
  // 4: saved searches (private to their owner, or shared with everyone who may read events).
  `
  CREATE TABLE saved_searches (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    query TEXT NOT NULL,
    -- The time range as the user typed it (-7d, now, ISO 8601, ms); NULL: the search default.
    from_text TEXT,
    to_text TEXT,
    shared INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (owner_id, name)
  ) STRICT;
  CREATE INDEX saved_searches_shared ON saved_searches(shared) WHERE shared = 1;
  `,
  // 5: Sigma rules (YAML as imported, with the state validation gave them) and the detections they made.
  `
  CREATE TABLE sigma_rules (
    id TEXT PRIMARY KEY,
    yaml TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    tags TEXT NOT NULL,
    -- 'bundled', 'import:<name>' or 'custom'.
    origin TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    updated_at INTEGER NOT NULL,
    updated_by TEXT
  ) STRICT;
  -- Moves on every rule change, so a pipeline on another connection knows to reload its engine.
  CREATE TABLE sigma_rules_version (version INTEGER NOT NULL) STRICT;
  INSERT INTO sigma_rules_version (version) VALUES (0);

  CREATE TABLE detections (
    id INTEGER PRIMARY KEY,
    rule_id TEXT NOT NULL,
    rule_title TEXT NOT NULL,
    level TEXT NOT NULL,
    tags TEXT NOT NULL,
    event_seqs TEXT NOT NULL,
    event_time INTEGER NOT NULL,
    detected_at INTEGER NOT NULL,
    host TEXT,
    user_name TEXT,
    -- {selections, fields}: why the rule matched (field values cut to excerpts).
    why TEXT NOT NULL
  ) STRICT;
  CREATE INDEX detections_event_time ON detections(event_time);
  CREATE INDEX detections_rule ON detections(rule_id, id);
  -- Hits per rule over the last day, and daily retention.
  CREATE INDEX detections_detected_at ON detections(detected_at, rule_id);
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
