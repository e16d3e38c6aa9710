import type { PatternPart } from '../query-ast.ts';

/** Type of a bound parameter, for dialects whose placeholders are typed (ClickHouse `{p0:String}`). */
export type SqlParamType = 'text' | 'float' | 'integer';

/** A value bound to a placeholder. Integers that may exceed 2^53 (times in µs) are bigints. */
export type SqlParamValue = string | number | bigint;

/**
 * What the search compiler (search-compiler.ts) needs to know about a SQL engine and the event
 * schema stored in it. Everything outside a dialect implementation is dialect-agnostic: the DuckDB
 * dialect lives in src/store/duckdb/duckdb-dialect.ts, a ClickHouse one would sit beside its store.
 *
 * Contract for implementations: field names reaching these methods are already valid
 * (`isValidFieldName`), but a dialect must still only splice them after its own check; values never
 * reach a dialect except as placeholders the compiler made.
 */
export interface SqlDialect {
  /** Placeholder text of the named parameter, e.g. `$p0`. */
  placeholder(name: string, type: SqlParamType): string;
  /** Quotes an output column name (any text: aggregation names like `dc(user.name)`, `as` names). */
  quoteIdentifier(name: string): string;

  /** Event time of a row as integer ms since the epoch. */
  timestampMs(): string;
  /** Predicate comparing the event time with a bound of ms since the epoch (an `integer` placeholder); may use indexes. */
  timestampCompare(op: '<' | '<=' | '>' | '>=' | '=', msPlaceholder: string): string;
  /** The columns of an event row that the store decodes, in its order. */
  readonly eventColumns: string;
  /** ORDER BY list giving newest events first (ties broken deterministically). */
  readonly newestFirst: string;

  /**
   * Predicate: the original record matches the case-insensitive regex in `prefilterPlaceholder` (when
   * given) and, lowercased code point by code point (SQL `lower()`), the regex in `regexPlaceholder`
   * (RE2 syntax, see word-pattern.ts). Free-text terms compile to this.
   */
  matchesWords(regexPlaceholder: string, prefilterPlaceholder: string | undefined): string;
  /**
   * Predicate true when some value of the field satisfies `predicate` (applied to the value as text):
   * the value itself, or for a multi-valued field any element. May be NULL when the field is absent.
   */
  anyValue(field: string, predicate: (text: string) => string): string;
  /** A field's value as text (NULL when absent; a multi-valued field gives one text for the list), for sorting and numeric aggregation. */
  fieldText(field: string): string;
  /**
   * How grouping reads a field (`by`, top, rare, dc, values: see group-compiler.ts): `keys` are cheap
   * expressions over an event row that together tell its value or values apart (events are grouped
   * on them first); `list` turns those keys, as columns of the grouped rows, into the field's values
   * as a list of texts, one element per distinct value (empty or NULL when absent; NULL elements are skipped).
   * The first key is NULL only when the event has no value (such events are skipped early).
   */
  fieldValues(field: string): { keys: string[]; list(keyColumns: readonly string[]): string };
  /**
   * Select-list expression giving one row per element of `list` (none for an empty or NULL list), the
   * other columns repeated (DuckDB `unnest`, ClickHouse `arrayJoin`). The compiler uses one per SELECT.
   */
  unnest(list: string): string;
  /**
   * Like {@link unnest} over the 1-based indexes of `list`, but one row with index 1 for an empty or
   * NULL list (so the row stays): ClickHouse `arrayJoin(range(1, greatest(length(l), 1) + 1))`.
   */
  unnestIndexes(list: string): string;
  /** The element of `list` at a 1-based index, NULL when there is none (ClickHouse `arrayElementOrNull`). */
  listElement(list: string, index: string): string;

  /** LIKE pattern (a parameter value) matching `parts` as a whole value. */
  likePattern(parts: readonly PatternPart[]): string;
  /** Predicate: `text` matches the LIKE pattern in `patternPlaceholder`, optionally ignoring case. */
  like(text: string, patternPlaceholder: string, ignoreCase: boolean): string;
  /** Predicate: `text` equals the value, ignoring case. */
  equalsIgnoreCase(text: string, placeholder: string): string;
  /** `text` as a number, NULL when it is not one (so numbers and numeric strings compare alike). */
  toNumber(text: string): string;
  /** An expression as text (for comparing output columns of any type with a string). */
  toText(expr: string): string;
  /** IPv4 address text as an integer, NULL when it is not a dotted-quad address. */
  ipv4ToInteger(text: string): string;
  /** IPv6 address text as 32 lowercase hex digits (comparable as text), NULL when it is not one. */
  ipv6ToHex(text: string): string;

  /** Start (ms) of the `intervalPlaceholder`-ms bucket holding `msExpr`, buckets aligned to the epoch. */
  timeBucket(msExpr: string, intervalPlaceholder: string): string;
  /** A FROM item with one integer column `t`: start, start + step, ... below stop (integer placeholders). */
  integerSeries(startPlaceholder: string, stopPlaceholder: string, stepPlaceholder: string): string;
  /** Exact number of distinct non-NULL values. */
  distinctCount(expr: string): string;
  /** Sorted distinct non-NULL values as one list, at most `max`. */
  valuesList(expr: string, max: number): string;
}
