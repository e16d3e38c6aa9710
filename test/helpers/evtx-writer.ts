/**
 * Test-only EVTX writer: builds valid Windows event log files (file header, 64 KiB chunks with correct
 * CRC32s, string and template tables, BinXML records made of template instances with substitution
 * arrays) from event trees, so the EVTX reader can be tested without binary fixtures in the repository.
 * Templates are defined inline at their first use in a chunk and referenced by offset afterwards, as
 * Windows writes them.
 */
import { crc32 } from 'node:zlib';

/** A typed substitution value (the types of the EVTX value table). `optional` uses an optional substitution. */
export type WValue = { optional?: boolean } & (
  | { t: 'null' }
  | { t: 'str' | 'ansi'; v: string }
  | { t: 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'f64' | 'hex32'; v: number }
  | { t: 'i64' | 'u64' | 'hex64' | 'size' | 'filetime'; v: bigint }
  | { t: 'bool'; v: boolean }
  | { t: 'bin'; v: Uint8Array }
  | { t: 'guid' | 'sid'; v: string }
  | { t: 'systemtime'; v: Date }
  | { t: 'strs'; v: string[] }
  | { t: 'u32s'; v: number[] }
  | { t: 'binxml'; v: WElement }
);

/** Literal text (part of the template) or a substitution value (part of the record). */
export type WText = string | WValue;

export interface WElement {
  name: string;
  attrs?: [string, WText][];
  children?: (WElement | WText)[];
}

export interface WRecord {
  event: WElement;
  recordId?: number;
  writtenAt?: Date;
}

const TYPE_CODE: Record<WValue['t'], number> = {
  null: 0x00, str: 0x01, ansi: 0x02, i8: 0x03, u8: 0x04, i16: 0x05, u16: 0x06, i32: 0x07, u32: 0x08, i64: 0x09, u64: 0x0a,
  f32: 0x0b, f64: 0x0c, bool: 0x0d, bin: 0x0e, guid: 0x0f, size: 0x10, filetime: 0x11, systemtime: 0x12, sid: 0x13,
  hex32: 0x14, hex64: 0x15, binxml: 0x21, strs: 0x81, u32s: 0x88,
};

const CHUNK = 0x10000;
const FILETIME_UNIX_EPOCH = 116444736000000000n;

export function toFiletime(date: Date): bigint {
  return BigInt(date.getTime()) * 10_000n + FILETIME_UNIX_EPOCH;
}

function isElement(x: WElement | WText): x is WElement {
  return typeof x === 'object' && 'name' in x;
}

class ChunkFull extends Error {}

/** One chunk being filled: bytes, names and templates already defined in it, and the two hash tables. */
class ChunkWriter {
  readonly buf = new Uint8Array(CHUNK);
  readonly view = new DataView(this.buf.buffer);
  pos = 0x200;
  names = new Map<string, number>();
  templates = new Map<string, number>();
  stringBuckets = new Array<number>(64).fill(0);
  templateBuckets = new Array<number>(32).fill(0);
  firstRecord = 0;
  lastRecord = 0;
  lastRecordOffset = 0;
  records = 0;
  readonly ids: Map<string, number>;

  constructor(ids: Map<string, number>) {
    this.ids = ids;
  }

  room(n: number): void {
    if (this.pos + n > CHUNK) throw new ChunkFull();
  }

