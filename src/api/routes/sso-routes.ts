import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SsoError, type SsoErrorCode, type SsoService } from '../../auth/oidc/sso-service.ts';
import { SESSION_COOKIE } from '../access.ts';
import { auditDetails } from '../audit-context.ts';

/** Holds the `state` of the sign-in in flight, binding the provider's callback to the browser that started it. */
export const SSO_STATE_COOKIE = 'vigil_sso_state';
const SSO_COOKIE_PATH = '/api/v1/auth/sso/';
const SSO_COOKIE_MAX_AGE_SECONDS = 10 * 60;

const providerParams = z.object({ provider: z.string().min(1).max(64) });

export interface SsoRoutesOptions {
  sso: SsoService;
  sessionMaxMs: number;
  secureCookies: boolean;
}

/**
 * Single sign-on with OpenID Connect (docs/sso.md). Browsers navigate here (no fetch, no JSON): every
 * outcome is a redirect, failures to `/login?sso_error=<code>` which the sign-in page explains.
 */
export const ssoRoutes: FastifyPluginAsyncZod<SsoRoutesOptions> = async (app, opts) => {
  const { sso } = opts;
  const failTo = (reply: FastifyReply, code: SsoErrorCode) => reply.redirect(`/login?sso_error=${code}`, 302);

  app.get('/api/v1/auth/sso/providers', {
    config: { access: 'public' },
    schema: {
      summary: 'Single sign-on providers for the sign-in page', tags: ['auth'],
      response: {
        200: z.object({
          providers: z.array(z.object({ id: z.string(), displayName: z.string() }))
            .describe('In configuration order; a browser signs in by navigating to /api/v1/auth/sso/<id>/start'),
        }),
      },
    },
  }, async () => ({ providers: sso.providers() }));

  app.get('/api/v1/auth/sso/:provider/start', {
    config: { access: 'public' },
    schema: {
      summary: 'Start a single sign-on: redirects to the identity provider', tags: ['auth'], params: providerParams,
    },
  }, async (request, reply) => {
    try {
      const { redirectTo, state } = await sso.start(request.params.provider, Date.now());
      // Lax, not Strict: the cookie must come back on the provider's cross-site redirect to the callback.
      reply.setCookie(SSO_STATE_COOKIE, state, {
        path: SSO_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: sso.secure, maxAge: SSO_COOKIE_MAX_AGE_SECONDS,
      });
      return reply.header('cache-control', 'no-store').redirect(redirectTo.href, 302);
    } catch (err) {
      if (!(err instanceof SsoError)) throw err;
      request.log.warn({ provider: request.params.provider, code: err.code, reason: err.message }, 'single sign-on could not start');
      return failTo(reply, err.code);
    }
  });

  app.get('/api/v1/auth/sso/:provider/callback', {
    config: { access: 'public' },
    schema: {
      summary: 'Where the identity provider returns: signs in and redirects to the console', tags: ['auth'], params: providerParams,
      // The provider's parameters (code, state, iss, error, ...) are validated by openid-client; only their size is limited here.
      querystring: z.record(z.string(), z.union([z.string().max(8192), z.array(z.string().max(8192)).max(4)])),
    },
  }, async (request, reply) => {
    const { provider } = request.params;
    const query = request.url.slice(request.url.indexOf('?') + 1);
    const outcome = await sso.finish(provider, request.url.includes('?') ? query : '', request.cookies[SSO_STATE_COOKIE],
      { address: request.ip, userAgent: request.headers['user-agent'] }, Date.now());
    reply.clearCookie(SSO_STATE_COOKIE, { path: SSO_COOKIE_PATH });
    reply.header('cache-control', 'no-store');
    if (!outcome.ok) {
      request.log.warn({ provider, code: outcome.code, reason: outcome.reason, username: outcome.username }, 'single sign-on refused');
      auditDetails(request, {
        action: 'auth.sso.login', outcome: 'denied', note: `refused (${outcome.code}): ${outcome.reason}`,
        ...(outcome.username === undefined ? {} : { attemptedUsername: outcome.username }),
        ...(outcome.userId === undefined ? {} : { targetType: 'user', targetId: outcome.userId }),
      });
      return failTo(reply, outcome.code);
    }
    const { user } = outcome;
    auditDetails(request, {
      action: 'auth.sso.login', targetType: 'user', targetId: user.id, signedInAs: { id: user.id, username: user.username },
      note: `signed in with ${provider} as ${user.role}${outcome.created ? ' (new user provisioned)' : ''}`,
    });
    // The same cookie as a password sign-in (auth-routes.ts): Strict is fine here, the console reads it with same-origin fetches.
    reply.setCookie(SESSION_COOKIE, outcome.sessionToken, {
      path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, maxAge: Math.floor(opts.sessionMaxMs / 1000),
    });
    return reply.redirect('/', 302);
  });
};
