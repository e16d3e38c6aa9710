/**
 * IBM QRadar Log Event Extended Format decoder, versions 1.0 and 2.0:
 * `LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value` and
 * `LEEF:2.0|Vendor|Product|Version|EventID|Delimiter|key=value<D>key=value`, where the delimiter is
 * one character or its hex code (`^`, `x5E`, `0x5e`) and a tab when left empty.
 *
 * @see https://www.ibm.com/docs/en/dsm?topic=overview-leef-event-components
 */
import { ParseError } from '../core/parse-error.ts';
import { parseExtension } from './cef.ts';

/** A decoded LEEF record. */
export interface LeefRecord {
  version: string;
  vendor: string;
  product: string;
  productVersion: string;
  eventId: string;
  /** The attribute delimiter that was used. */
  delimiter: string;
  attributes: [key: string, value: string][];
}

/**
 * Decodes a LEEF record that starts at `text[start]` with `LEEF:`. Throws {@link ParseError} when
 * the header is incomplete.
 *
 * @example
 * parseLeef('LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5').attributes
 * // [['src', '10.0.1.8'], ['dst', '10.0.0.5']]
 */
export function parseLeef(text: string, start = 0): LeefRecord {
  if (!text.startsWith('LEEF:', start)) throw new ParseError('not a LEEF record: expected "LEEF:" at the start');
  const header: string[] = [];
  let i = start + 5;
  while (header.length < 5) {
    const pipe = text.indexOf('|', i);
    if (pipe < 0) throw new ParseError(`truncated LEEF header: expected 5 "|"-separated fields, found ${header.length}`);
    header.push(text.slice(i, pipe));
    i = pipe + 1;
  }
  const [version = '', vendor = '', product = '', productVersion = '', eventId = ''] = header;
  const major = version.trim();
  if (major !== '1.0' && major !== '2.0' && major !== '1' && major !== '2') {
    throw new ParseError(`unsupported LEEF version "${version.slice(0, 20)}"`);
  }
  let delimiter = '\t';
  if (major.startsWith('2')) {
    // LEEF 2.0 has a delimiter field, unless the sender left it out (then attributes follow directly).
    const pipe = text.indexOf('|', i);
    const candidate = pipe >= 0 && pipe - i <= 6 ? readDelimiter(text.slice(i, pipe)) : undefined;
    if (candidate !== undefined) {
      delimiter = candidate;
      i = pipe + 1;
    }
  }
  let end = text.length;
  while (end > i && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  const body = text.slice(i, end);
  const attributes = delimiter === '\t' && body.indexOf('\t') < 0 && body.indexOf(' ') > 0 && body.indexOf('=') > 0
    ? spaceSeparated(body)
    : split(body, delimiter);
  return { version: major, vendor, product, productVersion, eventId, delimiter, attributes };
}

/** `^`, `x5E`, `0x5E` or empty (tab). */
function readDelimiter(field: string): string | undefined {
  if (field === '') return '\t';
  if (field.length === 1) return field;
  const hex = field.startsWith('0x') || field.startsWith('0X') ? field.slice(2) : field.startsWith('x') || field.startsWith('X') ? field.slice(1) : '';
  if (hex.length < 2 || hex.length > 4 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  return String.fromCharCode(Number.parseInt(hex, 16));
}

/** Some senders separate LEEF 1.0 attributes with spaces despite the spec; read them like CEF. */
function spaceSeparated(body: string): [string, string][] {
  try {
    return parseExtension(body, 0);
  } catch {
    return split(body, '\t');
  }
}

function split(body: string, delimiter: string): [string, string][] {
  const out: [string, string][] = [];
  if (body === '') return out;
  for (const part of body.split(delimiter)) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      out.push([part.slice(0, eq).trim(), part.slice(eq + 1)]);
    } else if (out.length > 0) {
      // No key: the delimiter occurred inside the previous value.
      const last = out[out.length - 1]!;
      last[1] += delimiter + part;
    } else if (part.trim() !== '') {
      throw new ParseError('invalid LEEF attributes: expected key=value pairs');
    }
  }
  return out;
}
