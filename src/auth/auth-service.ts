import { randomUUID } from 'node:crypto';
import type { IntakeAuthenticator, IntakeSource } from '../intake/intake-sink.ts';
import type { ApiToken, Session, Source, StateStore, User } from '../store/state-store.ts';
import { AccountLockout, type LockoutOptions } from './account-lockout.ts';
import { MfaService, type SecondFactor } from './mfa-service.ts';
import { BUILTIN_ROLES, isPermission, type Permission } from './permissions.ts';
import type { SecretBox } from './secret-box.ts';
import { MIN_PASSWORD_LENGTH, passwordPolicyProblem } from './password-policy.ts';
import { generateSecret, hashPassword, sha256Hex, verifyPassword } from './secrets.ts';
import { LoginThrottle } from './login-throttle.ts';

/** Who is calling: a signed-in user (cookie session) or an API token acting for its user. */
export type Principal =
  | { kind: 'session'; user: User; permissions: ReadonlySet<Permission>; session: Session }
  | { kind: 'token'; user: User; permissions: ReadonlySet<Permission>; token: ApiToken };

/**
 * The outcome of a sign-in step. `note` says why it failed, for the audit log only: the caller learns
 * nothing more than "invalid" (see docs/authentication.md).
 */
export type SignInResult = SignedIn | { ok: false; reason: 'mfa-required'; user: User; challenge: string } | SignInFailure;
export type SignedIn = { ok: true; user: User; sessionToken: string };
export type SignInFailure = { ok: false; reason: 'invalid' | 'throttled' | 'challenge-invalid'; retryAfterSeconds?: number; note?: string };

/** Whether a signed-in user proved who they are again (password, and second factor when asked) before a sensitive change. */
export type ReauthResult = { ok: true } | { ok: false; reason: 'invalid' | 'throttled'; message: string; retryAfterSeconds?: number };

export interface AuthServiceOptions {
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** Seals TOTP seeds at rest. */
  secrets: SecretBox;
  /** Default: 10 failures lock for 15 minutes (the `auth.lockout` defaults). */
  lockout?: LockoutOptions;
  /** Default 12 (`auth.password.minLength`). */
  passwordMinLength?: number;
  /** Local users must turn on TOTP before anything else (`auth.mfa.required`). */
  mfaRequired?: boolean;
}

/**
 * Console sign-in, sessions and intake tokens. Session and intake tokens are random secrets kept
 * only as SHA-256 hashes; passwords are argon2id. An unknown username costs the same argon2 work as
 * a known one so response time does not reveal which accounts exist.
 */
export class AuthService implements IntakeAuthenticator {
  private readonly state: StateStore;
  private readonly options: AuthServiceOptions;
  private readonly throttle = new LoginThrottle();
  private readonly lockout: AccountLockout;
  readonly mfa: MfaService;
  private dummyHash: Promise<string> | undefined;
  /** Token hash → source; intake checks every request, so it must not hit the database each time. */
  private tokenCache = new Map<string, IntakeSource>();

  constructor(state: StateStore, options: AuthServiceOptions) {
    this.state = state;
    this.options = options;
    this.lockout = new AccountLockout(state, options.lockout ?? { maxFailures: 10, lockMs: 15 * 60_000 });
    this.mfa = new MfaService(state.mfa, options.secrets);
    this.reloadTokens();
  }

  /** Creates the first admin when there are no users; returns the one-time password to print. */
  async bootstrapAdmin(now: number): Promise<string | undefined> {
    if (this.state.countUsers() > 0) return undefined;
    const password = generateSecret('', 18);
    this.state.createUser({
      id: randomUUID(), username: 'admin', passwordHash: await hashPassword(password), role: 'admin', mustChangePassword: true, createdAt: now,
      authSource: 'local', failedLogins: 0,
    });
    return password;
  }

