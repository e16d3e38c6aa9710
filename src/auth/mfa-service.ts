import type { MfaStore } from '../store/mfa-store.ts';
import type { User } from '../store/state-store.ts';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes.ts';
import type { SecretBox } from './secret-box.ts';
import { generateSecret, sha256Hex } from './secrets.ts';
import { newTotpSecret, totpUri, verifyTotp } from './totp.ts';

/** What a user offers as second factor: a code from the authenticator app or a one-time recovery code. */
export type SecondFactor = { code: string } | { recoveryCode: string };

/** A sign-in that passed the password step and waits for the second factor. */
export interface MfaChallenge {
  userId: string;
  username: string;
  expiresAt: number;
  /** Wrong codes entered with this challenge so far. */
  failures: number;
}

/** A challenge lives long enough to open the app and type a code, not much longer. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes a challenge survives: a typo need not mean typing the password again, guessing needs many challenges. */
const CHALLENGE_MAX_FAILURES = 3;

const totpPurpose = (userId: string): string => `totp:${userId}`;

/**
 * TOTP enrollment and checks, recovery codes and sign-in challenges. Seeds are sealed with the master
 * key; recovery codes are kept as SHA-256 hashes. Challenges live in memory: they last five minutes,
 * and a restart only means typing the password again.
 */
export class MfaService {
  private readonly store: MfaStore;
  private readonly secrets: SecretBox;
  /** SHA-256 of the challenge token → challenge. */
  private readonly challenges = new Map<string, MfaChallenge>();

  constructor(store: MfaStore, secrets: SecretBox) {
    this.store = store;
    this.secrets = secrets;
  }

  isEnabled(userId: string): boolean {
    return this.store.findTotp(userId)?.enabledAt !== undefined;
  }

  unusedRecoveryCodes(userId: string): number {
    return this.store.countUnusedRecoveryCodes(userId);
  }

  /**
   * Generates a new seed for `user` and keeps it, sealed, until a code confirms it. Throws a
   * `conflict` StoreWriteError when TOTP is already enabled.
   */
  startTotpSetup(user: User, now: number): { secret: string; uri: string } {
    const secret = newTotpSecret();
    this.store.savePendingTotp(user.id, this.secrets.seal(secret, totpPurpose(user.id)), now);
    return { secret, uri: totpUri(secret, user.username) };
  }

  /** Enables the pending seed when `code` matches it; returns the new recovery codes (shown once), or undefined. */
  confirmTotp(userId: string, code: string, now: number): string[] | undefined {
    const record = this.store.findTotp(userId);
    if (!record || record.enabledAt !== undefined) return undefined;
    const step = verifyTotp(this.secrets.open(record.sealedSecret, totpPurpose(userId)), code, now);
    if (step === undefined) return undefined;
    const codes = generateRecoveryCodes();
    return this.store.enableTotp(userId, step, now, codes.map(hashRecoveryCode)) ? codes : undefined;
  }

  /**
   * Checks a second factor of a user with TOTP enabled and uses it up: a TOTP step is accepted once,
   * a recovery code once. Returns which kind was accepted, or undefined.
   */
  verify(userId: string, factor: SecondFactor, now: number): 'totp' | 'recovery-code' | undefined {
    const record = this.store.findTotp(userId);
    if (record?.enabledAt === undefined) return undefined;
    if ('code' in factor) {
      const step = verifyTotp(this.secrets.open(record.sealedSecret, totpPurpose(userId)), factor.code, now, record.lastStep);
      return step !== undefined && this.store.acceptTotpStep(userId, step) ? 'totp' : undefined;
    }
    return this.store.useRecoveryCode(userId, hashRecoveryCode(factor.recoveryCode), now) ? 'recovery-code' : undefined;
  }

  /** Turns TOTP off and deletes the recovery codes (the user's choice, or an administrator's for a lost phone). */
  disable(userId: string): void {
    this.store.deleteTotp(userId);
  }

  /** Replaces the recovery codes; returns the new ones (shown once). */
  regenerateRecoveryCodes(userId: string, now: number): string[] {
    const codes = generateRecoveryCodes();
    this.store.replaceRecoveryCodes(userId, codes.map(hashRecoveryCode), now);
    return codes;
  }

  /** A new challenge token for a user whose password was right. */
  issueChallenge(user: User, now: number): string {
    for (const [key, challenge] of this.challenges) if (challenge.expiresAt <= now) this.challenges.delete(key);
    const token = generateSecret('vgc_');
    this.challenges.set(sha256Hex(token), { userId: user.id, username: user.username, expiresAt: now + CHALLENGE_TTL_MS, failures: 0 });
    return token;
  }

  /** The live challenge of a token, undefined when unknown, used or expired. */
  findChallenge(token: string, now: number): MfaChallenge | undefined {
    const key = sha256Hex(token);
    const challenge = this.challenges.get(key);
    if (challenge && challenge.expiresAt <= now) this.challenges.delete(key);
    return challenge && challenge.expiresAt > now ? challenge : undefined;
  }

  /** Counts a wrong code; the challenge ends after a few. */
  failChallenge(token: string): void {
    const key = sha256Hex(token);
    const challenge = this.challenges.get(key);
    if (!challenge) return;
    challenge.failures++;
    if (challenge.failures >= CHALLENGE_MAX_FAILURES) this.challenges.delete(key);
  }

  /** Ends a challenge: it completed a sign-in, or cannot any more. */
  endChallenge(token: string): void {
    this.challenges.delete(sha256Hex(token));
  }
}
