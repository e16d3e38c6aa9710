import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, chainEntry, entryHash, GENESIS_HASH, verifyChain } from './audit-chain.ts';
import type { AuditEntry, AuditRecord } from './audit-entry.ts';

function record(i: number, extra: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: 1_700_000_000_000 + i, actorKind: 'session', actorId: 'u1', actorName: 'ann', action: 'user.update',
    targetType: 'user', targetId: `u${i}`, outcome: 'success', address: '127.0.0.1', details: { status: 200, n: i }, ...extra,
  };
}

function chain(records: AuditRecord[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const r of records) entries.push(chainEntry(entries.at(-1), r));
  return entries;
}

const headOf = (entries: AuditEntry[]) => {
  const last = entries.at(-1);
  return last && { seq: last.seq, hash: last.hash };
};

const recordArb: fc.Arbitrary<AuditRecord> = fc.record({
  at: fc.integer({ min: 0, max: 4_000_000_000_000 }),
  actorKind: fc.constantFrom('session', 'token', 'anonymous', 'system'),
  actorId: fc.option(fc.string(), { nil: undefined }),
  actorName: fc.option(fc.string(), { nil: undefined }),
  action: fc.string({ minLength: 1 }),
  targetType: fc.option(fc.string(), { nil: undefined }),
  targetId: fc.option(fc.string(), { nil: undefined }),
  outcome: fc.constantFrom('success', 'denied', 'failure'),
  address: fc.option(fc.string(), { nil: undefined }),
  details: fc.dictionary(fc.string(), fc.jsonValue()),
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members like JSON.stringify', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[1,null]},"b":1}');
    expect(canonicalJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    expect(() => canonicalJson(1n)).toThrow(TypeError);
  });

  it('does not depend on key order', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
      const reversed = Object.fromEntries(Object.entries(value).reverse());
      expect(canonicalJson(reversed)).toBe(canonicalJson(value));
    }));
  });

  it('survives a JSON round trip unchanged, as the store keeps details as JSON text', () => {
    fc.assert(fc.property(fc.anything({ withDate: true, withNullPrototype: true, withObjectString: false, withBigInt: false }), (value) => {
      const text = canonicalJson(value);
      expect(canonicalJson(JSON.parse(text))).toBe(text);
    }));
  });
});

