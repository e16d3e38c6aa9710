/**
 * Semantic checks of a parsed query: stage order, column references, duplicate names and limits.
 *
 * The rules (docs/query-language.md, "Stages"):
 * - stages run in order; at most one aggregating stage (`stats`, `timechart`, `top`, `rare`);
 * - before it, only `where` (filters belong before aggregation; `fields`, `sort`, `head` after);
 * - after it, `where`, `fields`, `sort` refer to its output columns, by name (`count`, `users` from
 *   `as users`, `dc(user.name)`);
 * - without one, names are event fields; after `fields a, b` only `a`, `b` remain, after `fields - a`
 *   `a` is gone.
 */
import {
  COUNT_COLUMN,
  MAX_AGGREGATIONS,
  MAX_GROUP_FIELDS,
  MAX_LISTED_FIELDS,
  MAX_STAGES,
  MAX_TIMECHART_BUCKETS,
  PERCENT_COLUMN,
  TIME_COLUMN,
  isAggregatingStage,
  type AggregatingStage,
  type FieldRef,
  type Query,
  type Span,
  type Stage,
  type WhereExpr,
} from './query-ast.ts';
import { QuerySyntaxError } from './query-error.ts';
import { quoteForMessage } from './query-lexer.ts';

type Shape =
  | { kind: 'events'; kept: Set<string> | undefined; dropped: Set<string> }
  | { kind: 'table'; command: string; columns: string[] };

/** Checks a parsed query; throws {@link QuerySyntaxError} at the first problem. */
export function validateQuery(query: Query): void {
  if (query.stages.length > MAX_STAGES) {
    throw new QuerySyntaxError(`a query has at most ${MAX_STAGES} stages`, query.stages[MAX_STAGES]!.span);
  }
  let shape: Shape = { kind: 'events', kept: undefined, dropped: new Set() };
  let eventStage: Stage | undefined;
  for (const stage of query.stages) {
    if (isAggregatingStage(stage)) {
      if (shape.kind === 'table') {
        throw new QuerySyntaxError(`only one of stats, timechart, top, rare per query: this \`${stage.kind}\` follows \`${shape.command}\``, stage.span);
      }
      if (eventStage) {
        throw new QuerySyntaxError(
          `\`${eventStage.kind}\` before \`${stage.kind}\` is not supported: filter with the search or \`| where\`, then put \`${eventStage.kind}\` after \`${stage.kind}\``,
          eventStage.span,
        );
      }
      shape = { kind: 'table', command: stage.kind, columns: outputColumns(stage) };
      continue;
    }
    if (stage.kind !== 'where' && shape.kind === 'events') eventStage = stage;
    switch (stage.kind) {
      case 'where':
        forEachComparedField(stage.condition, (field) => resolve(shape, field));
        break;
      case 'sort':
        limitList(stage.keys.map((k) => k.field), 'sort');
        for (const key of stage.keys) resolve(shape, key.field);
        break;
      case 'fields':
        limitList(stage.fields, 'fields');
        for (const field of stage.fields) resolve(shape, field);
        shape = applyFields(shape, stage.mode, stage.fields, stage.span);
        break;
      case 'head':
        break;
    }
  }
}

/** Output columns of an aggregating stage, refusing duplicates and lists over the limits. */
function outputColumns(stage: AggregatingStage): string[] {
  const named: FieldRef[] = [];
  if (stage.kind === 'stats' || stage.kind === 'timechart') {
    if (stage.aggregations.length > MAX_AGGREGATIONS) {
      throw new QuerySyntaxError(`\`${stage.kind}\` takes at most ${MAX_AGGREGATIONS} aggregations`, stage.aggregations[MAX_AGGREGATIONS]!.span);
    }
    if (stage.kind === 'timechart') named.push({ name: TIME_COLUMN, span: stage.span });
    const by = stage.kind === 'stats' ? stage.by : stage.by ? [stage.by] : [];
    limitGroups(by, stage.kind);
    named.push(...by, ...stage.aggregations.map((a) => ({ name: a.as, span: a.span })));
  } else {
    limitGroups(stage.by, stage.kind);
    const counted = stage.by.find((f) => f.name === stage.field.name);
    if (counted) throw new QuerySyntaxError(`${quoteForMessage(counted.name)} is both counted and in \`by\``, counted.span);
    named.push(...stage.by, stage.field, { name: COUNT_COLUMN, span: stage.span }, { name: PERCENT_COLUMN, span: stage.span });
  }
  const seen = new Set<string>();
  for (const column of named) {
    if (seen.has(column.name)) {
      throw new QuerySyntaxError(`two columns would be named ${quoteForMessage(column.name)}: rename one with \`as\`, or list a field once`, column.span);
    }
    seen.add(column.name);
  }
  return named.map((c) => c.name);
}

