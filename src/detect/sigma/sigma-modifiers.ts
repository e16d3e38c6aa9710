/**
 * Sigma value modifiers: which ones a `field|mod1|mod2` key uses, what they do to the rule's values
 * (wildcards, encodings, placeholder expansion) and the typed comparisons they select (regular
 * expression, CIDR, numeric, date parts, existence, field references).
 *
 * Everything a rule can get wrong here throws {@link UnsupportedRuleError} with a reason people can
 * act on; the compiler turns it into the rule's `unsupported` status.
 *
 * @see /work/shared/sigma-specification/specification/sigma-appendix-modifiers.md
 */
import ipaddr from 'ipaddr.js';
import type { SigmaScalar } from './sigma-rule.ts';
import { hasWildcards, literalPattern, parsePattern, surroundPattern, type SigmaPattern } from './sigma-pattern.ts';
import type { RegexFlags } from './sigma-regex.ts';

/** A rule the engine will not run, and why. */
export class UnsupportedRuleError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnsupportedRuleError';
  }
}

export const TIME_PARTS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
export type TimePart = (typeof TIME_PARTS)[number];
export type Comparison = 'lt' | 'lte' | 'gt' | 'gte';

/** Modifiers that rewrite values, applied in the order written. */
type Transform = 'contains' | 'startswith' | 'endswith' | 'base64' | 'base64offset' | 'utf16le' | 'utf16be' | 'utf16';

/** Every modifier name this engine knows, for documentation and messages. */
export const SIGMA_MODIFIERS = [
  'all', 'startswith', 'endswith', 'contains', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'm', 's',
  'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'lt', 'lte', 'gt', 'gte',
  ...TIME_PARTS, 'cidr', 'expand', 'fieldref',
] as const;

/** What a modifier chain asks for, decided once per detection item. */
export interface ModifierPlan {
  /** How the (transformed) values are compared with the field. */
  kind: 'string' | 're' | 'cidr' | 'compare' | 'time' | 'exists' | 'fieldref';
  transforms: Transform[];
  all: boolean;
  neq: boolean;
  cased: boolean;
  windash: boolean;
  expand: boolean;
  comparison?: Comparison;
  timePart?: TimePart;
  regexFlags: RegexFlags;
}

/**
 * Reads a modifier chain (`['contains', 'all']`) into a plan, rejecting unknown modifiers and
 * combinations that have no meaning.
 *
 * @example planModifiers(['base64offset', 'contains']).transforms // ['base64offset', 'contains']
 * @throws UnsupportedRuleError
 */
export function planModifiers(modifiers: readonly string[]): ModifierPlan {
  const plan: ModifierPlan = {
    kind: 'string', transforms: [], all: false, neq: false, cased: false, windash: false, expand: false,
    regexFlags: { ignoreCase: false, multiline: false, dotAll: false },
  };
  const setKind = (kind: ModifierPlan['kind'], name: string): void => {
    if (plan.kind !== 'string' && !(plan.kind === 'time' && kind === 'compare')) {
      throw new UnsupportedRuleError(`modifier '${name}' cannot be combined with '${plan.kind}'`);
    }
    plan.kind = kind;
  };
  for (const name of modifiers) {
    switch (name) {
      case 'all': plan.all = true; break;
      case 'neq': plan.neq = true; break;
      case 'cased': plan.cased = true; break;
      case 'windash': plan.windash = true; break;
      case 'expand': plan.expand = true; break;
      case 'contains': case 'startswith': case 'endswith':
      case 'base64': case 'base64offset': case 'utf16le': case 'utf16be': case 'utf16':
        plan.transforms.push(name); break;
      case 'wide': plan.transforms.push('utf16le'); break;
      case 're': setKind('re', name); break;
      case 'i': case 'm': case 's':
        if (plan.kind !== 're') throw new UnsupportedRuleError(`modifier '${name}' only follows 're'`);
        if (name === 'i') plan.regexFlags.ignoreCase = true;
        else if (name === 'm') plan.regexFlags.multiline = true;
        else plan.regexFlags.dotAll = true;
        break;
      case 'cidr': setKind('cidr', name); break;
      case 'exists': setKind('exists', name); break;
      case 'fieldref': setKind('fieldref', name); break;
      case 'lt': case 'lte': case 'gt': case 'gte':
        setKind('compare', name);
        plan.comparison = name;
        break;
      default:
        if ((TIME_PARTS as readonly string[]).includes(name)) {
          setKind('time', name);
          plan.timePart = name as TimePart;
          break;
        }
        throw new UnsupportedRuleError(`unknown value modifier '${name}'`);
    }
  }
  if (plan.kind === 'compare' && plan.timePart) plan.kind = 'time';
  const encodes = plan.transforms.some((t) => t !== 'contains' && t !== 'startswith' && t !== 'endswith');
  if (plan.kind !== 'string' && plan.kind !== 'fieldref' && (plan.transforms.length > 0 || plan.windash || plan.expand)) {
    throw new UnsupportedRuleError(`value modifiers (${modifiers.join('|')}) cannot be combined with '${plan.kind}'`);
  }
  if (plan.kind === 'fieldref' && (encodes || plan.windash || plan.expand)) {
    throw new UnsupportedRuleError('fieldref only combines with contains, startswith, endswith, cased, neq and all');
  }
  if (plan.windash && encodes) throw new UnsupportedRuleError('windash cannot be combined with base64 or utf16 encodings');
  // Encoded values are byte sequences: comparing them case-insensitively would match other bytes.
  if (encodes) plan.cased = true;
  return plan;
}

