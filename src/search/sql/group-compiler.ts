import { MAX_VALUES_PER_GROUP, TIMESTAMP_FIELD, type Aggregation, type FieldRef } from '../query-ast.ts';
import type { SqlDialect } from './sql-dialect.ts';

/** A grouping column: a field (each of its values apart) or a per-event expression of one value (a time bucket). */
export type GroupColumn = { name: string; field: FieldRef } | { name: string; expr: string };

/** What an aggregation needs here; the output column is `as`. */
export type GroupAggregation = Pick<Aggregation, 'fn' | 'field' | 'as'>;

/** A field as grouping reads it; no `list` means the one key is the value itself. */
interface ValueKeys {
  keys: string[];
  list: ((keyColumns: readonly string[]) => string) | undefined;
}

/**
 * A grouped aggregation over the event rows in `input` (a FROM item) that treats each value of a
 * multi-valued field separately, as SPL does: an event whose `related.ip` holds [a, b] counts once
 * under a and once under b, events without a value in a group column are left out, and dc()/values()
 * see the elements, never the list. The result has the group columns, then the aggregations.
 *
 * Two steps keep it as fast as plain grouping: the events are grouped on cheap per-event keys first
 * (a multi-valued field's whole list is one key), with partial aggregates; only those grouped rows —
 * usually far fewer than the events — are then expanded into one row per value and combined. count,
 * min, max, sum and avg combine from the partials; dc and values group on the field's keys too, then
 * count the expanded values (a hash aggregate, as plain `count(DISTINCT)`, never one long list).
 * min/max/avg/sum read single values (a list is not a number), as before.
 *
 * @example groupedAggregation(d, '(SELECT * FROM e)', [{ name: 'related.ip', field }], [{ fn: 'count', field: undefined, as: 'count' }])
 * @see SqlDialect.fieldValues
 */
export function groupedAggregation(d: SqlDialect, input: string, groups: readonly GroupColumn[], aggregations: readonly GroupAggregation[]): string {
  const q = (name: string) => d.quoteIdentifier(name);
  const keys: string[] = [];
  /** The first step's column for a key expression; the same expression is grouped on once. */
  const keyColumn = (expr: string): string => {
    let i = keys.indexOf(expr);
    if (i < 0) i = keys.push(expr) - 1;
    return q(`__k${i}`);
  };
  const partials: string[] = [`count(*) AS ${q('__n')}`];
  const partial = (expr: string): string => {
    const column = q(`__p${partials.length}`);
    partials.push(`${expr} AS ${column}`);
    return column;
  };
  const valueKeys = (field: FieldRef): ValueKeys => {
    if (field.name === TIMESTAMP_FIELD) return { keys: [d.timestampMs()], list: undefined };
    const values = d.fieldValues(field.name);
    return { keys: values.keys, list: (columns) => values.list(columns) };
  };

  // The second step: one level per multi-valued group column, each with one expansion, so several of
  // them give every combination of values (in DuckDB and ClickHouse alike).
  const groupColumns: string[] = [];
  const expansions: string[] = [];
  /** Events without a value in a group column are in no group: left out before grouping. */
  const present: string[] = [];
  for (const [i, group] of groups.entries()) {
    if ('expr' in group) {
      groupColumns.push(keyColumn(group.expr));
      continue;
    }
    const { keys: fieldKeys, list } = valueKeys(group.field);
    const columns = fieldKeys.map(keyColumn);
    present.push(`${fieldKeys[0]!} IS NOT NULL`);
    if (!list) {
      groupColumns.push(columns[0]!);
      continue;
    }
    const value = q(`__g${i}`);
    expansions.push(`${d.unnest(list(columns))} AS ${value}`);
    groupColumns.push(value);
  }

  // dc() and values() of a field that may hold several values: the grouped rows are expanded to one
  // row per value (a field once, however many aggregations read it), each value apart to the
  // distinct count. Those rows repeat their event's partials, so count and sum read only the rows of
  // every such field's first value; min and max do not mind the repeats.
  const aggregatedValues = new Map<string, string>();
  const firsts: string[] = [];
  for (const a of aggregations) {
    if ((a.fn !== 'dc' && a.fn !== 'values') || !a.field || aggregatedValues.has(a.field.name)) continue;
    const { keys: fieldKeys, list } = valueKeys(a.field);
    const columns = fieldKeys.map(keyColumn);
    if (!list) {
      aggregatedValues.set(a.field.name, columns[0]!);
      continue;
    }
    const index = q(`__i${firsts.length}`);
    expansions.push(`${d.unnestIndexes(list(columns))} AS ${index}`);
    firsts.push(`${index} = 1`);
    aggregatedValues.set(a.field.name, d.listElement(list(columns), index));
  }
  const once = (column: string): string => (firsts.length > 0 ? `CASE WHEN ${firsts.join(' AND ')} THEN ${column} END` : column);

  const combined = aggregations.map((a) => {
    if (a.fn === 'count' || !a.field) return `COALESCE(sum(${once(q('__n'))}), 0) AS ${q(a.as)}`;
    if (a.fn === 'dc') return `${d.distinctCount(aggregatedValues.get(a.field.name)!)} AS ${q(a.as)}`;
    if (a.fn === 'values') {
      const values = aggregatedValues.get(a.field.name)!;
      return `${d.valuesList(a.field.name === TIMESTAMP_FIELD ? d.toText(values) : values, MAX_VALUES_PER_GROUP)} AS ${q(a.as)}`;
    }
    const number = a.field.name === TIMESTAMP_FIELD ? d.timestampMs() : d.toNumber(d.fieldText(a.field.name));
    if (a.fn === 'avg') return `sum(${once(partial(`sum(${number})`))}) / NULLIF(sum(${once(partial(`count(${number})`))}), 0) AS ${q(a.as)}`;
    if (a.fn === 'sum') return `sum(${once(partial(`sum(${number})`))}) AS ${q(a.as)}`;
    return `${a.fn}(${partial(`${a.fn}(${number})`)}) AS ${q(a.as)}`;
  });

  const firstSelect = [...keys.map((k, i) => `${k} AS ${q(`__k${i}`)}`), ...partials].join(', ');
  const firstGroupBy = keys.length > 0 ? ` GROUP BY ${keys.map((_, i) => String(i + 1)).join(', ')}` : '';
  const firstWhere = present.length > 0 ? ` WHERE ${present.join(' AND ')}` : '';
  let level = `(SELECT ${firstSelect} FROM ${input} AS a${firstWhere}${firstGroupBy})`;
  for (const [i, expansion] of expansions.entries()) level = `(SELECT *, ${expansion} FROM ${level} AS x${i})`;
  const select = [...groups.map((g, i) => `${groupColumns[i]} AS ${q(g.name)}`), ...combined].join(', ');
  const where = groupColumns.length > 0 ? ` WHERE ${groupColumns.map((c) => `${c} IS NOT NULL`).join(' AND ')}` : '';
  const groupBy = groups.length > 0 ? ` GROUP BY ${groups.map((_, i) => String(i + 1)).join(', ')}` : '';
  return `(SELECT ${select} FROM ${level} AS g${where}${groupBy})`;
}
