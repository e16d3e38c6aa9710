/**
 * Lexer of the query language: turns query text into tokens with spans, in one left-to-right pass
 * (linear time, no regular expressions over the input, no backtracking).
 *
 * Two modes, switched one way at the first unquoted `|`:
 * - filter mode (the search): terms are runs of anything but whitespace, `(`, `)`, `"` and `|`, with
 *   `\` escaping the next character. Colons stay inside terms (IPv6 addresses, times), so the parser
 *   splits `field:value` itself, at the first unescaped colon.
 * - stage mode (after `|`): words of field-name characters, quoted strings, numbers, comparison
 *   operators, `,`, `-`, `+`, parentheses.
 */
import type { CompareOperator, Span } from './query-ast.ts';
import { QuerySyntaxError } from './query-error.ts';

/** One character of a term or string after unescaping; `escaped` marks `\x` (never a wildcard or operator). */
export interface Unit {
  ch: string;
  escaped: boolean;
  /** Offset of the character in the query (of its backslash when escaped). */
  at: number;
}

export type Token =
  /** Filter mode: a bare term (word, `field:value`, `>=5`, `-x`, `AND`...). */
  | { kind: 'term'; units: Unit[]; span: Span }
  /** Filter mode: `"a phrase"`; stage mode: `"a string"`. Units keep escapes (for `like` patterns). */
  | { kind: 'string'; units: Unit[]; span: Span }
  /** Stage mode: a word of field-name characters (`stats`, `user.name`, `5m`, `400`). */
  | { kind: 'word'; text: string; span: Span }
  | { kind: 'op'; op: CompareOperator; span: Span }
  | { kind: 'lparen' | 'rparen' | 'pipe' | 'comma' | 'minus' | 'plus'; span: Span };

export type TokenKind = Token['kind'];

/** Whitespace that separates tokens (the printer escapes the same characters). */
export const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u00a0';

/** Characters of a stage-mode word: the field-name alphabet (see FIELD_NAME_PATTERN). */
function isWordChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || ch === '_' || ch === '@' || ch === '.' || ch === '-';
}

/** Text of units, for messages. */
export function unitsText(units: readonly Unit[]): string {
  let text = '';
  for (const unit of units) text += unit.ch;
  return text;
}

/** Shows a piece of the query in a message: backticked, shortened when long. */
export function quoteForMessage(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `\`${short}\``;
}

/**
 * Splits the query into tokens. Throws {@link QuerySyntaxError} for an unclosed quote, a trailing
 * backslash, or a character stage mode does not know.
 */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let stageMode = false;
  let i = 0;
  const n = query.length;
  while (i < n) {
    const ch = query[i]!;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '|') {
      tokens.push({ kind: 'pipe', span: { start, end: i + 1 } });
      stageMode = true;
      i++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', span: { start, end: i + 1 } });
      i++;
    } else if (ch === '"') {
      i = readString(query, i, tokens);
    } else if (!stageMode) {
      i = readTerm(query, i, tokens);
    } else if (isWordChar(ch) && ch !== '-') {
      while (i < n && isWordChar(query[i]!)) i++;
      tokens.push({ kind: 'word', text: query.slice(start, i), span: { start, end: i } });
    } else if (ch === ',' || ch === '-' || ch === '+') {
      tokens.push({ kind: ch === ',' ? 'comma' : ch === '-' ? 'minus' : 'plus', span: { start, end: i + 1 } });
      i++;
    } else if (ch === '=' || ch === '<' || ch === '>' || ch === '!') {
      i = readOperator(query, i, tokens);
    } else {
      const hint = ch === ':'
        ? ' (after `|`, compare with `=`, as in `| where user.name = "root"`)'
        : ch === '*' ? ' (after `|`, write count() for a count, and wildcards as `like "adm*"`)' : '';
      throw new QuerySyntaxError(`unexpected character ${quoteForMessage(ch)}${hint}`, { start, end: start + 1 });
    }
  }
  return tokens;
}

function readTerm(query: string, start: number, tokens: Token[]): number {
  const units: Unit[] = [];
  let i = start;
  while (i < query.length) {
    const ch = query[i]!;
    if (isSpace(ch) || ch === '(' || ch === ')' || ch === '"' || ch === '|') break;
    if (ch === '\\') {
      if (i + 1 >= query.length) {
        throw new QuerySyntaxError('a backslash at the end escapes nothing: write `\\\\` for a backslash', { start: i, end: i + 1 });
      }
      units.push({ ch: query[i + 1]!, escaped: true, at: i });
      i += 2;
    } else {
      units.push({ ch, escaped: false, at: i });
      i++;
    }
  }
  tokens.push({ kind: 'term', units, span: { start, end: i } });
  return i;
}

function readString(query: string, start: number, tokens: Token[]): number {
  const units: Unit[] = [];
  let i = start + 1;
  while (i < query.length) {
    const ch = query[i]!;
    if (ch === '"') {
      tokens.push({ kind: 'string', units, span: { start, end: i + 1 } });
      return i + 1;
    }
    if (ch === '\\' && i + 1 < query.length) {
      units.push({ ch: query[i + 1]!, escaped: true, at: i });
      i += 2;
    } else {
      units.push({ ch, escaped: false, at: i });
      i++;
    }
  }
  throw new QuerySyntaxError('unclosed quote: add a closing `"`', { start, end: query.length });
}

function readOperator(query: string, start: number, tokens: Token[]): number {
  const ch = query[start]!;
  const next = query[start + 1];
  let op: CompareOperator;
  let length = 1;
  if (ch === '!') {
    if (next !== '=') throw new QuerySyntaxError('unexpected `!`: write `!=` to compare, or `not` to negate', { start, end: start + 1 });
    op = '!=';
    length = 2;
  } else if (ch === '=') {
    op = '=';
    if (next === '=') length = 2; // `==` is a common habit; it means `=`.
  } else if (next === '=') {
    op = ch === '<' ? '<=' : '>=';
    length = 2;
  } else {
    op = ch === '<' ? '<' : '>';
  }
  tokens.push({ kind: 'op', op, span: { start, end: start + length } });
  return start + length;
}
