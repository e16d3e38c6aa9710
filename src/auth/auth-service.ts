import { randomUUID } from 'node:crypto';
import type { IntakeAuthenticator, IntakeSource } from '../intake/intake-sink.ts';
import type { ApiToken, Session, Source, StateStore, User } from '../store/state-store.ts';
import { BUILTIN_ROLES, isPermission, type Permission } from './permissions.ts';
import { generateSecret, hashPassword, passwordPolicyProblem, sha256Hex, verifyPassword } from './secrets.ts';
import { LoginThrottle } from './login-throttle.ts';

/** Who is calling: a signed-in user (cookie session) or an API token acting for its user. */
export type Principal =
  | { kind: 'session'; user: User; permissions: ReadonlySet<Permission>; session: Session }
  | { kind: 'token'; user: User; permissions: ReadonlySet<Permission>; token: ApiToken };

export type SignInResult =
  | { ok: true; user: User; sessionToken: string }
  | { ok: false; reason: 'invalid' | 'throttled'; retryAfterSeconds?: number };

export interface AuthServiceOptions {
  sessionIdleMs: number;
  sessionMaxMs: number;
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
  private dummyHash: Promise<string> | undefined;
  /** Token hash → source; intake checks every request, so it must not hit the database each time. */
  private tokenCache = new Map<string, IntakeSource>();

  constructor(state: StateStore, options: AuthServiceOptions) {
    this.state = state;
    this.options = options;
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

  async signIn(username: string, password: string, address: string, now: number, userAgent?: string): Promise<SignInResult> {
    const keys = [`u:${username.toLowerCase()}`, `a:${address}`];
    const wait = this.throttle.retryAfter(keys, now);
    if (wait > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: wait };
    const user = this.state.findUserByName(username);
    this.dummyHash ??= hashPassword(generateSecret(''));
    const valid = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    // A disabled account answers like a wrong password: no hint about which accounts exist.
    if (!user || !valid || user.disabledAt !== undefined) {
      this.throttle.fail(keys, now);
      return { ok: false, reason: 'invalid' };
    }
    this.throttle.succeed(keys);
    const sessionToken = generateSecret('vgs_');
    this.state.createSession({
      tokenHash: sha256Hex(sessionToken), userId: user.id, createdAt: now, lastSeenAt: now, expiresAt: now + this.options.sessionMaxMs,
      address, ...(userAgent === undefined ? {} : { userAgent }),
    });
    return { ok: true, user, sessionToken };
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

  async changePassword(user: User, current: string, next: string): Promise<string | undefined> {
    if (!(await verifyPassword(user.passwordHash, current))) return 'current password is wrong';
    const problem = passwordPolicyProblem(next, user.username);
    if (problem) return problem;
    if (current === next) return 'new password must differ from the current one';
    this.state.updatePassword(user.id, await hashPassword(next), false, Date.now());
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