  /**
   * The password step of a sign-in. An unknown, disabled or locked account answers exactly like a
   * wrong password (same answer, same argon2 work): an attacker learns neither whether the account
   * exists nor whether a guess against a locked account was right. A user with TOTP gets a
   * challenge to complete with {@link completeMfaSignIn}, not a session.
   */
  async signIn(username: string, password: string, address: string, now: number, userAgent?: string): Promise<SignInResult> {
    const keys = throttleKeys(username, address);
    const wait = this.throttle.retryAfter(keys, now);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
    const user = this.state.findUserByName(username);
    this.dummyHash ??= hashPassword(generateSecret(''));
    const valid = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    const refusal = !user ? 'unknown user' : user.disabledAt !== undefined ? 'account disabled'
      : this.lockout.lockedFor(user, now) > 0 ? 'account locked' : !valid ? 'wrong password' : undefined;
    if (!user || refusal !== undefined) {
      this.throttle.fail(keys, now);
      // Guesses against a locked account are not counted: the lock would otherwise never end under attack.
      const locked = user && refusal === 'wrong password' && this.lockout.recordFailure(user, now);
      return { ok: false, reason: 'invalid', note: locked ? 'wrong password; account locked' : refusal };
    }
    if (this.mfa.isEnabled(user.id)) return { ok: false, reason: 'mfa-required', user, challenge: this.mfa.issueChallenge(user, now) };
    this.throttle.succeed(keys);
    this.lockout.recordSuccess(user);
    return { ok: true, user, sessionToken: this.openSession(user, address, now, userAgent) };
  }

