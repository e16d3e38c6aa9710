import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../store/sqlite/sqlite-state-store.ts';
import type { StateStore, User } from '../store/state-store.ts';
import { AuthService } from './auth-service.ts';
import { passwordPolicyProblem } from './password-policy.ts';
import { SecretBox } from './secret-box.ts';
import { hashPassword } from './secrets.ts';
import { totpCode } from './totp.ts';

const PASSWORD = 'a long and private passphrase';
const T0 = 1_700_000_000_000;
const LOCK_MS = 15 * 60_000;

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function tempStatePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-mfa-'));
  dirs.push(dir);
  return join(dir, 'state.sqlite');
}

async function addUser(state: StateStore, username = 'ann'): Promise<User> {
  const user: User = {
    id: randomUUID(), username, passwordHash: await hashPassword(PASSWORD), role: 'analyst', mustChangePassword: false, createdAt: T0,
    authSource: 'local', failedLogins: 0,
  };
  state.createUser(user);
  return user;
}

const box = new SecretBox(randomBytes(32));
const service = (state: StateStore, mfaRequired = false) => new AuthService(state, {
  sessionIdleMs: 3_600_000, sessionMaxMs: 12 * 3_600_000, secrets: box, lockout: { maxFailures: 3, lockMs: LOCK_MS }, mfaRequired,
});

/** Turns TOTP on for `user` as the console would; returns the seed and the recovery codes. */
function enroll(auth: AuthService, user: User, now: number): { secret: string; codes: string[] } {
  const { secret } = auth.mfa.startTotpSetup(user, now);
  const codes = auth.mfa.confirmTotp(user.id, totpCode(secret, now), now);
  if (!codes) throw new Error('enrollment failed');
  return { secret, codes };
}

