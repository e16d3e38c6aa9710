/**
 * Small scanners shared by the text parsers: IP address checks, month names, loose timestamps and
 * hex decoding. Hand-written instead of regular expressions so every one runs in linear time on
 * untrusted input.
 */

// Three lower-cased letters packed into one number (c1 << 16 | c2 << 8 | c3) → month index.
const MONTHS = new Map<number, number>(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [
    (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i,
  ]),
);

/** Month index (0-11) of a three-letter English month abbreviation at `text[at]`, any case; -1 if none. */
export function monthAt(text: string, at: number): number {
  if (at + 3 > text.length) return -1;
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  const c = text.charCodeAt(at + 2);
  if ((a | b | c) > 127) return -1;
  // OR 0x20 lower-cases ASCII letters without allocating a lower-cased copy.
  const key = ((a | 32) << 16) | ((b | 32) << 8) | (c | 32);
  return MONTHS.get(key) ?? -1;
}

/** True for the character codes 0-9. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Value of `len` decimal digits at `text[at]`, or -1 when any of them is not a digit. */
export function digitsAt(text: string, at: number, len: number): number {
  if (at + len > text.length) return -1;
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** Parses a whole string of decimal digits (at most 15, so the result is exact); undefined otherwise. */
export function parseUint(text: string): number | undefined {
  if (text.length === 0 || text.length > 15) return undefined;
  const n = digitsAt(text, 0, text.length);
  return n < 0 ? undefined : n;
}

/** A TCP/UDP port number, or undefined when `text` is not one. */
export function parsePort(text: string): number | undefined {
  const n = parseUint(text);
  return n !== undefined && n <= 65535 ? n : undefined;
}

/** True for a dotted-quad IPv4 address (no leading zeros beyond a single `0`). */
export function isIpv4(text: string): boolean {
  const len = text.length;
  if (len < 7 || len > 15) return false;
  let parts = 0;
  let i = 0;
  while (i <= len) {
    let j = i;
    while (j < len && isDigit(text.charCodeAt(j))) j++;
    const n = j - i;
    if (n === 0 || n > 3 || (n > 1 && text.charCodeAt(i) === 48)) return false;
    if (digitsAt(text, i, n) > 255) return false;
    parts++;
    if (j === len) break;
    if (text.charCodeAt(j) !== 46 || parts === 4) return false;
    i = j + 1;
  }
  return parts === 4;
}

function isHexCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** True for an IPv6 address in any RFC 4291 text form, with an optional `%zone`. */
export function isIpv6(text: string): boolean {
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) {
    if (zone === s.length - 1) return false;
    s = s.slice(0, zone);
  }
  if (s.length < 2 || s.length > 45) return false;
  const doubleColon = s.indexOf('::');
  if (doubleColon >= 0 && s.indexOf('::', doubleColon + 1) >= 0) return false;
  const groups = s.split(':');
  let count = 0;
  for (let g = 0; g < groups.length; g++) {
    const part = groups[g]!;
    if (part === '') continue; // the halves around '::' (checked above) or a leading/trailing ':' of it
    if (g === groups.length - 1 && part.indexOf('.') >= 0) {
      if (!isIpv4(part)) return false;
      count += 2;
      continue;
    }
    if (part.length > 4) return false;
    for (let i = 0; i < part.length; i++) if (!isHexCode(part.charCodeAt(i))) return false;
    count++;
  }
  // A lone ':' at either end is only valid as part of '::'.
  if (s.startsWith(':') && !s.startsWith('::')) return false;
  if (s.endsWith(':') && !s.endsWith('::')) return false;
  return doubleColon >= 0 ? count < 8 : count === 8;
}

/** True for an IPv4 or IPv6 address. */
export function isIp(text: string): boolean {
  return text.indexOf(':') >= 0 ? isIpv6(text) : isIpv4(text);
}

/**
 * Decodes an even-length string of hex digits as UTF-8 text (bytes that are not valid UTF-8 are read
 * as Latin-1 so nothing is lost). Returns undefined when `text` is not hex.
 */
export function decodeHex(text: string): string | undefined {
  if (text.length === 0 || text.length % 2 !== 0) return undefined;
  let percent = '';
  let latin1 = '';
  for (let i = 0; i < text.length; i += 2) {
    const a = text.charCodeAt(i);
    const b = text.charCodeAt(i + 1);
    if (!isHexCode(a) || !isHexCode(b)) return undefined;
    const pair = text.slice(i, i + 2);
    percent += `%${pair}`;
    latin1 += String.fromCharCode(Number.parseInt(pair, 16));
  }
  try {
    return decodeURIComponent(percent);
  } catch {
    return latin1;
  }
}

// Small memo for isoOf: consecutive records of a stream mostly carry the same few seconds (an
// envelope time and a payload time alternate), and formatting a Date is one of the costliest steps
// per record. Deterministic, so the functions stay pure.
const MEMO_SIZE = 4;
const memoMs: number[] = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
const memoIso: string[] = ['', '', '', ''];
let memoNext = 0;

