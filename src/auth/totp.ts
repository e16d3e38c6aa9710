import { Secret, TOTP } from 'otpauth';

/**
 * TOTP as authenticator apps implement it (RFC 6238 defaults: HMAC-SHA-1, 6 digits, 30-second
 * steps), on the `otpauth` library. Pure: the caller passes the time and the last accepted step.
 */
const ALGORITHM = 'SHA1';
const DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** Steps accepted either side of now: clocks on phones drift, and a code typed at :29 arrives at :31. */
const DRIFT_STEPS = 1;
const ISSUER = 'Vigil';

/** A new random seed: 160 bits (RFC 4226's recommended length), base32 as apps take it by hand. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The `otpauth://` URI an authenticator app reads from the QR code.
 *
 * @example
 * totpUri('JBSWY3DPEHPK3PXP', 'ann') // 'otpauth://totp/Vigil:ann?issuer=Vigil&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30'
 */
export function totpUri(secret: string, accountName: string): string {
  return totpOf(secret, accountName).toString();
}

/** The time step `now` (ms) falls in. */
export function totpStep(now: number): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step a code belongs to when it is valid within one step of `now` and newer than
 * `lastStep` (a code is accepted once); undefined otherwise. Spaces in the code are ignored.
 *
 * @example
 * const step = verifyTotp(secret, '123 456', Date.now(), record.lastStep);
 * if (step !== undefined && store.acceptTotpStep(userId, step)) signIn();
 */
export function verifyTotp(secret: string, code: string, now: number, lastStep?: number): number | undefined {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = TOTP.validate({
    token, secret: Secret.fromBase32(secret), algorithm: ALGORITHM, digits: DIGITS, period: TOTP_PERIOD_SECONDS, timestamp: now, window: DRIFT_STEPS,
  });
  if (delta === null) return undefined;
  const step = totpStep(now) + delta;
  return lastStep !== undefined && step <= lastStep ? undefined : step;
}

/** The code for `now`; for tests and tools that play the authenticator app. */
export function totpCode(secret: string, now: number): string {
  return totpOf(secret, '').generate({ timestamp: now });
}

function totpOf(secret: string, label: string): TOTP {
  return new TOTP({ issuer: ISSUER, label, secret: Secret.fromBase32(secret), algorithm: ALGORITHM, digits: DIGITS, period: TOTP_PERIOD_SECONDS });
}
