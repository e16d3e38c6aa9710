/**
 * Small helpers shared by the JSON source types (Windows, CloudTrail, Okta, ...): reading loosely
 * typed vendor values, parsing timestamps without local-time ambiguity, and filling `related.*`.
 * Pure: no clock, no I/O.
 */
import type { EventFields, FieldValue } from '../core/event.ts';
import { flattenInto } from '../core/json.ts';

/** Earliest and latest event times accepted (1970 .. 2199); anything else is treated as absent. */
const MIN_MS = 0;
const MAX_MS = Date.UTC(2200, 0, 1);

/** A non-empty string, or a finite number as text; anything else is undefined. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A safe integer from a number or a decimal/`0x` hex string; undefined otherwise. */
export function int(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 20) return undefined;
  const n = value.startsWith('0x') || value.startsWith('0X') ? Number.parseInt(value.slice(2), 16) : Number(value);
  return Number.isSafeInteger(n) && /^(?:0[xX][0-9a-fA-F]+|-?\d+)$/.test(value) ? n : undefined;
}

/** A TCP/UDP port (0..65535) from a number or string. */
export function port(value: unknown): number | undefined {
  const n = int(value);
  return n !== undefined && n >= 0 && n <= 65535 ? n : undefined;
}

/** A plain object (not null, not an array). */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Sets `out[key]` unless `value` is undefined. */
export function put(out: EventFields, key: string, value: FieldValue | undefined): void {
  if (value !== undefined) out[key] = value;
}

/** Adds a value to a multi-valued `related.*` field, keeping values unique. */
export function addRelated(out: EventFields, key: string, value: string | undefined): void {
  if (value === undefined || value === '' || value === '-') return;
  const current = out[key];
  if (Array.isArray(current)) {
    if (!current.includes(value)) (current as string[]).push(value);
  } else {
    out[key] = [value];
  }
}

/** Copies a vendor object under `prefix` (dotted names) so nothing in the record is lost. */
export function keepOriginal(out: EventFields, value: Record<string, unknown>, prefix: string): void {
  flattenInto(out, value, prefix);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an event time into canonical ISO 8601 (UTC, milliseconds). Accepts ISO 8601 strings (a
 * missing zone means UTC: the log families here write UTC), epoch numbers or digit strings in
 * seconds, milliseconds, microseconds or nanoseconds (chosen by magnitude), and RFC 2822-style text
 * with an explicit zone. Times before 1970 or after 2199 are treated as absent, never guessed.
 */
export function parseTime(value: unknown): string | undefined {
  if (typeof value === 'string' && isCanonicalIso(value)) return value;
  let ms: number | undefined;
  if (typeof value === 'number') ms = epochToMs(value);
  else if (typeof value === 'string' && value.length > 0 && value.length <= 64) {
    const c = value.charCodeAt(0);
    if (c >= 48 && c <= 57 && /^\d+(?:\.\d+)?$/.test(value)) ms = epochToMs(Number(value));
    // ISO-shaped text is judged by the strict parser only: Date.parse would roll 30 February over.
    else ms = c >= 48 && c <= 57 && value.charCodeAt(4) === 45 ? isoToMs(value) : looseToMs(value);
  }
  return ms !== undefined && ms >= MIN_MS && ms < MAX_MS ? new Date(ms).toISOString() : undefined;
}

/**
 * Fast path for the most common form, `YYYY-MM-DDTHH:MM:SS.mmmZ` (what JavaScript and Logstash write):
 * checked character by character and returned as is.
 */
function isCanonicalIso(v: string): boolean {
  if (v.length !== 24 || v.charCodeAt(23) !== 90 /* Z */ || v.charCodeAt(10) !== 84 /* T */) return false;
  for (let i = 0; i < 23; i++) {
    const c = v.charCodeAt(i);
    const sep = i === 4 || i === 7 ? 45 : i === 13 || i === 16 ? 58 : i === 19 ? 46 : i === 10 ? 84 : 0;
    if (sep !== 0 ? c !== sep : c < 48 || c > 57) return false;
  }
  const year = (v.charCodeAt(0) - 48) * 1000 + (v.charCodeAt(1) - 48) * 100 + (v.charCodeAt(2) - 48) * 10 + v.charCodeAt(3) - 48;
  const month = (v.charCodeAt(5) - 48) * 10 + v.charCodeAt(6) - 48;
  const day = (v.charCodeAt(8) - 48) * 10 + v.charCodeAt(9) - 48;
  const hour = (v.charCodeAt(11) - 48) * 10 + v.charCodeAt(12) - 48;
  const minute = (v.charCodeAt(14) - 48) * 10 + v.charCodeAt(15) - 48;
  const second = (v.charCodeAt(17) - 48) * 10 + v.charCodeAt(18) - 48;
  return year >= 1970 && year < 2200 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
    && hour < 24 && minute < 60 && second < 60;
}

function daysIn(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n < 1e11) return Math.floor(n * 1000); // seconds until year 5138
  if (n < 1e14) return Math.floor(n);
  if (n < 1e17) return Math.floor(n / 1e3);
  return Math.floor(n / 1e6);
}

