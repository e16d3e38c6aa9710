/**
 * Recursive-descent parser of pipeline stages (after each `|`); grammar in docs/query-language.md.
 * Keywords and command names are case-insensitive. Column references are checked against what the
 * previous stages produce later, by query-validate.ts; here only their spelling is.
 */
import {
  DEFAULT_HEAD,
  DEFAULT_TOP,
  FIELD_AGGREGATIONS,
  MAX_HEAD,
  MAX_TIMECHART_SPAN_MS,
  MAX_TOP,
  MIN_TIMECHART_SPAN_MS,
  isValidFieldName,
  type Aggregation,
  type AggregationFunction,
  type FieldRef,
  type SortKey,
  type Span,
  type Stage,
  type WhereExpr,
} from './query-ast.ts';
import type { TokenCursor } from './query-cursor.ts';
import { didYouMean } from './did-you-mean.ts';
import { QuerySyntaxError } from './query-error.ts';
import { quoteForMessage, unitsText, type Token } from './query-lexer.ts';
import { decimalNumber, matchValue } from './query-values.ts';

/** Every command, with the usage shown when its arguments are wrong. */
export const COMMAND_USAGE = {
  where: 'where status >= 400 and user.name = "root"',
  fields: 'fields host.name, user.name  or  fields - message',
  sort: 'sort -count, host.name',
  head: 'head 20',
  stats: 'stats count(), dc(user.name) as users by host.name',
  timechart: 'timechart span=5m count() by event.outcome',
  top: 'top 10 user.name by host.name',
  rare: 'rare 10 process.name',
} as const;

export type Command = keyof typeof COMMAND_USAGE;
const COMMANDS = Object.keys(COMMAND_USAGE) as Command[];
const FUNCTIONS: readonly AggregationFunction[] = ['count', ...FIELD_AGGREGATIONS];

type WordToken = Extract<Token, { kind: 'word' }>;
const joined = (first: Span, last: Span): Span => ({ start: first.start, end: last.end });
// Not a type guard on purpose: a false result says nothing about the token's kind.
const isKeyword = (token: Token | undefined, keyword: string): boolean => token?.kind === 'word' && token.text.toLowerCase() === keyword;
const describe = (c: TokenCursor, token: Token | undefined): string => (token ? quoteForMessage(c.text(token.span)) : 'the end of the query');

/** Parses the stages after the search part: `| stage` until the end. */
export function parseStages(c: TokenCursor): Stage[] {
  const stages: Stage[] = [];
  for (let pipe = c.take('pipe'); pipe; pipe = c.take('pipe')) {
    stages.push(parseStage(c, pipe));
    const rest = c.peek();
    if (rest && rest.kind !== 'pipe') {
      const command = stages.at(-1)!.kind;
      throw new QuerySyntaxError(`unexpected ${describe(c, rest)} in \`${command}\` (as in: ${COMMAND_USAGE[command]})`, rest.span);
    }
  }
  return stages;
}

function parseStage(c: TokenCursor, pipe: Token): Stage {
  const word = c.peek();
  if (word?.kind !== 'word') {
    const hint = word?.kind === 'pipe' && word.span.start === pipe.span.end ? ' (for "or", write OR)' : '';
    throw new QuerySyntaxError(`expected a command after \`|\`: ${COMMANDS.join(', ')}${hint}`, word?.span ?? pipe.span);
  }
  c.next();
  const name = word.text.toLowerCase();
  if (!(name in COMMAND_USAGE)) {
    const suggestion = name === 'search' ? undefined : didYouMean(name, COMMANDS);
    const hint = name === 'search'
      ? ': write the search before the first `|`, or filter with `| where`'
      : suggestion ? ` — did you mean \`${suggestion}\`?` : ` (commands: ${COMMANDS.join(', ')})`;
    throw new QuerySyntaxError(`unknown command ${quoteForMessage(word.text)}${hint}`, word.span);
  }
  const command = name as Command;
  const stage = parseCommand(c, command, word);
  return stage;
}

