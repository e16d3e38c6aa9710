import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PatternPart } from '../query-ast.ts';
import { lowerCase, wordPattern } from './word-pattern.ts';

const literal = (text: string): PatternPart => ({ kind: 'literal', text });
const STAR: PatternPart = { kind: 'anyChars' };
const ONE: PatternPart = { kind: 'oneChar' };

/** Whether the pattern of `parts` finds a match in `text`, the way an engine runs it. */
function matches(parts: PatternPart[], text: string): boolean {
  return new RegExp(wordPattern(parts).regex, 'u').test(lowerCase(text));
}

/** Reference for terms without wildcards, written as a plain scan rather than a regex. */
function referenceMatches(term: string, text: string): boolean {
  const isWord = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}_]/u.test(char);
  const t = [...lowerCase(term)];
  const s = [...lowerCase(text)];
  for (let i = 0; i + t.length <= s.length; i++) {
    if (!t.every((c, k) => s[i + k] === c)) continue;
    if (isWord(t[0]) && isWord(s[i - 1])) continue;
    if (isWord(t[t.length - 1]) && isWord(s[i + t.length])) continue;
    return true;
  }
  return false;
}

describe('wordPattern', () => {
  it('matches whole words ignoring case, not parts of words', () => {
    expect(matches([literal('admin')], 'login by Admin from host')).toBe(true);
    expect(matches([literal('admin')], 'login by administrator')).toBe(false);
    expect(matches([literal('admin')], 'sysadmin')).toBe(false);
    expect(matches([literal('admin')], 'admin')).toBe(true);
    expect(matches([literal('admin')], 'user=admin;')).toBe(true);
    expect(matches([literal('admin')], 'user_admin')).toBe(false);
  });

  it('matches a term of several words as its exact character sequence with boundaries at both ends', () => {
    expect(matches([literal('10.0.0.1')], 'SRC=10.0.0.1 DST=10.0.0.12')).toBe(true);
    expect(matches([literal('10.0.0.1')], 'DST=10.0.0.12')).toBe(false);
    expect(matches([literal('10.0.0.1')], 'DST=110.0.0.1')).toBe(false);
    expect(matches([literal('C:\\Windows\\cmd.exe')], '"c:\\windows\\CMD.EXE" /c whoami')).toBe(true);
    expect(matches([literal('access denied')], 'ACCESS DENIED for x')).toBe(true);
    expect(matches([literal('access denied')], 'access  denied')).toBe(false);
    // A term ending in a separator needs no boundary on that side.
    expect(matches([literal('/var/')], 'x/var/log')).toBe(true);
  });

  it('keeps wildcard meaning: * lifts the boundary at its end, ? is one character', () => {
    expect(matches([literal('admin'), STAR], 'administrator')).toBe(true);
    expect(matches([literal('admin'), STAR], 'sysadmin')).toBe(false);
    expect(matches([STAR, literal('dmi'), STAR], 'sysadmins')).toBe(true);
    expect(matches([literal('a'), ONE, literal('c')], 'x abc y')).toBe(true);
    expect(matches([literal('a'), ONE, literal('c')], 'x abcd y')).toBe(false);
    expect(matches([literal('a'), STAR, literal('c')], 'a\nb c')).toBe(true);
  });

  it('escapes regex syntax in the term', () => {
    for (const term of ['a.b', '(x)', '[1]', 'a+b', 'c:\\', '$^|?*{2}']) {
      expect(matches([literal(term)], `-${term}-`)).toBe(true);
      expect(() => wordPattern([literal(term)])).not.toThrow();
    }
    expect(matches([literal('a.b')], 'axb')).toBe(false);
  });

  it('gives the lowercased term for an index and the longest literal as the required substring', () => {
    expect(wordPattern([literal('Access Denied')])).toMatchObject({ exact: 'access denied', required: 'access denied', prefilter: '(?i:access den[i\u0130]ed)' });
    expect(wordPattern([literal('ad'), STAR, literal('MINI'), ONE])).toMatchObject({ exact: undefined, required: 'mini', prefilter: '(?i:m[i\u0130]n[i\u0130])' });
    expect(wordPattern([ONE]).prefilter).toBe('');
  });

  it('lowercases one code point at a time, like SQL lower()', () => {
    expect(lowerCase('ΣΑΣ')).toBe('σασ');
    expect(lowerCase('İSTANBUL')).toBe('istanbul');
    expect(lowerCase('Ǆ K')).toBe('ǆ k');
  });

  it('agrees with a plain scan for any text and term, Unicode and punctuation included', () => {
    const alphabet = fc.constantFrom('a', 'B', 'é', 'Σ', 'ς', 'ß', 'ẞ', 'İ', 'i', 'I', 'ı', 'K', '_', '1', '٣', ' ', '.', '-', '\\', '/', '"', '\n', '€', '😀', '漢');
    const text = fc.array(alphabet, { maxLength: 20 }).map((cs) => cs.join(''));
    const term = fc.array(alphabet, { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
    fc.assert(fc.property(text, term, fc.nat(20), (t, q, at) => {
      // Often plant the term, at the start, the end or inside.
      const planted = t.slice(0, at) + q + t.slice(at);
      for (const s of [t, planted]) {
        const expected = referenceMatches(q, s);
        expect(matches([literal(q)], s)).toBe(expected);
        // The prefilter never rules out a match.
        if (expected) expect(new RegExp(wordPattern([literal(q)]).prefilter, 'u').test(s)).toBe(true);
      }
    }), { numRuns: 500 });
  });
});
