import {
  COUNT_COLUMN, MAX_TIMECHART_BUCKETS, PERCENT_COLUMN, TIME_COLUMN, TIMESTAMP_FIELD, isAggregatingStage,
  type AggregatingStage, type FieldRef, type FieldsStage, type FilterExpr, type Query, type SortKey, type Stage, type WhereExpr,
} from '../query-ast.ts';
import { QuerySyntaxError } from '../query-error.ts';
import { EventPredicates } from './filter-compiler.ts';
import { groupedAggregation } from './group-compiler.ts';
import type { SqlDialect, SqlParamValue } from './sql-dialect.ts';
import { SqlParams } from './sql-params.ts';
import { bucketCount, roundInterval } from './time-buckets.ts';
import { wordPattern } from './word-pattern.ts';

export interface SearchCompileOptions {
  /** Inclusive lower bound on event time, ms. */
  from: number;
  /** Exclusive upper bound on event time, ms. */
  to: number;
  /** Most events an events search returns. */
  limit: number;
  /** Most rows a table search returns. */
  maxRows: number;
}

/** A search compiled to SQL. The executor supplies the event rows (partitions) as a FROM item. */
export interface CompiledSearch {
  kind: 'events' | 'table';
  /**
   * Predicate over event rows selecting what the search starts from: time range, filter and the
   * `where` stages before any head/sort/aggregation. The histogram counts these.
   */
  filter: string;
  /**
   * The whole search over `rows` (a FROM item of event rows). It returns one row more than
   * {@link rowLimit} when more matched, so the executor can tell a truncated result.
   */
  statement(rows: string): string;
  /** Most rows the caller gets; more rows mean "truncated". */
  rowLimit: number;
  /**
   * Set when the search is filter + newest first + limit: the executor may then read partitions
   * newest first, `SELECT eventColumns WHERE filter ORDER BY newestFirst LIMIT n` each, and stop early.
   */
  newestFirstLimit: number | undefined;
  /** Events: the `fields` stages, to apply to the returned events in order. */
  fieldStages: FieldsStage[];
  /** Table: the output columns, in order. */
  columns: string[];
  /**
   * Lowercased texts of the free-text terms without wildcards that every match contains (the filter's
   * top-level AND): a store with a word index may read only the events holding all their words.
   * The filter alone decides what matches; this only narrows what it has to look at.
   */
  indexTerms: string[];
  /** Count of buckets × matching events per bucket over `filter`, for the histogram. */
  histogram(rows: string, intervalMs: number): string;
  /** The parameters a statement of this search uses. */
  paramsFor(sql: string): Record<string, SqlParamValue>;
}

/** A relation under construction: predicates, order and limit still to apply to `from`. */
interface Level {
  from: string;
  predicates: string[];
  order: string | undefined;
  limit: number | undefined;
}

/**
 * Compiles a checked {@link Query} into SQL through `dialect`. Values become parameters; field names
 * reach the dialect only after the parser validated them; output column names are quoted
 * identifiers. Throws {@link QuerySyntaxError} for what only shows with the time range (timechart
 * buckets) or a malformed time.
 */
export function compileSearch(query: Query, dialect: SqlDialect, options: SearchCompileOptions): CompiledSearch {
  return new SearchCompiler(query, dialect, options).compile();
}

class SearchCompiler {
  private readonly query: Query;
  private readonly d: SqlDialect;
  private readonly options: SearchCompileOptions;
  private readonly params: SqlParams;
  private readonly predicates: EventPredicates;
  private aliases = 0;
  /** Each `where` stage compiled once: the filter and the levels share its predicate and parameters. */
  private readonly wheres = new Map<Stage, string>();

  constructor(query: Query, dialect: SqlDialect, options: SearchCompileOptions) {
    this.query = query;
    this.d = dialect;
    this.options = options;
    this.params = new SqlParams(dialect);
    this.predicates = new EventPredicates(dialect, this.params);
  }

