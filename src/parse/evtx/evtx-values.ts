/**
 * Substitution values of EVTX records, rendered as Windows renders them in event XML (and evtx_dump
 * in JSON): integers as numbers, hex integers as `0x…` text, GUIDs as `{…}` lower case, SIDs as
 * `S-1-…`, FILETIME/SYSTEMTIME as ISO 8601 UTC, binary as upper-case hex, arrays as JSON arrays.
 * Embedded BinXML (type 0x21) is handled by the BinXML reader, not here.
 */
import { EvtxError, type ByteReader } from './evtx-bytes.ts';

/** A rendered value: what a field of the JSON event holds. */
export type EvtxValue = string | number | boolean | null | EvtxValue[] | { [key: string]: EvtxValue };

export const VALUE_NULL = 0x00;
export const VALUE_WSTRING = 0x01;
export const VALUE_BINXML = 0x21;
const ARRAY_FLAG = 0x80;

/** Byte size of the fixed-size types, for splitting their arrays. */
const FIXED_SIZE: Readonly<Record<number, number>> = {
  0x03: 1, 0x04: 1, 0x05: 2, 0x06: 2, 0x07: 4, 0x08: 4, 0x09: 8, 0x0a: 8, 0x0b: 4, 0x0c: 8,
  0x0d: 4, 0x0f: 16, 0x11: 8, 0x12: 16, 0x14: 4, 0x15: 8,
};

/** Decodes `size` bytes at `at` as value type `type`. */
export function decodeValue(r: ByteReader, at: number, size: number, type: number): EvtxValue {
  r.need(at, size);
  if (type & ARRAY_FLAG) return decodeArray(r, at, size, type & ~ARRAY_FLAG);
  return decodeScalar(r, at, size, type);
}