describe('TOTP enrollment and second factor', () => {
  it('keeps the seed sealed, enables only after a right code, and gives ten single-use recovery codes', async () => {
    const path = tempStatePath();
    const state = openSqliteStateStore({ path });
    const user = await addUser(state);
    const auth = service(state);
    const { secret } = auth.mfa.startTotpSetup(user, T0);
    expect(auth.mfa.isEnabled(user.id)).toBe(false);
    expect(auth.mfa.confirmTotp(user.id, totpCode(secret, T0 + 5 * 30_000), T0)).toBeUndefined();
    const codes = auth.mfa.confirmTotp(user.id, totpCode(secret, T0), T0)!;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(auth.mfa.isEnabled(user.id)).toBe(true);
    expect(() => auth.mfa.startTotpSetup(user, T0)).toThrow(/already enabled/);

    // The confirming code's step is used up: the same code cannot sign in afterwards.
    expect(auth.mfa.verify(user.id, { code: totpCode(secret, T0) }, T0)).toBeUndefined();
    expect(auth.mfa.verify(user.id, { code: totpCode(secret, T0 + 30_000) }, T0 + 30_000)).toBe('totp');

    // Recovery codes: any case and spacing, each once.
    const typed = codes[3]!.toUpperCase().replace(/-/g, ' ');
    expect(auth.mfa.verify(user.id, { recoveryCode: typed }, T0)).toBe('recovery-code');
    expect(auth.mfa.verify(user.id, { recoveryCode: codes[3]! }, T0)).toBeUndefined();
    expect(auth.mfa.unusedRecoveryCodes(user.id)).toBe(9);
    expect(auth.mfa.verify(user.id, { recoveryCode: 'aaaa-bbbb-cccc-dddd' }, T0)).toBeUndefined();

    // Regenerating replaces every code, the unused old ones too.
    const fresh = auth.mfa.regenerateRecoveryCodes(user.id, T0);
    expect(auth.mfa.verify(user.id, { recoveryCode: codes[0]! }, T0)).toBeUndefined();
    expect(auth.mfa.verify(user.id, { recoveryCode: fresh[0]! }, T0)).toBe('recovery-code');
    state.close();

    // At rest: the seed is sealed for this user, recovery codes are hashes.
    const db = new DatabaseSync(path);
    const row = db.prepare('SELECT sealed_secret FROM user_totp WHERE user_id = ?').get(user.id) as { sealed_secret: string };
    expect(row.sealed_secret).toMatch(/^vgsec1:/);
    expect(row.sealed_secret).not.toContain(secret);
    expect(box.open(row.sealed_secret, `totp:${user.id}`)).toBe(secret);
    const hashes = db.prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?').all(user.id) as { code_hash: string }[];
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) expect(fresh).not.toContain(code_hash);
    db.close();
  });

  it('signs in in two steps: password gives a challenge, not a session; a code completes it once', async () => {
    const state = openSqliteStateStore({ path: ':memory:' });
    const user = await addUser(state);
    const auth = service(state);
    const { secret, codes } = enroll(auth, user, T0);

    const first = await auth.signIn('ann', PASSWORD, '10.0.0.1', T0 + 60_000);
    expect(first).toMatchObject({ ok: false, reason: 'mfa-required' });
    if (first.ok || first.reason !== 'mfa-required') throw new Error('unreachable');
    expect(state.listUserSessions(user.id)).toHaveLength(0);

    const now = T0 + 90_000;
    const wrong = auth.completeMfaSignIn(first.challenge, { code: '000000' }, '10.0.0.1', now);
    expect(wrong).toMatchObject({ ok: false, reason: 'invalid' });
    expect(state.findUserById(user.id)!.failedLogins).toBe(1);
    const done = auth.completeMfaSignIn(first.challenge, { code: totpCode(secret, now) }, '10.0.0.1', now);
    expect(done.ok).toBe(true);
    expect(state.findUserById(user.id)!.failedLogins).toBe(0);
    expect(state.listUserSessions(user.id)).toHaveLength(1);
    // The challenge is spent.
    expect(auth.completeMfaSignIn(first.challenge, { recoveryCode: codes[0]! }, '10.0.0.1', now)).toMatchObject({ reason: 'challenge-invalid' });

    // A challenge expires after five minutes.
    const second = await auth.signIn('ann', PASSWORD, '10.0.0.1', now);
    if (second.ok || second.reason !== 'mfa-required') throw new Error('expected a challenge');
    expect(auth.completeMfaSignIn(second.challenge, { recoveryCode: codes[0]! }, '10.0.0.1', now + 5 * 60_000)).toMatchObject({ reason: 'challenge-invalid' });
    // A recovery code completes a sign-in too.
    const third = await auth.signIn('ann', PASSWORD, '10.0.0.1', now);
    if (third.ok || third.reason !== 'mfa-required') throw new Error('expected a challenge');
    expect(auth.completeMfaSignIn(third.challenge, { recoveryCode: codes[0]! }, '10.0.0.1', now).ok).toBe(true);
    state.close();
  });

  it('makes local users without TOTP enroll when auth.mfa.required is on', async () => {
    const state = openSqliteStateStore({ path: ':memory:' });
    const user = await addUser(state);
    const sso = await addUser(state, 'bob');
    const auth = service(state, true);
    expect(auth.mustEnrollMfa(user)).toBe(true);
    expect(auth.mustEnrollMfa({ ...sso, authSource: 'oidc:corp' })).toBe(false);
    enroll(auth, user, T0);
    expect(auth.mustEnrollMfa(user)).toBe(false);
    expect(service(state, false).mustEnrollMfa(sso)).toBe(false);
    state.close();
  });
});

