import type { ExternalIdentity, IdentityStore } from '../identity-store.ts';
import { optionalTime, requireText, time, type SqliteDb } from './sqlite-db.ts';

interface IdentityRow { provider: string; subject: string; user_id: string; created_at: number; last_login_at: number | null }

/** {@link IdentityStore} on the `external_identities` table (migration 2); rows go with their user (ON DELETE CASCADE). */
export class SqliteIdentityStore implements IdentityStore {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  find(provider: string, subject: string): ExternalIdentity | undefined {
    const row = this.db.sql('SELECT * FROM external_identities WHERE provider = ? AND subject = ?').get(provider, subject) as IdentityRow | undefined;
    return row && toIdentity(row);
  }

  link(identity: ExternalIdentity): void {
    requireText(identity?.provider, 'identity provider');
    requireText(identity.subject, 'identity subject');
    requireText(identity.userId, 'identity user id');
    this.db.write(`cannot link ${identity.provider} identity`, () => this.db.sql(
      'INSERT INTO external_identities (provider, subject, user_id, created_at, last_login_at) VALUES (?, ?, ?, ?, ?)',
    ).run(identity.provider, identity.subject, identity.userId, time(identity.createdAt, 'createdAt'), optionalTime(identity.lastLoginAt, 'lastLoginAt')));
  }

  touch(provider: string, subject: string, lastLoginAt: number): void {
    this.db.write('cannot update identity', () => this.db.sql(
      'UPDATE external_identities SET last_login_at = ? WHERE provider = ? AND subject = ?',
    ).run(time(lastLoginAt, 'lastLoginAt'), provider, subject));
  }

}

function toIdentity(row: IdentityRow): ExternalIdentity {
  return {
    provider: row.provider, subject: row.subject, userId: row.user_id, createdAt: row.created_at,
    ...(row.last_login_at === null ? {} : { lastLoginAt: row.last_login_at }),
  };
}
