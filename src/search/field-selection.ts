/**
 * Which event fields a query's result shows, from its `| fields` stages: the CSV export and the
 * `vigil search` table use it to pick their columns. Pure.
 */
import type { Query } from './query-ast.ts';

/** What the query's `fields` stages leave of an event: an exact list, or every field but some. */
export interface FieldSelection {
  keep: string[] | undefined;
  drop: Set<string>;
}

/**
 * Applies the query's `| fields` stages in order: `fields a, b` keeps exactly those, `fields - c`
 * drops c. A CSV of events then has exactly the kept columns (after the time), or its usual ones
 * without the dropped ones.
 *
 * @example
 * fieldSelection(parseQuery('x | fields host.name, user.name')) // { keep: ['host.name', 'user.name'], drop: Set {} }
 */
export function fieldSelection(query: Query): FieldSelection {
  let keep: string[] | undefined;
  const drop = new Set<string>();
  for (const stage of query.stages) {
    if (stage.kind !== 'fields') continue;
    const names = stage.fields.map((f) => f.name);
    if (stage.mode === 'keep') {
      keep = keep === undefined ? names.filter((n) => !drop.has(n)) : keep.filter((n) => names.includes(n));
    } else if (keep === undefined) {
      for (const name of names) drop.add(name);
    } else {
      keep = keep.filter((n) => !names.includes(n));
    }
  }
  return { keep, drop };
}