function isoToMs(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(y), month) || hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, Math.min(second, 59));
  if (frac) ms += Number(frac.slice(0, 3).padEnd(3, '0'));
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? 1 : -1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    if (offset > 18 * 60) return undefined;
    ms += sign * offset * 60_000;
  }
  return ms;
}

/** Other formats only when they name their zone: a zone-less time would be read as local time. */
function looseToMs(text: string): number | undefined {
  if (!/(?:Z|GMT|UTC|[+-]\d{4})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Splits `DOMAIN\user` (Windows) into its parts; a name without a backslash has no domain. */
export function splitDomainUser(value: string): { domain?: string; name: string } {
  const i = value.indexOf('\\');
  return i < 0 ? { name: value } : { domain: value.slice(0, i), name: value.slice(i + 1) };
}

/** True for a syntactically valid IPv4 or IPv6 address (optionally with an IPv6 zone). */
export function isIp(value: string): boolean {
  if (value.length < 2 || value.length > 64) return false;
  if (value.includes(':')) return isIpv6(value);
  return isIpv4(value);
}

function isIpv4(value: string): boolean {
  const parts = value.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return false;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    if (Number(p) > 255) return false;
  }
  return true;
}

function isIpv6(value: string): boolean {
  const zone = value.indexOf('%');
  let addr = zone < 0 ? value : value.slice(0, zone);
  let groups = 0;
  const lastColon = addr.lastIndexOf(':');
  if (addr.indexOf('.', lastColon) >= 0) {
    // An embedded IPv4 tail (::ffff:10.0.0.1) stands for two groups.
    if (!isIpv4(addr.slice(lastColon + 1))) return false;
    addr = `${addr.slice(0, lastColon + 1)}0`;
    groups = 1;
  }
  const halves = addr.split('::');
  if (halves.length > 2) return false;
  for (const half of halves) {
    if (half === '') continue;
    for (const g of half.split(':')) {
      if (g.length === 0 || g.length > 4) return false;
      for (let i = 0; i < g.length; i++) {
        const c = g.charCodeAt(i) | 0x20;
        if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
      }
      groups++;
    }
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

/** An IP address as ECS wants it: validated, with an IPv4-mapped IPv6 prefix (`::ffff:`) removed. */
export function ip(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.startsWith('::ffff:') && value.includes('.') ? value.slice(7) : value;
  return isIp(v) ? v : undefined;
}

/** Last path segment of a Windows or POSIX path. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i < 0 ? path : path.slice(i + 1);
}

/** Sets `file.path`, `file.name`, `file.directory` and `file.extension` (or another prefix) from a path. */
export function putPath(out: EventFields, prefix: string, path: string | undefined): void {
  if (path === undefined) return;
  out[`${prefix}.path`] = path;
  const name = baseName(path);
  out[`${prefix}.name`] = name;
  if (name.length < path.length) out[`${prefix}.directory`] = path.slice(0, path.length - name.length - 1);
  const dot = name.lastIndexOf('.');
  if (dot > 0 && dot < name.length - 1) out[`${prefix}.extension`] = name.slice(dot + 1).toLowerCase();
}
