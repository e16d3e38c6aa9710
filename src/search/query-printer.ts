/**
 * Prints a query tree back as canonical text: `parseQuery(printQuery(q))` gives the same tree as `q`
 * (spans aside). Used for saved searches, the console's syntax help and "add this value as a filter".
 *
 * Canonical form: operators in capitals (`AND` implicit as a space, `OR`, `NOT`), `field:value` with
 * no spaces, `count()` with parentheses, numbers in plain decimal, one space around `|`.
 *
 * @example printQuery(parseQuery('user.name: adm*   or  not x | stats count by host.name'))
 * // 'user.name:adm* OR NOT x | stats count() by host.name'
 */
import type {
  Aggregation,
  FilterExpr,
  MatchValue,
  PatternPart,
  Query,
  Stage,
  WhereExpr,
} from './query-ast.ts';
import { isSpace } from './query-lexer.ts';
import { looksLikeCidr } from './query-values.ts';

export function printQuery(query: Query): string {
  const parts = query.stages.map(printStage);
  if (!query.filter) return parts.map((p) => `| ${p}`).join(' ');
  return [printFilter(query.filter, 0), ...parts].join(' | ');
}

/** Binding strength, for parentheses: OR binds loosest, NOT tightest. */
const PRECEDENCE = { or: 1, and: 2, not: 3 } as const;

/** Prints a filter expression; `parent` is the binding strength of the enclosing operator. */
export function printFilter(expr: FilterExpr, parent = 0): string {
  switch (expr.kind) {
    case 'or':
    case 'and': {
      const own = PRECEDENCE[expr.kind];
      const text = expr.children.map((child) => printFilter(child, own)).join(expr.kind === 'or' ? ' OR ' : ' ');
      return parent > own ? `(${text})` : text;
    }
    case 'not':
      return `NOT ${printFilter(expr.child, PRECEDENCE.not)}`;
    case 'all':
      return '*';
    case 'text':
      return expr.value.quoted ? phrase(expr.value.text) : word(expr.value, true);
    case 'match':
      return `${expr.field.name}:${expr.value.quoted ? phrase(expr.value.text) : word(expr.value, false)}`;
    case 'range':
      return `${expr.field.name}:${expr.op}${typeof expr.value === 'number' ? formatNumber(expr.value) : phrase(expr.value)}`;
    case 'cidr':
      return `${expr.field.name}:${expr.network}/${expr.prefixLength}`;
    case 'exists':
      return `${expr.field.name}:*`;
  }
}

/** A double-quoted string with `"` and `\` escaped. */
function phrase(text: string): string {
  return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}

const SPECIAL = new Set(['(', ')', '"', '\\', '|', ':', '*', '?']);

/** An unquoted value or free-text word, escaped so it reads back as the same value. */
function word(value: MatchValue, freeText: boolean): string {
  let text = value.parts.map((part) => printPart(part, (ch) => SPECIAL.has(ch) || isSpace(ch))).join('');
  const first = text[0];
  const operator = /^(and|or|not)$/i.test(text);
  if (freeText && (first === '-' || operator)) text = `\\${text}`;
  else if (!freeText && (first === '<' || first === '>')) text = `\\${text}`;
  if (!freeText && looksLikeCidr(value.text)) text = text.replace('/', '\\/');
  return text;
}

function printPart(part: PatternPart, needsEscape: (ch: string) => boolean): string {
  if (part.kind === 'anyChars') return '*';
  if (part.kind === 'oneChar') return '?';
  let out = '';
  for (const ch of part.text) out += needsEscape(ch) ? `\\${ch}` : ch;
  return out;
}

/** Plain decimal, never exponent notation (which would not read back as a number). */
export function formatNumber(value: number): string {
  const text = String(value);
  return text.includes('e') ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 100 }) : text;
}

function printWhere(expr: WhereExpr, parent = 0): string {
  switch (expr.kind) {
    case 'or':
    case 'and': {
      const own = PRECEDENCE[expr.kind];
      const text = expr.children.map((child) => printWhere(child, own)).join(` ${expr.kind} `);
      return parent > own ? `(${text})` : text;
    }
    case 'not':
      return `not ${printWhere(expr.child, PRECEDENCE.not)}`;
    case 'compare': {
      const value = typeof expr.value === 'number' ? formatNumber(expr.value) : typeof expr.value === 'boolean' ? String(expr.value) : phrase(expr.value);
      return `${expr.field.name} ${expr.op} ${value}`;
    }
    case 'like':
      return `${expr.field.name} like "${expr.pattern.parts.map((part) => printPart(part, (ch) => '"\\*?'.includes(ch))).join('')}"`;
  }
}

function printAggregation(aggregation: Aggregation): string {
  const call = `${aggregation.fn}(${aggregation.field?.name ?? ''})`;
  return aggregation.named ? `${call} as ${aggregation.as}` : call;
}

const SPAN_UNITS: readonly [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]];

function formatSpan(ms: number): string {
  const [unit, size] = SPAN_UNITS.find(([, size]) => ms % size === 0) ?? SPAN_UNITS.at(-1)!;
  return `${ms / size}${unit}`;
}

export function printStage(stage: Stage): string {
  const list = (names: readonly { name: string }[]): string => names.map((n) => n.name).join(', ');
  switch (stage.kind) {
    case 'where':
      return `where ${printWhere(stage.condition)}`;
    case 'fields':
      return `fields ${stage.mode === 'drop' ? '- ' : ''}${list(stage.fields)}`;
    case 'sort':
      return `sort ${stage.keys.map((k) => `${k.descending ? '-' : ''}${k.field.name}`).join(', ')}`;
    case 'head':
      return `head ${stage.limit}`;
    case 'stats':
      return `stats ${stage.aggregations.map(printAggregation).join(', ')}${stage.by.length ? ` by ${list(stage.by)}` : ''}`;
    case 'timechart': {
      const span = stage.spanMs === undefined ? '' : ` span=${formatSpan(stage.spanMs)}`;
      return `timechart${span} ${stage.aggregations.map(printAggregation).join(', ')}${stage.by ? ` by ${stage.by.name}` : ''}`;
    }
    case 'top':
    case 'rare':
      return `${stage.kind} ${stage.limit} ${stage.field.name}${stage.by.length ? ` by ${list(stage.by)}` : ''}`;
  }
}