function parseCommand(c: TokenCursor, command: Command, word: WordToken): Stage {
  switch (command) {
    case 'where': {
      const condition = parseWhereOr(c, word);
      return { kind: 'where', condition, span: joined(word.span, condition.span) };
    }
    case 'fields': {
      const sign = c.take('minus') ?? c.take('plus');
      const fields = parseColumnList(c, command, sign ?? word);
      return { kind: 'fields', mode: sign?.kind === 'minus' ? 'drop' : 'keep', fields, span: joined(word.span, fields.at(-1)!.span) };
    }
    case 'sort': {
      const keys: SortKey[] = [];
      do keys.push(parseSortKey(c, keys.length === 0 ? word : undefined));
      while (c.take('comma') || c.peek()?.kind === 'word' || c.peek()?.kind === 'minus' || c.peek()?.kind === 'plus');
      return { kind: 'sort', keys, span: joined(word.span, keys.at(-1)!.span) };
    }
    case 'head': {
      const count = c.peek()?.kind === 'word' ? c.next() as WordToken : undefined;
      const limit = count ? integerIn(count, 1, MAX_HEAD, '`head` takes a number') : DEFAULT_HEAD;
      return { kind: 'head', limit, span: joined(word.span, (count ?? word).span) };
    }
    case 'stats': {
      const aggregations = parseAggregations(c, command, word);
      const by = isKeyword(c.peek(), 'by') ? parseFieldList(c, command, c.next()) : [];
      return { kind: 'stats', aggregations, by, span: joined(word.span, (by.at(-1) ?? aggregations.at(-1)!).span) };
    }
    case 'timechart': {
      let spanMs: number | undefined;
      if (isKeyword(c.peek(), 'span')) {
        const option = c.next();
        spanMs = parseSpan(optionValue(c, option, 'span', '5m'));
      }
      const aggregations = parseAggregations(c, command, word);
      let last = aggregations.at(-1)!.span;
      let by: FieldRef | undefined;
      if (isKeyword(c.peek(), 'by')) {
        const keyword = c.next();
        by = parseField(c, command, keyword);
        last = by.span;
        if (c.peek()?.kind === 'comma' || c.peek()?.kind === 'word') {
          throw new QuerySyntaxError('`timechart` splits by one field only; for more, use `| stats ... by`', c.peek()!.span);
        }
      }
      return { kind: 'timechart', spanMs, aggregations, by, span: joined(word.span, last) };
    }
    case 'top':
    case 'rare': {
      let limit = DEFAULT_TOP;
      const first = c.peek();
      if (first && isKeyword(first, 'limit') && c.peek(1)?.kind === 'op') {
        c.next();
        limit = integerIn(optionValue(c, first, 'limit', '10'), 1, MAX_TOP, `\`${command} limit=\` takes a number`);
      } else if (first?.kind === 'word' && /^\d+$/.test(first.text)) {
        c.next();
        limit = integerIn(first, 1, MAX_TOP, `\`${command}\` takes a number`);
      }
      const field = parseField(c, command, word);
      const by = isKeyword(c.peek(), 'by') ? parseFieldList(c, command, c.next()) : [];
      return { kind: command, limit, field, by, span: joined(word.span, (by.at(-1) ?? field).span) };
    }
  }
}

/** `name=value` after the option word: the value word. */
function optionValue(c: TokenCursor, option: Token, name: string, example: string): WordToken {
  const eq = c.take('op');
  const value = c.peek();
  if (eq?.op !== '=' || value?.kind !== 'word') {
    throw new QuerySyntaxError(`expected \`${name}=\` and a value, as in ${name}=${example}`, joined(option.span, (value ?? eq ?? option).span));
  }
  c.next();
  return value;
}

const SPAN_UNITS: Record<string, number> = { s: 1_000, sec: 1_000, m: 60_000, min: 60_000, h: 3_600_000, hr: 3_600_000, d: 86_400_000, day: 86_400_000 };

/** `30s`, `5m`, `1h`, `1d` → ms, within the allowed timechart spans. */
function parseSpan(value: WordToken): number {
  const match = /^(\d{1,6})([a-z]{1,3})$/i.exec(value.text);
  const unit = match ? SPAN_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new QuerySyntaxError(`${quoteForMessage(value.text)} is not a span: write a number and a unit s, m, h or d, as in span=5m`, value.span);
  }
  const ms = Number(match[1]) * unit;
  if (ms < MIN_TIMECHART_SPAN_MS || ms > MAX_TIMECHART_SPAN_MS) {
    throw new QuerySyntaxError('the timechart span must be from 1s to 1d', value.span);
  }
  return ms;
}

function integerIn(token: WordToken, min: number, max: number, what: string): number {
  const value = /^\d{1,9}$/.test(token.text) ? Number(token.text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new QuerySyntaxError(`${what} from ${min} to ${max}, not ${quoteForMessage(token.text)}`, token.span);
  }
  return value;
}

/** A plain field name (for `by`, `top`, aggregation arguments). */
function parseField(c: TokenCursor, command: Command, after: Token): FieldRef {
  const token = c.peek();
  if (token?.kind !== 'word') {
    throw new QuerySyntaxError(`expected a field name after ${describe(c, after)} (as in: ${COMMAND_USAGE[command]})`, token?.span ?? after.span);
  }
  c.next();
  if (!isValidFieldName(token.text)) throw new QuerySyntaxError(`${quoteForMessage(token.text)} is not a field name`, token.span);
  return { name: token.text, span: token.span };
}

