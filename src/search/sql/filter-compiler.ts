import {
  TIMESTAMP_FIELD, type CidrFilter, type CompareOperator, type FieldRef, type FilterExpr, type MatchFilter, type RangeFilter,
  type Span, type WhereExpr,
} from '../query-ast.ts';
import { QuerySyntaxError } from '../query-error.ts';
import { ipv4ToInteger, ipv6ToHex } from './ip-address.ts';
import type { SqlDialect } from './sql-dialect.ts';
import type { SqlParams } from './sql-params.ts';
import { wordPattern } from './word-pattern.ts';

/**
 * Compiles filter and `where` expressions over event rows into SQL predicates. Every leaf is made
 * two-valued (`COALESCE(..., FALSE)`): an absent field is "does not match", so `NOT user.name:x`
 * matches events without user.name, as in KQL, instead of vanishing in SQL's NULL logic.
 */
export class EventPredicates {
  private readonly dialect: SqlDialect;
  private readonly params: SqlParams;

  constructor(dialect: SqlDialect, params: SqlParams) {
    this.dialect = dialect;
    this.params = params;
  }

  filter(expr: FilterExpr): string {
    const d = this.dialect;
    switch (expr.kind) {
      case 'and': return `(${expr.children.map((c) => this.filter(c)).join(' AND ')})`;
      case 'or': return `(${expr.children.map((c) => this.filter(c)).join(' OR ')})`;
      case 'not': return `(NOT ${this.filter(expr.child)})`;
      case 'all': return 'TRUE';
      case 'text': {
        const { regex, prefilter } = wordPattern(expr.value.parts);
        const regexParam = this.params.add(regex, 'text');
        return leaf(d.matchesWords(regexParam, prefilter === '' ? undefined : this.params.add(prefilter, 'text')));
      }
      case 'match': return this.match(expr);
      case 'range': return this.range(expr);
      case 'cidr': return this.cidr(expr);
      case 'exists':
        if (expr.field.name === TIMESTAMP_FIELD) return 'TRUE';
        return leaf(d.anyValue(expr.field.name, (v) => `${v} IS NOT NULL`));
    }
  }

  /** Whole-value comparison ignoring case; wildcards match within the value. */
  private match(expr: MatchFilter): string {
    const d = this.dialect;
    const { field, value } = expr;
    if (field.name === TIMESTAMP_FIELD) {
      if (value.hasWildcards) throw new QuerySyntaxError(`${TIMESTAMP_FIELD} takes a time, not a wildcard pattern`, value.span);
      return d.timestampCompare('=', this.params.add(timeBound(value.text, value.span), 'integer'));
    }
    if (value.hasWildcards) {
      const pattern = this.params.add(d.likePattern(value.parts), 'text');
      return leaf(d.anyValue(field.name, (v) => d.like(v, pattern, true)));
    }
    const text = this.params.add(value.text, 'text');
    return leaf(d.anyValue(field.name, (v) => d.equalsIgnoreCase(v, text)));
  }

  private range(expr: RangeFilter): string {
    return this.comparison(expr.field, expr.op, expr.value, expr.span);
  }

  /** Compares the stored address, parsed, with the network's first and last address. */
  private cidr(expr: CidrFilter): string {
    const d = this.dialect;
    if (expr.family === 4) {
      const first = ipv4ToInteger(expr.first);
      const last = ipv4ToInteger(expr.last);
      if (first === undefined || last === undefined) throw new QuerySyntaxError(`invalid IPv4 network ${expr.network}/${expr.prefixLength}`, expr.span);
      const lo = this.params.add(first, 'integer');
      const hi = this.params.add(last, 'integer');
      return leaf(d.anyValue(expr.field.name, (v) => `${d.ipv4ToInteger(v)} BETWEEN ${lo} AND ${hi}`));
    }
    const first = ipv6ToHex(expr.first);
    const last = ipv6ToHex(expr.last);
    if (first === undefined || last === undefined) throw new QuerySyntaxError(`invalid IPv6 network ${expr.network}/${expr.prefixLength}`, expr.span);
    const lo = this.params.add(first, 'text');
    const hi = this.params.add(last, 'text');
    return leaf(d.anyValue(expr.field.name, (v) => `${d.ipv6ToHex(v)} BETWEEN ${lo} AND ${hi}`));
  }

  where(expr: WhereExpr): string {
    const d = this.dialect;
    switch (expr.kind) {
      case 'and': return `(${expr.children.map((c) => this.where(c)).join(' AND ')})`;
      case 'or': return `(${expr.children.map((c) => this.where(c)).join(' OR ')})`;
      case 'not': return `(NOT ${this.where(expr.child)})`;
      case 'compare': return this.comparison(expr.field, expr.op, expr.value, expr.span, true);
      case 'like': {
        const pattern = this.params.add(d.likePattern(expr.pattern.parts), 'text');
        return leaf(d.anyValue(expr.field.name, (v) => d.like(v, pattern, false)));
      }
    }
  }

  /**
   * `field op value`: numerically when the value is a number (values that are not numbers never
   * match), else as exact text; on @timestamp, as a time.
   */
  private comparison(field: FieldRef, op: CompareOperator, value: number | string | boolean, span: Span, allowBoolean = false): string {
    const d = this.dialect;
    const sqlOp = op === '!=' ? '<>' : op;
    if (field.name === TIMESTAMP_FIELD) {
      if (typeof value === 'boolean') throw new QuerySyntaxError(`${TIMESTAMP_FIELD} compares with a time, not ${value}`, span);
      const bound = this.params.add(typeof value === 'number' ? Math.round(value) : timeBound(value, span), 'integer');
      return op === '!=' ? `(NOT ${d.timestampCompare('=', bound)})` : d.timestampCompare(op, bound);
    }
    if (typeof value === 'number') {
      const bound = this.params.add(value, 'float');
      return leaf(d.anyValue(field.name, (v) => `${d.toNumber(v)} ${sqlOp} ${bound}`));
    }
    if (typeof value === 'boolean' && !allowBoolean) throw new QuerySyntaxError('expected a number or text', span);
    const text = this.params.add(String(value), 'text');
    return leaf(d.anyValue(field.name, (v) => `${v} ${sqlOp} ${text}`));
  }
}

/** A time written in the query: ms since the epoch, or ISO 8601. */
function timeBound(text: string, span: Span): number {
  const ms = /^-?\d{1,16}$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new QuerySyntaxError(`${JSON.stringify(text.slice(0, 60))} is not a time: use ms since the epoch or ISO 8601 (2024-05-01T12:00:00Z)`, span);
  }
  return ms;
}

function leaf(predicate: string): string {
  return `COALESCE(${predicate}, FALSE)`;
}
