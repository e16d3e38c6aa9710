import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSplitter, JsonStructureError } from './json-splitter.ts';
import { LineSplitter } from './line-splitter.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Cuts `bytes` at the given offsets (sorted, deduplicated) to simulate arbitrary chunking. */
function chunks(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.slice(at, p));
    at = p;
  }
  out.push(bytes.slice(at));
  return out;
}

function splitLines(text: string, max: number, cuts: number[] = []) {
  const lines: [number, string][] = [];
  const over: [number, number][] = [];
  const s = new LineSplitter(max, (b, n) => lines.push([n, dec.decode(b)]), (n, size) => over.push([n, size]));
  for (const c of chunks(enc.encode(text), cuts)) s.push(c);
  s.end();
  return { lines, over };
}

function splitJson(text: string, max: number, cuts: number[] = []) {
  const values: [number, string][] = [];
  const over: [number, number][] = [];
  const notices: string[] = [];
  const s = new JsonSplitter(max, (b, n) => values.push([n, dec.decode(b)]), (n, size) => over.push([n, size]), (_n, r) => notices.push(r));
  for (const c of chunks(enc.encode(text), cuts)) s.push(c);
  s.end();
  return { values, over, notices };
}

describe('LineSplitter', () => {
  it('splits LF and CRLF lines, keeps empty lines numbered, emits a last line without newline', () => {
    expect(splitLines('a\r\nb\n\nc', 100).lines).toEqual([[1, 'a'], [2, 'b'], [3, ''], [4, 'c']]);
  });

  it('keeps a bare CR that is not part of CRLF', () => {
    expect(splitLines('a\rb\n', 100).lines).toEqual([[1, 'a\rb']]);
  });

  it('accepts a line of exactly the limit (also with CRLF) and rejects one byte more with its full size', () => {
    const { lines, over } = splitLines(`${'x'.repeat(10)}\r\n${'y'.repeat(11)}\nz\n`, 10);
    expect(lines).toEqual([[1, 'x'.repeat(10)], [3, 'z']]);
    expect(over).toEqual([[2, 11]]);
  });

  it('counts an oversized line across many chunks without keeping it', () => {
    const big = 'q'.repeat(100_000);
    const { lines, over } = splitLines(`ok\n${big}\nafter`, 1000, Array.from({ length: 50 }, (_, i) => i * 2001 + 1));
    expect(over).toEqual([[2, 100_000]]);
    expect(lines).toEqual([[1, 'ok'], [3, 'after']]);
  });

  it('reassembles multi-byte UTF-8 characters cut by chunk boundaries', () => {
    const text = 'é€😀\nΩ\n';
    for (let cut = 0; cut <= enc.encode(text).length; cut++) {
      expect(splitLines(text, 100, [cut]).lines).toEqual([[1, 'é€😀'], [2, 'Ω']]);
    }
  });

  it('abandon() returns the cut partial line instead of emitting it', () => {
    const lines: string[] = [];
    const s = new LineSplitter(100, (b) => lines.push(dec.decode(b)), () => {});
    s.push(enc.encode('whole\npart'));
    expect(s.abandon()).toEqual({ line: 2, bytes: 4 });
    s.end();
    expect(lines).toEqual(['whole']);
  });

  it('gives the same lines however the input is chunked (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\r', '😀', ' '), maxLength: 20 }), { maxLength: 20 }),
        fc.array(fc.nat(400), { maxLength: 10 }),
        (parts, cuts) => {
          const text = parts.join('\n');
          const expected = splitLines(text, 1 << 20).lines;
          expect(splitLines(text, 1 << 20, cuts).lines).toEqual(expected);
          // Reference: plain split, trailing \r removed, no phantom line after a final newline.
          const ref = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
          if (text.endsWith('\n') || text === '') ref.pop();
          expect(expected.map(([, l]) => l)).toEqual(ref);
        },
      ),
    );
  });
});

describe('JsonSplitter', () => {
  it('splits a top-level array into its elements, scalars included', () => {
    const { values } = splitJson('[\n {"a": 1},\n {"b": [1, {"c": "]"}]},\n "s\\"x", 42, null\n]\n', 1000);
    expect(values.map(([, v]) => v)).toEqual(['{"a": 1}', '{"b": [1, {"c": "]"}]}', '"s\\"x"', '42', 'null']);
    expect(values.map(([n]) => n)).toEqual([2, 3, 4, 4, 4]);
  });

  it('splits CloudTrail {"Records": [...]} into one record per element', () => {
    const { values } = splitJson('{"Records":[{"eventName":"A"},{"eventName":"B"}]}', 1000);
    expect(values.map(([, v]) => JSON.parse(v).eventName)).toEqual(['A', 'B']);
  });

  it('says so when keys follow the Records array', () => {
    const { values, notices } = splitJson('{"Records": [{"a":1}], "Extra": true}', 1000);
    expect(values).toHaveLength(1);
    expect(notices[0]).toMatch(/after the "Records" array/);
  });

  it('treats an object whose first key is not Records as one record', () => {
    const doc = '{\n  "Other": [1, 2],\n  "Records": [3]\n}';
    expect(splitJson(doc, 1000).values).toEqual([[1, doc]]);
  });

  it('reads NDJSON saved as .json line by line from the first one-line object on', () => {
    const { values } = splitJson('{"a":1}\r\n{"b":2}\n\n{"c":\n{"d":4}', 1000);
    // The broken line stays a record of its own (the normalizer reports it) instead of swallowing
    // the rest of the file. Blank remainders are dropped later by the collector.
    expect(values.filter(([, v]) => v !== '')).toEqual([[1, '{"a":1}'], [2, '{"b":2}'], [4, '{"c":'], [5, '{"d":4}']]);
  });

  it('rejects a single document over the limit with its size, without buffering it', () => {
    const doc = `{"big": "${'x'.repeat(5000)}"}`;
    const { values, over } = splitJson(`[${doc}, {"small": 1}]`, 1000, [100, 2000, 4000]);
    expect(over).toEqual([[1, doc.length]]);
    expect(values).toEqual([[1, '{"small": 1}']]);
  });

  it('throws a clear error when the input stops inside a value', () => {
    expect(() => splitJson('[{"a": 1}, {"b": ', 1000)).toThrow(JsonStructureError);
    expect(() => splitJson('[{"a": 1}, {"b": ', 1000)).toThrow(/began at line 1/);
    expect(() => splitJson('[1]]', 1000)).toThrow(/unexpected ']' at line 1/);
  });

  it('skips a UTF-8 byte order mark', () => {
    expect(splitJson('\ufeff[{"a":1}]', 100).values).toEqual([[1, '{"a":1}']]);
  });

  it('gives the same records however an array is chunked (property)', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 8 }), fc.boolean(), fc.array(fc.nat(2000), { maxLength: 8 }), (items, pretty, cuts) => {
        const text = pretty ? JSON.stringify(items, null, 2) : JSON.stringify(items);
        const values = splitJson(text, 1 << 20, cuts).values;
        expect(values.map(([, v]) => JSON.parse(v))).toEqual(JSON.parse(text));
        // Each record's line number is the line its text starts on.
        const lines = text.split('\n');
        for (const [line, v] of values) expect(lines[line - 1]).toContain(v.split('\n')[0]);
      }),
    );
  });

  it('never throws anything but JsonStructureError on arbitrary input (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', 'a', '1', ' ', '\n'), maxLength: 60 }), (text) => {
        try {
          splitJson(text, 20, [7, 13]);
        } catch (err) {
          expect(err).toBeInstanceOf(JsonStructureError);
        }
      }),
    );
  });
});
