/**
 * Recursive-descent parser of the search part of a query (before the first `|`):
 *
 *   or      = and { OR and }
 *   and     = unary { [AND] unary }          -- a space between terms means AND
 *   unary   = NOT unary | "-" primary | primary
 *   primary = "(" or ")" | phrase | term
 *   term    = field ":" value | word
 *   value   = "(" or ")" | phrase | "*" | (">"|">="|"<"|"<=") (word | phrase) | cidr | word
 *
 * Inside `field:( ... )` the same grammar applies with every term and phrase a value of that field.
 * Written by hand rather than generated so every error names what was expected where, in words an
 * analyst understands, and so nesting and term counts are bounded as the parse goes.
 */
import {
  isValidFieldName,
  type FieldRef,
  type FilterExpr,
  type MatchValue,
  type RangeOperator,
  type Span,
} from './query-ast.ts';
import type { TokenCursor } from './query-cursor.ts';
import { QuerySyntaxError } from './query-error.ts';
import { quoteForMessage, unitsText, type Token, type Unit } from './query-lexer.ts';
import { cidrFilter, decimalNumber, looksLikeCidr, matchValue, unitsSpan } from './query-values.ts';

type Operator = 'and' | 'or' | 'not';
type TermToken = Extract<Token, { kind: 'term' }>;

/** `AND`, `OR`, `NOT` in any case, written without escapes. */
function operatorOf(token: Token | undefined): Operator | undefined {
  if (token?.kind !== 'term' || token.units.length > 3 || token.units.some((u) => u.escaped)) return undefined;
  const word = unitsText(token.units).toLowerCase();
  return word === 'and' || word === 'or' || word === 'not' ? word : undefined;
}

/** `*` (or `**`...): matches anything, so it means "every event" or "the field exists". */
const onlyAnyChars = (value: MatchValue): boolean => value.parts.length === 1 && value.parts[0]!.kind === 'anyChars';

const isUnescaped = (unit: Unit | undefined, ch: string): boolean => unit !== undefined && !unit.escaped && unit.ch === ch;
const joined = (first: Span, last: Span): Span => ({ start: first.start, end: last.end });

/** Parses the search part, stopping at the first `|` or the end. Undefined when there is none. */
export function parseFilter(c: TokenCursor): FilterExpr | undefined {
  const first = c.peek();
  if (!first || first.kind === 'pipe') return undefined;
  const expr = parseOr(c, undefined, undefined);
  const rest = c.peek();
  if (rest?.kind === 'rparen') throw new QuerySyntaxError('unexpected `)`: there is no `(` to close', rest.span);
  return expr;
}

function parseOr(c: TokenCursor, scope: FieldRef | undefined, after: Token | undefined): FilterExpr {
  const children = [parseAnd(c, scope, after)];
  while (operatorOf(c.peek()) === 'or') {
    const op = c.next();
    children.push(parseAnd(c, scope, op));
  }
  return combine('or', children);
}

function parseAnd(c: TokenCursor, scope: FieldRef | undefined, after: Token | undefined): FilterExpr {
  const children = [parseUnary(c, scope, after)];
  for (;;) {
    const next = c.peek();
    if (!next || next.kind === 'pipe' || next.kind === 'rparen' || operatorOf(next) === 'or') break;
    const op = operatorOf(next) === 'and' ? c.next() : undefined;
    children.push(parseUnary(c, scope, op));
  }
  return combine('and', children);
}

function combine(kind: 'and' | 'or', children: FilterExpr[]): FilterExpr {
  if (children.length === 1) return children[0]!;
  const flat = children.flatMap((child) => (child.kind === kind ? child.children : [child]));
  return { kind, children: flat, span: joined(children[0]!.span, children.at(-1)!.span) };
}

/** Word for an operator token in messages: as the user wrote it. */
const named = (c: TokenCursor, token: Token): string => quoteForMessage(c.text(token.span));

function parseUnary(c: TokenCursor, scope: FieldRef | undefined, after: Token | undefined): FilterExpr {
  const token = c.peek();
  if (!token || token.kind === 'pipe' || token.kind === 'rparen') {
    const where = token?.span ?? c.endSpan();
    if (after?.kind === 'lparen' && token?.kind === 'rparen') {
      throw new QuerySyntaxError('empty parentheses: put a search term between `(` and `)`', joined(after.span, token.span));
    }
    if (after) throw new QuerySyntaxError(`expected a search term after ${named(c, after)}`, after.span);
    throw new QuerySyntaxError('expected a search term', where);
  }
  const op = operatorOf(token);
  if (op === 'not') {
    c.next();
    const child = c.nested(token.span, () => parseUnary(c, scope, token));
    return { kind: 'not', child, span: joined(token.span, child.span) };
  }
  if (op) {
    const hint = op === 'and' || op === 'or' ? ' (to search for the word itself, quote it)' : '';
    throw new QuerySyntaxError(`${named(c, token)} needs a search term on both sides${hint}`, token.span);
  }
  if (token.kind === 'term' && token.units.length === 1 && isUnescaped(token.units[0], '-')) {
    c.next();
    const target = c.peek();
    if (!target || target.span.start !== token.span.end || (target.kind !== 'lparen' && target.kind !== 'string')) {
      throw new QuerySyntaxError('`-` excludes what follows it directly, as in `-error` or `-"access denied"`', token.span);
    }
    const child = c.nested(token.span, () => parsePrimary(c, scope));
    return { kind: 'not', child, span: joined(token.span, child.span) };
  }
  return parsePrimary(c, scope);
}

