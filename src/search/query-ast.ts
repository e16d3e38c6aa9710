/**
 * The syntax tree of the Vigil query language (docs/query-language.md): what the parser produces and
 * what the SQL compiler (src/search/sql) consumes. Pure data, no I/O, usable in the browser.
 *
 * The parser normalizes everything the compiler needs, so the compiler never looks at query text:
 * values are unescaped and split into literal parts and wildcard tokens, numbers are numbers, CIDRs
 * are canonical networks, field names are already checked with {@link isValidFieldName}, and the
 * semantic checks (src/search/query-validate.ts) have verified stage order, column references and
 * limits. Every node carries the {@link Span} of its source text for error messages.
 *
 * Matching semantics the compiler implements (the docs promise them):
 * - free text ({@link TextFilter}) matches anywhere in the event (its original text), case-insensitively;
 * - `field:value` ({@link MatchFilter}) compares the whole field value, case-insensitively; wildcards
 *   match within it; a multi-valued field matches when any element does;
 * - `where` comparisons ({@link WhereCompare}, {@link WhereLike}) are exact and case-sensitive;
 * - stages run in order, each on the output of the previous one.
 */

/** Half-open range `[start, end)` of UTF-16 code-unit offsets into the query text. */
export interface Span {
  start: number;
  end: number;
}

// ---------------------------------------------------------------------------------------------------
// Limits and defaults. A query over these limits is refused with a QuerySyntaxError.

/** Longest query text accepted, in characters. */
export const MAX_QUERY_LENGTH = 10_000;
/** Most pipeline stages in one query. */
export const MAX_STAGES = 20;
/** Most filter and `where` terms (leaves) in one query, which bounds the size of the generated SQL. */
export const MAX_TERMS = 500;
/** Deepest nesting of parentheses and NOT, which bounds recursion in the parser and the compiler. */
export const MAX_DEPTH = 32;
/** `head` without a number keeps this many rows (as in SPL). */
export const DEFAULT_HEAD = 10;
/** Largest `head N`. */
export const MAX_HEAD = 10_000;
/** `top` / `rare` without a number show this many values (as in SPL). */
export const DEFAULT_TOP = 10;
/** Largest N of `top N` / `rare N`. */
export const MAX_TOP = 1_000;
/** Most aggregations in one `stats` or `timechart`. */
export const MAX_AGGREGATIONS = 20;
/** Most `by` fields of `stats`, `top`, `rare`; `timechart` takes at most one. */
export const MAX_GROUP_FIELDS = 5;
/** Most fields listed in one `fields` or `sort` stage. */
export const MAX_LISTED_FIELDS = 100;
/** Smallest `timechart span=` (1 second), in ms. */
export const MIN_TIMECHART_SPAN_MS = 1_000;
/** Largest `timechart span=` (1 day), in ms. */
export const MAX_TIMECHART_SPAN_MS = 86_400_000;
/** Most buckets a `timechart` may produce over the searched time range (checked with the range). */
export const MAX_TIMECHART_BUCKETS = 2_000;

/**
 * Field name of the event time (ECS `@timestamp`), usable in ranges, `where`, `sort` and `fields`.
 * The compiler maps it to the stored timestamp; range values on it may be numbers (ms since epoch)
 * or ISO 8601 strings.
 */
export const TIMESTAMP_FIELD = '@timestamp';

/**
 * Output column of `timechart` holding each bucket's start (ms since epoch), as in SPL.
 */
export const TIME_COLUMN = '_time';
/** Output column of `top` / `rare` with each value's count. */
export const COUNT_COLUMN = 'count';
/** Output column of `top` / `rare` with each value's share of all counted events, in percent. */
export const PERCENT_COLUMN = 'percent';

/**
 * Field names are ECS-style dotted names: letters, digits, `_`, `@`, `.`, `-`, not starting with `.`
 * or `-`, at most 256 characters. The same rule as the store's `isValidFieldName` (kept in sync by a
 * test), so a name can never break out of the quoted column or JSON path the dialect makes of it.
 */
export const FIELD_NAME_PATTERN = /^[A-Za-z0-9_@][A-Za-z0-9_@.-]{0,255}$/;

export function isValidFieldName(name: string): boolean {
  return FIELD_NAME_PATTERN.test(name);
}

