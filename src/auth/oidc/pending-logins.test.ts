import { describe, expect, it } from 'vitest';
import { PendingLogins } from './pending-logins.ts';

const login = (createdAt: number, provider = 'kc') => ({ provider, nonce: 'n', codeVerifier: 'v', createdAt });

describe('PendingLogins', () => {
  it('gives a login back once', () => {
    const pending = new PendingLogins({ ttlMs: 1000, maxEntries: 10 });
    pending.add('s1', login(0));
    expect(pending.take('s1', 10)).toEqual(login(0));
    expect(pending.take('s1', 10)).toBeUndefined();
    expect(pending.take('unknown', 10)).toBeUndefined();
  });

  it('forgets logins older than the TTL', () => {
    const pending = new PendingLogins({ ttlMs: 1000, maxEntries: 10 });
    pending.add('old', login(0));
    expect(pending.take('old', 1000)).toBeUndefined();
    pending.add('a', login(0));
    pending.add('b', login(5000));
    expect(pending.size).toBe(1);
    expect(pending.take('b', 5500)).toBeDefined();
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const pending = new PendingLogins({ ttlMs: 60_000, maxEntries: 3 });
    for (let i = 0; i < 5; i++) pending.add(`s${i}`, login(i));
    expect(pending.size).toBe(3);
    expect(pending.take('s0', 10)).toBeUndefined();
    expect(pending.take('s1', 10)).toBeUndefined();
    expect(pending.take('s4', 10)).toBeDefined();
  });
});