  compile(): CompiledSearch {
    const d = this.d;
    const { from, to } = this.options;
    const base = [
      d.timestampCompare('>=', this.params.add(Math.ceil(from), 'integer')),
      d.timestampCompare('<', this.params.add(Math.ceil(to), 'integer')),
    ];
    if (this.query.filter) base.push(this.predicates.filter(this.query.filter));

    const stages = this.query.stages;
    const split = stages.findIndex(isAggregatingStage);
    const eventStages = split < 0 ? stages : stages.slice(0, split);
    // The histogram and fast path use the predicates known before the first head or sort.
    const filterPredicates = [...base];
    for (const stage of eventStages) {
      if (stage.kind === 'head' || stage.kind === 'sort') break;
      if (stage.kind === 'where') filterPredicates.push(this.eventWhere(stage));
    }
    const filter = filterPredicates.join(' AND ');
    const params = this.params;
    const histogram = (rows: string, intervalMs: number) => {
      const interval = params.add(intervalMs, 'integer');
      return `SELECT ${d.timeBucket(d.timestampMs(), interval)} AS t, count(*) AS n FROM ${rows} AS h WHERE ${filter} GROUP BY 1 ORDER BY 1`;
    };
    const paramsFor = (sql: string) => params.for(sql);
    const indexTerms = this.query.filter ? requiredWords(this.query.filter) : [];

    if (split < 0) return { ...this.events(base, eventStages), filter, histogram, paramsFor, indexTerms };
    const table = this.table(base, eventStages, stages[split] as AggregatingStage, stages.slice(split + 1));
    return { ...table, filter, histogram, paramsFor, indexTerms };
  }

  private events(base: string[], stages: Stage[]) {
    const d = this.d;
    const level = this.eventLevels(base, stages);
    const head = level.limit;
    const rowLimit = Math.min(head ?? Number.POSITIVE_INFINITY, this.options.limit);
    // One more than asked shows there was more, unless `head` asked for fewer anyway.
    const fetch = head !== undefined && head <= this.options.limit ? head : rowLimit + 1;
    const order = level.order ?? d.newestFirst;
    const where = level.predicates.length > 0 ? ` WHERE ${level.predicates.join(' AND ')}` : '';
    const simple = level.order === undefined && level.from === ROWS;
    const limit = this.params.add(fetch, 'integer');
    return {
      kind: 'events' as const,
      statement: (rows: string) => `SELECT ${d.eventColumns} FROM ${level.from.replaceAll(ROWS, rows)} AS e${where} ORDER BY ${order} LIMIT ${limit}`,
      rowLimit,
      newestFirstLimit: simple ? fetch : undefined,
      fieldStages: stages.filter((s): s is FieldsStage => s.kind === 'fields'),
      columns: [],
    };
  }

  /**
   * Folds event-scope stages into nested levels: `where` and `sort` after a `head` apply to the
   * head's output, so they start a new level over the previous one.
   */
  private eventLevels(base: string[], stages: Stage[]): Level {
    let level: Level = { from: ROWS, predicates: [...base], order: undefined, limit: undefined };
    for (const stage of stages) {
      if ((stage.kind === 'where' || stage.kind === 'sort') && level.limit !== undefined) {
        level = { from: this.close(level, this.d.newestFirst), predicates: [], order: undefined, limit: undefined };
      }
      if (stage.kind === 'where') level.predicates.push(this.eventWhere(stage));
      else if (stage.kind === 'sort') level.order = `${stage.keys.map((k) => this.eventSortKey(k)).join(', ')}, ${this.d.newestFirst}`;
      else if (stage.kind === 'head') level.limit = Math.min(level.limit ?? Number.POSITIVE_INFINITY, stage.limit);
    }
    return level;
  }

  private eventWhere(stage: Extract<Stage, { kind: 'where' }>): string {
    let predicate = this.wheres.get(stage);
    if (predicate === undefined) {
      predicate = this.predicates.where(stage.condition);
      this.wheres.set(stage, predicate);
    }
    return predicate;
  }

  /** The level as a parenthesized subquery. */
  private close(level: Level, defaultOrder: string | undefined): string {
    const where = level.predicates.length > 0 ? ` WHERE ${level.predicates.join(' AND ')}` : '';
    const order = level.order ?? (level.limit !== undefined ? defaultOrder : undefined);
    const orderBy = order ? ` ORDER BY ${order}` : '';
    const limit = level.limit !== undefined ? ` LIMIT ${this.params.add(level.limit, 'integer')}` : '';
    return `(SELECT * FROM ${level.from} AS s${this.aliases++}${where}${orderBy}${limit})`;
  }

  private eventSortKey(key: SortKey): string {
    const dir = key.descending ? 'DESC' : 'ASC';
    if (key.field.name === TIMESTAMP_FIELD) return `${this.d.timestampMs()} ${dir}`;
    const text = this.d.fieldText(key.field.name);
    // Numbers (and numeric strings) in numeric order, then the rest as text.
    return `${this.d.toNumber(text)} ${dir} NULLS LAST, ${text} ${dir} NULLS LAST`;
  }