  u8(v: number): void { this.room(1); this.buf[this.pos++] = v; }
  u16(v: number): void { this.room(2); this.view.setUint16(this.pos, v, true); this.pos += 2; }
  u32(v: number): void { this.room(4); this.view.setUint32(this.pos, v >>> 0, true); this.pos += 4; }
  u64(v: bigint): void { this.room(8); this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true); this.pos += 8; }
  bytes(b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.pos); this.pos += b.length; }
  utf16(s: string): void { for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i)); }

  /** A name reference: defined inline (and put in the string table) at its first use in the chunk. */
  name(s: string): void {
    const known = this.names.get(s);
    if (known !== undefined) return this.u32(known);
    const at = this.pos + 4;
    this.u32(at);
    let hash = 0;
    for (let i = 0; i < s.length; i++) hash = (Math.imul(hash, 65599) + s.charCodeAt(i)) >>> 0;
    const bucket = hash % 64;
    this.u32(this.stringBuckets[bucket] as number);
    this.u16(hash & 0xffff);
    this.u16(s.length);
    this.utf16(s);
    this.u16(0);
    this.stringBuckets[bucket] = at;
    this.names.set(s, at);
  }

  /** Writes a record; throws ChunkFull (leaving the chunk as it was) when it does not fit. */
  record(rec: Required<WRecord>): void {
    const saved = { pos: this.pos, names: new Map(this.names), templates: new Map(this.templates), s: [...this.stringBuckets], t: [...this.templateBuckets] };
    try {
      const start = this.pos;
      this.u32(0x00002a2a);
      this.u32(0); // size, patched below
      this.u64(BigInt(rec.recordId));
      this.u64(toFiletime(rec.writtenAt));
      this.fragment(rec.event);
      const size = this.pos - start + 4;
      this.u32(size);
      this.view.setUint32(start + 4, size, true);
      if (this.records === 0) this.firstRecord = rec.recordId;
      this.lastRecord = rec.recordId;
      this.lastRecordOffset = start;
      this.records++;
    } catch (err) {
      Object.assign(this, { pos: saved.pos, names: saved.names, templates: saved.templates, stringBuckets: saved.s, templateBuckets: saved.t });
      throw err;
    }
  }

  /** Fragment header, template instance (definition inline when new), substitution values, end of stream. */
  fragment(el: WElement): void {
    this.u8(0x0f); this.u8(1); this.u8(1); this.u8(0);
    const values: WValue[] = [];
    const key = JSON.stringify(shape(el, values));
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size + 0x1000;
      this.ids.set(key, id);
    }
    this.u8(0x0c); this.u8(1); this.u32(id);
    const known = this.templates.get(key);
    if (known !== undefined) {
      this.u32(known);
    } else {
      const def = this.pos + 4;
      this.u32(def);
      this.u32(this.templateBuckets[id % 32] as number);
      this.u32(id);
      this.bytes(new Uint8Array(12)); // rest of the template GUID
      const sizeAt = this.pos;
      this.u32(0);
      const bodyStart = this.pos;
      this.u8(0x0f); this.u8(1); this.u8(1); this.u8(0);
      let next = 0;
      this.element(el, () => next++);
      this.u8(0x00);
      this.view.setUint32(sizeAt, this.pos - bodyStart, true);
      this.templateBuckets[id % 32] = def;
      this.templates.set(key, def);
    }
    this.u32(values.length);
    const descriptors = this.pos;
    for (const v of values) { this.u16(0); this.u8(TYPE_CODE[v.t]); this.u8(0); }
    values.forEach((v, i) => {
      const at = this.pos;
      this.value(v);
      this.view.setUint16(descriptors + i * 4, this.pos - at, true);
    });
    this.u8(0x00);
  }

  element(el: WElement, nextIndex: () => number): void {
    const attrs = el.attrs ?? [];
    const children = el.children ?? [];
    this.u8(attrs.length > 0 ? 0x41 : 0x01);
    this.u16(0xffff);
    const sizeAt = this.pos;
    this.u32(0);
    this.name(el.name);
    let listAt = -1;
    if (attrs.length > 0) { listAt = this.pos; this.u32(0); }
    const contentStart = this.pos;
    attrs.forEach(([name, value], i) => {
      this.u8(i < attrs.length - 1 ? 0x46 : 0x06);
      this.name(name);
      this.text(value, nextIndex);
    });
    if (listAt >= 0) this.view.setUint32(listAt, this.pos - contentStart, true);
    if (children.length === 0) this.u8(0x03);
    else {
      this.u8(0x02);
      for (const child of children) {
        if (isElement(child)) this.element(child, nextIndex);
        else this.text(child, nextIndex);
      }
      this.u8(0x04);
    }
    this.view.setUint32(sizeAt, this.pos - sizeAt - 4, true);
  }

  text(t: WText, nextIndex: () => number): void {
    if (typeof t === 'string') {
      this.u8(0x05); this.u8(0x01); this.u16(t.length); this.utf16(t);
    } else {
      this.u8(t.optional ? 0x0e : 0x0d); this.u16(nextIndex()); this.u8(TYPE_CODE[t.t]);
    }
  }

  value(v: WValue): void {
    switch (v.t) {
      case 'null': return;
      case 'str': return this.utf16(v.v);
      case 'ansi': for (let i = 0; i < v.v.length; i++) this.u8(v.v.charCodeAt(i) & 0xff); return;
      case 'i8': case 'u8': return this.u8(v.v & 0xff);
      case 'i16': case 'u16': return this.u16(v.v & 0xffff);
      case 'i32': case 'u32': case 'hex32': return this.u32(v.v);
      case 'i64': case 'u64': case 'hex64': case 'size': case 'filetime': return this.u64(v.v);
      case 'f32': this.room(4); this.view.setFloat32(this.pos, v.v, true); this.pos += 4; return;
      case 'f64': this.room(8); this.view.setFloat64(this.pos, v.v, true); this.pos += 8; return;
      case 'bool': return this.u32(v.v ? 1 : 0);
      case 'bin': return this.bytes(v.v);
      case 'guid': return this.bytes(guidBytes(v.v));
      case 'sid': return this.bytes(sidBytes(v.v));
      case 'systemtime': {
        const d = v.v;
        for (const n of [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDay(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]) this.u16(n);
        return;
      }
      case 'strs': for (const s of v.v) { this.utf16(s); this.u16(0); } return;
      case 'u32s': for (const n of v.v) this.u32(n); return;
      case 'binxml': return this.fragment(v.v);
    }
  }

  /** Header fields, tables and both CRC32s. */
  finish(): Uint8Array {
    const v = this.view;
    this.buf.set([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00], 0); // ElfChnk\0
    v.setBigUint64(0x08, BigInt(this.firstRecord), true);
    v.setBigUint64(0x10, BigInt(this.lastRecord), true);
    v.setBigUint64(0x18, BigInt(this.firstRecord), true);
    v.setBigUint64(0x20, BigInt(this.lastRecord), true);
    v.setUint32(0x28, 0x80, true);
    v.setUint32(0x2c, this.lastRecordOffset, true);
    v.setUint32(0x30, this.pos, true);
    v.setUint32(0x34, crc32(this.buf.subarray(0x200, this.pos)), true);
    this.stringBuckets.forEach((o, i) => v.setUint32(0x80 + i * 4, o, true));
    this.templateBuckets.forEach((o, i) => v.setUint32(0x180 + i * 4, o, true));
    const headerCrc = crc32(this.buf.subarray(0x80, 0x200), crc32(this.buf.subarray(0, 0x78)));
    v.setUint32(0x7c, headerCrc, true);
    return this.buf;
  }
}

