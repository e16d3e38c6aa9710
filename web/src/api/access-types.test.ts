import { describe, expect, it } from 'vitest';
import {
  decodeCreatedToken, decodeCreatedUser, decodePermissions, decodeRoles, decodeSessions, decodeUserDetail, decodeUserList,
} from './access-types.ts';
import { ApiError } from './errors.ts';

const user = {
  id: 'u1', username: 'j.doe', role: 'viewer', authSource: 'oidc:okta', status: 'locked', mustChangePassword: false, mfaEnabled: true,
  createdAt: 1, lockedUntil: 99, email: 'j@example.org',
};
const session = { id: '0123456789abcdef', createdAt: 1, lastSeenAt: 2, expiresAt: 3, userAgent: '<b>x</b>', current: true };
const token = { id: 't1', name: 'export', userId: 'u1', permissions: ['events:read'], createdAt: 1, expiresAt: 5, status: 'active' };

describe('access API decoders', () => {
  it('decode users, with absent optional fields as undefined', () => {
    const [u] = decodeUserList({ users: [user] });
    expect(u).toMatchObject({ username: 'j.doe', authSource: 'oidc:okta', status: 'locked', lockedUntil: 99, email: 'j@example.org' });
    expect(u?.displayName).toBeUndefined();
    expect(u?.passwordChangedAt).toBeUndefined();
    expect(decodeCreatedUser({ user, oneTimePassword: 'otp' }).oneTimePassword).toBe('otp');
  });

  it('decode a user with sessions and tokens', () => {
    const d = decodeUserDetail({ user, sessions: [session], tokens: [{ ...token, lastUsedAt: 4 }] });
    expect(d.sessions[0]).toMatchObject({ current: true, userAgent: '<b>x</b>', address: undefined });
    expect(d.tokens[0]).toMatchObject({ permissions: ['events:read'], lastUsedAt: 4, revokedAt: undefined });
    expect(decodeSessions({ sessions: [{ ...session, current: undefined }] })[0]?.current).toBe(false);
  });

  it('decode roles, permissions and a created token', () => {
    const [r] = decodeRoles({ roles: [{ name: 'auditor', permissions: ['audit:read'], builtin: false, users: 2 }] });
    expect(r).toEqual({ name: 'auditor', description: '', permissions: ['audit:read'], builtin: false, users: 2 });
    expect(decodePermissions({ permissions: [{ name: 'events:read', description: 'Search' }] })).toEqual([{ name: 'events:read', description: 'Search' }]);
    expect(decodeCreatedToken({ token, secret: 'vgt_secret' })).toMatchObject({ secret: 'vgt_secret', token: { name: 'export' } });
  });

  it('reject malformed answers with a message naming the field', () => {
    expect(() => decodeUserList({ users: [{ ...user, createdAt: 'soon' }] })).toThrow(ApiError);
    expect(() => decodeUserList({ users: [{ ...user, createdAt: 'soon' }] })).toThrow(/users\[0\]\.createdAt/);
    expect(() => decodeUserDetail({ user, sessions: [session], tokens: [{ ...token, permissions: 'all' }] })).toThrow(/tokens\[0\]\.permissions/);
    expect(() => decodeRoles({ roles: [{ name: 'x', permissions: [1, {}], builtin: true, users: 0 }] })).toThrow(/roles\[0\]\.permissions\[1\]/);
    expect(() => decodeCreatedToken({ token })).toThrow(/secret/);
  });
});
