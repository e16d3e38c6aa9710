/**
 * Behaviour every {@link SavedSearchStore} backend must show; each backend's test calls
 * {@link savedSearchStoreConformance} with a harness opening its state store on fresh storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SavedSearch } from '../../src/store/saved-search-store.ts';
import type { StateStore, User } from '../../src/store/state-store.ts';
import type { StateStoreHarness } from './state-store-conformance.ts';

function user(id: string, username: string): User {
  return { id, username, passwordHash: '', role: 'analyst', mustChangePassword: false, createdAt: 1, authSource: 'local', failedLogins: 0 };
}

function search(id: string, ownerId: string, name: string, extra: Partial<SavedSearch> = {}): SavedSearch {
  return { id, ownerId, name, query: 'event.code:4625 | stats count() by user.name', shared: false, createdAt: 1000, updatedAt: 1000, ...extra };
}

export function savedSearchStoreConformance(name: string, makeHarness: () => Promise<StateStoreHarness>): void {
  describe(`SavedSearchStore conformance: ${name}`, () => {
    let harness: StateStoreHarness | undefined;
    const opened: StateStore[] = [];
    async function open(): Promise<StateStore> {
      harness ??= await makeHarness();
      const store = harness.open();
      opened.push(store);
      if (!store.findUserById('ann')) {
        store.createUser(user('ann', 'ann'));
        store.createUser(user('bob', 'bob'));
      }
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) store.close();
      await harness?.cleanup();
      harness = undefined;
    });

    it('creates and finds a saved search with every field, and keeps it across reopening', async () => {
      const store = await open();
      const saved = search('s1', 'ann', 'Failed logons', { from: '-7d', to: 'now', shared: true });
      store.savedSearches.create(saved);
      expect(store.savedSearches.find('s1')).toEqual(saved);
      expect(store.savedSearches.find('nope')).toBeUndefined();
      store.close();
      const again = await open();
      expect(again.savedSearches.find('s1')).toEqual(saved);
    });

    it('leaves out an absent time range instead of storing empty values', async () => {
      const { savedSearches } = await open();
      savedSearches.create(search('s1', 'ann', 'No range'));
      const found = savedSearches.find('s1')!;
      expect('from' in found).toBe(false);
      expect('to' in found).toBe(false);
    });

    it('keeps names unique per owner in any case, but lets two owners use the same name', async () => {
      const { savedSearches } = await open();
      savedSearches.create(search('s1', 'ann', 'Failed logons'));
      expect(() => savedSearches.create(search('s2', 'ann', 'FAILED LOGONS'))).toThrow(expect.objectContaining({ failure: 'conflict' }));
      savedSearches.create(search('s3', 'bob', 'Failed logons'));
      expect(savedSearches.countOwnedBy('ann')).toBe(1);
      expect(savedSearches.countOwnedBy('bob')).toBe(1);
    });

    it('lists the user\'s own searches and everyone\'s shared ones by name, never others\' private ones', async () => {
      const { savedSearches } = await open();
      savedSearches.create(search('a1', 'ann', 'zeta private'));
      savedSearches.create(search('a2', 'ann', 'Alpha shared', { shared: true }));
      savedSearches.create(search('b1', 'bob', 'bob private'));
      savedSearches.create(search('b2', 'bob', 'beta shared', { shared: true }));
      expect(savedSearches.listVisible('ann').map((s) => s.id)).toEqual(['a2', 'b2', 'a1']);
      expect(savedSearches.listVisible('bob').map((s) => s.id)).toEqual(['a2', 'b2', 'b1']);
      expect(savedSearches.listVisible('carol').map((s) => s.id)).toEqual(['a2', 'b2']);
    });

    it('updates the given fields only, clears the time range with null, and refuses a name the owner already uses', async () => {
      const { savedSearches } = await open();
      savedSearches.create(search('s1', 'ann', 'One', { from: '-24h', to: 'now' }));
      savedSearches.create(search('s2', 'ann', 'Two'));
      const renamed = savedSearches.update('s1', { name: 'Uno', shared: true, from: null }, 2000);
      expect(renamed).toEqual({ ...search('s1', 'ann', 'Uno', { to: 'now', shared: true }), updatedAt: 2000 });
      expect(savedSearches.find('s1')).toEqual(renamed);
      expect(() => savedSearches.update('s1', { name: 'two' }, 3000)).toThrow(expect.objectContaining({ failure: 'conflict' }));
      expect(savedSearches.find('s1')?.name).toBe('Uno');
      expect(() => savedSearches.update('nope', { name: 'x' }, 3000)).toThrow(expect.objectContaining({ failure: 'not-found' }));
      expect(() => savedSearches.update('s1', { query: '' }, 3000)).toThrow(expect.objectContaining({ failure: 'invalid-input' }));
    });

    it('deletes a search; deleting an unknown one is not-found', async () => {
      const { savedSearches } = await open();
      savedSearches.create(search('s1', 'ann', 'One'));
      savedSearches.delete('s1');
      expect(savedSearches.find('s1')).toBeUndefined();
      expect(() => savedSearches.delete('s1')).toThrow(expect.objectContaining({ failure: 'not-found' }));
    });

    it('refuses a search without an owner that exists, a name or a query', async () => {
      const { savedSearches } = await open();
      expect(() => savedSearches.create(search('s1', 'nobody', 'One'))).toThrow(expect.objectContaining({ name: 'StoreWriteError' }));
      expect(() => savedSearches.create(search('s2', 'ann', ''))).toThrow(/name/);
      expect(() => savedSearches.create(search('s3', 'ann', 'One', { query: '' }))).toThrow(/query/);
      expect(savedSearches.countOwnedBy('ann')).toBe(0);
    });
  });
}
