import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { toString as qrCodeSvg } from 'qrcode';
import { z } from 'zod';
import type { AuthService } from '../../auth/auth-service.ts';
import type { SecondFactor } from '../../auth/mfa-service.ts';
import type { User } from '../../store/state-store.ts';
import { StoreWriteError } from '../../store/store-errors.ts';
import { principalOf } from '../access.ts';
import { auditDetails } from '../audit-context.ts';
import { ApiError } from '../errors.ts';
import { setSessionCookie, signInRefusal, toView, userView, type SessionCookieOptions } from './auth-routes.ts';

const password = z.string().min(1).max(1024);
const code = z.string().min(6).max(16).describe('The 6-digit code the authenticator app shows (spaces are ignored)');
const recoveryCode = z.string().min(1).max(64).describe('One of the recovery codes given when TOTP was turned on (each works once)');
const oneFactor = (b: { code?: string | undefined; recoveryCode?: string | undefined }) => (b.code === undefined) !== (b.recoveryCode === undefined);
const ONE_FACTOR = { message: 'send either `code` or `recoveryCode`' };
const recoveryCodes = z.object({ recoveryCodes: z.array(z.string()).describe('One-time recovery codes: shown now and never again') });

function factorOf(body: { code?: string | undefined; recoveryCode?: string | undefined }): SecondFactor {
  return body.code !== undefined ? { code: body.code } : { recoveryCode: body.recoveryCode ?? '' };
}

/**
 * Two-step sign-in: completing a sign-in with a TOTP or recovery code, and a user's own TOTP
 * enrollment. Enrollment changes how the account signs in, so it takes a console session (not an
 * API token) and the password again.
 */
