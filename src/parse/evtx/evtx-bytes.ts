/**
 * Bounds-checked little-endian reading over one EVTX chunk (or the file header), and the reader's
 * error type. Every read past the end throws {@link EvtxError}, so damaged input never surfaces as a
 * RangeError from a DataView.
 */

/** Anything wrong with EVTX input: not an EVTX file, a truncated header, a damaged chunk or record. */
export class EvtxError extends Error {
  override name = 'EvtxError';
}

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  pos: number;

  constructor(bytes: Uint8Array, pos = 0) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = pos;
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws unless `n` bytes can be read at `at`. */
  need(at: number, n: number): void {
    if (at < 0 || n < 0 || at + n > this.bytes.length) {
      throw new EvtxError(`data ends early: ${n} bytes wanted at offset ${at} of ${this.bytes.length}`);
    }
  }

  u8(): number {
    this.need(this.pos, 1);
    return this.bytes[this.pos++] as number;
  }

  u16(): number {
    this.need(this.pos, 2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(this.pos, 4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u16At(at: number): number {
    this.need(at, 2);
    return this.view.getUint16(at, true);
  }

  u32At(at: number): number {
    this.need(at, 4);
    return this.view.getUint32(at, true);
  }

  /** A 64-bit unsigned value as a bigint (record ids, FILETIMEs). */
  u64At(at: number): bigint {
    this.need(at, 8);
    return this.view.getBigUint64(at, true);
  }

  skip(n: number): void {
    this.need(this.pos, n);
    this.pos += n;
  }

  /** `chars` UTF-16LE code units at `at`. */
  utf16At(at: number, chars: number): string {
    this.need(at, chars * 2);
    return utf16(this.view, at, chars);
  }
}

/** Code units per String.fromCharCode call: well below engines' argument limits. */
const DECODE_STEP = 4096;
const units: number[] = [];

/**
 * Decodes UTF-16LE without TextDecoder (pure code has no DOM or Node types). Unpaired surrogates are
 * kept as they are; JSON.stringify escapes them.
 */
export function utf16(view: DataView, at: number, chars: number): string {
  let out = '';
  for (let start = 0; start < chars; start += DECODE_STEP) {
    const end = Math.min(chars, start + DECODE_STEP);
    units.length = end - start;
    for (let i = start; i < end; i++) units[i - start] = view.getUint16(at + i * 2, true);
    out += String.fromCharCode.apply(null, units);
  }
  return out;
}