  private table(base: string[], eventStages: Stage[], stage: AggregatingStage, after: Stage[]) {
    const input = this.close(this.eventLevels(base, eventStages), this.d.newestFirst);
    const { sql: aggregated, columns, order } = this.aggregate(stage, input);
    let level: Level = { from: aggregated, predicates: [], order, limit: undefined };
    let projection: string[] | undefined;
    for (const s of after) {
      if ((s.kind === 'where' || s.kind === 'sort') && level.limit !== undefined) {
        level = { from: this.close(level, undefined), predicates: [], order: level.order, limit: undefined };
      }
      if (s.kind === 'where') level.predicates.push(this.tableWhere(s.condition, columns));
      else if (s.kind === 'sort') level.order = s.keys.map((k) => this.tableSortKey(k, columns)).join(', ');
      else if (s.kind === 'head') level.limit = Math.min(level.limit ?? Number.POSITIVE_INFINITY, s.limit);
      else if (s.kind === 'fields') {
        for (const f of s.fields) this.column(f, columns);
        const named = new Set(s.fields.map((f) => f.name));
        projection = s.mode === 'keep' ? s.fields.map((f) => f.name) : (projection ?? columns).filter((c) => !named.has(c));
      } else {
        throw new QuerySyntaxError('only one stats, timechart, top or rare stage is allowed', s.span);
      }
    }
    const rowLimit = Math.min(level.limit ?? Number.POSITIVE_INFINITY, this.options.maxRows);
    const fetch = level.limit !== undefined && level.limit <= this.options.maxRows ? level.limit : rowLimit + 1;
    const outColumns = projection ?? columns;
    const where = level.predicates.length > 0 ? ` WHERE ${level.predicates.join(' AND ')}` : '';
    const orderBy = level.order ? ` ORDER BY ${level.order}` : '';
    const select = outColumns.map((c) => this.d.quoteIdentifier(c)).join(', ');
    const final = `SELECT ${select} FROM ${level.from} AS r${where}${orderBy} LIMIT ${this.params.add(fetch, 'integer')}`;
    return {
      kind: 'table' as const,
      statement: (rows: string) => final.replaceAll(ROWS, rows),
      rowLimit,
      newestFirstLimit: undefined,
      fieldStages: [],
      columns: outColumns,
    };
  }

  private aggregate(stage: AggregatingStage, input: string): { sql: string; columns: string[]; order: string | undefined } {
    const d = this.d;
    const q = (name: string) => d.quoteIdentifier(name);
    if (stage.kind === 'stats') {
      const sql = groupedAggregation(d, input, stage.by.map((f) => ({ name: f.name, field: f })), stage.aggregations);
      const columns = [...stage.by.map((f) => f.name), ...stage.aggregations.map((a) => a.as)];
      const order = stage.by.length > 0 ? stage.by.map((f) => `${q(f.name)} ASC NULLS LAST`).join(', ') : undefined;
      return { sql, columns, order };
    }
    if (stage.kind === 'timechart') return this.timechart(stage, input);
    const groups = [...stage.by, stage.field].map((f) => ({ name: f.name, field: f }));
    const counted = groupedAggregation(d, input, groups, [{ fn: 'count', field: undefined, as: COUNT_COLUMN }]);
    const by = stage.by.map((f) => q(f.name));
    const value = q(stage.field.name);
    const count = q(COUNT_COLUMN);
    const partition = by.length > 0 ? `PARTITION BY ${by.join(', ')}` : '';
    const rank = `${count} ${stage.kind === 'top' ? 'DESC' : 'ASC'}, ${value} ASC`;
    const ranked = [
      ...by, value, count,
      `100.0 * ${count} / sum(${count}) OVER (${partition}) AS ${q(PERCENT_COLUMN)}`,
      `row_number() OVER (${partition} ORDER BY ${rank}) AS ${q('__rank')}`,
    ];
    const columns = [...stage.by.map((f) => f.name), stage.field.name, COUNT_COLUMN, PERCENT_COLUMN];
    const limit = this.params.add(stage.limit, 'integer');
    const sql = `(SELECT ${columns.map(q).join(', ')} FROM (SELECT ${ranked.join(', ')} FROM ${counted} AS c) AS t WHERE ${q('__rank')} <= ${limit})`;
    const byOrder = stage.by.map((f) => `${q(f.name)} ASC`);
    const countOrder = `${q(COUNT_COLUMN)} ${stage.kind === 'top' ? 'DESC' : 'ASC'}`;
    return { sql, columns, order: [...byOrder, countOrder, `${q(stage.field.name)} ASC`].join(', ') };
  }

