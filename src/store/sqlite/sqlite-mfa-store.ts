import type { MfaStore, TotpRecord } from '../mfa-store.ts';
import { StoreWriteError } from '../store-errors.ts';
import { requireText, time, type SqliteDb } from './sqlite-db.ts';

interface TotpRow { user_id: string; sealed_secret: string; created_at: number; enabled_at: number | null; last_step: number | null }

/** {@link MfaStore} on the state database's `user_totp` and `recovery_codes` tables (migration 2). */
export class SqliteMfaStore implements MfaStore {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  findTotp(userId: string): TotpRecord | undefined {
    const row = this.db.sql('SELECT * FROM user_totp WHERE user_id = ?').get(userId) as TotpRow | undefined;
    if (!row) return undefined;
    return {
      userId: row.user_id, sealedSecret: row.sealed_secret, createdAt: row.created_at,
      ...(row.enabled_at === null ? {} : { enabledAt: row.enabled_at }),
      ...(row.last_step === null ? {} : { lastStep: row.last_step }),
    };
  }

  savePendingTotp(userId: string, sealedSecret: string, createdAt: number): void {
    requireText(userId, 'user id');
    requireText(sealedSecret, 'sealed secret');
    this.db.transaction('cannot start TOTP enrollment', () => {
      const enabled = this.db.sql('SELECT 1 FROM user_totp WHERE user_id = ? AND enabled_at IS NOT NULL').get(userId);
      if (enabled) throw new StoreWriteError('TOTP is already enabled for this user', 'conflict');
      this.db.sql(
        `INSERT INTO user_totp (user_id, sealed_secret, created_at, enabled_at, last_step) VALUES (?, ?, ?, NULL, NULL)
         ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, created_at = excluded.created_at, last_step = NULL`,
      ).run(userId, sealedSecret, time(createdAt, 'createdAt'));
    });
  }

  enableTotp(userId: string, step: number, enabledAt: number, recoveryCodeHashes: readonly string[]): boolean {
    return this.db.transaction('cannot enable TOTP', () => {
      const result = this.db.sql('UPDATE user_totp SET enabled_at = ?, last_step = ? WHERE user_id = ? AND enabled_at IS NULL')
        .run(time(enabledAt, 'enabledAt'), step, userId);
      if (result.changes === 0) return false;
      this.insertRecoveryCodes(userId, recoveryCodeHashes, enabledAt);
      return true;
    });
  }

  acceptTotpStep(userId: string, step: number): boolean {
    if (!Number.isSafeInteger(step)) throw new StoreWriteError(`step must be an integer, got ${String(step)}`, 'invalid-input');
    const result = this.db.write('cannot record the TOTP step', () => this.db.sql(
      'UPDATE user_totp SET last_step = ? WHERE user_id = ? AND enabled_at IS NOT NULL AND (last_step IS NULL OR last_step < ?)',
    ).run(step, userId, step));
    return result.changes > 0;
  }

  deleteTotp(userId: string): void {
    this.db.transaction('cannot remove TOTP', () => {
      this.db.sql('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
      this.db.sql('DELETE FROM user_totp WHERE user_id = ?').run(userId);
    });
  }

  replaceRecoveryCodes(userId: string, codeHashes: readonly string[], createdAt: number): void {
    this.db.transaction('cannot replace recovery codes', () => this.insertRecoveryCodes(userId, codeHashes, createdAt));
  }

  useRecoveryCode(userId: string, codeHash: string, usedAt: number): boolean {
    const result = this.db.write('cannot use a recovery code', () => this.db.sql(
      'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL',
    ).run(time(usedAt, 'usedAt'), userId, codeHash));
    return result.changes > 0;
  }

  countUnusedRecoveryCodes(userId: string): number {
    const row = this.db.sql('SELECT count(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL').get(userId) as { n: number };
    return row.n;
  }

  /** Deletes the user's codes and inserts `codeHashes`; call inside a transaction. */
  private insertRecoveryCodes(userId: string, codeHashes: readonly string[], createdAt: number): void {
    this.db.sql('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    const insert = this.db.sql('INSERT INTO recovery_codes (user_id, code_hash, created_at, used_at) VALUES (?, ?, ?, NULL)');
    for (const hash of codeHashes) {
      requireText(hash, 'recovery code hash');
      insert.run(userId, hash, time(createdAt, 'createdAt'));
    }
  }
}
