/**
 * Behaviour every {@link StateStore} backend must show; each backend's test calls
 * {@link stateStoreConformance} with a harness opening its store on fresh storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Source, StateStore, User } from '../../src/store/state-store.ts';

export interface StateStoreHarness {
  /** Opens the store on the harness's storage (empty on the first call, same data afterwards). */
  open(): StateStore;
  cleanup(): Promise<void>;
}

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function user(id: string, username: string): User {
  return { id, username, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA', role: 'admin', mustChangePassword: true, createdAt: 1000, authSource: 'local', failedLogins: 0 };
}

function source(id: string, name: string, extra: Partial<Source> = {}): Source {
  return { id, name, kind: 'http', sourceType: 'auto', createdAt: 2000, ...extra };
}

export function stateStoreConformance(name: string, makeHarness: () => Promise<StateStoreHarness>): void {
  describe(`StateStore conformance: ${name}`, () => {
    let harness: StateStoreHarness | undefined;
    const opened: StateStore[] = [];
    async function open(): Promise<StateStore> {
      harness ??= await makeHarness();
      const store = harness.open();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) store.close();
      await harness?.cleanup();
      harness = undefined;
    });

    it('creates, finds and counts users; refuses duplicate names', async () => {
      const store = await open();
      expect(store.countUsers()).toBe(0);
      expect(store.findUserByName('admin')).toBeUndefined();
      store.createUser(user('u1', 'admin'));
      expect(store.countUsers()).toBe(1);
      expect(store.findUserByName('admin')).toEqual(user('u1', 'admin'));
      expect(store.findUserById('u1')).toEqual(user('u1', 'admin'));
      expect(store.findUserById('nope')).toBeUndefined();
      expect(() => store.createUser(user('u2', 'admin'))).toThrow(/admin/);
      expect(() => store.createUser(user('u1', 'other'))).toThrow();
      expect(store.countUsers()).toBe(1);
    });

    it('treats usernames case-insensitively', async () => {
      const store = await open();
      store.createUser(user('u1', 'Admin'));
      expect(store.findUserByName('admin')?.id).toBe('u1');
      expect(() => store.createUser(user('u2', 'ADMIN'))).toThrow();
    });

    it('updates passwords and the must-change flag; unknown users are an error', async () => {
      const store = await open();
      store.createUser(user('u1', 'admin'));
      store.updatePassword('u1', '$argon2id$new', false, 5000);
      expect(store.findUserById('u1')).toMatchObject({ passwordHash: '$argon2id$new', mustChangePassword: false, passwordChangedAt: 5000 });
      expect(() => store.updatePassword('ghost', '$argon2id$x', false, 5000)).toThrow(/no user/);
    });

    it('changes and clears user fields, lists users by name; unknown users are an error', async () => {
      const store = await open();
      store.createUser(user('u2', 'zoe'));
      store.createUser(user('u1', 'adam'));
      const changed = store.updateUser('u2', { role: 'viewer', displayName: 'Zoe Z', email: 'zoe@example.com', disabledAt: 7, failedLogins: 3, lockedUntil: 9 });
      expect(changed).toMatchObject({ role: 'viewer', displayName: 'Zoe Z', email: 'zoe@example.com', disabledAt: 7, failedLogins: 3, lockedUntil: 9 });
      const cleared = store.updateUser('u2', { displayName: null, disabledAt: null, lockedUntil: null, failedLogins: 0 });
      expect(cleared).not.toHaveProperty('displayName');
      expect(cleared).not.toHaveProperty('disabledAt');
      expect(cleared).not.toHaveProperty('lockedUntil');
      expect(cleared.email).toBe('zoe@example.com');
      expect(store.listUsers().map((u) => u.username)).toEqual(['adam', 'zoe']);
      expect(() => store.updateUser('ghost', { role: 'viewer' })).toThrow(/no user/);
      expect(() => store.updateUser('u1', { failedLogins: -1 })).toThrow(/failedLogins/);
    });

    it('keeps custom roles; a role in use cannot be deleted', async () => {
      const store = await open();
      store.saveRole({ name: 'auditor', description: 'reads the audit log', permissions: ['audit:read'], createdAt: 1, updatedAt: 1 });
      store.saveRole({ name: 'auditor', description: 'reads audit and events', permissions: ['audit:read', 'events:read'], createdAt: 1, updatedAt: 2 });
      expect(store.findRole('AUDITOR')).toEqual({ name: 'auditor', description: 'reads audit and events', permissions: ['audit:read', 'events:read'], createdAt: 1, updatedAt: 2 });
      store.createUser({ ...user('u1', 'ann'), role: 'auditor' });
      expect(() => store.deleteRole('auditor')).toThrow(/still have it/);
      store.updateUser('u1', { role: 'viewer' });
      store.deleteRole('auditor');
      expect(store.listRoles()).toEqual([]);
      expect(() => store.deleteRole('auditor')).toThrow(/no custom role/);
    });

    it('keeps API tokens by hash; revocation and use are recorded', async () => {
      const store = await open();
      store.createUser(user('u1', 'admin'));
      const token = { id: 't1', userId: 'u1', name: 'ci', tokenHash: HASH_A, permissions: ['events:read'], createdAt: 10, expiresAt: 1000 };
      store.createApiToken(token);
      expect(store.findApiTokenByHash(HASH_A)).toEqual(token);
      expect(() => store.createApiToken({ ...token, id: 't2' })).toThrow();
      expect(() => store.createApiToken({ ...token, id: 't3', tokenHash: 'not-a-hash' })).toThrow(/SHA-256/);
      store.touchApiToken('t1', 20);
      store.revokeApiToken('t1', 30);
      store.revokeApiToken('t1', 40);
      expect(store.findApiTokenByHash(HASH_A)).toMatchObject({ lastUsedAt: 20, revokedAt: 30 });
      expect(store.listApiTokens('u1').map((t) => t.id)).toEqual(['t1']);
      expect(store.listApiTokens('nobody')).toEqual([]);
      expect(() => store.revokeApiToken('ghost', 1)).toThrow(/no token/);
    });

    it('manages sessions: create, find, touch, delete, expire', async () => {
      const store = await open();
      store.createUser(user('u1', 'admin'));
      store.createSession({ tokenHash: HASH_A, userId: 'u1', createdAt: 10, lastSeenAt: 10, expiresAt: 100 });
      store.createSession({ tokenHash: HASH_B, userId: 'u1', createdAt: 10, lastSeenAt: 10, expiresAt: 200, address: '192.0.2.7', userAgent: 'curl/8' });
      expect(store.listUserSessions('u1').map((x) => x.address)).toContain('192.0.2.7');
      expect(store.findSession(HASH_A)).toEqual({ tokenHash: HASH_A, userId: 'u1', createdAt: 10, lastSeenAt: 10, expiresAt: 100 });
      store.touchSession(HASH_A, 50);
      expect(store.findSession(HASH_A)?.lastSeenAt).toBe(50);
      store.touchSession('c'.repeat(64), 50);
      expect(store.deleteExpiredSessions(99)).toBe(0);
      expect(store.deleteExpiredSessions(100)).toBe(1);
      expect(store.findSession(HASH_A)).toBeUndefined();
      store.deleteSession(HASH_B);
      expect(store.findSession(HASH_B)).toBeUndefined();
      store.createSession({ tokenHash: HASH_A, userId: 'u1', createdAt: 10, lastSeenAt: 10, expiresAt: 100 });
      store.createSession({ tokenHash: HASH_B, userId: 'u1', createdAt: 10, lastSeenAt: 10, expiresAt: 100 });
      expect(store.deleteUserSessions('u1')).toBe(2);
      expect(store.listUserSessions('u1')).toEqual([]);
    });

    it('refuses a session for an unknown user', async () => {
      const store = await open();
      expect(() => store.createSession({ tokenHash: HASH_A, userId: 'ghost', createdAt: 1, lastSeenAt: 1, expiresAt: 2 })).toThrow();
    });

    it('creates, lists and finds sources', async () => {
      const store = await open();
      store.createSource(source('s1', 'firewall', { tokenHash: HASH_A }));
      store.createSource(source('s2', 'syslog-udp', { kind: 'syslog', createdAt: 3000 }));
      expect(store.listSources().map((s) => s.id)).toEqual(['s1', 's2']);
      expect(store.findSourceByName('firewall')).toEqual(source('s1', 'firewall', { tokenHash: HASH_A }));
      expect(store.findSourceByName('syslog-udp')).toEqual(source('s2', 'syslog-udp', { kind: 'syslog', createdAt: 3000 }));
      expect(store.findSourceByTokenHash(HASH_A)?.id).toBe('s1');
      expect(store.findSourceByTokenHash(HASH_B)).toBeUndefined();
      expect(() => store.createSource(source('s3', 'firewall'))).toThrow(/firewall/);
      expect(() => store.createSource(source('s4', 'other', { tokenHash: HASH_A }))).toThrow();
    });

    it('stops authenticating revoked sources and frees their name', async () => {
      const store = await open();
      store.createSource(source('s1', 'firewall', { tokenHash: HASH_A }));
      store.revokeSource('s1', 5000);
      expect(store.findSourceByTokenHash(HASH_A)).toBeUndefined();
      expect(store.listSources()[0]).toMatchObject({ id: 's1', revokedAt: 5000 });
      store.revokeSource('s1', 6000);
      expect(store.findSourceByName('firewall')?.revokedAt).toBe(5000);
      store.createSource(source('s2', 'firewall', { tokenHash: HASH_B, createdAt: 7000 }));
      expect(store.findSourceByName('firewall')?.id).toBe('s2');
      expect(store.findSourceByTokenHash(HASH_B)?.id).toBe('s2');
      expect(() => store.revokeSource('ghost', 1)).toThrow(/no source/);
    });

    it('saves and loads source stats, replacing earlier values', async () => {
      const store = await open();
      const perMinute = Array.from({ length: 60 }, (_, i) => i);
      store.saveSourceStats([
        { sourceName: 'fw', eventsTotal: 10, parseErrorsTotal: 1, lastEventAt: 99, perMinute, minuteEnd: 120_000 },
        { sourceName: 'app', eventsTotal: 0, parseErrorsTotal: 0, perMinute: [], minuteEnd: 60_000 },
      ]);
      store.saveSourceStats([{ sourceName: 'fw', eventsTotal: 20, parseErrorsTotal: 2, lastEventAt: 150, perMinute, minuteEnd: 180_000 }]);
      expect(store.loadSourceStats()).toEqual([
        { sourceName: 'app', eventsTotal: 0, parseErrorsTotal: 0, perMinute: [], minuteEnd: 60_000 },
        { sourceName: 'fw', eventsTotal: 20, parseErrorsTotal: 2, lastEventAt: 150, perMinute, minuteEnd: 180_000 },
      ]);
      expect(() => store.saveSourceStats([{ sourceName: 'x', eventsTotal: -1, parseErrorsTotal: 0, perMinute: [], minuteEnd: 0 }])).toThrow(/eventsTotal/);
    });

    it('keeps the newest parse-error samples per source', async () => {
      const store = await open();
      const sample = (sourceName: string, at: number) => ({ sourceName, at, reason: `bad ${at}`, sample: `record ${at}` });
      store.addParseErrors([1, 2, 3, 4, 5].map((at) => sample('fw', at)), 3);
      store.addParseErrors([sample('app', 1), sample('fw', 6)], 3);
      expect(store.recentParseErrors('fw', 10).map((s) => s.at)).toEqual([6, 5, 4]);
      expect(store.recentParseErrors('fw', 2).map((s) => s.at)).toEqual([6, 5]);
      expect(store.recentParseErrors('app', 10)).toEqual([sample('app', 1)]);
      expect(store.recentParseErrors('none', 10)).toEqual([]);
      store.addParseErrors([], 0);
      store.addParseErrors([sample('app', 2)], 0);
      expect(store.recentParseErrors('app', 10)).toEqual([]);
    });

    it('stores settings', async () => {
      const store = await open();
      expect(store.getSetting('demo.loaded')).toBeUndefined();
      store.setSetting('demo.loaded', 'true');
      store.setSetting('demo.loaded', 'false');
      expect(store.getSetting('demo.loaded')).toBe('false');
    });

    it('keeps state across close and reopen', async () => {
      let store = await open();
      store.createUser(user('u1', 'admin'));
      store.setSetting('k', 'v');
      store.close();
      store = await open();
      expect(store.findUserByName('admin')?.id).toBe('u1');
      expect(store.getSetting('k')).toBe('v');
    });

    it('takes hostile text as data', async () => {
      const store = await open();
      const name = "x'); DROP TABLE users; --";
      store.createUser(user('u1', name));
      store.setSetting(name, '\u0000🦆');
      expect(store.findUserByName(name)?.id).toBe('u1');
      expect(store.getSetting(name)).toBe('\u0000🦆');
      expect(store.countUsers()).toBe(1);
    });
  });
}
