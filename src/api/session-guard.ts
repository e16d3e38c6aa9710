import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.ts';
import type { User } from '../store/state-store.ts';
import { ApiError } from './errors.ts';

export const SESSION_COOKIE = 'vigil_session';
export const CSRF_HEADER = 'x-vigil-csrf';

declare module 'fastify' {
  interface FastifyRequest {
    user?: User;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * preHandler for every console/API route except sign-in: requires a live session, and on
 * state-changing requests the CSRF header (a custom header cannot be sent cross-site without a CORS
 * preflight, which this server never grants). Users holding a one-time password may only change it.
 */
export function sessionGuard(auth: AuthService, options: { allowPasswordChangePending?: boolean } = {}) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = request.cookies[SESSION_COOKIE];
    const resolved = token ? auth.resolveSession(token, Date.now()) : undefined;
    if (!resolved) throw new ApiError('UNAUTHENTICATED');
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] === undefined) throw new ApiError('CSRF');
    if (resolved.user.mustChangePassword && !options.allowPasswordChangePending) throw new ApiError('PASSWORD_CHANGE_REQUIRED');
    request.user = resolved.user;
  };
}
