/**
 * ArcSight Common Event Format decoder:
 * `CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension`.
 * Header fields unescape `\|` and `\\`; extension values unescape `\=`, `\\`, `\n` and `\r`, and
 * may contain spaces: a value ends where the next ` key=` begins. One linear scan, no regex.
 *
 * @see https://www.microfocus.com/documentation/arcsight/arcsight-smartconnectors/pdfdoc/common-event-format-v25/common-event-format-v25.pdf
 */
import { ParseError } from '../core/parse-error.ts';

/** A decoded CEF record. */
export interface CefRecord {
  version: string;
  deviceVendor: string;
  deviceProduct: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  /** Extension pairs in order (a repeated key keeps its last value when mapped). */
  extensions: [key: string, value: string][];
}

/**
 * Decodes a CEF record that starts at `text[start]` with `CEF:`. Throws {@link ParseError} when the
 * header is incomplete or the extension does not start with `key=`.
 *
 * @example
 * parseCef('CEF:0|Vendor|IDS|1.0|100|Port scan|5|src=10.0.0.1 msg=scan of 22 ports').extensions
 * // [['src', '10.0.0.1'], ['msg', 'scan of 22 ports']]
 */
export function parseCef(text: string, start = 0): CefRecord {
  if (!text.startsWith('CEF:', start)) throw new ParseError('not a CEF record: expected "CEF:" at the start');
  const header: string[] = [];
  let i = start + 4;
  let chunk = i;
  let field = '';
  while (header.length < 7 && i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ && (text.charCodeAt(i + 1) === 124 || text.charCodeAt(i + 1) === 92)) {
      field += text.slice(chunk, i);
      chunk = i + 1;
      i += 2;
      continue;
    }
    if (c === 124 /* | */) {
      header.push(field + text.slice(chunk, i));
      field = '';
      chunk = i + 1;
    }
    i++;
  }
  if (header.length < 7) {
    throw new ParseError(`truncated CEF header: expected 7 "|"-separated fields before the extension, found ${header.length}`);
  }
  const [version = '', deviceVendor = '', deviceProduct = '', deviceVersion = '', signatureId = '', name = '', severity = ''] = header;
  if (!/^\d{1,3}$/.test(version.trim())) throw new ParseError(`invalid CEF version "${version.slice(0, 20)}"`);
  return {
    version: version.trim(), deviceVendor, deviceProduct, deviceVersion, signatureId, name, severity,
    extensions: parseExtension(text, i),
  };
}

/** Key characters: letters, digits, `_`, `.`, `[`, `]` (ArcSight custom keys use dots, e.g. `ad.user`). */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 91 || c === 93;
}

/**
 * Reads space-separated `key=value` pairs whose values may contain spaces (the CEF extension
 * syntax) from `text[start]` on. Also used for LEEF senders that separate attributes with spaces.
 */
export function parseExtension(text: string, start: number): [string, string][] {
  const out: [string, string][] = [];
  let end = text.length;
  while (end > start && isSpaceOrNewline(text.charCodeAt(end - 1))) end--;
  let i = start;
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (i >= end) return out;
  const keyStart = i;
  while (i < end && isKeyChar(text.charCodeAt(i))) i++;
  if (i === keyStart || text.charCodeAt(i) !== 61) throw new ParseError('invalid CEF extension: expected key=value pairs');
  let key = text.slice(keyStart, i);
  let valueStart = i + 1;
  // runStart: where the current space-free run began; runIsKey: that run so far consists of key chars.
  let runStart = -1;
  let runIsKey = false;
  for (i = valueStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) {
      i++;
      runIsKey = false;
    } else if (c === 32) {
      runStart = i + 1;
      runIsKey = true;
    } else if (c === 61 /* = */ && runIsKey && runStart > valueStart && i > runStart) {
      out.push([key, unescapeValue(text, valueStart, runStart - 1)]);
      key = text.slice(runStart, i);
      valueStart = i + 1;
      runStart = -1;
      runIsKey = false;
    } else if (runIsKey && !isKeyChar(c)) {
      runIsKey = false;
    }
  }
  out.push([key, unescapeValue(text, valueStart, end)]);
  return out;
}

function isSpaceOrNewline(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function unescapeValue(text: string, start: number, stop: number): string {
  let end = stop;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  // Bounded search: indexOf could scan past `end` to the end of the line for every value.
  let backslash = start;
  while (backslash < end && text.charCodeAt(backslash) !== 92) backslash++;
  if (backslash >= end) return text.slice(start, end);
  let value = '';
  let chunk = start;
  for (let i = backslash; i < end; i++) {
    if (text.charCodeAt(i) !== 92 || i + 1 >= end) continue;
    const next = text[i + 1];
    const replacement = next === 'n' ? '\n' : next === 'r' ? '\r' : next === '=' || next === '\\' || next === '|' ? next : undefined;
    if (replacement === undefined) continue;
    value += text.slice(chunk, i) + replacement;
    chunk = i + 2;
    i++;
  }
  return value + text.slice(chunk, end);
}