function parseFieldList(c: TokenCursor, command: Command, after: Token): FieldRef[] {
  const fields = [parseField(c, command, after)];
  while (c.take('comma') || c.peek()?.kind === 'word') fields.push(parseField(c, command, after));
  return fields;
}

/**
 * A field or output column: `user.name`, `count`, or an aggregation written as in `stats`
 * (`dc(user.name)`, `count()`), which names its output column.
 */
function parseColumn(c: TokenCursor, command: Command, after: Token): FieldRef {
  const token = c.peek();
  if (token?.kind !== 'word') {
    throw new QuerySyntaxError(`expected a field name after ${describe(c, after)} (as in: ${COMMAND_USAGE[command]})`, token?.span ?? after.span);
  }
  const lparen = c.peek(1);
  if (lparen?.kind === 'lparen' && lparen.span.start === token.span.end) {
    const aggregation = parseAggregation(c, command);
    return { name: aggregation.as, span: aggregation.span };
  }
  c.next();
  if (!isValidFieldName(token.text)) throw new QuerySyntaxError(`${quoteForMessage(token.text)} is not a field name`, token.span);
  return { name: token.text, span: token.span };
}

function parseColumnList(c: TokenCursor, command: Command, after: Token): FieldRef[] {
  const columns = [parseColumn(c, command, after)];
  while (c.take('comma') || c.peek()?.kind === 'word') columns.push(parseColumn(c, command, after));
  return columns;
}

function parseSortKey(c: TokenCursor, after: Token | undefined): SortKey {
  const sign = c.take('minus') ?? c.take('plus');
  const field = parseColumn(c, 'sort', sign ?? after ?? { kind: 'comma', span: c.peek()?.span ?? c.endSpan() });
  let descending = sign?.kind === 'minus';
  let end = field.span;
  const direction = c.peek();
  if (direction?.kind === 'word' && (isKeyword(direction, 'asc') || isKeyword(direction, 'desc'))) {
    c.next();
    if (sign) throw new QuerySyntaxError('write either `-field` or `field desc`, not both', joined(sign.span, direction.span));
    descending = direction.text.toLowerCase() === 'desc';
    end = direction.span;
  }
  return { field, descending, span: joined((sign ?? field).span, end) };
}

function parseAggregations(c: TokenCursor, command: 'stats' | 'timechart', word: Token): Aggregation[] {
  const next = c.peek();
  if (next?.kind !== 'word' || isKeyword(next, 'by')) {
    throw new QuerySyntaxError(`\`${command}\` needs an aggregation such as count() (as in: ${COMMAND_USAGE[command]})`, next?.span ?? word.span);
  }
  const aggregations = [parseAggregation(c, command)];
  for (;;) {
    const comma = c.take('comma');
    const following = c.peek();
    if (!comma && (following?.kind !== 'word' || isKeyword(following, 'by'))) break;
    aggregations.push(parseAggregation(c, command));
  }
  return aggregations;
}

/** `count`, `count()`, `fn(field)`, each optionally followed by `as name`. */
function parseAggregation(c: TokenCursor, command: Command): Aggregation {
  const name = c.peek();
  if (name?.kind !== 'word') {
    throw new QuerySyntaxError(`expected an aggregation such as count() or dc(user.name) (as in: ${COMMAND_USAGE[command]})`, name?.span ?? c.endSpan());
  }
  c.next();
  const fn = name.text.toLowerCase() as AggregationFunction;
  if (!FUNCTIONS.includes(fn)) {
    const suggestion = didYouMean(fn, FUNCTIONS);
    const hint = suggestion ? ` — did you mean \`${suggestion}\`?` : ` (functions: ${FUNCTIONS.join(', ')})`;
    throw new QuerySyntaxError(`unknown function ${quoteForMessage(name.text)}${hint}`, name.span);
  }
  const lparen = c.peek()?.kind === 'lparen' ? c.next() : undefined;
  let field: FieldRef | undefined;
  let end: Span = name.span;
  if (lparen) {
    const argument = c.peek();
    if (argument?.kind === 'word') field = parseField(c, command, lparen);
    const rparen = c.take('rparen');
    if (!rparen) throw new QuerySyntaxError(`missing \`)\` after ${quoteForMessage(c.text(joined(name.span, (field ?? lparen).span)))}`, joined(name.span, (field ?? lparen).span));
    end = rparen.span;
  }
  if (fn === 'count' && field) {
    throw new QuerySyntaxError(`\`count()\` counts events and takes no field: to count events that have it, search \`${field.name}:*\` first`, field.span);
  }
  if (fn !== 'count' && !field) {
    throw new QuerySyntaxError(`\`${fn}\` needs a field: ${fn}(user.name)`, joined(name.span, end));
  }
  let as = fn === 'count' ? 'count' : `${fn}(${field!.name})`;
  let named = false;
  if (isKeyword(c.peek(), 'as')) {
    const keyword = c.next();
    const alias = c.peek();
    if (alias?.kind !== 'word' || !isValidFieldName(alias.text)) {
      throw new QuerySyntaxError('expected a column name after `as` (letters, digits, `_`, `@`, `.`, `-`)', alias?.span ?? keyword.span);
    }
    c.next();
    as = alias.text;
    named = true;
    end = alias.span;
  }
  return { fn, field, as, named, span: joined(name.span, end) };
}

