import type { StateStore, User } from '../store/state-store.ts';

export interface LockoutOptions {
  /** Consecutive failed sign-ins (wrong password or wrong second-factor code) that lock an account. */
  maxFailures: number;
  /** How long a lock lasts. */
  lockMs: number;
}

/**
 * Locks an account after `maxFailures` consecutive failed sign-ins, for `lockMs`, in the state store
 * (users.failed_logins, users.locked_until) so a restart does not hand an attacker a fresh set of
 * guesses. The in-memory per-address throttle (LoginThrottle) slows guessing across many accounts;
 * this stops guessing at one account, whoever the guesser is.
 */
export class AccountLockout {
  private readonly state: StateStore;
  private readonly options: LockoutOptions;

  constructor(state: StateStore, options: LockoutOptions) {
    this.state = state;
    this.options = options;
  }

  /** Milliseconds until the account is unlocked, 0 when it is not locked. */
  lockedFor(user: User, now: number): number {
    return user.lockedUntil !== undefined && user.lockedUntil > now ? user.lockedUntil - now : 0;
  }

  /** Counts a failure; returns true when this failure locked the account. */
  recordFailure(user: User, now: number): boolean {
    // After a lock ran out the count starts again: one more mistake must not lock for another period.
    const previous = user.lockedUntil !== undefined && user.lockedUntil <= now ? 0 : user.failedLogins;
    const failedLogins = previous + 1;
    const lock = failedLogins >= this.options.maxFailures;
    this.state.updateUser(user.id, { failedLogins, lockedUntil: lock ? now + this.options.lockMs : null });
    return lock;
  }

  recordSuccess(user: User): void {
    if (user.failedLogins !== 0 || user.lockedUntil !== undefined) this.state.updateUser(user.id, { failedLogins: 0, lockedUntil: null });
  }

  unlock(userId: string): User {
    return this.state.updateUser(userId, { failedLogins: 0, lockedUntil: null });
  }
}