/** One rule value after transformation: alternatives (ORed), or the special null. */
export type PatternGroup = { kind: 'null' } | { kind: 'patterns'; patterns: SigmaPattern[] };

const MAX_EXPANSIONS = 10_000;

/** Placeholder values for `expand`, e.g. `{ Administrators: ['admin', 'adm_*'] }`. */
export type Placeholders = Readonly<Record<string, readonly string[]>>;

/**
 * Applies the plan's transformations to the rule values of a string item: wildcard parsing,
 * placeholder expansion, contains/startswith/endswith and the encodings, in the order written.
 *
 * @example transformValues(planModifiers(['contains']), ['cmd'], {}) // [{ kind: 'patterns', patterns: [[ANY_RUN, 'cmd', ANY_RUN]] }]
 * @throws UnsupportedRuleError
 */
export function transformValues(plan: ModifierPlan, values: readonly SigmaScalar[], placeholders: Placeholders): PatternGroup[] {
  return values.map((value): PatternGroup => {
    if (value === null) return { kind: 'null' };
    let patterns: { pattern: SigmaPattern; bytes: boolean }[];
    if (typeof value === 'string') {
      const texts = plan.expand ? expandPlaceholders(value, placeholders) : [value];
      patterns = texts.map((text) => ({ pattern: parsePattern(text), bytes: false }));
    } else {
      patterns = [{ pattern: literalPattern(String(value)), bytes: false }];
    }
    for (const transform of plan.transforms) patterns = patterns.flatMap((p) => applyTransform(transform, p));
    return { kind: 'patterns', patterns: patterns.map((p) => p.pattern) };
  });
}

function applyTransform(transform: Transform, value: { pattern: SigmaPattern; bytes: boolean }): { pattern: SigmaPattern; bytes: boolean }[] {
  switch (transform) {
    case 'contains':
      return [{ pattern: surroundPattern(value.pattern, true, true), bytes: value.bytes }];
    case 'startswith':
      return [{ pattern: surroundPattern(value.pattern, false, true), bytes: value.bytes }];
    case 'endswith':
      return [{ pattern: surroundPattern(value.pattern, true, false), bytes: value.bytes }];
    default: {
      if (hasWildcards(value.pattern)) throw new UnsupportedRuleError(`'${transform}' cannot encode a value with wildcards; apply contains/startswith/endswith after it`);
      const text = value.pattern.length === 0 ? '' : (value.pattern[0] as string);
      const bytes = value.bytes ? byteString(text) : utf8Bytes(text);
      switch (transform) {
        case 'base64':
          return [{ pattern: literalPattern(base64(bytes)), bytes: false }];
        case 'base64offset':
          return base64Offsets(bytes).map((encoded) => ({ pattern: literalPattern(encoded), bytes: false }));
        case 'utf16le':
        case 'utf16be':
        case 'utf16':
          return [{ pattern: literalPattern(utf16(text, transform)), bytes: true }];
      }
    }
  }
}

/**
 * Replaces `%name%` placeholders with every configured value (the cartesian product when there are
 * several); `\%` is a plain percent sign.
 *
 * @throws UnsupportedRuleError when a placeholder has no configured values
 */
export function expandPlaceholders(text: string, placeholders: Placeholders): string[] {
  let results = [''];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && text[i + 1] === '%') {
      literal += '%';
      i++;
    } else if (ch === '%') {
      const end = text.indexOf('%', i + 1);
      if (end < 0) {
        literal += ch;
        continue;
      }
      const name = text.slice(i + 1, end);
      const values = placeholders[name];
      if (!values || values.length === 0) throw new UnsupportedRuleError(`placeholder %${name}% has no values configured`);
      const prefix = literal;
      if (results.length * values.length > MAX_EXPANSIONS) {
        throw new UnsupportedRuleError(`placeholders expand to more than ${MAX_EXPANSIONS} values`);
      }
      results = results.flatMap((result) => values.map((value) => result + prefix + value));
      literal = '';
      i = end;
    } else {
      literal += ch;
    }
  }
  return results.map((result) => result + literal);
}

