import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractToken } from './intake-auth.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('extractToken', () => {
  it('reads Bearer, Splunk, Basic (password) and ApiKey (key) credentials, scheme case-insensitive', () => {
    expect(extractToken('Bearer abc')).toEqual({ ok: true, token: 'abc' });
    expect(extractToken('Splunk 11111111-2222')).toEqual({ ok: true, token: '11111111-2222' });
    expect(extractToken('splunk  tok ')).toEqual({ ok: true, token: 'tok' });
    expect(extractToken(`Basic ${b64('elastic:s3cret:with:colons')}`)).toEqual({ ok: true, token: 's3cret:with:colons' });
    expect(extractToken(`ApiKey ${b64('key-id:the-key')}`)).toEqual({ ok: true, token: 'the-key' });
  });

  it('distinguishes missing from malformed credentials', () => {
    expect(extractToken(undefined)).toMatchObject({ ok: false, reason: 'missing' });
    expect(extractToken('  ')).toMatchObject({ ok: false, reason: 'missing' });
    expect(extractToken('Bearer')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(extractToken('Digest x=1')).toMatchObject({ ok: false, reason: 'malformed', message: 'unsupported Authorization scheme "Digest"' });
    expect(extractToken(`Basic ${b64('no-colon')}`)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(extractToken(`Basic ${b64('user:')}`)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(extractToken('Basic !!!')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(extractToken(`Bearer ${'x'.repeat(5000)}`)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('never throws and yields a non-empty token or a reason for any header', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (header) => {
      const result = extractToken(header);
      if (result.ok) expect(result.token.length).toBeGreaterThan(0);
      else expect(['missing', 'malformed']).toContain(result.reason);
    }), { numRuns: 2000 });
  });
});