// ---------------------------------------------------------------------------------------------------
// Values

/** One piece of a value: literal text, `*` (any run of characters, maybe empty) or `?` (exactly one). */
export type PatternPart =
  | { kind: 'literal'; text: string }
  | { kind: 'anyChars' }
  | { kind: 'oneChar' };

/**
 * A value to match, already unescaped. Quoted values (phrases) never have wildcards: `*` and `?`
 * inside quotes are literal characters.
 */
export interface MatchValue {
  /**
   * The value as literal text: with no wildcards, exactly what to compare with. With wildcards, the
   * parts written out with `*` and `?` (for display only: it does not tell a literal `*` from a wildcard).
   */
  text: string;
  /** True when {@link parts} contains a wildcard token. */
  hasWildcards: boolean;
  /**
   * The value as literal parts and wildcard tokens, in order; adjacent literals are merged and the
   * list is never empty (an empty phrase `""` is one empty literal). Without wildcards it is one
   * literal equal to {@link text}.
   */
  parts: PatternPart[];
  /** True when the value was written in double quotes. */
  quoted: boolean;
  span: Span;
}

/** A field (or, after an aggregating stage, an output column) named in the query. */
export interface FieldRef {
  /** A valid field name, or an aggregation's output column name such as `dc(user.name)`. */
  name: string;
  span: Span;
}

// ---------------------------------------------------------------------------------------------------
// Filter expressions (the search before the first `|`)

/** Both children must match; flattened, so there are always at least two. */
export interface AndFilter {
  kind: 'and';
  children: FilterExpr[];
  span: Span;
}

/** Either child must match; flattened, so there are always at least two. */
export interface OrFilter {
  kind: 'or';
  children: FilterExpr[];
  span: Span;
}

/** `NOT x` or `-x`. */
export interface NotFilter {
  kind: 'not';
  child: FilterExpr;
  span: Span;
}

/** A bare `*`: every event. */
export interface AllFilter {
  kind: 'all';
  span: Span;
}

/** Free text: a word (maybe with wildcards) or a quoted phrase found anywhere in the event. */
export interface TextFilter {
  kind: 'text';
  value: MatchValue;
  span: Span;
}

/** `field:value`, `field:"a phrase"`, `field:adm*`. */
export interface MatchFilter {
  kind: 'match';
  field: FieldRef;
  value: MatchValue;
  span: Span;
}

export type RangeOperator = '>' | '>=' | '<' | '<=';

/** `field:>=400`, `field:<"2024-01-01"`. */
export interface RangeFilter {
  kind: 'range';
  field: FieldRef;
  op: RangeOperator;
  /** A number when the text is a decimal number (compare numerically), else the text (compare as text). */
  value: number | string;
  span: Span;
}

/** `source.ip:10.0.0.0/8`, `source.ip:2001:db8::/32`: the field holds an address inside the network. */
export interface CidrFilter {
  kind: 'cidr';
  field: FieldRef;
  family: 4 | 6;
  /** The network address in canonical form with host bits zeroed (`10.0.0.0`, `2001:db8::`). */
  network: string;
  prefixLength: number;
  /** First and last address of the network, canonical form (`10.0.0.0` .. `10.255.255.255`). */
  first: string;
  last: string;
  span: Span;
}

/** `field:*`: the field is present (and not null). */
export interface ExistsFilter {
  kind: 'exists';
  field: FieldRef;
  span: Span;
}

export type FilterExpr =
  | AndFilter
  | OrFilter
  | NotFilter
  | AllFilter
  | TextFilter
  | MatchFilter
  | RangeFilter
  | CidrFilter
  | ExistsFilter;

// ---------------------------------------------------------------------------------------------------
// `where` expressions

export interface WhereAnd {
  kind: 'and';
  children: WhereExpr[];
  span: Span;
}

export interface WhereOr {
  kind: 'or';
  children: WhereExpr[];
  span: Span;
}

export interface WhereNot {
  kind: 'not';
  child: WhereExpr;
  span: Span;
}

export type CompareOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * `field <op> literal`. A number compares numerically (non-numeric values never match); a string or
 * boolean compares as text (`true`/`false`), exactly and case-sensitively. As in SQL, an absent field
 * matches no comparison, `!=` included.
 */