// `where` expressions: or > and > not, as in the search part, but `and` is never implicit.

function parseWhereOr(c: TokenCursor, after: Token): WhereExpr {
  const children = [parseWhereAnd(c, after)];
  while (isKeyword(c.peek(), 'or')) children.push(parseWhereAnd(c, c.next()));
  return combineWhere('or', children);
}

function parseWhereAnd(c: TokenCursor, after: Token): WhereExpr {
  const children = [parseWhereUnary(c, after)];
  while (isKeyword(c.peek(), 'and')) children.push(parseWhereUnary(c, c.next()));
  const next = c.peek();
  if (next && next.kind !== 'pipe' && next.kind !== 'rparen' && !isKeyword(next, 'or')) {
    throw new QuerySyntaxError(`expected \`and\`, \`or\` or \`|\` before ${describe(c, next)}`, next.span);
  }
  return combineWhere('and', children);
}

function combineWhere(kind: 'and' | 'or', children: WhereExpr[]): WhereExpr {
  if (children.length === 1) return children[0]!;
  const flat = children.flatMap((child) => (child.kind === kind ? child.children : [child]));
  return { kind, children: flat, span: joined(children[0]!.span, children.at(-1)!.span) };
}

function parseWhereUnary(c: TokenCursor, after: Token): WhereExpr {
  const token = c.peek();
  if (token && isKeyword(token, 'not')) {
    c.next();
    const child = c.nested(token.span, () => parseWhereUnary(c, token));
    return { kind: 'not', child, span: joined(token.span, child.span) };
  }
  if (token?.kind === 'lparen') {
    c.next();
    const inner = c.nested(token.span, () => parseWhereOr(c, token));
    const rparen = c.take('rparen');
    if (!rparen) throw new QuerySyntaxError('missing `)` to close this `(`', token.span);
    return { ...inner, span: joined(token.span, rparen.span) };
  }
  if (token?.kind !== 'word') {
    throw new QuerySyntaxError(`expected a condition after ${describe(c, after)}, as in: status >= 400`, token?.span ?? after.span);
  }
  const field = parseColumn(c, 'where', after);
  c.countTerm(field.span);
  const operator = c.peek();
  if (operator && isKeyword(operator, 'like')) {
    c.next();
    const pattern = c.take('string');
    if (!pattern) throw new QuerySyntaxError('`like` takes a quoted pattern, as in: user.name like "adm*"', c.peek()?.span ?? operator.span);
    return { kind: 'like', field, pattern: matchValue(pattern.units, pattern.span, true, true), span: joined(field.span, pattern.span) };
  }
  if (operator?.kind !== 'op') {
    throw new QuerySyntaxError(`expected a comparison after ${quoteForMessage(field.name)}: =, !=, <, <=, >, >= or like`, operator?.span ?? field.span);
  }
  c.next();
  const { value, span } = parseLiteral(c, operator);
  return { kind: 'compare', field, op: operator.op, value, span: joined(field.span, span) };
}

function parseLiteral(c: TokenCursor, after: Token): { value: number | string | boolean; span: Span } {
  const minus = c.take('minus');
  const token = c.peek();
  if (token?.kind === 'string' && !minus) {
    c.next();
    return { value: unitsText(token.units), span: token.span };
  }
  if (token?.kind === 'word') {
    const number = decimalNumber(token.text);
    if (number !== undefined) {
      c.next();
      return { value: minus && number !== 0 ? -number : number, span: joined((minus ?? token).span, token.span) };
    }
    const lower = token.text.toLowerCase();
    if (!minus && (lower === 'true' || lower === 'false')) {
      c.next();
      return { value: lower === 'true', span: token.span };
    }
    if (!minus) {
      throw new QuerySyntaxError(`${quoteForMessage(token.text)} is not a value: quote text, as in "${token.text}"`, token.span);
    }
  }
  throw new QuerySyntaxError(`expected a number or a quoted text after ${describe(c, minus ?? after)}`, token?.span ?? (minus ?? after).span);
}
