import type { PatternPart } from '../query-ast.ts';

/**
 * Free text matches whole words, ignoring case, as in Splunk and Elastic. A word is a maximal run of
 * Unicode letters, digits and `_`; everything else separates words. A term of several words
 * (`10.0.0.1`, `"access denied"`) matches that exact character sequence with word boundaries at both
 * ends; a `*` at an end of the term lifts the boundary there (`admin*`: a word starting with admin;
 * `*dmi*`: anywhere).
 *
 * The patterns built here are regular expressions in the syntax RE2 (DuckDB, ClickHouse) and
 * JavaScript `u` regexes share, searched in the text lowercased code point by code point (SQL
 * `lower()`), so an engine matches without case folding and a word index built from the same
 * lowercased text and {@link WORD_CHARS} agrees with the match exactly.
 */

/** The characters words are made of, as the inside of a regex character class. */
export const WORD_CHARS = '\\p{L}\\p{N}_';

const WORD_CHAR = new RegExp(`^[${WORD_CHARS}]`, 'u');
/** Word boundary before / after the term: RE2 has no lookbehind, so the separator itself is matched. */
const BOUNDARY_BEFORE = `(?:^|[^${WORD_CHARS}])`;
const BOUNDARY_AFTER = `(?:$|[^${WORD_CHARS}])`;
/** One character of any kind, newlines included, in both syntaxes (no dot-all flag needed). */
const ANY_CHAR = '[\\s\\S]';

export interface WordPattern {
  /** Regex to search for in the lowercased text. */
  regex: string;
  /**
   * Lowercased text every match contains (the term without wildcards, else its longest literal
   * part). Empty when there is none.
   */
  required: string;
  /**
   * Case-insensitive regex (`(?i:...)`) that finds {@link required} in the original text, not
   * lowercased: an engine runs it before {@link regex} to skip most rows without lowercasing them
   * (3x cheaper in DuckDB). It matches wherever the lowercased text contains `required`: simple case
   * folding relates every character to its lowercase except `İ` (lowercase `i`), added by hand.
   * Empty when there is no required text.
   */
  prefilter: string;
  /**
   * The lowercased term when it has no wildcards: its words are what a word index looks up. The
   * regex only matches text whose words include all of them.
   */
  exact: string | undefined;
}

/** The pattern of a free-text term (its parts as the parser gives them). */
export function wordPattern(parts: readonly PatternPart[]): WordPattern {
  const first = parts[0];
  const last = parts[parts.length - 1];
  // A leading or trailing `*` needs no regex text: the search is unanchored anyway.
  const start = first?.kind === 'anyChars' ? 1 : 0;
  const end = parts.length > start && last?.kind === 'anyChars' ? parts.length - 1 : parts.length;
  const inner = parts.slice(start, end);
  let regex = inner.map((part) => {
    if (part.kind === 'literal') return escapeRegex(lowerCase(part.text));
    return part.kind === 'anyChars' ? `${ANY_CHAR}*` : ANY_CHAR;
  }).join('');
  if (start === 0 && first !== undefined && edgeIsWordChar(first, 'start')) regex = BOUNDARY_BEFORE + regex;
  if (end === parts.length && last !== undefined && edgeIsWordChar(last, 'end')) regex += BOUNDARY_AFTER;
  const literals = parts.flatMap((p) => (p.kind === 'literal' ? [lowerCase(p.text)] : []));
  const required = literals.reduce((longest, text) => (text.length > longest.length ? text : longest), '');
  const exact = parts.every((p) => p.kind === 'literal') ? literals.join('') : undefined;
  const prefilter = required === '' ? '' : `(?i:${[...required].map((c) => (c === 'i' ? '[i\u0130]' : escapeRegex(c))).join('')})`;
  return { regex, required, exact, prefilter };
}

/** Whether the term's first or last character may be a word character (a `?` may). */
function edgeIsWordChar(part: PatternPart, edge: 'start' | 'end'): boolean {
  if (part.kind !== 'literal') return true;
  const chars = [...part.text];
  const char = edge === 'start' ? chars[0] : chars[chars.length - 1];
  return char !== undefined && WORD_CHAR.test(lowerCase(char));
}

/**
 * Lowercase one code point at a time, as SQL `lower()` does (DuckDB: utf8proc's simple mapping), not
 * JavaScript's context-sensitive full mapping (final sigma, `İ` → `i̇`).
 */
export function lowerCase(text: string): string {
  let out = '';
  for (const char of text) {
    const lower = char.toLowerCase();
    // Only U+0130 (İ) has a multi-character lowercase without context; its simple mapping is `i`.
    out += [...lower].length === 1 ? lower : char === '\u0130' ? 'i' : char;
  }
  return out;
}

/** Escapes the characters that are syntax in RE2 and JS `u` regexes (JS refuses escaping others). */
function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