function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return bytes;
}

/** A string whose characters are bytes (as utf16* produce) back to the bytes. */
function byteString(text: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) bytes.push(text.charCodeAt(i) & 0xff);
  return bytes;
}

function utf16(text: string, form: 'utf16le' | 'utf16be' | 'utf16'): string {
  let out = form === 'utf16' ? '\xff\xfe' : '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const low = String.fromCharCode(unit & 0xff);
    const high = String.fromCharCode(unit >> 8);
    out += form === 'utf16be' ? high + low : low + high;
  }
  return out;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard Base64 with `=` padding. */
export function base64(bytes: readonly number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BASE64.charAt((chunk >> 18) & 63) + BASE64.charAt((chunk >> 12) & 63);
    out += i + 1 < bytes.length ? BASE64.charAt((chunk >> 6) & 63) : '=';
    out += i + 2 < bytes.length ? BASE64.charAt(chunk & 63) : '=';
  }
  return out;
}

/**
 * The three forms a value takes inside a longer Base64 text, for its three possible byte offsets:
 * the value is encoded after 0, 1 and 2 filler bytes, and the characters that depend on the
 * filler or on what follows are cut off (as pySigma does).
 *
 * @example base64Offsets(utf8('/c')) // ['L2', '9j', 'vY']
 */
export function base64Offsets(bytes: readonly number[]): string[] {
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  return [0, 1, 2].map((offset) => {
    const encoded = base64([...new Array<number>(offset).fill(0x20), ...bytes]);
    const cut = endCut[(bytes.length + offset) % 3]!;
    return encoded.slice(startCut[offset]!, cut === 0 ? encoded.length : encoded.length - cut);
  });
}

/** An event value as a number: numbers, and strings that are a whole number (decimal or 0x hex). */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    const number = Number(text);
    return Number.isNaN(number) ? undefined : number;
  }
  return undefined;
}

/** A rule value that must be numeric (lt/lte/gt/gte, date parts). */
export function requireNumber(value: SigmaScalar, modifier: string): number {
  const number = typeof value === 'boolean' || value === null ? undefined : numericValue(value);
  if (number === undefined) throw new UnsupportedRuleError(`'${modifier}' needs a number, not ${JSON.stringify(value)}`);
  return number;
}

export function compare(comparison: Comparison | undefined, left: number, right: number): boolean {
  switch (comparison) {
    case 'lt': return left < right;
    case 'lte': return left <= right;
    case 'gt': return left > right;
    case 'gte': return left >= right;
    default: return left === right;
  }
}

/**
 * A date part of an event value, in UTC: ISO 8601 strings, or numbers as milliseconds since the
 * epoch. `week` is the ISO week number. Undefined when the value is not a date.
 *
 * @example timePart('2024-03-05T22:10:00Z', 'hour') // 22
 */
export function timePart(value: unknown, part: TimePart): number | undefined {
  let time: number;
  if (typeof value === 'number') time = value;
  else if (typeof value === 'string' && value.trim() !== '') time = Date.parse(value);
  else if (value instanceof Date) time = value.getTime();
  else return undefined;
  if (Number.isNaN(time)) return undefined;
  const date = new Date(time);
  switch (part) {
    case 'minute': return date.getUTCMinutes();
    case 'hour': return date.getUTCHours();
    case 'day': return date.getUTCDate();
    case 'month': return date.getUTCMonth() + 1;
    case 'year': return date.getUTCFullYear();
    case 'week': {
      // ISO 8601: the week with the year's first Thursday is week 1.
      const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
      thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
      const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
      return Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
    }
  }
}

/**
 * A CIDR range test for IPv4 and IPv6 (IPv4-mapped IPv6 addresses count as IPv4).
 *
 * @example compileCidr('10.0.0.0/8')('10.1.2.3') // true
 * @throws UnsupportedRuleError for an invalid range
 */
export function compileCidr(range: string): (address: string) => boolean {
  let network: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    network = ipaddr.parseCIDR(range.trim());
  } catch {
    throw new UnsupportedRuleError(`'${range}' is not a CIDR range (e.g. 10.0.0.0/8 or fd00::/8)`);
  }
  const [base, bits] = network;
  const kind = base.kind();
  return (address) => {
    const text = address.trim();
    if (!ipaddr.isValid(text)) return false;
    const parsed = ipaddr.process(text);
    if (parsed.kind() !== kind) return false;
    return parsed.match(base, bits);
  };
}
