import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { StateStore, User, UserChanges } from '../../store/state-store.ts';
import type { AuthService } from '../auth-service.ts';
import { BUILTIN_ROLE_NAMES } from '../permissions.ts';
import { OidcExchangeError, OidcProviderClient } from './oidc-client.ts';
import type { OidcConfig, OidcProviderConfig } from './oidc-config.ts';
import { PendingLogins } from './pending-logins.ts';
import { profileFromClaims, roleForGroups, type SsoProfile } from './sso-claims.ts';

/**
 * Why a single sign-on was refused. The console's sign-in page shows a message for each
 * (`/login?sso_error=<code>`); docs/sso.md explains what to check.
 */
export const SSO_ERRORS = {
  provider_unknown: 'There is no such sign-in provider.',
  idp_unreachable: 'The identity provider could not be reached.',
  idp_error: 'The identity provider did not sign you in.',
  state_invalid: 'The sign-in expired or did not start here.',
  token_invalid: 'The identity provider\'s answer was not valid.',
  username_invalid: 'The identity provider sent no usable user name.',
  no_role: 'None of your groups gives access to Vigil.',
  role_unknown: 'Your groups map to a role that does not exist in Vigil.',
  account_conflict: 'A Vigil account with your user name exists already.',
  account_disabled: 'Your Vigil account is disabled.',
} as const;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

export type SsoOutcome =
  | { ok: true; user: User; sessionToken: string; created: boolean }
  | { ok: false; code: SsoErrorCode; reason: string; username?: string; userId?: string };

export interface SsoServiceOptions {
  config: OidcConfig;
  state: StateStore;
  auth: AuthService;
  log: Logger;
}

/** A browser has this long at the provider (sign-in, MFA, consent) before the login is forgotten. */
const LOGIN_TTL_MS = 10 * 60_000;
const MAX_PENDING_LOGINS = 10_000;

/** The callback path of a provider, under the configured public URL. */
export function callbackPath(providerId: string): string {
  return `/api/v1/auth/sso/${providerId}/callback`;
}

/**
 * Single sign-on with OpenID Connect: sends browsers to a provider, and on their return validates
 * the answer, maps the user's groups to a role, provisions or updates the Vigil user just in time,
 * and opens a session like a password sign-in. The provider is the source of truth for the role,
 * display name and email of its users: they are updated at each sign-in.
 */
export class SsoService {
  private readonly options: SsoServiceOptions;
  private readonly clients = new Map<string, { provider: OidcProviderConfig; client: OidcProviderClient; redirectUri: string }>();
  private readonly pending = new PendingLogins({ ttlMs: LOGIN_TTL_MS, maxEntries: MAX_PENDING_LOGINS });

  constructor(options: SsoServiceOptions) {
    this.options = options;
    const { publicUrl, providers } = options.config;
    for (const provider of providers) {
      const redirectUri = new URL(callbackPath(provider.id), publicUrl).href;
      this.clients.set(provider.id, { provider, client: new OidcProviderClient(provider, redirectUri), redirectUri });
    }
  }

  /** The providers for the sign-in page, in configuration order. */
  providers(): { id: string; displayName: string }[] {
    return [...this.clients.values()].map(({ provider }) => ({ id: provider.id, displayName: provider.displayName }));
  }

  /** Whether the public URL is HTTPS (cookies of the flow are then `Secure`). */
  get secure(): boolean {
    return this.options.config.publicUrl?.startsWith('https:') ?? false;
  }

  /**
   * Starts a sign-in: the URL to send the browser to and the `state` to keep in its cookie.
   * Throws {@link SsoError} when the provider is unknown or unreachable.
   */
  async start(providerId: string, now: number): Promise<{ redirectTo: URL; state: string }> {
    const entry = this.clients.get(providerId);
    if (!entry) throw new SsoError('provider_unknown', `no provider "${providerId}" is configured`);
    let request;
    try {
      request = await entry.client.authorizationRequest();
    } catch (err) {
      throw new SsoError('idp_unreachable', (err as Error).message, { cause: err });
    }
    this.pending.add(request.state, { provider: providerId, nonce: request.nonce, codeVerifier: request.codeVerifier, createdAt: now });
    return { redirectTo: request.url, state: request.state };
  }