export const mfaRoutes: FastifyPluginAsyncZod<{ auth: AuthService } & SessionCookieOptions> = async (app, opts) => {
  const { auth } = opts;

  /** The signed-in local user of a console session. */
  function sessionUser(request: FastifyRequest): User {
    const principal = principalOf(request);
    if (principal.kind !== 'session') throw new ApiError('FORBIDDEN', 'Two-step sign-in is managed in a signed-in console session, not with an API token.');
    if (principal.user.authSource !== 'local') {
      throw new ApiError('CONFLICT', 'You sign in with single sign-on: your identity provider handles the second factor.');
    }
    return principal.user;
  }

  async function reauthenticate(request: FastifyRequest, user: User, pass: string, factor: SecondFactor | undefined): Promise<void> {
    const result = await auth.reauthenticate(user, pass, factor, request.ip, Date.now());
    if (result.ok) return;
    auditDetails(request, { note: result.message });
    if (result.reason === 'throttled') throw new ApiError('THROTTLED', result.message, { 'retry-after': String(result.retryAfterSeconds) });
    throw new ApiError('VALIDATION', result.message);
  }

  app.post('/api/v1/auth/login/mfa', {
    config: { access: 'public' },
    schema: {
      summary: 'Complete a sign-in with a TOTP code or a recovery code', tags: ['auth'],
      body: z.object({ challenge: z.string().min(1).max(256), code: code.optional(), recoveryCode: recoveryCode.optional() }).strict().refine(oneFactor, ONE_FACTOR),
      response: { 200: z.object({ user: userView }) },
    },
  }, async (request, reply) => {
    const factor = factorOf(request.body);
    const result = auth.completeMfaSignIn(request.body.challenge, factor, request.ip, Date.now(), request.headers['user-agent']);
    auditDetails(request, {
      action: 'auth.login.mfa', ...(result.ok ? { signedInAs: { id: result.user.id, username: result.user.username } } : {}),
      note: result.ok ? `signed in with ${'code' in factor ? 'a TOTP code' : 'a recovery code'}` : result.note ?? result.reason,
    });
    if (!result.ok) throw signInRefusal(result);
    setSessionCookie(reply, result.sessionToken, opts);
    return { user: toView(auth, result.user, [...auth.permissionsOf(result.user.role)]) };
  });

  app.get('/api/v1/auth/mfa', {
    config: { access: 'signed-in', allowPendingMfaEnrollment: true },
    schema: {
      summary: 'Whether two-step sign-in is on for the signed-in user', tags: ['auth'],
      response: { 200: z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() }) },
    },
  }, async (request) => {
    const { user } = principalOf(request);
    const enabled = auth.mfa.isEnabled(user.id);
    return { enabled, recoveryCodesLeft: enabled ? auth.mfa.unusedRecoveryCodes(user.id) : 0 };
  });

  app.post('/api/v1/auth/mfa/totp/setup', {
    config: { access: 'signed-in', allowPendingMfaEnrollment: true },
    schema: {
      summary: 'Start turning on TOTP: a new secret to add to an authenticator app', tags: ['auth'],
      body: z.object({ password }).strict(),
      response: {
        200: z.object({
          secret: z.string().describe('Base32 secret, for typing into the app by hand'),
          uri: z.string().describe('otpauth:// URI the QR code holds'),
          qrCode: z.string().describe('The URI as a QR code: an SVG image as a data: URL'),
        }),
      },
    },
  }, async (request) => {
    const user = sessionUser(request);
    auditDetails(request, { action: 'auth.mfa.setup', targetType: 'user', targetId: user.id });
    await reauthenticate(request, user, request.body.password, undefined);
    if (auth.mfa.isEnabled(user.id)) throw new ApiError('CONFLICT', 'Two-step sign-in is already on; turn it off first to use another app.');
    let setup: { secret: string; uri: string };
    try {
      setup = auth.mfa.startTotpSetup(user, Date.now());
    } catch (err) {
      if (err instanceof StoreWriteError && err.failure === 'conflict') throw new ApiError('CONFLICT', 'Two-step sign-in is already on.');
      throw err;
    }
    const svg = await qrCodeSvg(setup.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { ...setup, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  });

  app.post('/api/v1/auth/mfa/totp/confirm', {
    config: { access: 'signed-in', allowPendingMfaEnrollment: true },
    schema: {
      summary: 'Turn on TOTP with a first code from the app; answers the recovery codes', tags: ['auth'],
      body: z.object({ code }).strict(),
      response: { 200: recoveryCodes },
    },
  }, async (request) => {
    const user = sessionUser(request);
    auditDetails(request, { action: 'auth.mfa.enable', targetType: 'user', targetId: user.id });
    if (auth.mfa.isEnabled(user.id)) throw new ApiError('CONFLICT', 'Two-step sign-in is already on.');
    const codes = auth.mfa.confirmTotp(user.id, request.body.code, Date.now());
    if (!codes) {
      auditDetails(request, { note: 'wrong code or no setup started' });
      throw new ApiError('VALIDATION', 'The code does not match: check that the phone\'s clock is right and enter the current code (or start the setup again).');
    }
    return { recoveryCodes: codes };
  });

  app.delete('/api/v1/auth/mfa/totp', {
    config: { access: 'signed-in', allowPendingMfaEnrollment: true },
    schema: {
      summary: 'Turn off TOTP (password and a current code or a recovery code)', tags: ['auth'],
      body: z.object({ password, code: code.optional(), recoveryCode: recoveryCode.optional() }).strict().refine(oneFactor, ONE_FACTOR),
      response: { 204: z.null() },
    },
  }, async (request, reply) => {
    const user = sessionUser(request);
    auditDetails(request, { action: 'auth.mfa.disable', targetType: 'user', targetId: user.id });
    if (!auth.mfa.isEnabled(user.id)) throw new ApiError('CONFLICT', 'Two-step sign-in is not on.');
    await reauthenticate(request, user, request.body.password, factorOf(request.body));
    auth.mfa.disable(user.id);
    return reply.code(204).send(null);
  });

  app.post('/api/v1/auth/mfa/recovery-codes', {
    config: { access: 'signed-in' },
    schema: {
      summary: 'Replace the recovery codes (password and a current code or a recovery code)', tags: ['auth'],
      body: z.object({ password, code: code.optional(), recoveryCode: recoveryCode.optional() }).strict().refine(oneFactor, ONE_FACTOR),
      response: { 200: recoveryCodes },
    },
  }, async (request) => {
    const user = sessionUser(request);
    auditDetails(request, { action: 'auth.mfa.recovery-codes', targetType: 'user', targetId: user.id });
    if (!auth.mfa.isEnabled(user.id)) throw new ApiError('CONFLICT', 'Two-step sign-in is not on: turn it on to get recovery codes.');
    await reauthenticate(request, user, request.body.password, factorOf(request.body));
    return { recoveryCodes: auth.mfa.regenerateRecoveryCodes(user.id, Date.now()) };
  });
};