  /**
   * The second step of a sign-in: a TOTP code or a recovery code for the challenge the password
   * step gave. A wrong code counts as a failed sign-in (throttle and lockout) like a wrong password.
   */
  completeMfaSignIn(challenge: string, factor: SecondFactor, address: string, now: number, userAgent?: string): SignedIn | SignInFailure {
    const pending = this.mfa.findChallenge(challenge, now);
    if (!pending) return { ok: false, reason: 'challenge-invalid', note: 'unknown or expired challenge' };
    const keys = throttleKeys(pending.username, address);
    const wait = this.throttle.retryAfter(keys, now);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
    const user = this.state.findUserById(pending.userId);
    if (!user || user.disabledAt !== undefined) {
      this.mfa.endChallenge(challenge);
      return { ok: false, reason: 'challenge-invalid', note: 'account removed or disabled' };
    }
    // Whoever holds a challenge knows the password, so saying "locked" here reveals nothing new.
    const locked = this.lockout.lockedFor(user, now);
    if (locked > 0) {
      this.mfa.endChallenge(challenge);
      return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(locked / 1000), note: 'account locked' };
    }
    const accepted = this.mfa.verify(user.id, factor, now);
    if (!accepted) {
      this.throttle.fail(keys, now);
      this.mfa.failChallenge(challenge);
      const lockedNow = this.lockout.recordFailure(user, now);
      return { ok: false, reason: 'invalid', note: lockedNow ? 'wrong second-factor code; account locked' : 'wrong second-factor code' };
    }
    this.mfa.endChallenge(challenge);
    this.throttle.succeed(keys);
    this.lockout.recordSuccess(user);
    return { ok: true, user, sessionToken: this.openSession(user, address, now, userAgent) };
  }

  /**
   * Asks a signed-in user for their password (and a second factor when `factor` is given) before a
   * change to how they sign in. Failures count like failed sign-ins: a stolen session must not become
   * a way to guess the password.
   */
  async reauthenticate(user: User, password: string, factor: SecondFactor | undefined, address: string, now: number): Promise<ReauthResult> {
    const keys = throttleKeys(user.username, address);
    const wait = this.throttle.retryAfter(keys, now);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait, message: `Too many failed attempts; try again in ${wait} seconds.` };
    const current = this.state.findUserById(user.id) ?? user;
    // The caller is signed in as this user: telling them about the lock reveals nothing to a stranger.
    const locked = Math.ceil(this.lockout.lockedFor(current, now) / 1000);
    if (locked > 0) {
      return { ok: false, reason: 'throttled', retryAfterSeconds: locked, message: `The account is locked after failed sign-ins; try again in ${locked} seconds or ask an administrator to unlock it.` };
    }
    let message: string | undefined;
    if (!(await verifyPassword(current.passwordHash, password))) message = 'The password is wrong.';
    else if (factor && !this.mfa.verify(current.id, factor, now)) message = 'The code is wrong or was already used.';
    if (message === undefined) {
      this.throttle.succeed(keys);
      this.lockout.recordSuccess(current);
      return { ok: true };
    }
    this.throttle.fail(keys, now);
    this.lockout.recordFailure(current, now);
    return { ok: false, reason: 'invalid', message };
  }

  /** Lifts a lockout (an administrator's action) and forgets the failures counted for the username. */
  unlock(userId: string): User {
    const user = this.lockout.unlock(userId);
    this.throttle.succeed([`u:${user.username.toLowerCase()}`]);
    return user;
  }

  /** True when `auth.mfa.required` is on and this local user has not turned on TOTP yet. */
  mustEnrollMfa(user: User): boolean {
    return this.options.mfaRequired === true && user.authSource === 'local' && !this.mfa.isEnabled(user.id);
  }

  /**
   * Opens a session for a user another system authenticated (single sign-on, src/auth/oidc), which
   * checked that the user may sign in. Returns the session token for the cookie.
   */
  startSession(user: User, address: string, now: number, userAgent?: string): string {
    return this.openSession(user, address, now, userAgent);
  }

  private openSession(user: User, address: string, now: number, userAgent: string | undefined): string {
    const sessionToken = generateSecret('vgs_');
    this.state.createSession({
      tokenHash: sha256Hex(sessionToken), userId: user.id, createdAt: now, lastSeenAt: now, expiresAt: now + this.options.sessionMaxMs,
      address, ...(userAgent === undefined ? {} : { userAgent }),
    });
    return sessionToken;
  }

  /** The principal of a live session, refreshing its idle timer; undefined when unknown, expired or the user is disabled. */
  resolveSession(sessionToken: string, now: number): Principal | undefined {
    const tokenHash = sha256Hex(sessionToken);
    const session = this.state.findSession(tokenHash);
    if (!session) return undefined;
    if (now >= session.expiresAt || now - session.lastSeenAt >= this.options.sessionIdleMs) {
      this.state.deleteSession(tokenHash);
      return undefined;
    }
    const user = this.state.findUserById(session.userId);
    if (!user || user.disabledAt !== undefined) return undefined;
    // Write the idle timer at most once a minute: a page polling every 5 s should not write every time.
    if (now - session.lastSeenAt > 60_000) this.state.touchSession(tokenHash, now);
    return { kind: 'session', user, permissions: this.permissionsOf(user.role), session };
  }

  /**
   * The principal of an API token: its scopes, cut down to what its user's role grants now (a token
   * never outlives a demotion). Undefined when unknown, expired, revoked or the user is disabled.
   */
  resolveApiToken(secret: string, now: number): Principal | undefined {
    const token = this.state.findApiTokenByHash(sha256Hex(secret));
    if (!token || token.revokedAt !== undefined || now >= token.expiresAt) return undefined;
    const user = this.state.findUserById(token.userId);
    if (!user || user.disabledAt !== undefined) return undefined;
    const granted = this.permissionsOf(user.role);
    const permissions = new Set(token.permissions.filter((p): p is Permission => isPermission(p) && granted.has(p)));
    if (token.lastUsedAt === undefined || now - token.lastUsedAt > 60_000) this.state.touchApiToken(token.id, now);
    return { kind: 'token', user, permissions, token };
  }

  /** Permissions of a built-in or custom role; none for a role that no longer exists (deny by default). */
  permissionsOf(role: string): ReadonlySet<Permission> {
    const builtin = BUILTIN_ROLES.find((r) => r.name === role);
    if (builtin) return new Set(builtin.permissions);
    const custom = this.state.findRole(role);
    return new Set((custom?.permissions ?? []).filter(isPermission));
  }

  signOut(sessionToken: string): void {
    this.state.deleteSession(sha256Hex(sessionToken));
  }

  /**
   * Changes a user's password and ends their other sessions: whoever else holds one (a stolen cookie,
   * a forgotten browser) must sign in with the new password. `keepSessionHash` is the caller's session.
   */
  async changePassword(user: User, current: string, next: string, keepSessionHash?: string): Promise<string | undefined> {
    if (!(await verifyPassword(user.passwordHash, current))) return 'current password is wrong';
    const problem = this.passwordProblem(next, user.username);
    if (problem) return problem;
    if (current === next) return 'new password must differ from the current one';
    this.state.updatePassword(user.id, await hashPassword(next), false, Date.now());
    for (const session of this.state.listUserSessions(user.id)) {
      if (session.tokenHash !== keepSessionHash) this.state.deleteSession(session.tokenHash);
    }
    return undefined;
  }

  /** Creates a local user with a generated one-time password, returned to show once. */
  async createLocalUser(input: Pick<User, 'username' | 'role' | 'displayName' | 'email'>, now: number): Promise<{ user: User; password: string }> {
    const password = generateSecret('', 18);
    const user: User = {
      id: randomUUID(), username: input.username, role: input.role, passwordHash: await hashPassword(password), mustChangePassword: true,
      createdAt: now, authSource: 'local', failedLogins: 0,
      ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
      ...(input.email === undefined ? {} : { email: input.email }),
    };
    this.state.createUser(user);
    return { user, password };
  }

  /** Sets a new one-time password and ends every session of the user; returns the password to show once. */
  async resetPassword(user: User, now: number): Promise<string> {
    const password = generateSecret('', 18);
    this.state.updatePassword(user.id, await hashPassword(password), true, now);
    this.state.deleteUserSessions(user.id);
    return password;
  }

  /** Creates an API token; the secret is returned once and only its SHA-256 is kept. */
  createApiToken(input: Pick<ApiToken, 'userId' | 'name' | 'permissions' | 'expiresAt'>, now: number): { token: ApiToken; secret: string } {
    const secret = generateSecret('vgt_');
    const token: ApiToken = { id: randomUUID(), ...input, tokenHash: sha256Hex(secret), createdAt: now };
    this.state.createApiToken(token);
    return { token, secret };
  }

  /** Why the password policy (`auth.password`) refuses a new password, or undefined. */
  passwordProblem(password: string, username: string): string | undefined {
    return passwordPolicyProblem(password, username, this.options.passwordMinLength ?? MIN_PASSWORD_LENGTH);
  }

  /** Creates an intake source; returns it with its token, which is never retrievable again. */
  createSource(input: Pick<Source, 'name' | 'kind' | 'sourceType'>, now: number): { source: Source; token: string } {
    const token = generateSecret('vgi_');
    const source: Source = { id: randomUUID(), ...input, tokenHash: sha256Hex(token), createdAt: now };
    this.state.createSource(source);
    this.reloadTokens();
    return { source, token };
  }

  /** Ensures a token-less source exists (syslog listeners, file ingest, demo data). */
  ensureSource(input: Pick<Source, 'name' | 'kind' | 'sourceType'>, now: number): Source {
    const existing = this.state.findSourceByName(input.name);
    if (existing && !existing.revokedAt) return existing;
    const source: Source = { id: randomUUID(), ...input, createdAt: now };
    this.state.createSource(source);
    return source;
  }

  revokeSource(id: string, now: number): void {
    this.state.revokeSource(id, now);
    this.reloadTokens();
  }

  authenticate(token: string): IntakeSource | undefined {
    return this.tokenCache.get(sha256Hex(token));
  }

  private reloadTokens(): void {
    const cache = new Map<string, IntakeSource>();
    for (const s of this.state.listSources()) {
      if (s.tokenHash && !s.revokedAt) cache.set(s.tokenHash, { id: s.id, name: s.name, kind: s.kind, sourceType: s.sourceType });
    }
    this.tokenCache = cache;
  }
}

/** The in-memory throttle counts failures per username and per client address. */
function throttleKeys(username: string, address: string): string[] {
  return [`u:${username.toLowerCase()}`, `a:${address}`];
}