  /**
   * Completes a sign-in from the provider's redirect. `query` is the callback's query string;
   * `browserState` is the state kept in the browser's cookie at start: both must name the same
   * login, so a callback URL cannot be replayed into another browser (login CSRF).
   */
  async finish(providerId: string, query: string, browserState: string | undefined, client: { address: string; userAgent?: string | undefined }, now: number): Promise<SsoOutcome> {
    const entry = this.clients.get(providerId);
    if (!entry) return { ok: false, code: 'provider_unknown', reason: `no provider "${providerId}" is configured` };
    const state = new URLSearchParams(query).get('state');
    if (!state || state !== browserState) return { ok: false, code: 'state_invalid', reason: 'the state does not match the one of this browser' };
    const login = this.pending.take(state, now);
    if (!login || login.provider !== providerId) return { ok: false, code: 'state_invalid', reason: 'no sign-in in progress with this state (expired, used, or Vigil restarted)' };

    const { provider } = entry;
    let claims: Record<string, unknown>;
    try {
      const wanted = [provider.groupsClaim, provider.usernameClaim ?? 'preferred_username', 'email', 'name'];
      claims = await entry.client.exchange(new URL(`${entry.redirectUri}?${query}`), { state, nonce: login.nonce, codeVerifier: login.codeVerifier }, wanted);
    } catch (err) {
      if (!(err instanceof OidcExchangeError)) throw err;
      const code = err.kind === 'unreachable' ? 'idp_unreachable' : err.kind === 'idp-error' ? 'idp_error' : 'token_invalid';
      return { ok: false, code, reason: err.message };
    }
    const profile = profileFromClaims(claims, provider);
    if (!profile.ok) return { ok: false, code: 'username_invalid', reason: profile.reason };
    return this.signIn(provider, profile.profile, client, now);
  }

  private signIn(provider: OidcProviderConfig, profile: SsoProfile, client: { address: string; userAgent?: string | undefined }, now: number): SsoOutcome {
    const { state, auth } = this.options;
    const refuse = (code: SsoErrorCode, reason: string, user?: User): SsoOutcome => ({
      ok: false, code, reason, username: user?.username ?? profile.username, ...(user ? { userId: user.id } : {}),
    });
    const linked = this.linkedUser(provider.id, profile.subject);
    if (linked?.disabledAt !== undefined) return refuse('account_disabled', 'the Vigil account is disabled', linked);
    if (!linked) {
      const namesake = state.findUserByName(profile.username);
      // Never take over an account by name: a local "admin" must not become whoever the IdP calls admin.
      if (namesake) {
        return refuse('account_conflict', `the user name "${profile.username}" belongs to an existing ${namesake.authSource} account`, namesake);
      }
    }
    const role = roleForGroups(profile.groups, provider.roleMapping, provider.defaultRole);
    if (role === undefined) return refuse('no_role', `no role mapping matches the groups [${profile.groups.join(', ')}] and there is no defaultRole`, linked);
    if (!BUILTIN_ROLE_NAMES.has(role) && !state.findRole(role)) {
      this.options.log.error({ provider: provider.id, role }, 'single sign-on maps to a role that does not exist: create it or fix auth.oidc roleMapping');
      return refuse('role_unknown', `the mapped role "${role}" is neither built-in nor a custom role`, linked);
    }

    const user = linked ? this.update(linked, profile, role) : this.provision(provider.id, profile, role, now);
    state.identities.touch(provider.id, profile.subject, now);
    const sessionToken = auth.startSession(user, client.address, now, client.userAgent);
    return { ok: true, user, sessionToken, created: !linked };
  }

  private linkedUser(providerId: string, subject: string): User | undefined {
    const identity = this.options.state.identities.find(providerId, subject);
    return identity && this.options.state.findUserById(identity.userId);
  }

  /** Mirrors the provider's view of the user: role, display name and email. */
  private update(user: User, profile: SsoProfile, role: string): User {
    const changes: UserChanges = {};
    if (user.role !== role) changes.role = role;
    if (user.displayName !== profile.displayName) changes.displayName = profile.displayName ?? null;
    if (user.email !== profile.email) changes.email = profile.email ?? null;
    return Object.keys(changes).length === 0 ? user : this.options.state.updateUser(user.id, changes);
  }

  /** Creates the user and links the identity (no await from the name check to here: no other sign-in can interleave). */
  private provision(providerId: string, profile: SsoProfile, role: string, now: number): User {
    const { state } = this.options;
    const user: User = {
      id: randomUUID(), username: profile.username, passwordHash: '', role, mustChangePassword: false, createdAt: now,
      authSource: `oidc:${providerId}`, failedLogins: 0,
      ...(profile.displayName === undefined ? {} : { displayName: profile.displayName }),
      ...(profile.email === undefined ? {} : { email: profile.email }),
    };
    state.createUser(user);
    state.identities.link({ provider: providerId, subject: profile.subject, userId: user.id, createdAt: now });
    this.options.log.info({ provider: providerId, username: user.username, role }, 'single sign-on provisioned a new user');
    return user;
  }
}

/** A sign-in that cannot start; the route sends the browser back to the sign-in page with the code. */
export class SsoError extends Error {
  override name = 'SsoError';
  readonly code: SsoErrorCode;
  constructor(code: SsoErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
