import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';
import { passwordPolicyProblem } from './password-policy.ts';
import { generateSecret, hashPassword, sha256Hex, verifyPassword } from './secrets.ts';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it('explains why a new password is refused', () => {
    expect(passwordPolicyProblem('short', 'admin')).toMatch(/at least 12/);
    expect(passwordPolicyProblem('admin-password-2026', 'admin')).toMatch(/username/);
    expect(passwordPolicyProblem('aaaaaaaaaaaaaaaa', 'admin')).toMatch(/different characters/);
    expect(passwordPolicyProblem('a much better passphrase', 'admin')).toBeUndefined();
  });
});

describe('secrets', () => {
  it('are random, prefixed and URL-safe; tokens are stored as SHA-256', () => {
    const a = generateSecret('vgi_');
    const b = generateSecret('vgi_');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^vgi_[A-Za-z0-9_-]{43}$/);
    expect(sha256Hex(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('LoginThrottle', () => {
  it('refuses after repeated failures for a key until the window passes, and forgets on success', () => {
    const throttle = new LoginThrottle(3, 60_000);
    const keys = ['u:alice', 'a:192.0.2.1'];
    for (let i = 0; i < 3; i++) throttle.fail(keys, 1000 + i);
    expect(throttle.retryAfter(keys, 2000)).toBeGreaterThan(0);
    expect(throttle.retryAfter(['u:bob', 'a:192.0.2.1'], 2000)).toBeGreaterThan(0); // same address
    expect(throttle.retryAfter(keys, 1000 + 60_001)).toBe(0);
    throttle.fail(keys, 70_000);
    throttle.succeed(keys);
    expect(throttle.retryAfter(keys, 70_001)).toBe(0);
  });
});