export interface WhereCompare {
  kind: 'compare';
  field: FieldRef;
  op: CompareOperator;
  value: number | string | boolean;
  span: Span;
}

/** `field like "adm*"`: case-sensitive wildcard match of the whole value (`*` and `?`). */
export interface WhereLike {
  kind: 'like';
  field: FieldRef;
  /** Parsed like a filter value but from a quoted string whose `*` and `?` ARE wildcards. */
  pattern: MatchValue;
  span: Span;
}

export type WhereExpr = WhereAnd | WhereOr | WhereNot | WhereCompare | WhereLike;

// ---------------------------------------------------------------------------------------------------
// Pipeline stages

export type AggregationFunction = 'count' | 'dc' | 'min' | 'max' | 'avg' | 'sum' | 'values';

/** Functions that take a field; `count` takes none. */
export const FIELD_AGGREGATIONS: readonly AggregationFunction[] = ['dc', 'min', 'max', 'avg', 'sum', 'values'];

/**
 * `count()`, `dc(user.name) as users`. min/max/avg/sum are numeric (non-numeric values ignored);
 * dc counts distinct values; values lists the distinct values (at most 100, sorted).
 */
export interface Aggregation {
  fn: AggregationFunction;
  /** The aggregated field; undefined only for `count`. */
  field: FieldRef | undefined;
  /** Output column name: the `as` name, else `count` for count() and `fn(field)` for the others. */
  as: string;
  /** True when the name came from `as`. */
  named: boolean;
  span: Span;
}

/** Most distinct values a `values(f)` aggregation lists. */
export const MAX_VALUES_PER_GROUP = 100;

/** `| where <expr>`. */
export interface WhereStage {
  kind: 'where';
  condition: WhereExpr;
  span: Span;
}

/** `| fields a, b` keeps only those (in that order); `| fields - a, b` drops them. */
export interface FieldsStage {
  kind: 'fields';
  mode: 'keep' | 'drop';
  fields: FieldRef[];
  span: Span;
}

export interface SortKey {
  field: FieldRef;
  descending: boolean;
  span: Span;
}

/** `| sort -a, b` or `| sort a desc, b asc`. */
export interface SortStage {
  kind: 'sort';
  keys: SortKey[];
  span: Span;
}

/** `| head` or `| head 50`. */
export interface HeadStage {
  kind: 'head';
  limit: number;
  span: Span;
}

/**
 * `| stats count(), dc(user.name) as users by host.name`. Output columns: the `by` fields, then the
 * aggregations' `as` names.
 */
export interface StatsStage {
  kind: 'stats';
  aggregations: Aggregation[];
  by: FieldRef[];
  span: Span;
}

/**
 * `| timechart span=5m count() by host.name`. Output columns: {@link TIME_COLUMN} (bucket start, ms),
 * the `by` field if any, then the aggregations (one row per bucket and group, "long" format).
 */
export interface TimechartStage {
  kind: 'timechart';
  /** Bucket width in ms; undefined when `span=` is left out: the executor picks a round interval giving about 60–120 buckets. */
  spanMs: number | undefined;
  aggregations: Aggregation[];
  by: FieldRef | undefined;
  span: Span;
}

/**
 * `| top 5 user.name by host.name` (most frequent values) and `| rare ...` (least frequent). Output
 * columns: the `by` fields, the field, {@link COUNT_COLUMN}, {@link PERCENT_COLUMN}; N rows per group.
 */
export interface TopStage {
  kind: 'top' | 'rare';
  limit: number;
  field: FieldRef;
  by: FieldRef[];
  span: Span;
}

export type AggregatingStage = StatsStage | TimechartStage | TopStage;

export type Stage = WhereStage | FieldsStage | SortStage | HeadStage | AggregatingStage;

/** A parsed and checked query: an optional filter, then stages run in order. */
export interface Query {
  /** Undefined when the query has no search part (empty, or starts with `|`): every event. */
  filter: FilterExpr | undefined;
  stages: Stage[];
  span: Span;
}

/** True for the stages that turn events into a table (at most one per query). */
export function isAggregatingStage(stage: Stage): stage is AggregatingStage {
  return stage.kind === 'stats' || stage.kind === 'timechart' || stage.kind === 'top' || stage.kind === 'rare';
}
