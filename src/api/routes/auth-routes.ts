import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService, SignInFailure } from '../../auth/auth-service.ts';
import type { User } from '../../store/state-store.ts';
import { auditDetails } from '../audit-context.ts';
import { ApiError } from '../errors.ts';
import { principalOf, SESSION_COOKIE } from '../access.ts';

export const userView = z.object({
  id: z.string(), username: z.string(), displayName: z.string().optional(), role: z.string(), mustChangePassword: z.boolean(),
  authSource: z.string().describe('`local` (password) or `oidc:<provider>`'),
  mfaEnabled: z.boolean().describe('Two-step sign-in (TOTP) is on'),
  mfaEnrollmentRequired: z.boolean().describe('`auth.mfa.required` is on and TOTP is not: the user must turn it on first'),
  permissions: z.array(z.string()).describe('What the user may do: the console hides what is not allowed'),
});
export const toView = (auth: AuthService, u: User, permissions: string[]) => ({
  id: u.id, username: u.username, displayName: u.displayName, role: u.role, mustChangePassword: u.mustChangePassword, authSource: u.authSource,
  mfaEnabled: auth.mfa.isEnabled(u.id), mfaEnrollmentRequired: auth.mustEnrollMfa(u), permissions,
});

export interface SessionCookieOptions {
  sessionMaxMs: number;
  secureCookies: boolean;
}

export function setSessionCookie(reply: FastifyReply, sessionToken: string, opts: SessionCookieOptions): void {
  reply.setCookie(SESSION_COOKIE, sessionToken, {
    path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies, maxAge: Math.floor(opts.sessionMaxMs / 1000),
  });
}

/** The API error for a refused sign-in step. */
export function signInRefusal(result: SignInFailure): ApiError {
  if (result.reason === 'throttled') {
    return new ApiError('THROTTLED', `Too many failed sign-ins; try again in ${result.retryAfterSeconds} seconds.`, {
      'retry-after': String(result.retryAfterSeconds),
    });
  }
  if (result.reason === 'challenge-invalid') return new ApiError('MFA_CHALLENGE_EXPIRED');
  return new ApiError('INVALID_CREDENTIALS');
}

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService; sessionMaxMs: number; secureCookies: boolean }> = async (app, opts) => {
  const { auth } = opts;

  app.post('/api/v1/auth/login', {
    config: { access: 'public' },
    schema: {
      summary: 'Sign in to the console', tags: ['auth'],
      body: z.object({ username: z.string().min(1).max(256), password: z.string().min(1).max(1024) }).strict(),
      response: {
        200: z.union([
          z.object({ user: userView }),
          z.object({
            mfaRequired: z.literal(true),
            challenge: z.string().describe('Send it with a code to POST /api/v1/auth/login/mfa within 5 minutes; no session cookie is set yet'),
          }),
        ]),
      },
    },
  }, async (request, reply) => {
    const result = await auth.signIn(request.body.username, request.body.password, request.ip, Date.now(), request.headers['user-agent']);
    auditDetails(request, {
      action: 'auth.login', attemptedUsername: request.body.username,
      note: result.ok ? 'signed in with password' : result.reason === 'mfa-required' ? 'password accepted; second factor required' : result.note ?? result.reason,
    });
    if (!result.ok) {
      if (result.reason === 'mfa-required') return { mfaRequired: true as const, challenge: result.challenge };
      throw signInRefusal(result);
    }
    auditDetails(request, { signedInAs: { id: result.user.id, username: result.user.username } });
    setSessionCookie(reply, result.sessionToken, opts);
    return { user: toView(auth, result.user, [...auth.permissionsOf(result.user.role)]) };
  });

  app.post('/api/v1/auth/logout', {
    schema: { summary: 'Sign out', tags: ['auth'], response: { 204: z.null() } },
    config: { access: 'signed-in', allowPendingPasswordChange: true },
  }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) auth.signOut(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get('/api/v1/auth/me', {
    schema: { summary: 'The signed-in user', tags: ['auth'], response: { 200: z.object({ user: userView }) } },
    config: { access: 'signed-in', allowPendingPasswordChange: true },
  }, async (request) => {
    const principal = principalOf(request);
    return { user: toView(auth, principal.user, [...principal.permissions]) };
  });

  app.post('/api/v1/auth/password', {
    schema: {
      summary: 'Change the signed-in user\'s password', tags: ['auth'],
      body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }).strict(),
      response: { 204: z.null() },
    },
    config: { access: 'signed-in', allowPendingPasswordChange: true },
  }, async (request, reply) => {
    const principal = principalOf(request);
    if (principal.kind !== 'session') throw new ApiError('FORBIDDEN', 'Passwords are changed in a signed-in session, not with an API token.');
    const problem = await auth.changePassword(principal.user, request.body.currentPassword, request.body.newPassword, principal.session.tokenHash);
    if (problem) throw new ApiError('VALIDATION', problem);
    return reply.code(204).send(null);
  });
};