function parsePrimary(c: TokenCursor, scope: FieldRef | undefined): FilterExpr {
  const token = c.next();
  if (token.kind === 'lparen') return parseGroup(c, scope, token, token.span.start);
  if (token.kind === 'string') {
    c.countTerm(token.span);
    const value = matchValue(token.units, token.span, true, false);
    return scope ? { kind: 'match', field: scope, value, span: token.span } : { kind: 'text', value, span: token.span };
  }
  if (token.kind === 'term') return parseTerm(c, token, scope);
  throw new QuerySyntaxError(`unexpected ${named(c, token)}`, token.span);
}

/** `( or )` after its `(`; the node's span runs from `start` to the `)`. */
function parseGroup(c: TokenCursor, scope: FieldRef | undefined, lparen: Token, start: number): FilterExpr {
  const expr = c.nested(lparen.span, () => parseOr(c, scope, lparen));
  const rparen = c.take('rparen');
  if (!rparen) throw new QuerySyntaxError('missing `)` to close this `(`', lparen.span);
  return { ...expr, span: { start, end: rparen.span.end } };
}

function parseTerm(c: TokenCursor, token: TermToken, scope: FieldRef | undefined): FilterExpr {
  const { units, span } = token;
  if (units.length > 1 && isUnescaped(units[0], '-')) {
    const rest: TermToken = { kind: 'term', units: units.slice(1), span: { start: units[1]!.at, end: span.end } };
    const child = c.nested(span, () => parseTerm(c, rest, scope));
    return { kind: 'not', child, span };
  }
  if (scope) return parseValue(c, scope, units, span, span.start);
  const colon = units.findIndex((u) => isUnescaped(u, ':'));
  if (colon < 0) {
    c.countTerm(span);
    const value = matchValue(units, span, false, true);
    return onlyAnyChars(value) ? { kind: 'all', span } : { kind: 'text', value, span };
  }
  const fieldSpan = unitsSpan(units, 0, colon, span);
  const name = unitsText(units.slice(0, colon));
  if (colon === 0) throw new QuerySyntaxError('expected a field name before `:` (write field:value, with no space before the colon)', { start: span.start, end: span.start + 1 });
  if (!isValidFieldName(name)) {
    throw new QuerySyntaxError(
      `${quoteForMessage(name)} is not a field name (letters, digits, \`_\`, \`@\`, \`.\`, \`-\`); to search for text with a colon, quote it or write \`\\:\``,
      fieldSpan,
    );
  }
  const field: FieldRef = { name, span: fieldSpan };
  if (colon < units.length - 1) return parseValue(c, field, units.slice(colon + 1), unitsSpan(units, colon + 1, units.length, span), span.start);

  const value = c.peek();
  const expected = `expected a value after ${quoteForMessage(`${name}:`)}`;
  if (!value || value.kind === 'pipe' || value.kind === 'rparen') throw new QuerySyntaxError(expected, span);
  if (operatorOf(value)) throw new QuerySyntaxError(`${expected} (to search for the word ${named(c, value)}, quote it)`, joined(span, value.span));
  c.next();
  if (value.kind === 'lparen') return parseGroup(c, field, value, span.start);
  if (value.kind === 'string') {
    c.countTerm(value.span);
    return { kind: 'match', field, value: matchValue(value.units, value.span, true, false), span: joined(span, value.span) };
  }
  if (value.kind === 'term') return parseValue(c, field, value.units, value.span, span.start);
  throw new QuerySyntaxError(expected, span);
}

/** The value of `field:`: exists, range, CIDR or match. */
function parseValue(c: TokenCursor, field: FieldRef, units: readonly Unit[], valueSpan: Span, start: number): FilterExpr {
  c.countTerm(valueSpan);
  const span = { start, end: valueSpan.end };
  if (isUnescaped(units[0], '<') || isUnescaped(units[0], '>')) {
    const length = isUnescaped(units[1], '=') ? 2 : 1;
    const op = unitsText(units.slice(0, length)) as RangeOperator;
    const rest = units.slice(length);
    if (rest.length === 0) {
      const phrase = c.peek();
      if (phrase?.kind === 'string' && phrase.span.start === valueSpan.end) {
        c.next();
        return { kind: 'range', field, op, value: unitsText(phrase.units), span: { start, end: phrase.span.end } };
      }
      throw new QuerySyntaxError(`expected a number or text after ${quoteForMessage(`${field.name}:${op}`)}`, span);
    }
    if (rest.some((u) => !u.escaped && (u.ch === '*' || u.ch === '?'))) {
      throw new QuerySyntaxError('a range compares with one value: `*` and `?` are not wildcards here (escape them as `\\*`, `\\?`)', valueSpan);
    }
    const text = unitsText(rest);
    return { kind: 'range', field, op, value: decimalNumber(text) ?? text, span };
  }
  const text = unitsText(units);
  if (units.every((u) => !u.escaped) && looksLikeCidr(text)) return cidrFilter(field, text, valueSpan, span);
  const value = matchValue(units, valueSpan, false, true);
  return onlyAnyChars(value) ? { kind: 'exists', field, span } : { kind: 'match', field, value, span };
}