  /**
   * One row per bucket (and group): every bucket of the range appears, empty ones with count-like
   * aggregations at 0 and the others NULL, so a chart has no gaps.
   */
  private timechart(stage: Extract<AggregatingStage, { kind: 'timechart' }>, input: string) {
    const d = this.d;
    const q = (name: string) => d.quoteIdentifier(name);
    const { from, to } = this.options;
    const interval = stage.spanMs ?? roundInterval(from, to);
    const buckets = bucketCount(from, to, interval);
    if (buckets > MAX_TIMECHART_BUCKETS) {
      throw new QuerySyntaxError(`this span gives ${buckets} buckets over the time range; at most ${MAX_TIMECHART_BUCKETS}: use a larger span or a shorter range`, stage.span);
    }
    const step = this.params.add(interval, 'integer');
    const bucket = d.timeBucket(d.timestampMs(), step);
    const by = stage.by;
    const aggs = stage.aggregations;
    const agg = groupedAggregation(d, input, [{ name: TIME_COLUMN, expr: bucket }, ...(by ? [{ name: by.name, field: by }] : [])], aggs);
    const start = this.params.add(Math.floor(from / interval) * interval, 'integer');
    const stop = this.params.add(to, 'integer');
    const series = d.integerSeries(start, stop, step);
    const filled = aggs.map((a) => (a.fn === 'count' || a.fn === 'dc' ? `COALESCE(c.${q(a.as)}, 0)` : `c.${q(a.as)}`) + ` AS ${q(a.as)}`);
    const columns = [TIME_COLUMN, ...(by ? [by.name] : []), ...aggs.map((a) => a.as)];
    let sql: string;
    if (by) {
      const groups = `(SELECT DISTINCT ${q(by.name)} FROM ${agg} AS g0)`;
      sql = `(SELECT b.t AS ${q(TIME_COLUMN)}, g.${q(by.name)} AS ${q(by.name)}, ${filled.join(', ')} FROM ${series} AS b CROSS JOIN ${groups} AS g`
        + ` LEFT JOIN ${agg} AS c ON c.${q(TIME_COLUMN)} = b.t AND c.${q(by.name)} = g.${q(by.name)})`;
    } else {
      sql = `(SELECT b.t AS ${q(TIME_COLUMN)}, ${filled.join(', ')} FROM ${series} AS b LEFT JOIN ${agg} AS c ON c.${q(TIME_COLUMN)} = b.t)`;
    }
    const order = [`${q(TIME_COLUMN)} ASC`, ...(by ? [`${q(by.name)} ASC`] : [])].join(', ');
    return { sql, columns, order };
  }

  private column(ref: FieldRef, columns: readonly string[]): string {
    if (!columns.includes(ref.name)) {
      throw new QuerySyntaxError(`no column ${JSON.stringify(ref.name)} here; the columns are ${columns.map((c) => JSON.stringify(c)).join(', ')}`, ref.span);
    }
    return this.d.quoteIdentifier(ref.name);
  }

  private tableSortKey(key: SortKey, columns: readonly string[]): string {
    const column = this.column(key.field, columns);
    const dir = key.descending ? 'DESC' : 'ASC';
    const text = this.d.toText(column);
    return `${this.d.toNumber(text)} ${dir} NULLS LAST, ${text} ${dir} NULLS LAST`;
  }

  /** `where` over a table: columns instead of fields, same comparison rules. */
  private tableWhere(expr: WhereExpr, columns: readonly string[]): string {
    const d = this.d;
    switch (expr.kind) {
      case 'and': return `(${expr.children.map((c) => this.tableWhere(c, columns)).join(' AND ')})`;
      case 'or': return `(${expr.children.map((c) => this.tableWhere(c, columns)).join(' OR ')})`;
      case 'not': return `(NOT ${this.tableWhere(expr.child, columns)})`;
      case 'like': {
        const pattern = this.params.add(d.likePattern(expr.pattern.parts), 'text');
        return `COALESCE(${d.like(d.toText(this.column(expr.field, columns)), pattern, false)}, FALSE)`;
      }
      case 'compare': {
        const text = d.toText(this.column(expr.field, columns));
        const op = expr.op === '!=' ? '<>' : expr.op;
        const predicate = typeof expr.value === 'number'
          ? `${d.toNumber(text)} ${op} ${this.params.add(expr.value, 'float')}`
          : `${text} ${op} ${this.params.add(String(expr.value), 'text')}`;
        return `COALESCE(${predicate}, FALSE)`;
      }
    }
  }
}

/** The {@link CompiledSearch.indexTerms} of a filter: plain text terms reached through AND only. */
function requiredWords(expr: FilterExpr): string[] {
  if (expr.kind === 'and') return expr.children.flatMap(requiredWords);
  if (expr.kind !== 'text') return [];
  const { exact } = wordPattern(expr.value.parts);
  return exact === undefined ? [] : [exact];
}

/** Stand-in for the executor's FROM item of event rows inside nested levels; replaced in statement(). */
const ROWS = '\u0000rows\u0000';
