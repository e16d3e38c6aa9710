import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SyslogFrameDecoder, stripTrailer, truncateUtf8, type Frame } from './framing.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string): Uint8Array => enc.encode(s);
const texts = (frames: Frame[]): string[] => frames.map((f) => dec.decode(f.bytes));

function decodeAll(chunks: Uint8Array[], max = 1024): { frames: Frame[]; errors: string[] } {
  const d = new SyslogFrameDecoder({ maxMessageBytes: max });
  const frames: Frame[] = [];
  const errors: string[] = [];
  for (const c of [...chunks.map((c) => d.push(c)), d.end()]) {
    frames.push(...c.frames);
    if (c.error) errors.push(c.error.reason);
  }
  return { frames, errors };
}

describe('SyslogFrameDecoder', () => {
  it('decodes LF, CRLF and NUL trailers', () => {
    const { frames, errors } = decodeAll([bytes('<13>a\n<13>b\r\n<13>c\0<13>d')]);
    expect(texts(frames)).toEqual(['<13>a', '<13>b', '<13>c', '<13>d']);
    expect(frames.every((f) => f.framing === 'lf')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('decodes octet counting, including LF inside a message', () => {
    const { frames } = decodeAll([bytes('9 <13>a\nb c8 <13>defg')]);
    expect(texts(frames)).toEqual(['<13>a\nb c', '<13>defg']);
    expect(frames.map((f) => f.framing)).toEqual(['octet-counting', 'octet-counting']);
  });

  it('detects the framing per frame, so one connection may mix them', () => {
    const { frames } = decodeAll([bytes('<13>lf\n6 <13>oc<13>lf2\n')]);
    expect(texts(frames)).toEqual(['<13>lf', '<13>oc', '<13>lf2']);
  });

  it('strips one trailer from octet-counted frames and skips empty frames', () => {
    const { frames } = decodeAll([bytes('7 <13>ab\n\n\r\n7 <13>cd\0')]);
    expect(texts(frames)).toEqual(['<13>ab', '<13>cd']);
  });

  it('reassembles frames split byte by byte', () => {
    const input = bytes('12 <13>abcdefgh<13>xyz\r\n');
    const { frames } = decodeAll([...input].map((b) => Uint8Array.of(b)));
    expect(texts(frames)).toEqual(['<13>abcdefgh', '<13>xyz']);
  });

  it('cuts an oversized LF frame at the limit and discards the rest up to the LF', () => {
    const long = 'x'.repeat(100);
    const { frames } = decodeAll([bytes(`<13>${long}`), bytes(`${long}\n<13>next\n`)], 50);
    expect(texts(frames)).toEqual([`<13>${'x'.repeat(46)}`, '<13>next']);
    expect(frames[0]?.truncated).toEqual({});
    expect(frames[1]?.truncated).toBeUndefined();
  });

  it('cuts an oversized LF frame arriving in one chunk and reports its length', () => {
    const { frames } = decodeAll([bytes(`${'y'.repeat(60)}\n<13>ok\n`)], 50);
    expect(texts(frames)).toEqual(['y'.repeat(50), '<13>ok']);
    expect(frames[0]?.truncated).toEqual({ originalBytes: 60 });
  });

  it('keeps a message of exactly the limit followed by CRLF whole', () => {
    const msg = 'z'.repeat(50);
    const { frames } = decodeAll([bytes(`${msg}\r`), bytes('\n')], 50);
    expect(texts(frames)).toEqual([msg]);
    expect(frames[0]?.truncated).toBeUndefined();
  });

  it('cuts an oversized octet-counted frame but stays in sync', () => {
    const body = `<13>${'q'.repeat(96)}`;
    const { frames, errors } = decodeAll([bytes(`100 ${body}`), bytes('7 <13>end')], 50);
    expect(texts(frames)).toEqual([body.slice(0, 50), '<13>end']);
    expect(frames[0]?.truncated).toEqual({ originalBytes: 100 });
    expect(errors).toEqual([]);
  });

  it('never cuts inside a UTF-8 character', () => {
    const { frames } = decodeAll([bytes(`${'a'.repeat(49)}€€\n`)], 50);
    expect(texts(frames)).toEqual(['a'.repeat(49)]);
  });

  it('fails on a bad octet count after delivering earlier frames', () => {
    const d = new SyslogFrameDecoder({ maxMessageBytes: 100 });
    const r = d.push(bytes('<13>ok\n12x <13>rest of it'));
    expect(texts(r.frames)).toEqual(['<13>ok']);
    expect(r.error?.reason).toMatch(/invalid octet count.*0x78 after "12"/);
    expect(r.error?.discardedBytes).toBe(18);
    expect(d.failed).toBe(true);
    expect(d.push(bytes('<13>more\n')).frames).toEqual([]);
  });

  it('fails on an octet count with too many digits', () => {
    const r = new SyslogFrameDecoder({ maxMessageBytes: 100 }).push(bytes('123456789012 x'));
    expect(r.error?.reason).toMatch(/more than 10 digits/);
  });

  it('returns an unterminated LF frame at end of stream', () => {
    expect(texts(decodeAll([bytes('<13>a\n<13>last')]).frames)).toEqual(['<13>a', '<13>last']);
  });

  it('returns a partial octet-counted frame at end of stream marked incomplete, with an error', () => {
    const { frames, errors } = decodeAll([bytes('20 <13>only')]);
    expect(texts(frames)).toEqual(['<13>only']);
    expect(frames[0]?.incomplete).toEqual({ expectedBytes: 20, receivedBytes: 8 });
    expect(errors).toEqual(['stream ended inside an octet-counted frame after 8 of 20 bytes']);
  });

  it('reports a stream that ends inside an octet count', () => {
    expect(decodeAll([bytes('<13>a\n12')]).errors).toEqual(['stream ended inside an octet count ("12")']);
  });

  it('keeps invalid UTF-8 bytes as they are (decoding is the caller\'s job)', () => {
    const { frames } = decodeAll([Uint8Array.of(0x3c, 0x31, 0x3e, 0xff, 0xfe, 0x0a)]);
    expect([...(frames[0]?.bytes ?? [])]).toEqual([0x3c, 0x31, 0x3e, 0xff, 0xfe]);
  });

  it('rejects a nonsensical limit', () => {
    expect(() => new SyslogFrameDecoder({ maxMessageBytes: 0 })).toThrow(/positive integer/);
  });
});

describe('helpers', () => {
  it('stripTrailer removes exactly one trailer', () => {
    expect(dec.decode(stripTrailer(bytes('a\r\n')))).toBe('a');
    expect(dec.decode(stripTrailer(bytes('a\n\n')))).toBe('a\n');
    expect(dec.decode(stripTrailer(bytes('a\0')))).toBe('a');
    expect(dec.decode(stripTrailer(bytes('a')))).toBe('a');
    expect(stripTrailer(bytes('')).length).toBe(0);
  });

  it('truncateUtf8 backs up to a character boundary', () => {
    expect(dec.decode(truncateUtf8(bytes('ab😀'), 5))).toBe('ab');
    expect(dec.decode(truncateUtf8(bytes('ab😀'), 6))).toBe('ab😀');
  });
});

// Messages as senders produce them: no trailer characters inside LF-framed ones, anything (but empty
// or trailer-ending) inside octet-counted ones.
const safeChar = fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme' }).filter((c) => !/[\n\r\0]/.test(c));
const message = fc.tuple(
  fc.constantFrom('<13>', '<165>1 ', '<0>'),
  fc.array(safeChar, { maxLength: 40 }).map((a) => a.join('')),
).map(([pri, rest]) => pri + rest);

describe('property: framing round trip', () => {
  it('any messages, either framing, any chunking decode to the same messages', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(message, fc.constantFrom('octet', 'lf', 'crlf', 'nul')), { minLength: 1, maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (msgs, cuts) => {
        const stream = msgs.map(([m, how]) => {
          const b = bytes(m);
          if (how === 'octet') return `${b.length} ${m}`;
          return m + (how === 'lf' ? '\n' : how === 'crlf' ? '\r\n' : '\0');
        }).join('');
        const all = bytes(stream);
        const points = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, all.length]) {
          chunks.push(all.subarray(prev, p));
          prev = p;
        }
        const { frames, errors } = decodeAll(chunks, 4096);
        expect(errors).toEqual([]);
        expect(texts(frames)).toEqual(msgs.map(([m]) => m));
        expect(frames.every((f) => !f.truncated)).toBe(true);
      },
    ), { numRuns: 500 });
  });

  it('never throws and never keeps more than the limit on arbitrary bytes', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), fc.integer({ min: 1, max: 64 }), (chunks, max) => {
      const { frames } = decodeAll(chunks, max);
      for (const f of frames) expect(f.bytes.length).toBeLessThanOrEqual(max);
    }), { numRuns: 500 });
  });
});
