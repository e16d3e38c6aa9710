import type { EventFields } from '../core/event.ts';

/** Values listed per field in {@link summarizeFields}. */
export const TOP_VALUES_PER_FIELD = 10;
/** Fields summarized at most (the most common first): a page of events rarely has more. */
export const MAX_SUMMARIZED_FIELDS = 500;
/** Longest value text kept in a summary; longer values are cut (with "…"). */
const MAX_VALUE_CHARS = 256;

export interface FieldValueCount {
  value: string;
  count: number;
}

export interface FieldSummary {
  name: string;
  /** Events that have the field (not null). */
  count: number;
  /** Distinct values (each element of a multi-valued field counts). */
  distinct: number;
  /** Most common values, most frequent first, ties by value. */
  top: FieldValueCount[];
}

/**
 * Summarizes the fields of a page of events for the field sidebar: for each field present, how
 * many events have it, how many distinct values, and the {@link TOP_VALUES_PER_FIELD} most common.
 * Fields are ordered by how many events have them, then by name.
 *
 * @example summarizeFields([{ fields: { 'host.name': 'a' } }]) // [{ name: 'host.name', count: 1, distinct: 1, top: [{ value: 'a', count: 1 }] }]
 */
export function summarizeFields(events: readonly { fields: EventFields }[]): FieldSummary[] {
  const byField = new Map<string, { count: number; values: Map<string, number> }>();
  for (const event of events) {
    for (const [name, value] of Object.entries(event.fields)) {
      if (value === null || value === undefined) continue;
      let entry = byField.get(name);
      if (!entry) {
        entry = { count: 0, values: new Map() };
        byField.set(name, entry);
      }
      entry.count++;
      const elements = Array.isArray(value) ? value : [value];
      for (const element of new Set(elements.map(valueText))) entry.values.set(element, (entry.values.get(element) ?? 0) + 1);
    }
  }
  return [...byField.entries()]
    .sort(([a, x], [b, y]) => y.count - x.count || compareText(a, b))
    .slice(0, MAX_SUMMARIZED_FIELDS)
    .map(([name, entry]) => ({
      name,
      count: entry.count,
      distinct: entry.values.size,
      top: [...entry.values.entries()]
        .sort(([a, x], [b, y]) => y - x || compareText(a, b))
        .slice(0, TOP_VALUES_PER_FIELD)
        .map(([value, count]) => ({ value, count })),
    }));
}

function valueText(value: string | number | boolean): string {
  const text = String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
