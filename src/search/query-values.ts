/**
 * Turns the units of a term or string into the normalized values of the AST: match values split into
 * literal parts and wildcard tokens, numbers, CIDR networks.
 */
import ipaddr from 'ipaddr.js';
import type { CidrFilter, FieldRef, MatchValue, PatternPart, Span } from './query-ast.ts';
import { QuerySyntaxError } from './query-error.ts';
import { quoteForMessage, type Unit } from './query-lexer.ts';

/** Span of `units[from..to)` of a token that spans `token`. */
export function unitsSpan(units: readonly Unit[], from: number, to: number, token: Span): Span {
  const start = from < units.length ? units[from]!.at : token.end;
  const end = to < units.length ? units[to]!.at : token.end;
  return { start, end };
}

/**
 * A match value from units. Unescaped `*` and `?` are wildcards when `wildcards` is true (bare terms,
 * `like` patterns), literal otherwise (phrases).
 */
export function matchValue(units: readonly Unit[], span: Span, quoted: boolean, wildcards: boolean): MatchValue {
  const parts: PatternPart[] = [];
  let literal = '';
  let hasWildcards = false;
  for (const unit of units) {
    const wildcard = wildcards && !unit.escaped && (unit.ch === '*' || unit.ch === '?');
    if (!wildcard) {
      literal += unit.ch;
      continue;
    }
    hasWildcards = true;
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
    // `**` means the same as `*`: keep one, so equal patterns have equal trees.
    if (unit.ch === '*' && parts.at(-1)?.kind === 'anyChars') continue;
    parts.push(unit.ch === '*' ? { kind: 'anyChars' } : { kind: 'oneChar' });
  }
  if (literal || parts.length === 0) parts.push({ kind: 'literal', text: literal });
  const text = parts.map((p) => (p.kind === 'literal' ? p.text : p.kind === 'anyChars' ? '*' : '?')).join('');
  return { text, hasWildcards, parts, quoted, span };
}

/** A number for decimal text (`400`, `-1.5`), else undefined; `-0` becomes `0`. */
export function decimalNumber(text: string): number | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) return undefined;
  return value === 0 ? 0 : value;
}

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';
const isHexOrSeparator = (ch: string): boolean => isDigit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || ch === ':' || ch === '.';

/**
 * Whether text is shaped like a CIDR (`1.2.3.4/8`, `fe80::/10`): then it is parsed as one and refused
 * when invalid, instead of silently becoming a text match. A hand-written scan (not a regex) keeps it
 * linear on long input.
 */
export function looksLikeCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1 || text.length - slash - 1 > 3) return false;
  for (let i = slash + 1; i < text.length; i++) if (!isDigit(text[i]!)) return false;
  const address = text.slice(0, slash);
  // 45 characters is the longest address text (IPv6 with an embedded IPv4); longer is not an address.
  if (address.length > 45) return false;
  let dots = 0;
  let colons = 0;
  for (const ch of address) {
    if (!isHexOrSeparator(ch)) return false;
    if (ch === '.') dots++;
    if (ch === ':') colons++;
  }
  if (colons > 0) return true;
  return dots === 3 && /^\d{1,3}(\.\d{1,3}){3}$/.test(address);
}

/** Parses a CIDR shaped text (see {@link looksLikeCidr}) into a filter; host bits are zeroed. */
export function cidrFilter(field: FieldRef, text: string, valueSpan: Span, span: Span): CidrFilter {
  const slash = text.indexOf('/');
  const address = text.slice(0, slash);
  const prefixLength = Number(text.slice(slash + 1));
  if (!address.includes(':')) {
    // Four decimal parts, read by hand: ipaddr.js would read `010` as octal.
    const octets = address.split('.').map(Number);
    const bad = octets.findIndex((o) => o > 255);
    if (bad >= 0) throw new QuerySyntaxError(`${quoteForMessage(text)} is not an IPv4 network: each part is 0 to 255`, valueSpan);
    if (prefixLength > 32) throw new QuerySyntaxError(`${quoteForMessage(text)}: an IPv4 prefix length is 0 to 32`, valueSpan);
    const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
    const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
    const first = (value & mask) >>> 0;
    const last = (first | (~mask >>> 0)) >>> 0;
    const dotted = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
    return { kind: 'cidr', field, family: 4, network: dotted(first), prefixLength, first: dotted(first), last: dotted(last), span };
  }
  if (!ipaddr.IPv6.isValid(address)) throw new QuerySyntaxError(`${quoteForMessage(text)} is not an IPv6 network`, valueSpan);
  if (prefixLength > 128) throw new QuerySyntaxError(`${quoteForMessage(text)}: an IPv6 prefix length is 0 to 128`, valueSpan);
  const cidr = `${address}/${prefixLength}`;
  const network = ipaddr.IPv6.networkAddressFromCIDR(cidr).toString();
  const last = ipaddr.IPv6.broadcastAddressFromCIDR(cidr).toString();
  return { kind: 'cidr', field, family: 6, network, prefixLength, first: network, last, span };
}
