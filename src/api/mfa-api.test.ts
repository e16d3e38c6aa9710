import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession } from '../../test/helpers/api-session.ts';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { totpCode } from '../auth/totp.ts';
import type { VigilConfigInput } from '../config/config-schema.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';

const PASSWORD = 'correct horse battery staple';
const STEP = 30_000;

async function start(auth: VigilConfigInput['auth']): Promise<RunningVigil> {
  const config = loadConfig({
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-mfa-api-')), server: { port: 0 },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } }, auth,
    },
  });
  return startVigil({ config, log: createLogger('silent') });
}

async function post(vigil: RunningVigil, path: string, body: unknown): Promise<Response> {
  return fetch(`${vigil.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

interface Me { user: { mfaEnabled: boolean; mfaEnrollmentRequired: boolean } }

/** Turns TOTP on through the API; returns the seed and the recovery codes. */
async function enroll(session: ApiSession, password: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = await session.json<{ secret: string }>('POST', '/api/v1/auth/mfa/totp/setup', { password });
  const { recoveryCodes } = await session.json<{ recoveryCodes: string[] }>('POST', '/api/v1/auth/mfa/totp/confirm', { code: totpCode(secret, Date.now()) });
  return { secret, recoveryCodes };
}

describe('two-step sign-in over HTTP', () => {
  let vigil: RunningVigil;
  beforeAll(async () => {
    vigil = await start({});
  });
  afterAll(async () => vigil?.close());

  it('enrolls, signs in with a code or a recovery code, regenerates codes and turns TOTP off', async () => {
    const session = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, PASSWORD);
    expect((await session.json<Me>('GET', '/api/v1/auth/me')).user).toMatchObject({ mfaEnabled: false, mfaEnrollmentRequired: false });

    const badPassword = await session.request('POST', '/api/v1/auth/mfa/totp/setup', { password: 'not my password' });
    expect(badPassword.status).toBe(400);
    const setup = await session.json<{ secret: string; uri: string; qrCode: string }>('POST', '/api/v1/auth/mfa/totp/setup', { password: PASSWORD });
    expect(setup.uri).toBe(`otpauth://totp/Vigil:admin?issuer=Vigil&secret=${setup.secret}&algorithm=SHA1&digits=6&period=30`);
    expect(setup.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(setup.qrCode.split(',')[1]!, 'base64').toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Not on until a code confirms it: signing in still needs only the password.
    expect((await session.json<Me>('GET', '/api/v1/auth/me')).user.mfaEnabled).toBe(false);

    const wrongCode = await session.request('POST', '/api/v1/auth/mfa/totp/confirm', { code: totpCode(setup.secret, Date.now() + 3 * STEP) });
    expect(wrongCode.status).toBe(400);
    const { recoveryCodes } = await session.json<{ recoveryCodes: string[] }>('POST', '/api/v1/auth/mfa/totp/confirm', { code: totpCode(setup.secret, Date.now()) });
    expect(recoveryCodes).toHaveLength(10);
    expect((await session.json<Me>('GET', '/api/v1/auth/me')).user.mfaEnabled).toBe(true);
    expect(await session.json('GET', '/api/v1/auth/mfa')).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    expect((await session.request('POST', '/api/v1/auth/mfa/totp/setup', { password: PASSWORD })).status).toBe(409);

    // The password alone gives a challenge and no session.
    const login = await post(vigil, '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toBeNull();
    const { mfaRequired, challenge } = (await login.json()) as { mfaRequired: boolean; challenge: string };
    expect(mfaRequired).toBe(true);

    const wrong = await post(vigil, '/api/v1/auth/login/mfa', { challenge, code: '000000' });
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe('INVALID_CREDENTIALS');
    expect((await post(vigil, '/api/v1/auth/login/mfa', { challenge })).status).toBe(400);
    expect((await post(vigil, '/api/v1/auth/login/mfa', { challenge, code: '123456', recoveryCode: recoveryCodes[0] })).status).toBe(400);
    const bogus = await post(vigil, '/api/v1/auth/login/mfa', { challenge: 'vgc_nothing', code: '123456' });
    expect(await errorCode(bogus)).toBe('MFA_CHALLENGE_EXPIRED');

    // The confirming code's step is used up; the next step's code (within the drift window) works once.
    const code = totpCode(setup.secret, Date.now() + STEP);
    const done = await post(vigil, '/api/v1/auth/login/mfa', { challenge, code });
    expect(done.status).toBe(200);
    const cookie = done.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^vigil_session=vgs_.*HttpOnly.*SameSite=Strict/i);
    const me = await fetch(`${vigil.url}/api/v1/auth/me`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(((await me.json()) as Me).user.mfaEnabled).toBe(true);
    expect(await errorCode(await post(vigil, '/api/v1/auth/login/mfa', { challenge, code }))).toBe('MFA_CHALLENGE_EXPIRED');

    // Replaying the code on a new challenge fails; a recovery code works, once.
    const second = ((await (await post(vigil, '/api/v1/auth/login', { username: 'admin', password: PASSWORD })).json()) as { challenge: string }).challenge;
    expect((await post(vigil, '/api/v1/auth/login/mfa', { challenge: second, code })).status).toBe(401);
    expect((await post(vigil, '/api/v1/auth/login/mfa', { challenge: second, recoveryCode: recoveryCodes[0] })).status).toBe(200);
    const third = ((await (await post(vigil, '/api/v1/auth/login', { username: 'admin', password: PASSWORD })).json()) as { challenge: string }).challenge;
    expect((await post(vigil, '/api/v1/auth/login/mfa', { challenge: third, recoveryCode: recoveryCodes[0] })).status).toBe(401);
    expect((await post(vigil, '/api/v1/auth/login/mfa', { challenge: third, recoveryCode: recoveryCodes[1]!.toUpperCase() })).status).toBe(200);

    // New recovery codes replace the old ones.
    const regenerated = await session.json<{ recoveryCodes: string[] }>('POST', '/api/v1/auth/mfa/recovery-codes', { password: PASSWORD, recoveryCode: recoveryCodes[2] });
    expect(regenerated.recoveryCodes).toHaveLength(10);
    expect((await session.request('DELETE', '/api/v1/auth/mfa/totp', { password: PASSWORD, recoveryCode: recoveryCodes[3] })).status).toBe(400);
    expect((await session.request('DELETE', '/api/v1/auth/mfa/totp', { password: PASSWORD })).status).toBe(400);
    expect((await session.request('DELETE', '/api/v1/auth/mfa/totp', { password: PASSWORD, recoveryCode: regenerated.recoveryCodes[0] })).status).toBe(204);
    expect((await session.json<Me>('GET', '/api/v1/auth/me')).user.mfaEnabled).toBe(false);
    const plain = await post(vigil, '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
    expect(plain.headers.get('set-cookie')).toMatch(/^vigil_session=/);
  });


  it('lets an admin reset the lost second factor of a user, ending their sessions', async () => {
    // The test above leaves the admin with TOTP off: the password alone signs in.
    const session = await ApiSession.signIn(vigil.url, PASSWORD);
    const user = await session.createUserSession('phone-lost', 'viewer', 'a long enough passphrase 9');
    const me = await user.json<{ user: { id: string } }>('GET', '/api/v1/auth/me');
    expect((await session.request('DELETE', `/api/v1/users/${me.user.id}/mfa`)).status).toBe(409);
    await enroll(user, 'a long enough passphrase 9');
    expect((await session.request('DELETE', `/api/v1/users/${me.user.id}/mfa`)).status).toBe(200);
    expect((await user.request('GET', '/api/v1/auth/me')).status).toBe(401);
    const again = await post(vigil, '/api/v1/auth/login', { username: 'phone-lost', password: 'a long enough passphrase 9' });
    expect(again.status).toBe(200);
    expect(again.headers.get('set-cookie')).toContain('vigil_session=');
  });
});

describe('lockout over HTTP', () => {
  let vigil: RunningVigil;
  beforeAll(async () => {
    vigil = await start({ lockout: { maxFailures: 3, minutes: 15 } });
  });
  afterAll(async () => vigil?.close());

  it('locks the account after failed sign-ins without telling a caller it exists or is locked', async () => {
    for (let i = 0; i < 3; i++) expect((await post(vigil, '/api/v1/auth/login', { username: 'admin', password: `guess ${i}` })).status).toBe(401);
    const locked = await post(vigil, '/api/v1/auth/login', { username: 'admin', password: vigil.initialAdminPassword });
    const unknown = await post(vigil, '/api/v1/auth/login', { username: 'nobody-here', password: PASSWORD });
    expect(locked.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await locked.json()).toEqual(await unknown.json());
  });
});

describe('auth.mfa.required', () => {
  let vigil: RunningVigil;
  beforeAll(async () => {
    vigil = await start({ mfa: { required: true } });
  });
  afterAll(async () => vigil?.close());

  it('lets a user without TOTP do nothing but enroll', async () => {
    const session = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, PASSWORD);
    expect((await session.json<Me>('GET', '/api/v1/auth/me')).user).toMatchObject({ mfaEnabled: false, mfaEnrollmentRequired: true });
    const sources = await session.request('GET', '/api/v1/sources');
    expect(sources.status).toBe(403);
    expect(await errorCode(sources)).toBe('MFA_ENROLLMENT_REQUIRED');
    await enroll(session, PASSWORD);
    expect((await session.request('GET', '/api/v1/sources')).status).toBe(200);
    expect((await session.json<Me>('GET', '/api/v1/auth/me')).user.mfaEnrollmentRequired).toBe(false);
  });
});