function limitGroups(by: readonly FieldRef[], command: string): void {
  if (by.length > MAX_GROUP_FIELDS) throw new QuerySyntaxError(`\`${command} ... by\` takes at most ${MAX_GROUP_FIELDS} fields`, by[MAX_GROUP_FIELDS]!.span);
}

function limitList(fields: readonly FieldRef[], command: string): void {
  if (fields.length > MAX_LISTED_FIELDS) throw new QuerySyntaxError(`\`${command}\` takes at most ${MAX_LISTED_FIELDS} fields`, fields[MAX_LISTED_FIELDS]!.span);
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new QuerySyntaxError(`${quoteForMessage(field.name)} is listed twice`, field.span);
    seen.add(field.name);
  }
}

/** Checks that a referenced name exists in what the previous stages produce. */
function resolve(shape: Shape, field: FieldRef): void {
  const name = quoteForMessage(field.name);
  if (shape.kind === 'table') {
    if (!shape.columns.includes(field.name)) {
      throw new QuerySyntaxError(`unknown column ${name} after \`${shape.command}\`: the columns are ${shape.columns.join(', ')}`, field.span);
    }
    return;
  }
  if (field.name.includes('(')) {
    throw new QuerySyntaxError(`${name} is an aggregation: it exists only after \`stats\` or \`timechart\``, field.span);
  }
  if (shape.kept && !shape.kept.has(field.name)) throw new QuerySyntaxError(`${name} was left out by an earlier \`fields\``, field.span);
  if (shape.dropped.has(field.name)) throw new QuerySyntaxError(`${name} was dropped by an earlier \`fields -\``, field.span);
}

function applyFields(shape: Shape, mode: 'keep' | 'drop', fields: readonly FieldRef[], span: Span): Shape {
  const names = fields.map((f) => f.name);
  if (shape.kind === 'events') {
    if (mode === 'keep') return { ...shape, kept: new Set(names) };
    return { ...shape, dropped: new Set([...shape.dropped, ...names]) };
  }
  const columns = mode === 'keep' ? names : shape.columns.filter((c) => !names.includes(c));
  if (columns.length === 0) throw new QuerySyntaxError('`fields -` would drop every column', span);
  return { ...shape, columns };
}

function forEachComparedField(expr: WhereExpr, visit: (field: FieldRef) => void): void {
  if (expr.kind === 'and' || expr.kind === 'or') for (const child of expr.children) forEachComparedField(child, visit);
  else if (expr.kind === 'not') forEachComparedField(expr.child, visit);
  else visit(expr.field);
}

/**
 * Checks what depends on the searched time range: a `timechart span=` must not make more than
 * {@link MAX_TIMECHART_BUCKETS} buckets. Call with the resolved range before running the query.
 */
export function validateForTimeRange(query: Query, range: { from: number; to: number }): void {
  for (const stage of query.stages) {
    if (stage.kind !== 'timechart' || stage.spanMs === undefined) continue;
    // Buckets are aligned to the epoch (as the compiler makes them), so a range may touch one more.
    const buckets = Math.ceil(range.to / stage.spanMs) - Math.floor(range.from / stage.spanMs);
    if (buckets > MAX_TIMECHART_BUCKETS) {
      throw new QuerySyntaxError(
        `this span makes ${buckets} buckets over the time range (at most ${MAX_TIMECHART_BUCKETS}): use a larger span or a shorter range`,
        stage.span,
      );
    }
  }
}
