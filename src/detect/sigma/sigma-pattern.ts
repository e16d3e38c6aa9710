/**
 * Sigma string values: wildcards (`*`, `?`), backslash escaping, and a linear-time matcher for them.
 *
 * A rule value is parsed once into {@link SigmaPattern} parts; {@link compilePattern} turns a pattern
 * into the cheapest test that decides it (equality, `startsWith`, `endsWith`, `includes`, or a
 * segment matcher for general patterns), so the per-event work is plain string operations.
 *
 * @see /work/shared/sigma-specification/specification/sigma-rules-specification.md ("String Wildcard", "Escape Character")
 */

/** One piece of a Sigma string: literal text, `*` (any run, possibly empty) or `?` (exactly one character). */
export type PatternPart = string | typeof ANY_RUN | typeof ANY_CHAR;

export const ANY_RUN: unique symbol = Symbol('*');
export const ANY_CHAR: unique symbol = Symbol('?');

/** A Sigma string value as parts; adjacent literals are merged and runs of `*` collapsed. */
export type SigmaPattern = readonly PatternPart[];

/** A test of one (already case-normalized) event string. */
export type StringTest = (value: string) => boolean;

/**
 * Parses a Sigma string with the specification's escaping: a backslash escapes a following `*`, `?`
 * or backslash; any other backslash (including a trailing one) is a plain backslash.
 *
 * @example parsePattern('C:\\Windows\\*.exe') // ['C:\\Windows\\', ANY_RUN, '.exe']
 * @example parsePattern('a\\*b') // ['a*b']
 */
export function parsePattern(text: string): SigmaPattern {
  const parts = new PatternBuilder();
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        literal += next;
        i++;
      } else {
        literal += '\\';
      }
    } else if (ch === '*' || ch === '?') {
      parts.literal(literal);
      literal = '';
      parts.wildcard(ch === '*' ? ANY_RUN : ANY_CHAR);
    } else {
      literal += ch;
    }
  }
  parts.literal(literal);
  return parts.done();
}

/** A pattern made of one literal, for values that are not Sigma strings (numbers, encoded bytes). */
export function literalPattern(text: string): SigmaPattern {
  return text === '' ? [] : [text];
}

/** Builds normalized part lists: no empty literals, adjacent literals merged, `**` collapsed. */
export class PatternBuilder {
  private readonly parts: PatternPart[] = [];

  literal(text: string): void {
    if (text === '') return;
    const last = this.parts.length - 1;
    if (last >= 0 && typeof this.parts[last] === 'string') this.parts[last] = (this.parts[last] as string) + text;
    else this.parts.push(text);
  }

  wildcard(part: typeof ANY_RUN | typeof ANY_CHAR): void {
    if (part === ANY_RUN && this.parts[this.parts.length - 1] === ANY_RUN) return;
    this.parts.push(part);
  }

  add(part: PatternPart): void {
    if (typeof part === 'string') this.literal(part);
    else this.wildcard(part);
  }

  done(): SigmaPattern {
    return this.parts;
  }
}

/** True when the pattern has a `*` or `?`. */
export function hasWildcards(pattern: SigmaPattern): boolean {
  return pattern.some((part) => typeof part !== 'string');
}

/** The pattern with a `*` added at the start and/or end (contains / startswith / endswith). */
export function surroundPattern(pattern: SigmaPattern, before: boolean, after: boolean): SigmaPattern {
  const parts = new PatternBuilder();
  if (before) parts.wildcard(ANY_RUN);
  for (const part of pattern) parts.add(part);
  if (after) parts.wildcard(ANY_RUN);
  return parts.done();
}

/** Maps every literal of the pattern through `fn` (lower-casing, dash normalization). */
export function mapLiterals(pattern: SigmaPattern, fn: (text: string) => string): SigmaPattern {
  const parts = new PatternBuilder();
  for (const part of pattern) parts.add(typeof part === 'string' ? fn(part) : part);
  return parts.done();
}

/** The pattern written back as a Sigma string (escaping literal wildcards), for messages and explanations. */
export function formatPattern(pattern: SigmaPattern): string {
  const chars: PatternPart[] = pattern.flatMap((part): PatternPart[] => (typeof part === 'string' ? [...part] : [part]));
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const next = chars[i + 1];
    if (ch === ANY_RUN) out += '*';
    else if (ch === ANY_CHAR) out += '?';
    else if (ch === '*' || ch === '?') out += '\\' + ch;
    else if (ch === '\\' && (next === ANY_RUN || next === ANY_CHAR || next === '\\' || next === '*' || next === '?')) out += '\\\\';
    else out += ch;
  }
  return out;
}

