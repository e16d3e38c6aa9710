import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HecAckRegistry } from './hec-acks.ts';
import { splitConcatenatedJson } from './json-stream.ts';

describe('splitConcatenatedJson', () => {
  it('recovers every object of a concatenation, whatever the separators and string contents', () => {
    const object = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    const sep = fc.constantFrom('', ' ', '\n', '\r\n', '\t\n ');
    fc.assert(fc.property(fc.array(fc.tuple(object, sep), { maxLength: 6 }), (parts) => {
      const text = parts.map(([o, s]) => JSON.stringify(o) + s).join('');
      const result = splitConcatenatedJson(text, 10);
      expect(result.ok).toBe(true);
      // Compared with what JSON can carry (-0 becomes 0 in JSON text), not with the generated value itself.
      if (result.ok) expect(result.objects.map((t) => JSON.parse(t))).toEqual(parts.map(([o]) => JSON.parse(JSON.stringify(o))));
    }), { numRuns: 500 });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const result = splitConcatenatedJson(text, 4);
      expect(typeof result.ok).toBe('boolean');
    }), { numRuns: 2000 });
  });

  it('names the broken object and the reason', () => {
    expect(splitConcatenatedJson('{"a":1} [1]', 5)).toEqual({ ok: false, index: 1, reason: "expected '{' at offset 8" });
    expect(splitConcatenatedJson('{"a":"}', 5)).toEqual({ ok: false, index: 0, reason: 'unterminated JSON object' });
    expect(splitConcatenatedJson('{"a":[[1]]}', 2)).toEqual({ ok: false, index: 0, reason: 'JSON nested deeper than 2 levels' });
    expect(splitConcatenatedJson('{"a":"\\"}"}{}', 2)).toEqual({ ok: true, objects: ['{"a":"\\"}"}', '{}'] });
  });

  it('rejects a million nested brackets quickly without recursion', () => {
    const result = splitConcatenatedJson('{"a":' + '['.repeat(1_000_000), 32);
    expect(result).toMatchObject({ ok: false, reason: 'JSON nested deeper than 32 levels' });
  });
});

describe('HecAckRegistry', () => {
  it('evicts the least recently used channel beyond the channel limit', () => {
    const acks = new HecAckRegistry(2, 10);
    acks.add('a', 1);
    acks.add('b', 2);
    acks.query('a', [], () => true); // touch a: b is now the oldest
    acks.add('c', 3);
    expect(acks.size).toBe(2);
    expect(acks.query('b', [0], () => true)).toEqual({ 0: false });
    expect(acks.query('a', [0], () => true)).toEqual({ 0: true });
  });

  it('bounds unqueried acks per channel', () => {
    const acks = new HecAckRegistry(5, 2);
    acks.add('a', 1);
    expect(acks.hasRoom('a')).toBe(true);
    acks.add('a', 2);
    expect(acks.hasRoom('a')).toBe(false);
    expect(acks.query('a', [0, 1], (seq) => seq <= 1)).toEqual({ 0: true, 1: false });
    expect(acks.hasRoom('a')).toBe(true);
  });
});
