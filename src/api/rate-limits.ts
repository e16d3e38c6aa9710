import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LoginThrottle } from '../auth/login-throttle.ts';
import type { RouteAccess } from './access.ts';
import { ApiError, errorBody } from './errors.ts';
import type { RateLimitsConfig } from './http-config.ts';

/**
 * Which limit applies to a request, derived from the route's declared access so that every route is
 * covered by construction (the access check already refuses routes without a decision):
 * - `sign-in`: public routes that try credentials (any public non-GET route, and the SSO flow), per address;
 * - `public`: other public routes and unmatched URLs (health, OpenAPI, console files), per address;
 * - `api`: routes that need a signed-in user or an API token, per user or token;
 * - `intake`: never limited by rate (backpressure bounds it); failed intake authentication is limited per address.
 */
export type RateLimitTier = 'sign-in' | 'public' | 'api' | 'intake';

const SSO_ROUTE = /^\/api\/v1\/auth\/(?:login|sso)(?:\/|$)/;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const MINUTE_MS = 60_000;

export function rateLimitTier(access: RouteAccess | undefined, method: string, url: string | undefined): RateLimitTier {
  if (access === 'intake') return 'intake';
  if (access === undefined || access === 'public') {
    return !READS.has(method) || (url !== undefined && SSO_ROUTE.test(url)) ? 'sign-in' : 'public';
  }
  return 'api';
}

/** Requests a minute allowed in a tier (intake: authentication failures a minute). */
export function tierLimit(tier: RateLimitTier, config: RateLimitsConfig): number {
  switch (tier) {
    case 'sign-in': return config.signInPerMinute;
    case 'public': return config.publicPerMinute;
    case 'api': return config.apiPerMinute;
    case 'intake': return config.intakeAuthFailuresPerMinute;
  }
}

function tierOf(request: FastifyRequest): RateLimitTier {
  return rateLimitTier(request.routeOptions.config?.access, request.method, request.routeOptions.url);
}

/** Who a limit counts: the user or API token for the API, the client address elsewhere. */
function clientKey(request: FastifyRequest, tier: RateLimitTier): string {
  const principal = request.principal;
  if (tier === 'api' && principal) return principal.kind === 'token' ? `token:${principal.token.id}` : `user:${principal.user.id}`;
  return `ip:${request.ip}`;
}

function throttled(seconds: number): ApiError {
  return new ApiError('THROTTLED', `Too many requests; try again in ${seconds} seconds.`, { 'retry-after': String(seconds) });
}

/**
 * Registers the rate limits on `app`, before any route. @fastify/rate-limit adds its check to each
 * route's own onRequest hooks, which run after the server-wide access check, so API limits can count
 * per principal. Returns the pre-handler that limits the not-found handler (console routes, 404s).
 */
export async function registerRateLimits(app: FastifyInstance, config: RateLimitsConfig): Promise<{ notFound: ReturnType<FastifyInstance['rateLimit']> | undefined }> {
  if (!config.enabled) return { notFound: undefined };
  await app.register(fastifyRateLimit, {
    global: true,
    timeWindow: MINUTE_MS,
    // Counting memory is bounded: the least recently seen clients are forgotten first.
    cache: 20_000,
    keyGenerator: (request) => {
      const tier = tierOf(request);
      return `${tier}|${clientKey(request, tier)}`;
    },
    allowList: (request) => tierOf(request) === 'intake',
    max: (request) => tierLimit(tierOf(request), config),
    errorResponseBuilder: (_request, context) => throttled(Math.max(1, Math.ceil(context.ttl / 1000))),
  });

  // Intake tokens are checked by each protocol; count its refusals (401/403) per address and refuse
  // an address that keeps guessing, before its requests reach a token lookup.
  const intakeFailures = new LoginThrottle(config.intakeAuthFailuresPerMinute, MINUTE_MS);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.access !== 'intake') return;
    const wait = intakeFailures.retryAfter([request.ip], Date.now());
    // Answered here rather than thrown: each intake protocol has its own error handler and format.
    if (wait > 0) return reply.code(429).header('retry-after', String(wait)).send(errorBody('THROTTLED', throttled(wait).message));
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.routeOptions.config?.access !== 'intake') return;
    if (reply.statusCode === 401 || reply.statusCode === 403) intakeFailures.fail([request.ip], Date.now());
  });
  return { notFound: app.rateLimit() };
}