/**
 * Compiles a pattern into the cheapest exact test. The value passed at match time must already be
 * normalized the same way as the pattern's literals (lower-cased for case-insensitive matching).
 * General patterns run in O(value length × longest literal) time, never backtracking over `*`.
 *
 * @example compilePattern(parsePattern('*\\cmd.exe'))('c:\\windows\\cmd.exe') // true
 */
export function compilePattern(pattern: SigmaPattern): StringTest {
  if (pattern.length === 0) return (value) => value === '';
  if (!hasWildcards(pattern)) {
    const literal = pattern[0] as string;
    return (value) => value === literal;
  }
  if (pattern.length === 1) return pattern[0] === ANY_RUN ? () => true : (value) => value.length === 1;
  const [first, second, third] = pattern;
  if (pattern.length === 2 && typeof second === 'string' && first === ANY_RUN) return (value) => value.endsWith(second);
  if (pattern.length === 2 && typeof first === 'string' && second === ANY_RUN) return (value) => value.startsWith(first);
  if (pattern.length === 3 && first === ANY_RUN && third === ANY_RUN && typeof second === 'string') {
    return (value) => value.includes(second);
  }
  return compileSegments(pattern);
}

/**
 * The general case: the pattern split at `*` into segments (literals and `?`). The first segment is
 * anchored at the start, the last at the end, and the ones between are found leftmost-first — which
 * is always a correct choice for `*`, so no backtracking is needed.
 */
function compileSegments(pattern: SigmaPattern): StringTest {
  const segments: Segment[] = [[]];
  for (const part of pattern) {
    if (part === ANY_RUN) segments.push([]);
    else segments[segments.length - 1]!.push(part);
  }
  const compiled = segments.map(compileSegment);
  const head = compiled[0]!;
  const tail = compiled[compiled.length - 1]!;
  if (compiled.length === 1) return (value) => head.length === value.length && head.matchAt(value, 0);
  const middle = compiled.slice(1, -1);
  const minLength = compiled.reduce((sum, segment) => sum + segment.length, 0);
  return (value) => {
    if (value.length < minLength) return false;
    if (!head.matchAt(value, 0)) return false;
    const tailStart = value.length - tail.length;
    if (!tail.matchAt(value, tailStart)) return false;
    let position = head.length;
    for (let i = 0; i < middle.length; i++) {
      const segment = middle[i]!;
      const found = segment.find(value, position, tailStart);
      if (found < 0) return false;
      position = found + segment.length;
    }
    return true;
  };
}

type Segment = (string | typeof ANY_CHAR)[];

interface CompiledSegment {
  /** Characters the segment spans. */
  length: number;
  matchAt(value: string, at: number): boolean;
  /** The leftmost start >= from where the segment fits before `limit`, or -1. */
  find(value: string, from: number, limit: number): number;
}

function compileSegment(segment: Segment): CompiledSegment {
  let text = '';
  const anyAt: boolean[] = [];
  for (const part of segment) {
    if (part === ANY_CHAR) {
      text += '\0';
      anyAt.push(true);
    } else {
      text += part;
      for (let i = 0; i < part.length; i++) anyAt.push(false);
    }
  }
  const length = text.length;
  if (!anyAt.includes(true)) {
    return {
      length,
      matchAt: (value, at) => value.startsWith(text, at),
      find: (value, from, limit) => {
        const found = value.indexOf(text, from);
        return found >= 0 && found + length <= limit ? found : -1;
      },
    };
  }
  const matchAt = (value: string, at: number): boolean => {
    if (at < 0 || at + length > value.length) return false;
    for (let i = 0; i < length; i++) {
      if (!anyAt[i] && value.charCodeAt(at + i) !== text.charCodeAt(i)) return false;
    }
    return true;
  };
  return {
    length,
    matchAt,
    find: (value, from, limit) => {
      for (let at = from; at + length <= limit; at++) if (matchAt(value, at)) return at;
      return -1;
    },
  };
}
