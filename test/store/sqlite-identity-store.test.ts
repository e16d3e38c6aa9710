import { describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { StoreWriteError } from '../../src/store/store-errors.ts';

function storeWithUser() {
  const state = openSqliteStateStore({ path: ':memory:' });
  state.createUser({ id: 'u1', username: 'ann', passwordHash: '', role: 'viewer', mustChangePassword: false, createdAt: 1, authSource: 'oidc:kc', failedLogins: 0 });
  return state;
}

describe('SQLite identity store', () => {
  it('links a provider subject to a user and finds it by (provider, subject) only', () => {
    const state = storeWithUser();
    state.identities.link({ provider: 'kc', subject: 'sub-1', userId: 'u1', createdAt: 5 });
    expect(state.identities.find('kc', 'sub-1')).toEqual({ provider: 'kc', subject: 'sub-1', userId: 'u1', createdAt: 5 });
    expect(state.identities.find('okta', 'sub-1')).toBeUndefined();
    expect(state.identities.find('kc', 'SUB-1')).toBeUndefined();
    state.identities.touch('kc', 'sub-1', 9);
    expect(state.identities.find('kc', 'sub-1')?.lastLoginAt).toBe(9);
    state.close();
  });

  it('refuses a second link of the same subject and a link to an unknown user', () => {
    const state = storeWithUser();
    state.identities.link({ provider: 'kc', subject: 'sub-1', userId: 'u1', createdAt: 5 });
    const again = () => state.identities.link({ provider: 'kc', subject: 'sub-1', userId: 'u1', createdAt: 6 });
    expect(again).toThrow(StoreWriteError);
    expect(again).toThrow(expect.objectContaining({ failure: 'conflict' }));
    expect(() => state.identities.link({ provider: 'kc', subject: 'sub-2', userId: 'nobody', createdAt: 6 })).toThrow(StoreWriteError);
    expect(() => state.identities.link({ provider: '', subject: 'x', userId: 'u1', createdAt: 6 })).toThrow(/provider/);
    state.close();
  });
});