function decodeArray(r: ByteReader, at: number, size: number, type: number): EvtxValue {
  if (type === VALUE_WSTRING) {
    // NUL-separated strings; the last one ends with a NUL too.
    const text = r.utf16At(at, size >> 1);
    const parts = text.split('\0');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  const item = FIXED_SIZE[type];
  if (item === undefined || size % item !== 0) return hex(r.bytes, at, size);
  const out: EvtxValue[] = [];
  for (let p = at; p < at + size; p += item) out.push(decodeScalar(r, p, item, type));
  return out;
}

function decodeScalar(r: ByteReader, at: number, size: number, type: number): EvtxValue {
  const v = r.view;
  switch (type) {
    case VALUE_NULL:
      return null;
    case VALUE_WSTRING:
      return stripNul(r.utf16At(at, size >> 1));
    case 0x02: { // ANSI string: code page unknown here; Latin-1 keeps every byte
      let s = '';
      for (let i = 0; i < size; i++) s += String.fromCharCode(r.bytes[at + i] as number);
      return stripNul(s);
    }
  }
  const fixed = FIXED_SIZE[type];
  if (fixed !== undefined && size < fixed) throw new EvtxError(`value of type 0x${type.toString(16)} has ${size} bytes, needs ${fixed}`);
  switch (type) {
    case 0x03: return v.getInt8(at);
    case 0x04: return v.getUint8(at);
    case 0x05: return v.getInt16(at, true);
    case 0x06: return v.getUint16(at, true);
    case 0x07: return v.getInt32(at, true);
    case 0x08: return v.getUint32(at, true);
    case 0x09: return bigNumber(v.getBigInt64(at, true));
    case 0x0a: return bigNumber(v.getBigUint64(at, true));
    case 0x0b: return finite(v.getFloat32(at, true));
    case 0x0c: return finite(v.getFloat64(at, true));
    case 0x0d: return v.getUint32(at, true) !== 0;
    case 0x0e: return hex(r.bytes, at, size);
    case 0x0f: return guid(r.bytes, v, at);
    case 0x10: // size_t: 4 or 8 bytes, shown in hex like pointers
      return size >= 8 ? `0x${v.getBigUint64(at, true).toString(16)}` : `0x${v.getUint32(at, true).toString(16)}`;
    case 0x11: return filetime(v.getBigUint64(at, true));
    case 0x12: return systemtime(v, at);
    case 0x13: return sid(r, at, size);
    case 0x14: return `0x${v.getUint32(at, true).toString(16)}`;
    case 0x15: return `0x${v.getBigUint64(at, true).toString(16)}`;
    default: // EvtHandle, EvtXml and unknown types: their bytes, so nothing is lost
      return hex(r.bytes, at, size);
  }
}

function stripNul(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** 64-bit integers as numbers while exact, else as decimal text. */
function bigNumber(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : n.toString();
}

function finite(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

export function hex(bytes: Uint8Array, at: number, size: number): string {
  let s = '';
  for (let i = 0; i < size; i++) s += HEX[bytes[at + i] as number];
  return s;
}

/** Lower case in braces, as Windows renders GUIDs in event XML (`{5770385f-c22a-43e0-bf4c-06f5698ffbd9}`). */
function guid(bytes: Uint8Array, v: DataView, at: number): string {
  const d1 = v.getUint32(at, true).toString(16).padStart(8, '0');
  const d2 = v.getUint16(at + 4, true).toString(16).padStart(4, '0');
  const d3 = v.getUint16(at + 6, true).toString(16).padStart(4, '0');
  return `{${d1}-${d2}-${d3}-${hex(bytes, at + 8, 2)}-${hex(bytes, at + 10, 6)}}`.toLowerCase();
}

/** 100 ns intervals between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** FILETIME as ISO 8601 with all seven fraction digits, as Windows renders `SystemTime`. */
export function filetime(ft: bigint): string {
  const sinceUnix = ft - FILETIME_UNIX_EPOCH;
  let seconds = Number(sinceUnix / 10_000_000n);
  let fraction = Number(sinceUnix % 10_000_000n);
  if (fraction < 0) {
    fraction += 10_000_000;
    seconds -= 1;
  }
  return `${isoSeconds(seconds)}.${String(fraction).padStart(7, '0')}Z`;
}

let lastDay = Number.NaN;
let lastDate = '';
const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DDTHH:MM:SS` of a Unix second; the date part is formatted once per day seen. */
function isoSeconds(seconds: number): string {
  const day = Math.floor(seconds / 86400);
  if (day !== lastDay) {
    lastDate = new Date(day * 86_400_000).toISOString().slice(0, 11);
    lastDay = day;
  }
  const rest = seconds - day * 86400;
  return `${lastDate}${two(Math.floor(rest / 3600))}:${two(Math.floor(rest / 60) % 60)}:${two(rest % 60)}`;
}

function systemtime(v: DataView, at: number): string {
  const [year, month, , day, hour, minute, second, ms] = [0, 2, 4, 6, 8, 10, 12, 14].map((o) => v.getUint16(at + o, true)) as number[];
  const pad = (n: number | undefined, w = 2): string => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(ms, 3)}Z`;
}

function sid(r: ByteReader, at: number, size: number): string {
  if (size < 8) throw new EvtxError(`SID of ${size} bytes is too short`);
  const revision = r.bytes[at] as number;
  const count = r.bytes[at + 1] as number;
  if (8 + count * 4 > size) throw new EvtxError(`SID claims ${count} sub-authorities in ${size} bytes`);
  // The 48-bit identifier authority is big-endian; Windows shows it in hex when it exceeds 32 bits.
  const high = r.view.getUint16(at + 2, false);
  const low = r.view.getUint32(at + 4, false);
  let s = high === 0 ? `S-${revision}-${low}` : `S-${revision}-0x${hex(r.bytes, at + 2, 6)}`;
  for (let i = 0; i < count; i++) s += `-${r.view.getUint32(at + 8 + i * 4, true)}`;
  return s;
}