describe('lockout', () => {
  it('locks after consecutive failures, survives a restart, hides the lock from the caller, and unlocks', async () => {
    const path = tempStatePath();
    let state = openSqliteStateStore({ path });
    const user = await addUser(state);
    let auth = service(state);
    // Two addresses so the in-memory per-address throttle (5 failures) is not what stops the guesses.
    for (let i = 0; i < 3; i++) {
      expect(await auth.signIn('ann', `wrong guess ${i}`, `10.0.0.${i}`, T0 + i)).toMatchObject({ ok: false, reason: 'invalid' });
    }
    expect(state.findUserById(user.id)).toMatchObject({ failedLogins: 3, lockedUntil: T0 + 2 + LOCK_MS });
    state.close();

    // A restart forgets the throttle, not the lock.
    state = openSqliteStateStore({ path });
    auth = service(state);
    const locked = await auth.signIn('ann', PASSWORD, '10.0.1.1', T0 + 60_000);
    const unknown = await auth.signIn('nobody', PASSWORD, '10.0.1.2', T0 + 60_000);
    const wrong = await auth.signIn('ann', 'another guess', '10.0.1.3', T0 + 60_000);
    // Same answer for a locked account with the right password, an unknown account and a wrong password.
    for (const result of [locked, unknown, wrong]) expect({ ok: result.ok, reason: 'reason' in result ? result.reason : undefined }).toEqual({ ok: false, reason: 'invalid' });
    expect(locked).toMatchObject({ note: 'account locked' });
    expect(unknown).toMatchObject({ note: 'unknown user' });
    // Guesses during the lock do not extend it.
    expect(state.findUserById(user.id)!.lockedUntil).toBe(T0 + 2 + LOCK_MS);

    // When the lock runs out, the right password works and resets the count.
    const later = await auth.signIn('ann', PASSWORD, '10.0.1.4', T0 + 2 + LOCK_MS);
    expect(later.ok).toBe(true);
    expect(state.findUserById(user.id)).toMatchObject({ failedLogins: 0 });
    expect(state.findUserById(user.id)!.lockedUntil).toBeUndefined();

    // An administrator's unlock lifts a fresh lock at once.
    for (let i = 0; i < 3; i++) await auth.signIn('ann', `guess ${i}`, `10.0.2.${i}`, T0 + LOCK_MS + 10);
    expect((await auth.signIn('ann', PASSWORD, '10.0.2.9', T0 + LOCK_MS + 20)).ok).toBe(false);
    auth.unlock(user.id);
    expect((await auth.signIn('ann', PASSWORD, '10.0.2.9', T0 + LOCK_MS + 30)).ok).toBe(true);
    state.close();
  });

  it('counts wrong second-factor codes towards the lock', async () => {
    const state = openSqliteStateStore({ path: ':memory:' });
    const user = await addUser(state);
    const auth = service(state);
    const { secret } = enroll(auth, user, T0);
    const start = await auth.signIn('ann', PASSWORD, '10.0.0.1', T0 + 60_000);
    if (start.ok || start.reason !== 'mfa-required') throw new Error('expected a challenge');
    for (let i = 0; i < 2; i++) auth.completeMfaSignIn(start.challenge, { code: '000000' }, `10.0.3.${i}`, T0 + 60_000);
    const again = await auth.signIn('ann', PASSWORD, '10.0.0.1', T0 + 61_000);
    if (again.ok || again.reason !== 'mfa-required') throw new Error('expected a challenge');
    expect(auth.completeMfaSignIn(again.challenge, { code: '000001' }, '10.0.3.9', T0 + 61_000)).toMatchObject({ note: 'wrong second-factor code; account locked' });
    // Locked now: even the right code is refused, and this step may say so (the caller knows the password).
    const now = T0 + 62_000;
    const third = auth.completeMfaSignIn(again.challenge, { code: totpCode(secret, now) }, '10.0.3.9', now);
    expect(third).toMatchObject({ ok: false, reason: 'throttled', note: 'account locked' });
    state.close();
  });
});

describe('password policy', () => {
  it('refuses common passwords, also with digits or symbols added', () => {
    expect(passwordPolicyProblem('Sunshine2024!', 'admin')).toMatch(/most common passwords/);
    expect(passwordPolicyProblem('qwertyuiop', 'admin', 8)).toMatch(/most common passwords/);
    expect(passwordPolicyProblem('iloveyou12345', 'admin')).toMatch(/most common passwords/);
    expect(passwordPolicyProblem('correct horse battery staple', 'admin')).toBeUndefined();
  });

  it('takes the minimum length from the setting', async () => {
    expect(passwordPolicyProblem('tidal-moss-7', 'admin', 12)).toBeUndefined();
    expect(passwordPolicyProblem('tidal-moss-7', 'admin', 16)).toMatch(/at least 16/);
    const state = openSqliteStateStore({ path: ':memory:' });
    const auth = new AuthService(state, { sessionIdleMs: 1, sessionMaxMs: 1, secrets: box, passwordMinLength: 20 });
    expect(auth.passwordProblem('a fine passphrase', 'ann')).toMatch(/at least 20/);
    state.close();
  });
});
