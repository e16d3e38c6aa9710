/**
 * Behaviour every {@link EventStore} backend must show. Written once; each backend's test file calls
 * {@link eventStoreConformance} with a harness that opens its store on fresh storage.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventFields } from '../../src/core/event.ts';
import type { EventStore, StoredEvent } from '../../src/store/event-store.ts';

export interface EventStoreHarness {
  /** Opens a store on the harness's storage (empty on the first call). */
  open(): Promise<EventStore>;
  /** Opens the same storage with a failure injected after rows are written and before commit. */
  openFailingBeforeCommit(): Promise<EventStore>;
  /** Removes the storage. */
  cleanup(): Promise<void>;
}

const DAY = 86_400_000;
/** 2026-11-23T00:00:00Z. */
export const T0 = Date.UTC(2026, 10, 23);

/** A realistic event: Windows process creation with ~20 ECS fields. */
export function makeEvent(seq: number, overrides: Partial<StoredEvent> = {}, extraFields: EventFields = {}): StoredEvent {
  const timestamp = overrides.timestamp ?? T0 + seq * 1000;
  const fields: EventFields = {
    '@timestamp': Number.isFinite(timestamp) ? new Date(timestamp).toISOString() : 'invalid',
    'host.name': `host-${seq % 7}`,
    'event.code': '4688',
    'event.category': ['process'],
    'event.type': ['start'],
    'event.action': 'created-process',
    'event.outcome': 'success',
    'user.name': `user${seq % 3}`,
    'process.name': 'cmd.exe',
    'process.pid': 1000 + seq,
    'process.command_line': `cmd.exe /c whoami ${seq}`,
    'winlog.channel': 'Security',
    'winlog.event_id': 4688,
    'source.ip': '10.0.0.1',
    message: `A new process has been created (${seq}).`,
    ...extraFields,
  };
  return {
    seq,
    timestamp,
    receivedAt: overrides.receivedAt ?? timestamp + 5,
    source: 'winlog',
    sourceType: 'windows',
    fields,
    original: JSON.stringify({ EventID: 4688, seq }),
    ...overrides,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function eventStoreConformance(name: string, makeHarness: () => Promise<EventStoreHarness>): void {
  describe(`EventStore conformance: ${name}`, () => {
    let harness: EventStoreHarness | undefined;
    const opened: EventStore[] = [];
    async function open(failing = false): Promise<EventStore> {
      harness ??= await makeHarness();
      const store = failing ? await harness.openFailingBeforeCommit() : await harness.open();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await harness?.cleanup();
      harness = undefined;
    });

    it('starts empty', async () => {
      const store = await open();
      expect(await store.lastSeq()).toBe(0);
      expect(await store.query({})).toEqual([]);
      const stats = await store.stats();
      expect(stats.events).toBe(0);
      expect(stats.partitions).toBe(0);
      expect(stats.oldest).toBeUndefined();
    });

    it('stores events and reads them back unchanged, newest first', async () => {
      const store = await open();
      const events = [
        makeEvent(1),
        makeEvent(2, { parseError: 'no parser recognised this record', sourceType: 'raw' }),
        makeEvent(3, {}, { 'event.category': ['process', 'network'], flag: true, nothing: null, ratio: 0.25, 'related.ip': ['10.0.0.1', '::1'] }),
        makeEvent(4, { original: 'zero\u0000byte ünïcødé 🦆 "quotes" \\ back' }, { message: 'line1\nline2\ttab', 'host.name': '' }),
        makeEvent(5, {}, { 'event.code': 4625, 'host.name': ['only-one'] }),
      ];
      await store.append(events);
      expect(await store.lastSeq()).toBe(5);
      const read = await store.query({});
      expect(read.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
      expect(read).toEqual([...events].reverse());
    });

    it('orders by event time, not by sequence, breaking ties by newest seq', async () => {
      const store = await open();
      await store.append([
        makeEvent(1, { timestamp: T0 + 5000 }),
        makeEvent(2, { timestamp: T0 + 1000 }),
        makeEvent(3, { timestamp: T0 + 5000 }),
        makeEvent(4, { timestamp: T0 - 3 * DAY, receivedAt: T0 + 10 }),
      ]);
      expect((await store.query({})).map((e) => e.seq)).toEqual([3, 1, 2, 4]);
    });

    it('is idempotent by seq: replays and overlaps store nothing twice', async () => {
      const store = await open();
      const batch = range(1, 10).map((s) => makeEvent(s));
      await store.append(batch);
      await store.append(batch);
      await store.append(range(6, 15).map((s) => makeEvent(s)));
      expect(await store.lastSeq()).toBe(15);
      const all = await store.query({});
      expect(all.map((e) => e.seq).sort((a, b) => a - b)).toEqual(range(1, 15));
      expect((await store.stats()).events).toBe(15);
      await store.append([]);
      expect(await store.lastSeq()).toBe(15);
    });

    it('refuses malformed batches without storing any of them', async () => {
      const store = await open();
      await expect(store.append([makeEvent(2), makeEvent(1)])).rejects.toThrow(/ascending/);
      await expect(store.append([makeEvent(1), makeEvent(1)])).rejects.toThrow(/ascending/);
      await expect(store.append([makeEvent(1), makeEvent(2, { timestamp: Number.NaN })])).rejects.toThrow(/timestamp/);
      await expect(store.append([makeEvent(0)])).rejects.toThrow(/seq/);
      await expect(store.append([makeEvent(1.5)])).rejects.toThrow(/seq/);
      expect(await store.lastSeq()).toBe(0);
      expect(await store.query({})).toEqual([]);
    });

    it('filters by time range: from inclusive, to exclusive', async () => {
      const store = await open();
      await store.append(range(1, 10).map((s) => makeEvent(s)));
      const seqs = async (from?: number, to?: number) => (await store.query({ from, to })).map((e) => e.seq);
      expect(await seqs(T0 + 3000, T0 + 6000)).toEqual([5, 4, 3]);
      expect(await seqs(T0 + 9000)).toEqual([10, 9]);
      expect(await seqs(undefined, T0 + 2000)).toEqual([1]);
      expect(await seqs(T0 + 6000, T0 + 3000)).toEqual([]);
      expect(await seqs(T0 + 20 * DAY)).toEqual([]);
    });

    it('filters by columns, promoted fields and any other field, all conditions together', async () => {
      const store = await open();
      await store.append([
        makeEvent(1, { source: 'fw', sourceType: 'syslog' }),
        makeEvent(2, {}, { 'winlog.event_data.TargetUserName': 'alice', 'event.code': 4624 }),
        makeEvent(3, {}, { 'user.name': ['alice', 'bob'], 'related.user': ['carol', 'dave'] }),
        makeEvent(4, {}, { 'host.name': 'dc-01', 'event.outcome': 'failure' }),
      ]);
      const seqs = async (equals: Record<string, string>) => (await store.query({ equals })).map((e) => e.seq);
      expect(await seqs({ source: 'fw' })).toEqual([1]);
      expect(await seqs({ sourceType: 'syslog' })).toEqual([1]);
      expect(await seqs({ 'host.name': 'dc-01' })).toEqual([4]);
      expect(await seqs({ 'host.name': 'dc-01', 'event.outcome': 'success' })).toEqual([]);
      expect(await seqs({ 'winlog.event_data.TargetUserName': 'alice' })).toEqual([2]);
      // Numbers compare by their text; arrays match when any element does.
      expect(await seqs({ 'event.code': '4624' })).toEqual([2]);
      expect(await seqs({ 'winlog.event_id': '4688' })).toEqual([4, 3, 2, 1]);
      expect(await seqs({ 'user.name': 'bob' })).toEqual([3]);
      expect(await seqs({ 'related.user': 'dave' })).toEqual([3]);
      expect(await seqs({ 'event.category': 'process' })).toEqual([4, 3, 2, 1]);
      expect(await seqs({ 'no.such.field': 'x' })).toEqual([]);
    });

    it('treats query values as data and refuses unsafe field names', async () => {
      const store = await open();
      await store.append([makeEvent(1, {}, { note: "it's \"quoted\"" })]);
      expect((await store.query({ equals: { note: "it's \"quoted\"" } })).map((e) => e.seq)).toEqual([1]);
      expect(await store.query({ equals: { 'host.name': "' OR 1=1 --" } })).toEqual([]);
      for (const field of ['a"b', "x') OR 1=1 --", 'a b', '', 'a\\b', '$.x', 'é']) {
        await expect(store.query({ equals: { [field]: 'x' } })).rejects.toThrow(/field name/);
      }
      await expect(store.query({ equals: { note: 5 as unknown as string } })).rejects.toThrow(/string/);
      await expect(store.query({ from: Number.NaN })).rejects.toThrow(/from/);
      await expect(store.query({ limit: -1 })).rejects.toThrow(/limit/);
    });

    it('applies and caps the limit', async () => {
      const store = await open();
      await store.append(range(1, 30).map((s) => makeEvent(s)));
      expect((await store.query({ limit: 3 })).map((e) => e.seq)).toEqual([30, 29, 28]);
      expect(await store.query({ limit: 0 })).toEqual([]);
      expect(await store.query({ limit: 1e12 })).toHaveLength(30);
    });

    it('keeps everything across close and reopen', async () => {
      let store = await open();
      await store.append(range(1, 5).map((s) => makeEvent(s)));
      await store.close();
      store = await open();
      expect(await store.lastSeq()).toBe(5);
      expect(await store.query({})).toHaveLength(5);
      await store.append(range(4, 8).map((s) => makeEvent(s)));
      expect((await store.stats()).events).toBe(8);
    });

    it('reports stats', async () => {
      const store = await open();
      await store.append([makeEvent(1, { timestamp: T0 - 1000 }), makeEvent(2), makeEvent(3, { receivedAt: T0 + 2 * DAY })]);
      const stats = await store.stats();
      expect(stats).toMatchObject({ events: 3, oldest: T0 - 1000, newest: T0 + 3000 });
      expect(stats.partitions).toBeGreaterThanOrEqual(1);
      expect(stats.bytes).toBeGreaterThan(0);
    });

    it('removes events by age, by whole days of receipt', async () => {
      const store = await open();
      const received = (daysAgo: number) => T0 - daysAgo * DAY + 3_600_000;
      await store.append([
        makeEvent(1, { receivedAt: received(10) }),
        makeEvent(2, { receivedAt: received(10) }),
        makeEvent(3, { receivedAt: received(5) }),
        makeEvent(4, { receivedAt: received(1) }),
        makeEvent(5, { receivedAt: received(0), timestamp: 0 }),
      ]);
      expect(await store.enforceRetention({ maxAgeDays: 0, maxBytes: 0 }, T0)).toBe(0);
      expect(await store.enforceRetention({ maxAgeDays: 7, maxBytes: 0 }, T0)).toBe(2);
      expect((await store.query({})).map((e) => e.seq)).toEqual([4, 3, 5]);
      expect(await store.enforceRetention({ maxAgeDays: 2, maxBytes: 0 }, T0)).toBe(1);
      expect((await store.stats()).events).toBe(2);
      // Receipt decides age: the event stamped 1970 but received today stays.
      expect((await store.query({ equals: { 'host.name': 'host-5' } })).map((e) => e.seq)).toEqual([5]);
      expect(await store.lastSeq()).toBe(5);
    });

    it('removes the oldest days by size and keeps the newest', async () => {
      const store = await open();
      const big = 'x'.repeat(2000);
      let seq = 0;
      for (let day = 0; day < 6; day++) {
        await store.append(range(1, 300).map(() => {
          seq++;
          return makeEvent(seq, { receivedAt: T0 + day * DAY, original: `${big}${seq}`, timestamp: T0 + day * DAY });
        }));
      }
      const before = await store.stats();
      const removed = await store.enforceRetention({ maxAgeDays: 0, maxBytes: 1 }, T0 + 6 * DAY);
      const after = await store.stats();
      expect(removed).toBe(1500);
      expect(after.events).toBe(300);
      expect(after.oldest).toBe(T0 + 5 * DAY);
      expect(after.bytes).toBeLessThan(before.bytes);
      expect(await store.enforceRetention({ maxAgeDays: 0, maxBytes: 1e15 }, T0 + 6 * DAY)).toBe(0);
    });

    it('keeps a batch all or nothing when the write fails before commit', async () => {
      let store = await open();
      await store.append(range(1, 3).map((s) => makeEvent(s)));
      await store.close();
      store = await open(true);
      const batch = range(4, 3000).map((s) => makeEvent(s, { receivedAt: T0 + (s % 3) * DAY }));
      await expect(store.append(batch)).rejects.toThrow(/injected|failed/);
      expect(await store.lastSeq()).toBe(3);
      expect((await store.query({})).map((e) => e.seq)).toEqual([3, 2, 1]);
      expect((await store.stats()).events).toBe(3);
      await store.close();
      store = await open();
      expect(await store.lastSeq()).toBe(3);
      await store.append(batch);
      expect((await store.stats()).events).toBe(3000);
    });

    it('round-trips arbitrary field values and text', async () => {
      const store = await open();
      const scalar = fc.oneof(fc.string({ unit: 'grapheme' }), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }));
      const value = fc.oneof(scalar, fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxLength: 4 }));
      const key = fc.stringMatching(/^[a-z][a-z0-9_.]{0,20}$/);
      let seq = 0;
      await fc.assert(fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 25 }), fc.string({ unit: 'grapheme' }), async (fields, original) => {
        seq++;
        const event = makeEvent(seq, { fields: JSON.parse(JSON.stringify(fields)) as EventFields, original });
        await store.append([event]);
        const [read] = await store.query({ limit: 1 });
        expect(read).toEqual(event);
      }), { numRuns: 60 });
    });

    it('refuses work after close', async () => {
      const store = await open();
      await store.close();
      await expect(store.append([makeEvent(1)])).rejects.toThrow(/closed/);
      await expect(store.query({})).rejects.toThrow(/closed/);
    });
  });
}
