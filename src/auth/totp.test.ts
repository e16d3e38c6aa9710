import { Secret, TOTP, URI } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { newTotpSecret, totpCode, totpStep, totpUri, verifyTotp } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;
const STEP = 30_000;

describe('TOTP', () => {
  it('computes the RFC 6238 test vectors (last 6 digits)', () => {
    expect(totpCode(RFC_SECRET, 59_000)).toBe('287082');
    expect(totpCode(RFC_SECRET, 1_111_111_109_000)).toBe('081804');
    expect(totpCode(RFC_SECRET, 2_000_000_000_000)).toBe('279037');
  });

  it('accepts the current code and one step of drift either way, not two', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_000_000;
    expect(verifyTotp(secret, totpCode(secret, now), now)).toBe(totpStep(now));
    expect(verifyTotp(secret, totpCode(secret, now - STEP), now)).toBe(totpStep(now) - 1);
    expect(verifyTotp(secret, totpCode(secret, now + STEP), now)).toBe(totpStep(now) + 1);
    expect(verifyTotp(secret, totpCode(secret, now - 2 * STEP), now)).toBeUndefined();
    expect(verifyTotp(secret, totpCode(secret, now + 2 * STEP), now)).toBeUndefined();
  });

  it('refuses a code whose step was already accepted, and older ones', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_000_000;
    const step = verifyTotp(secret, totpCode(secret, now), now)!;
    expect(verifyTotp(secret, totpCode(secret, now), now, step)).toBeUndefined();
    expect(verifyTotp(secret, totpCode(secret, now - STEP), now, step)).toBeUndefined();
    expect(verifyTotp(secret, totpCode(secret, now + STEP), now + STEP, step)).toBe(step + 1);
  });

  it('refuses wrong and malformed codes, and ignores spaces', () => {
    const secret = newTotpSecret();
    const now = 1_700_000_000_000;
    const good = totpCode(secret, now);
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
    expect(verifyTotp(secret, wrong, now)).toBeUndefined();
    expect(verifyTotp(secret, `${good}0`, now)).toBeUndefined();
    expect(verifyTotp(secret, 'abcdef', now)).toBeUndefined();
    expect(verifyTotp(secret, '', now)).toBeUndefined();
    expect(verifyTotp(secret, `${good.slice(0, 3)} ${good.slice(3)}`, now)).toBe(totpStep(now));
    expect(verifyTotp(newTotpSecret(), good, now)).toBeUndefined();
  });

  it('makes a 160-bit secret and a URI that authenticator apps read back', () => {
    const secret = newTotpSecret();
    expect(Secret.fromBase32(secret).bytes).toHaveLength(20);
    const uri = totpUri(secret, 'ann@example.org');
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed.secret.base32).toBe(secret);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Vigil:ann%40example\.org\?/);
    const url = new URL(uri);
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Vigil');
    expect(url.searchParams.get('algorithm')).toBe('SHA1');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });
});