/** The template's shape (what makes two records share a template); collects the record's values in order. */
function shape(el: WElement, values: WValue[]): unknown {
  const text = (t: WText): unknown => {
    if (typeof t === 'string') return t;
    values.push(t);
    return [TYPE_CODE[t.t], t.optional === true];
  };
  return [el.name, (el.attrs ?? []).map(([n, t]) => [n, text(t)]), (el.children ?? []).map((c) => (isElement(c) ? shape(c, values) : text(c)))];
}

function guidBytes(s: string): Uint8Array {
  const hex = s.replace(/[{}-]/g, '');
  const b = Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  const out = new Uint8Array(16);
  out.set([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6]] as number[], 0);
  out.set(b.subarray(8, 16), 8);
  return out;
}

function sidBytes(s: string): Uint8Array {
  const [, rev, auth, ...subs] = s.split('-');
  const out = new Uint8Array(8 + subs.length * 4);
  const v = new DataView(out.buffer);
  out[0] = Number(rev);
  out[1] = subs.length;
  v.setUint16(2, 0, false);
  v.setUint32(4, Number(auth), false);
  subs.forEach((x, i) => v.setUint32(8 + i * 4, Number(x), true));
  return out;
}

export interface WriteOptions {
  /** Sets the header's dirty flag (a log copied while open). */
  dirty?: boolean;
  /** Ends each chunk after this many records (default: as many as fit). */
  recordsPerChunk?: number;
}

/** Writes records into a complete EVTX file. */
export function writeEvtx(records: Iterable<WRecord>, options: WriteOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const ids = new Map<string, number>();
  let chunk = new ChunkWriter(ids);
  let nextId = 1;
  const base = Date.UTC(2024, 0, 1);
  for (const rec of records) {
    const full: Required<WRecord> = { recordId: rec.recordId ?? nextId, writtenAt: rec.writtenAt ?? new Date(base + nextId * 1000), event: rec.event };
    nextId = full.recordId + 1;
    if (options.recordsPerChunk !== undefined && chunk.records >= options.recordsPerChunk) {
      chunks.push(chunk.finish());
      chunk = new ChunkWriter(ids);
    }
    try {
      chunk.record(full);
    } catch (err) {
      if (!(err instanceof ChunkFull) || chunk.records === 0) throw err;
      chunks.push(chunk.finish());
      chunk = new ChunkWriter(ids);
      chunk.record(full);
    }
  }
  if (chunk.records > 0) chunks.push(chunk.finish());

  const file = new Uint8Array(0x1000 + chunks.length * CHUNK);
  const v = new DataView(file.buffer);
  file.set([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00], 0); // ElfFile\0
  v.setBigUint64(0x08, 0n, true);
  v.setBigUint64(0x10, BigInt(Math.max(0, chunks.length - 1)), true);
  v.setBigUint64(0x18, BigInt(nextId), true);
  v.setUint32(0x20, 0x80, true);
  v.setUint16(0x24, 2, true);
  v.setUint16(0x26, 3, true);
  v.setUint16(0x28, 0x1000, true);
  v.setUint16(0x2a, chunks.length, true);
  v.setUint32(0x78, options.dirty ? 1 : 0, true);
  v.setUint32(0x7c, crc32(file.subarray(0, 0x78)), true);
  chunks.forEach((c, i) => file.set(c, 0x1000 + i * CHUNK));
  return file;
}
