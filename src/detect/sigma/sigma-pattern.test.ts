/**
 * Wildcard patterns: parsing with the specification's escaping ("Escape Character" in
 * sigma-rules-specification.md), and the linear matcher checked against a simple reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANY_CHAR, ANY_RUN, compilePattern, formatPattern, parsePattern, type SigmaPattern } from './sigma-pattern.ts';

/** The obvious exponential-time recursive matcher, as the reference. */
function reference(pattern: SigmaPattern, value: string): boolean {
  const units: (string | symbol)[] = pattern.flatMap((part): (string | symbol)[] => (typeof part === 'string' ? [...part] : [part]));
  const go = (p: number, v: number): boolean => {
    if (p === units.length) return v === value.length;
    const unit = units[p];
    if (unit === ANY_RUN) {
      for (let k = v; k <= value.length; k++) if (go(p + 1, k)) return true;
      return false;
    }
    if (v >= value.length) return false;
    return (unit === ANY_CHAR || unit === value[v]) && go(p + 1, v + 1);
  };
  return go(0, 0);
}

describe('parsePattern (Escape Character)', () => {
  it('reads wildcards and escapes as the specification lists them', () => {
    expect(parsePattern('prog?.exe')).toEqual(['prog', ANY_CHAR, '.exe']);
    expect(parsePattern('a\\*b')).toEqual(['a*b']);
    expect(parsePattern('a\\?b')).toEqual(['a?b']);
    expect(parsePattern('C:\\\\*')).toEqual(['C:\\', ANY_RUN]);
    expect(parsePattern('C:\\\\\\*')).toEqual(['C:\\*']);
    expect(parsePattern('C:\\Windows')).toEqual(['C:\\Windows']);
    expect(parsePattern('C:\\\\Windows')).toEqual(['C:\\Windows']);
    expect(parsePattern('\\\\\\\\')).toEqual(['\\\\']);
    expect(parsePattern('\\\\\\')).toEqual(['\\\\']);
    expect(parsePattern('dir\\')).toEqual(['dir\\']);
    expect(parsePattern('**a**')).toEqual([ANY_RUN, 'a', ANY_RUN]);
    expect(parsePattern('')).toEqual([]);
  });

  it('formatPattern writes a pattern that parses back to itself', () => {
    const part = fc.oneof(
      fc.constant<string | symbol>(ANY_RUN),
      fc.constant<string | symbol>(ANY_CHAR),
      fc.string({ unit: fc.constantFrom('a', '\\', '*', '?', 'b') }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const pattern = parsePattern(parts.map((p) => (p === ANY_RUN ? '*' : p === ANY_CHAR ? '?' : (p as string).replace(/[\\*?]/g, '\\$&'))).join(''));
        expect(parsePattern(formatPattern(pattern))).toEqual(pattern);
      }),
    );
  });
});

describe('compilePattern', () => {
  const text = (alphabet: string[]) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 14 });

  it('agrees with the reference matcher on random patterns and values', () => {
    fc.assert(
      fc.property(text(['a', 'b', '*', '?']), text(['a', 'b', 'c']), (patternText, value) => {
        const pattern = parsePattern(patternText);
        expect(compilePattern(pattern)(value)).toBe(reference(pattern, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the reference when the value is built to match', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(text(['a', 'b', '*', '?']), text(['a', 'b']))), (pieces) => {
        const pattern = parsePattern(pieces.map(([p]) => p).join(''));
        const value = pieces.map(([p, fill]) => p.replace(/\*/g, fill).replace(/\?/g, 'a')).join('');
        expect(reference(pattern, value)).toBe(true);
        expect(compilePattern(pattern)(value)).toBe(true);
      }),
    );
  });

  it('stays linear on inputs that make backtracking matchers explode', () => {
    const pattern = parsePattern(`${'*a?'.repeat(30)}*b`);
    const started = performance.now();
    expect(compilePattern(pattern)('a'.repeat(100_000))).toBe(false);
    expect(compilePattern(pattern)(`${'a'.repeat(100_000)}b`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
