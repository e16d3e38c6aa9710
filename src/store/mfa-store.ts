/** A user's TOTP authenticator: pending from setup until a first code is confirmed, then enabled. */
export interface TotpRecord {
  userId: string;
  /** The base32 seed sealed with the master key (SecretBox, purpose `totp:<userId>`); never stored in clear. */
  sealedSecret: string;
  createdAt: number;
  /** Set once a code was confirmed: only then does sign-in ask for a code. */
  enabledAt?: number;
  /** Last accepted time step; a code for this step or an earlier one is refused (no replay). */
  lastStep?: number;
}

/**
 * Second-factor state of users: TOTP seeds and one-time recovery codes (kept only as hashes). The
 * methods that accept a code are compare-and-set in one statement, so two requests racing with the
 * same code cannot both succeed.
 */
export interface MfaStore {
  findTotp(userId: string): TotpRecord | undefined;
  /** Starts or restarts enrollment with a new seed; a `conflict` StoreWriteError when TOTP is already enabled. */
  savePendingTotp(userId: string, sealedSecret: string, createdAt: number): void;
  /**
   * Enables the pending seed, recording the confirmed step, and replaces the recovery codes with
   * `recoveryCodeHashes`, in one transaction. False when there is no pending seed (or it is enabled already).
   */
  enableTotp(userId: string, step: number, enabledAt: number, recoveryCodeHashes: readonly string[]): boolean;
  /** Records `step` as used when it is newer than the last one; false for a replayed or older step. */
  acceptTotpStep(userId: string, step: number): boolean;
  /** Removes the seed and every recovery code of the user. */
  deleteTotp(userId: string): void;
  /** Replaces all recovery codes of the user (used or not) with new ones. */
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[], createdAt: number): void;
  /** Marks an unused code as used; false when there is no such unused code. */
  useRecoveryCode(userId: string, codeHash: string, usedAt: number): boolean;
  countUnusedRecoveryCodes(userId: string): number;
}
