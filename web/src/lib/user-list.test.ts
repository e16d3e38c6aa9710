import { describe, expect, it } from 'vitest';
import type { UserRecord } from '../api/access-types.ts';
import { filterUsers, nextSort, signInMethod, sortUsers } from './user-list.ts';

function user(username: string, more: Partial<UserRecord> = {}): UserRecord {
  return {
    id: username, username, displayName: undefined, email: undefined, role: 'viewer', authSource: 'local', status: 'active',
    mustChangePassword: false, mfaEnabled: false, createdAt: 0, passwordChangedAt: undefined, lockedUntil: undefined, disabledAt: undefined, ...more,
  };
}

const users = [
  user('carol', { role: 'admin', createdAt: 3, passwordChangedAt: 10 }),
  user('alice', { displayName: 'Alice Analyst', role: 'analyst', createdAt: 1, status: 'locked' }),
  user('Bob', { authSource: 'oidc:okta', createdAt: 2, email: 'bob@corp.example', passwordChangedAt: 5 }),
];
const names = (list: UserRecord[]) => list.map((u) => u.username);

describe('users table', () => {
  it('names the sign-in method', () => {
    expect(signInMethod('local')).toBe('Password');
    expect(signInMethod('oidc:okta')).toBe('SSO (okta)');
  });

  it('filters on any shown field, ignoring case and surrounding spaces', () => {
    expect(names(filterUsers(users, ' ALI '))).toEqual(['alice']);
    expect(names(filterUsers(users, 'sso'))).toEqual(['Bob']);
    expect(names(filterUsers(users, 'corp.example'))).toEqual(['Bob']);
    expect(names(filterUsers(users, 'locked'))).toEqual(['alice']);
    expect(filterUsers(users, '')).toHaveLength(3);
  });

  it('sorts by name without regard to case, and by dates either way', () => {
    expect(names(sortUsers(users, { key: 'username', descending: false }))).toEqual(['alice', 'Bob', 'carol']);
    expect(names(sortUsers(users, { key: 'createdAt', descending: true }))).toEqual(['carol', 'Bob', 'alice']);
    expect(names(sortUsers(users, { key: 'role', descending: false }))).toEqual(['carol', 'alice', 'Bob']);
  });

  it('puts missing values last in both directions', () => {
    expect(names(sortUsers(users, { key: 'passwordChangedAt', descending: false }))).toEqual(['Bob', 'carol', 'alice']);
    expect(names(sortUsers(users, { key: 'passwordChangedAt', descending: true }))).toEqual(['carol', 'Bob', 'alice']);
    expect(names(sortUsers(users, { key: 'displayName', descending: true }))[0]).toBe('alice');
  });

  it('flips the direction on the same column and starts ascending on another', () => {
    expect(nextSort({ key: 'role', descending: false }, 'role')).toEqual({ key: 'role', descending: true });
    expect(nextSort({ key: 'role', descending: true }, 'status')).toEqual({ key: 'status', descending: false });
  });
});