/** ISO 8601 text of a time in ms since the epoch, or undefined for times a Date cannot hold. */
export function isoOf(ms: number): string | undefined {
  for (let k = 0; k < MEMO_SIZE; k++) if (memoMs[k] === ms) return memoIso[k];
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  const iso = new Date(ms).toISOString();
  memoMs[memoNext] = ms;
  memoIso[memoNext] = iso;
  memoNext = (memoNext + 1) % MEMO_SIZE;
  return iso;
}

// The UTC year containing a receive time, memoised by its bounds (records arrive in order).
let yearStart = 0;
let yearEnd = -1;
let year = 0;

/** UTC calendar year of `ms`, without allocating a Date for consecutive calls in the same year. */
export function utcYear(ms: number): number {
  if (ms >= yearStart && ms < yearEnd) return year;
  const y = new Date(ms).getUTCFullYear();
  if (!Number.isFinite(y)) return y;
  year = y;
  yearStart = Date.UTC(y, 0, 1);
  yearEnd = Date.UTC(y + 1, 0, 1);
  return y;
}

/**
 * Reads the timestamps security devices put in CEF `rt`, LEEF `devTime` and similar fields: epoch
 * seconds or milliseconds, ISO 8601, or `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]` (UTC unless a numeric
 * offset or `UTC`/`GMT`/`Z` follows). Returns ms since the epoch, or undefined when unreadable.
 * Year-less times take the year of `receivedAt`.
 */
export function parseLooseTime(text: string, receivedAt: number): number | undefined {
  const s = text.trim();
  if (s.length === 0 || s.length > 64) return undefined;
  const c0 = s.charCodeAt(0);
  if (isDigit(c0)) {
    const n = parseUint(s);
    if (n !== undefined) return s.length <= 10 ? n * 1000 : n;
    if (s.length >= 10 && s.charCodeAt(4) === 45) {
      // ISO 8601; a missing zone means UTC rather than the local zone Date.parse would pick.
      const zoned = s.endsWith('Z') || /[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`;
      const ms = Date.parse(zoned.replace(' ', 'T'));
      return Number.isFinite(ms) ? ms : undefined;
    }
    return undefined;
  }
  const month = monthAt(s, 0);
  if (month < 0 || s.charCodeAt(3) !== 32) return undefined;
  let i = 4;
  if (s.charCodeAt(i) === 32) i++;
  const dayLen = isDigit(s.charCodeAt(i + 1)) ? 2 : 1;
  const day = digitsAt(s, i, dayLen);
  if (day < 1 || day > 31 || s.charCodeAt(i + dayLen) !== 32) return undefined;
  i += dayLen + 1;
  let y = utcYear(receivedAt);
  if (s.charCodeAt(i + 4) === 32) {
    y = digitsAt(s, i, 4);
    if (y < 0) return undefined;
    i += 5;
  }
  const clock = readClock(s, i);
  if (!clock) return undefined;
  i = clock.end;
  let offsetMin = 0;
  if (i < s.length) {
    if (s.charCodeAt(i) !== 32) return undefined;
    const zone = s.slice(i + 1);
    const sign = zone.charCodeAt(0);
    if ((sign === 43 || sign === 45) && (zone.length === 5 || zone.length === 6)) {
      const hh = digitsAt(zone, 1, 2);
      const mm = digitsAt(zone, zone.length - 2, 2);
      if (hh < 0 || mm < 0) return undefined;
      offsetMin = (sign === 45 ? -1 : 1) * (hh * 60 + mm);
    }
    // Zone names (UTC, GMT, CET, ...) are read as UTC: abbreviations are ambiguous across regions.
  }
  return Date.UTC(y, month, day, clock.h, clock.m, clock.s, clock.ms) - offsetMin * 60_000;
}

/** `HH:mm:ss[.fraction]` at `text[at]`; undefined if malformed. */
export function readClock(text: string, at: number): { h: number; m: number; s: number; ms: number; end: number } | undefined {
  const h = digitsAt(text, at, 2);
  const m = digitsAt(text, at + 3, 2);
  const s = digitsAt(text, at + 6, 2);
  if (h < 0 || m < 0 || s < 0 || text.charCodeAt(at + 2) !== 58 || text.charCodeAt(at + 5) !== 58) return undefined;
  if (h > 23 || m > 59 || s > 60) return undefined;
  let end = at + 8;
  let ms = 0;
  if (text.charCodeAt(end) === 46 && isDigit(text.charCodeAt(end + 1))) {
    end++;
    let scale = 100;
    while (end < text.length && isDigit(text.charCodeAt(end))) {
      ms += (text.charCodeAt(end) - 48) * scale;
      scale /= 10;
      end++;
    }
    ms = Math.floor(ms);
  }
  return { h, m, s, ms, end };
}
