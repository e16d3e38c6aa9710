/** Two-step sign-in: the second sign-in step and the signed-in user's own TOTP settings. */
import { request } from './client.ts';
import { arr, bool, num, obj, str } from './decode.ts';
import { decodeUser, type User } from './types.ts';

/** A second factor: the app's 6-digit code, or one of the one-time recovery codes. */
export type SecondFactor = { code: string } | { recoveryCode: string };

export interface TotpSetup {
  /** Base32 key for typing into the app by hand. */
  secret: string;
  /** The key as a QR code: an SVG image as a `data:` URL, for an `<img>` (never inserted as markup). */
  qrCode: string;
}

function decodeRecoveryCodes(body: unknown): string[] {
  return arr(obj(body, 'the answer').recoveryCodes, 'recoveryCodes').map((c, i) => str(c, `recoveryCodes[${i}]`));
}

/** Completes a sign-in with the challenge from `login`; 401 for a wrong code, MFA_CHALLENGE_EXPIRED when it must restart. */
export async function completeMfaLogin(challenge: string, factor: SecondFactor): Promise<User> {
  return decodeUser(await request('POST', '/auth/login/mfa', { body: { challenge, ...factor }, quiet401: true }));
}

/** Whether TOTP is on and how many recovery codes are left. */
export async function getMfaStatus(signal?: AbortSignal): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  const body = obj(await request('GET', '/auth/mfa', { signal }), 'the answer');
  return { enabled: bool(body.enabled, 'enabled'), recoveryCodesLeft: num(body.recoveryCodesLeft, 'recoveryCodesLeft') };
}

/** Starts enrollment (the password is asked again): a new key to add to the app. */
export async function startTotpSetup(password: string): Promise<TotpSetup> {
  const body = obj(await request('POST', '/auth/mfa/totp/setup', { body: { password } }), 'the answer');
  const qrCode = str(body.qrCode, 'qrCode');
  // Only our own image format may reach an <img src>: nothing else that a proxy could have injected.
  if (!qrCode.startsWith('data:image/svg+xml;base64,')) throw new Error('Unexpected answer from the server: qrCode should be an SVG image.');
  return { secret: str(body.secret, 'secret'), qrCode };
}

/** Turns TOTP on with a first code; answers the recovery codes, shown once. */
export async function confirmTotp(code: string): Promise<string[]> {
  return decodeRecoveryCodes(await request('POST', '/auth/mfa/totp/confirm', { body: { code } }));
}

/** Replaces the recovery codes; answers the new ones, shown once. */
export async function regenerateRecoveryCodes(password: string, factor: SecondFactor): Promise<string[]> {
  return decodeRecoveryCodes(await request('POST', '/auth/mfa/recovery-codes', { body: { password, ...factor } }));
}

/** Turns TOTP off. */
export async function disableTotp(password: string, factor: SecondFactor): Promise<void> {
  await request('DELETE', '/auth/mfa/totp', { body: { password, ...factor } });
}
