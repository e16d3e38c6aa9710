/**
 * Behaviour every {@link RuleStore} and {@link DetectionStore} backend must show; each backend's
 * test calls {@link ruleStoreConformance} with a harness opening its state store on fresh storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Detection } from '../../src/detect/detection.ts';
import type { StoredRule } from '../../src/store/rule-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import type { StateStoreHarness } from './state-store-conformance.ts';

function rule(id: string, extra: Partial<StoredRule> = {}): StoredRule {
  return {
    id, yaml: `title: Rule ${id}\nlogsource: {product: windows}\ndetection: {sel: {EventID: 1}, condition: sel}\n`, enabled: true,
    title: `Rule ${id}`, level: 'high', tags: ['attack.execution'], origin: 'bundled', state: 'active', updatedAt: 1000, ...extra,
  };
}

function detection(ruleId: string, eventTime: number, extra: Partial<Detection> = {}): Detection {
  return {
    ruleId, ruleTitle: `Rule ${ruleId}`, level: 'high', tags: ['attack.t1059.001'], eventSeqs: [eventTime], eventTime, detectedAt: eventTime + 5,
    why: { selections: ['sel'], fields: [{ selection: 'sel', field: 'EventID', value: '1' }] }, ...extra,
  };
}

export function ruleStoreConformance(name: string, makeHarness: () => Promise<StateStoreHarness>): void {
  describe(`RuleStore and DetectionStore conformance: ${name}`, () => {
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

    it('adds and replaces rules by id, keeps every field across reopening, and lists by title', async () => {
      const store = await open();
      expect(store.rules.upsert([rule('b', { title: 'beta' }), rule('a', { title: 'Alpha', reason: undefined, updatedBy: 'ann' })]))
        .toEqual({ added: 2, updated: 0 });
      const replaced = rule('b', { title: 'Beta', state: 'unsupported', reason: 'modifier |foo is unknown', enabled: false, origin: 'import:x.zip', tags: [] });
      expect(store.rules.upsert([replaced, rule('c', { title: 'gamma' })])).toEqual({ added: 1, updated: 1 });
      store.close();
      const again = await open();
      expect(again.rules.get('b')).toEqual(replaced);
      expect(again.rules.get('a')).toEqual(rule('a', { title: 'Alpha', updatedBy: 'ann' }));
      expect(again.rules.list().map((r) => r.title)).toEqual(['Alpha', 'Beta', 'gamma']);
      expect(again.rules.get('nope')).toBeUndefined();
    });

    it('refuses a malformed rule without storing any of the batch', async () => {
      const store = await open();
      expect(() => store.rules.upsert([rule('ok'), rule('bad', { level: 'severe' as never })])).toThrow(/level/);
      expect(() => store.rules.upsert([rule('', {})])).toThrow(/rule id/);
      expect(store.rules.list()).toEqual([]);
    });

    it('switches a rule between active and disabled, and keeps unsupported rules unsupported', async () => {
      const store = await open();
      store.rules.upsert([rule('r1'), rule('r2', { state: 'unsupported', reason: 'why not' })]);
      const off = store.rules.setEnabled('r1', false, 'ann');
      expect(off).toMatchObject({ id: 'r1', enabled: false, state: 'disabled', updatedBy: 'ann' });
      expect(store.rules.setEnabled('r1', true, 'bob')).toMatchObject({ enabled: true, state: 'active', updatedBy: 'bob' });
      expect(store.rules.setEnabled('r2', false, 'ann')).toMatchObject({ enabled: false, state: 'unsupported', reason: 'why not' });
      expect(store.rules.setEnabled('missing', true, 'ann')).toBeUndefined();
    });

    it('moves the version on every change, as seen from another connection', async () => {
      const store = await open();
      const start = store.rules.version();
      store.rules.upsert([rule('r1')]);
      const afterImport = store.rules.version();
      expect(afterImport).toBeGreaterThan(start);
      store.rules.setEnabled('r1', false, 'ann');
      const afterSwitch = store.rules.version();
      expect(afterSwitch).toBeGreaterThan(afterImport);
      const other = await open();
      expect(other.rules.version()).toBe(afterSwitch);
      expect(other.rules.remove('r1')).toBe(true);
      expect(store.rules.version()).toBeGreaterThan(afterSwitch);
      expect(store.rules.remove('r1')).toBe(false);
      expect(store.rules.setEnabled('r1', true, 'ann')).toBeUndefined();
      expect(store.rules.version()).toBe(other.rules.version());
    });

    it('stores detections with every field and lists them newest first with filters and paging', async () => {
      const store = await open();
      store.detections.add([
        detection('r1', 1000, { host: 'ws1', user: 'alice' }),
        detection('r2', 2000, { level: 'low' }),
        detection('r1', 3000, { level: 'critical', eventSeqs: [] }),
        detection('r3', 4000),
      ]);
      const all = store.detections.list({ limit: 10 });
      expect(all.map((d) => d.eventTime)).toEqual([4000, 3000, 2000, 1000]);
      expect(all[3]).toEqual({ id: all[3]!.id, ...detection('r1', 1000, { host: 'ws1', user: 'alice' }) });
      expect(store.detections.get(all[0]!.id)).toEqual(all[0]);
      expect(store.detections.get(999_999)).toBeUndefined();
      expect(store.detections.list({ limit: 10, ruleId: 'r1' }).map((d) => d.eventTime)).toEqual([3000, 1000]);
      expect(store.detections.list({ limit: 10, level: ['low', 'critical'] }).map((d) => d.eventTime)).toEqual([3000, 2000]);
      expect(store.detections.list({ limit: 10, from: 2000, to: 4000 }).map((d) => d.eventTime)).toEqual([3000, 2000]);
      const firstPage = store.detections.list({ limit: 2 });
      expect(firstPage.map((d) => d.eventTime)).toEqual([4000, 3000]);
      expect(store.detections.list({ limit: 2, before: firstPage[1]!.id }).map((d) => d.eventTime)).toEqual([2000, 1000]);
      expect(() => store.detections.list({ limit: 1, level: ['bogus' as never] })).toThrow(/level/);
    });

    it('counts hits per rule since a time and deletes old detections (retention)', async () => {
      const store = await open();
      store.detections.add([detection('r1', 1000), detection('r1', 5000), detection('r2', 6000), detection('r1', 7000)]);
      expect(store.detections.hitsByRule(5000)).toEqual(new Map([['r1', 2], ['r2', 1]]));
      expect(store.detections.deleteBefore(5006)).toBe(2);
      expect(store.detections.list({ limit: 10 }).map((d) => d.eventTime)).toEqual([7000, 6000]);
    });

    it('keeps long attacker-controlled values in why as excerpts', async () => {
      const store = await open();
      const long = 'A'.repeat(100_000);
      store.detections.add([detection('r1', 1000, { why: { selections: ['sel'], fields: [{ selection: 'sel', field: 'CommandLine', value: long }] } })]);
      const [stored] = store.detections.list({ limit: 1 });
      expect(stored!.why.fields[0]!.value.length).toBeLessThan(10_000);
      expect(stored!.why.fields[0]!.value.startsWith('AAAA')).toBe(true);
    });
  });
}
