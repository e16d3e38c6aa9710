import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { AuthService, Principal } from '../auth/auth-service.ts';
import { isPermission, type Permission } from '../auth/permissions.ts';
import { ApiError } from './errors.ts';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_HEADER = 'x-vigil-csrf';

/**
 * Who may call a route. Every route declares one in `config.access`; the server refuses to start
 * when a route has none, so a new route cannot ship without a decision.
 * - `public`: anyone (sign-in, health checks, the console's static files);
 * - `intake`: intake protocols, which check their per-source tokens themselves;
 * - `signed-in`: any signed-in user or API token (their own profile, signing out);
 * - a permission: a user or API token whose role grants it.
 */
export type RouteAccess = 'public' | 'intake' | 'signed-in' | Permission;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** Lets a user who must change a generated password call this route (the password change itself, sign-out, `me`). */
    allowPendingPasswordChange?: boolean;
    /**
     * Lets a user who must turn on TOTP (`auth.mfa.required`) call this route (enrollment). Routes that
     * allow a pending password change are allowed too: the password comes first, then the second factor.
     */
    allowPendingMfaEnrollment?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BEARER = /^Bearer\s+(\S+)$/i;

export function isRouteAccess(value: unknown): value is RouteAccess {
  return value === 'public' || value === 'intake' || value === 'signed-in' || (typeof value === 'string' && isPermission(value));
}

/** The routes registered on `app` with their declared access, for the route-walk test and the docs. */
export interface RouteDecision {
  method: string;
  url: string;
  access: RouteAccess;
  allowPendingPasswordChange: boolean;
}

const decisions = new WeakMap<FastifyInstance, RouteDecision[]>();

export function routeDecisions(app: FastifyInstance): readonly RouteDecision[] {
  return decisions.get(app) ?? [];
}

/**
 * The single authorization check of the server. Runs in `onRequest`, before the body is read, so an
 * unauthenticated client cannot make the server parse a large body. Sessions come from the cookie and
 * need the CSRF header on state-changing requests (a custom header cannot be sent cross-site without a
 * CORS preflight, which this server never grants); API tokens come from `Authorization: Bearer` and
 * need no CSRF header (a browser never adds them by itself).
 */
export function registerAccessControl(app: FastifyInstance, auth: AuthService): AccessControl {
  const routes: RouteOptions[] = [];
  let defaultAccess: RouteAccess | undefined;
  app.addHook('onRoute', (route) => {
    if (defaultAccess !== undefined && route.config?.access === undefined) route.config = { ...route.config, access: defaultAccess };
    const access = route.config?.access;
    // The OpenAPI document tells integrators how to authenticate and which permission each route needs.
    if (route.schema && isRouteAccess(access) && access !== 'public' && access !== 'intake') {
      const needs = access === 'signed-in' ? 'Any signed-in user or API token.' : `Needs the \`${access}\` permission.`;
      route.schema = {
        ...route.schema,
        security: [{ session: [] }, { bearer: [] }],
        description: [route.schema.description, needs].filter(Boolean).join('\n\n'),
      };
    }
    routes.push(route);
  });
  // Checked once every plugin's onRoute hooks ran: they may set the access of the routes they wrap.
  app.addHook('onReady', async () => {
    const list: RouteDecision[] = [];
    const missing: string[] = [];
    for (const route of routes) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const access = route.config?.access;
      if (!isRouteAccess(access)) {
        missing.push(`${methods.join(',')} ${route.url}`);
        continue;
      }
      for (const method of methods) list.push({ method, url: route.url, access, allowPendingPasswordChange: route.config?.allowPendingPasswordChange === true });
    }
    if (missing.length > 0) throw new Error(`routes without an access decision (set config.access): ${missing.join('; ')}`);
    decisions.set(app, list);
  });

  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    // Unmatched requests (404 handler) carry no route config; they answer 404 without data either way.
    const access = config?.access;
    if (access === undefined && request.is404) return;
    if (access === 'public' || access === 'intake') return;
    const principal = authenticate(request, auth);
    if (principal.kind === 'session' && principal.user.mustChangePassword && !config.allowPendingPasswordChange) {
      throw new ApiError('PASSWORD_CHANGE_REQUIRED');
    }
    if (principal.kind === 'session' && !config.allowPendingPasswordChange && !config.allowPendingMfaEnrollment && auth.mustEnrollMfa(principal.user)) {
      throw new ApiError('MFA_ENROLLMENT_REQUIRED');
    }
    request.principal = principal;
    if (access === 'signed-in') return;
    if (!access || !principal.permissions.has(access)) {
      throw new ApiError('FORBIDDEN', access ? `This needs the "${access}" permission, which your role does not grant.` : undefined);
    }
  });

  return {
    async registerWith(access, register) {
      defaultAccess = access;
      try {
        await register();
      } finally {
        defaultAccess = undefined;
      }
    },
  };
}

export interface AccessControl {
  /**
   * Registers routes that cannot declare their access themselves (a third-party plugin such as
   * @fastify/static, the intake protocols with their own token checks): those without a decision get `access`.
   */
  registerWith(access: 'public' | 'intake', register: () => PromiseLike<unknown>): Promise<void>;
}

function authenticate(request: FastifyRequest, auth: AuthService): Principal {
  const now = Date.now();
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const bearer = BEARER.exec(authorization);
    const principal = bearer ? auth.resolveApiToken(bearer[1]!, now) : undefined;
    if (!principal) throw new ApiError('UNAUTHENTICATED', 'The API token is invalid, expired or revoked.');
    return principal;
  }
  const token = request.cookies[SESSION_COOKIE];
  const principal = token ? auth.resolveSession(token, now) : undefined;
  if (!principal) throw new ApiError('UNAUTHENTICATED');
  if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] === undefined) throw new ApiError('CSRF');
  return principal;
}

/** The principal of a request that passed access control (routes other than public/intake). */
export function principalOf(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (!principal) throw new Error(`route ${request.routeOptions.url} reached without a principal`);
  return principal;
}