describe('hash chain', () => {
  it('starts at the genesis hash and links every entry to the previous one', () => {
    const entries = chain([record(1), record(2)]);
    expect(entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
    expect(entries[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyChain(entries, headOf(entries))).toEqual({ ok: true, checked: 2, head: headOf(entries), notes: [] });
  });

  it('does not depend on the key order of details or on absent versus null fields', () => {
    const a = record(1, { details: { x: 1, y: { b: 2, a: 1 } } });
    const b = record(1, { details: { y: { a: 1, b: 2 }, x: 1 } });
    expect(entryHash(GENESIS_HASH, { ...a, seq: 1 })).toBe(entryHash(GENESIS_HASH, { ...b, seq: 1 }));
    const { targetId: _dropped, ...withoutTarget } = a;
    expect(entryHash(GENESIS_HASH, { ...withoutTarget, seq: 1 })).not.toBe(entryHash(GENESIS_HASH, { ...a, seq: 1 }));
  });

  it('accepts an empty log without an anchor, refuses entries without one', () => {
    expect(verifyChain([], undefined)).toEqual({ ok: true, checked: 0, notes: [] });
    const report = verifyChain(chain([record(1)]), undefined);
    expect(report).toMatchObject({ ok: false, problem: { kind: 'anchor-missing' } });
  });

  it('names the edited entry', () => {
    const entries = chain([record(1), record(2), record(3)]);
    entries[1] = { ...entries[1]!, outcome: 'failure' };
    expect(verifyChain(entries, headOf(entries))).toEqual({
      ok: false, checked: 1, problem: { kind: 'edited', seq: 2, reason: 'entry 2 was changed after it was written: its hash does not match its content' },
    });
  });

  it('names deleted middle entries, and a deleted first entry', () => {
    const entries = chain([1, 2, 3, 4, 5].map((i) => record(i)));
    const withoutMiddle = [entries[0]!, entries[3]!, entries[4]!];
    expect(verifyChain(withoutMiddle, headOf(entries))).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 4, reason: 'entries 2 to 3 are missing (deleted) before entry 4' } });
    expect(verifyChain(entries.slice(1), headOf(entries))).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 2, reason: 'entry 1 is missing (deleted) before entry 2' } });
  });

  it('sees a deletion hidden by renumbering and rehashing the rest', () => {
    const entries = chain([1, 2, 3].map((i) => record(i)));
    // Remove entry 2 and rewrite entry 3 as a valid entry 2 on top of the original entry 2's link.
    const forged = chainEntry({ seq: 1, hash: entries[1]!.hash }, record(3));
    expect(verifyChain([entries[0]!, forged], undefined)).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 2 } });
  });

  it('sees reordered and duplicated entries', () => {
    const entries = chain([1, 2, 3].map((i) => record(i)));
    expect(verifyChain([entries[0]!, entries[2]!, entries[1]!], headOf(entries))).toMatchObject({ ok: false, problem: { kind: 'deleted', seq: 3 } });
    expect(verifyChain([entries[0]!, entries[1]!, entries[1]!], headOf(entries))).toMatchObject({ ok: false, problem: { kind: 'reordered', seq: 2 } });
    expect(verifyChain([entries[0]!, entries[1]!, entries[0]!], headOf(entries))).toMatchObject({ ok: false, problem: { kind: 'reordered', seq: 1 } });
  });

  it('uses the anchor to see deletion of the newest entries and a rewritten tail', () => {
    const entries = chain([1, 2, 3].map((i) => record(i)));
    const head = headOf(entries)!;
    expect(verifyChain(entries.slice(0, 2), head)).toMatchObject({ ok: false, problem: { kind: 'truncated', reason: expect.stringContaining('anchor records entry 3 but the log ends at entry 2') } });
    expect(verifyChain([], head)).toMatchObject({ ok: false, problem: { kind: 'truncated', reason: expect.stringContaining('the log is empty') } });
    const rewritten = [...entries.slice(0, 2), chainEntry(headOf(entries.slice(0, 2)), record(99))];
    expect(verifyChain(rewritten, head)).toMatchObject({ ok: false, problem: { kind: 'anchor-mismatch', seq: 3 } });
  });

  it('accepts an anchor that lags behind (crash between commit and anchor write) when its entry matches', () => {
    const entries = chain([1, 2, 3].map((i) => record(i)));
    const report = verifyChain(entries, { seq: 2, hash: entries[1]!.hash });
    expect(report).toMatchObject({ ok: true, checked: 3, notes: [expect.stringContaining('1 entry behind')] });
    expect(verifyChain(entries, { seq: 2, hash: entries[0]!.hash })).toMatchObject({ ok: false, problem: { kind: 'anchor-mismatch', seq: 2 } });
  });

  it('detects any single edit of any field of any entry', () => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat(), recordArb, (records, pick, fieldPick, other) => {
      const entries = chain(records);
      const index = pick % entries.length;
      const target = entries[index]!;
      const fields = ['at', 'actorKind', 'actorId', 'actorName', 'action', 'targetType', 'targetId', 'outcome', 'address', 'details'] as const;
      const field = fields[fieldPick % fields.length]!;
      const edited = { ...target, [field]: other[field] };
      fc.pre(canonicalJson(edited[field]) !== canonicalJson(target[field]));
      const tampered = entries.with(index, edited);
      const report = verifyChain(tampered, headOf(entries));
      expect(report).toMatchObject({ ok: false, problem: { kind: 'edited', seq: index + 1 } });
    }));
  });

  it('detects any single deletion, at the start, in the middle or at the end', () => {
    fc.assert(fc.property(fc.array(recordArb, { minLength: 1, maxLength: 8 }), fc.nat(), (records, pick) => {
      const entries = chain(records);
      const index = pick % entries.length;
      const report = verifyChain(entries.toSpliced(index, 1), headOf(entries));
      expect(report.ok).toBe(false);
      const expected = index === entries.length - 1 ? 'truncated' : 'deleted';
      expect(report).toMatchObject({ problem: { kind: expected } });
    }));
  });

  it('accepts every untouched chain', () => {
    fc.assert(fc.property(fc.array(recordArb, { maxLength: 10 }), (records) => {
      const entries = chain(records);
      expect(verifyChain(entries, headOf(entries))).toMatchObject({ ok: true, checked: entries.length });
    }));
  });
});
