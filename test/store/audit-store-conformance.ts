/**
 * Behaviour every {@link AuditStore} backend must show; each backend's test calls
 * {@link auditStoreConformance} with a harness opening its state store on fresh storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyChain } from '../../src/audit/audit-chain.ts';
import type { AuditRecord } from '../../src/audit/audit-entry.ts';
import { MAX_AUDIT_PAGE } from '../../src/store/audit-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import type { StateStoreHarness } from './state-store-conformance.ts';

const T0 = 1_700_000_000_000;

function record(i: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: T0 + i * 1000, actorKind: 'session', actorId: 'u1', actorName: 'Ann', action: 'user.update', targetType: 'user', targetId: `u${i}`,
    outcome: 'success', address: '192.0.2.1', details: { status: 200, after: { role: 'viewer', note: `change ${i}` } }, ...extra,
  };
}

export function auditStoreConformance(name: string, makeHarness: () => Promise<StateStoreHarness>): void {
  describe(`AuditStore conformance: ${name}`, () => {
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

    it('appends entries with consecutive numbers on an intact chain and records the head', async () => {
      const { audit } = await open();
      expect(audit.readAnchor()).toBeUndefined();
      const first = audit.append(record(1));
      const second = audit.append(record(2, { actorKind: 'anonymous', actorId: undefined, actorName: 'mallory', outcome: 'failure' }));
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash, actorName: 'mallory' });
      expect(second).not.toHaveProperty('actorId');
      expect(audit.readAnchor()).toEqual({ seq: 2, hash: second.hash });
      const all = [...audit.entries()];
      expect(all).toEqual([first, second]);
      expect(verifyChain(all, audit.readAnchor())).toMatchObject({ ok: true, checked: 2 });
    });

    it('keeps entries and the chain across reopening', async () => {
      const store = await open();
      store.audit.append(record(1));
      store.close();
      const again = await open();
      const third = again.audit.append(record(2));
      expect(third.seq).toBe(2);
      expect(verifyChain(again.audit.entries(), again.audit.readAnchor())).toMatchObject({ ok: true, checked: 2 });
    });

    it('stores details as JSON values, so the hash verifies after reading back', async () => {
      const { audit } = await open();
      audit.append(record(1, { details: { when: new Date(0), missing: undefined, list: [undefined, 1], nested: { z: 1, a: -0 } } }));
      const [entry] = [...audit.entries()];
      expect(entry!.details).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [null, 1], nested: { a: 0, z: 1 } });
      expect(verifyChain([entry!], audit.readAnchor())).toMatchObject({ ok: true });
    });

    it('refuses malformed records', async () => {
      const { audit } = await open();
      expect(() => audit.append({ ...record(1), action: '' })).toThrow(/action/);
      expect(() => audit.append({ ...record(1), outcome: 'maybe' as never })).toThrow(/outcome/);
      expect(() => audit.append({ ...record(1), actorKind: 'robot' as never })).toThrow(/actor kind/);
      expect(() => audit.append({ ...record(1), at: 1.5 })).toThrow(/at/);
      expect(() => audit.append({ ...record(1), details: [] as never })).toThrow(/details/);
      expect([...audit.entries()]).toEqual([]);
    });

    it('searches newest first with each filter, and pages by cursor', async () => {
      const { audit } = await open();
      audit.append(record(1, { action: 'user.create' }));
      audit.append(record(2, { action: 'role.update', targetType: 'role', targetId: 'auditors' }));
      audit.append(record(3, { action: 'auth.login', actorKind: 'anonymous', actorId: undefined, actorName: 'mallory', outcome: 'failure', details: { note: 'invalid credentials' } }));
      audit.append(record(4, { action: 'user.update', outcome: 'denied' }));
      audit.append(record(5, { action: 'user_x', details: { text: '100% sure' } }));
      const seqs = (q: Parameters<typeof audit.search>[0]) => audit.search(q).entries.map((e) => e.seq);
      expect(seqs({})).toEqual([5, 4, 3, 2, 1]);
      expect(seqs({ from: T0 + 2000, to: T0 + 4000 })).toEqual([3, 2]);
      expect(seqs({ actor: 'ann' })).toEqual([5, 4, 2, 1]);
      expect(seqs({ actor: 'u1' })).toEqual([5, 4, 2, 1]);
      expect(seqs({ actor: 'MALLORY' })).toEqual([3]);
      expect(seqs({ action: 'user.' })).toEqual([4, 1]);
      expect(seqs({ action: 'user_' })).toEqual([5]);
      expect(seqs({ targetType: 'role', targetId: 'auditors' })).toEqual([2]);
      expect(seqs({ outcome: 'denied' })).toEqual([4]);
      expect(seqs({ text: 'INVALID cred' })).toEqual([3]);
      expect(seqs({ text: '100%' })).toEqual([5]);
      expect(seqs({ text: '%' })).toEqual([5]);
      expect(seqs({ text: 'auditors' })).toEqual([2]);
      const page1 = audit.search({ limit: 2 });
      expect(page1.entries.map((e) => e.seq)).toEqual([5, 4]);
      expect(page1.nextCursor).toBe(4);
      const page2 = audit.search({ limit: 2, before: page1.nextCursor });
      expect(page2.entries.map((e) => e.seq)).toEqual([3, 2]);
      const page3 = audit.search({ limit: 2, before: page2.nextCursor });
      expect(page3).toEqual({ entries: [expect.objectContaining({ seq: 1 })] });
    });

    it('bounds the page size', async () => {
      const { audit } = await open();
      for (let i = 0; i < MAX_AUDIT_PAGE + 5; i++) audit.append(record(i));
      expect(audit.search({ limit: 10_000 }).entries).toHaveLength(MAX_AUDIT_PAGE);
      expect(audit.search({ limit: 0 }).entries).toHaveLength(1);
    });

    it('walks every entry in order across pages, or a time range', async () => {
      const { audit } = await open();
      const count = 1234;
      for (let i = 0; i < count; i++) audit.append(record(i));
      const seqs = [...audit.entries()].map((e) => e.seq);
      expect(seqs).toHaveLength(count);
      expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
      expect(verifyChain(audit.entries(), audit.readAnchor())).toMatchObject({ ok: true, checked: count });
      const range = [...audit.entries({ from: T0 + 10_000, to: T0 + 20_000 })].map((e) => e.seq);
      expect(range).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    });
  });
}
