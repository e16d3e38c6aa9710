import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { auditDetails, auditDetailsOf, redactSecrets } from './audit-context.ts';

describe('audit context', () => {
  it('merges details attached to one request, later fields winning', () => {
    const request = {} as FastifyRequest;
    expect(auditDetailsOf(request)).toBeUndefined();
    auditDetails(request, { action: 'user.create', targetType: 'user' });
    auditDetails(request, { targetId: 'u1', action: 'user.update' });
    expect(auditDetailsOf(request)).toEqual({ action: 'user.update', targetType: 'user', targetId: 'u1' });
    expect(auditDetailsOf({} as FastifyRequest)).toBeUndefined();
  });

  it('strips secret-looking keys from snapshots, however deep', () => {
    const request = {} as FastifyRequest;
    auditDetails(request, {
      before: { username: 'ann', passwordHash: '$argon2id$x', nested: [{ tokenHash: 'abc', totpSecret: 'S', name: 'n' }] },
      after: { password: 'p', token: 't', tokenId: 'tok_1', role: 'admin', recoveryCodes: ['a'] },
    });
    const details = auditDetailsOf(request)!;
    expect(details.before).toEqual({ username: 'ann', passwordHash: '[redacted]', nested: [{ tokenHash: '[redacted]', totpSecret: '[redacted]', name: 'n' }] });
    expect(details.after).toEqual({ password: '[redacted]', token: '[redacted]', tokenId: 'tok_1', role: 'admin', recoveryCodes: '[redacted]' });
    expect(JSON.stringify(details)).not.toMatch(/argon2id|"abc"|"S"|"p"|"t"/);
  });

  it('keeps scalars, turns dates and sets into JSON values and bounds the depth', () => {
    expect(redactSecrets('x')).toBe('x');
    expect(redactSecrets(null)).toBeNull();
    expect(redactSecrets(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(redactSecrets(new Set(['a']))).toEqual(['a']);
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(JSON.stringify(redactSecrets(deep))).toContain('[too deep]');
  });
});
