/**
 * Showing why a rule matched an event: the rule's `why` names Sigma fields (`CommandLine`,
 * `EventID`) with the event values that satisfied them; the event's own fields are Vigil's names
 * (`winlog.event_data.CommandLine`, `process.command_line`). These helpers find which event fields
 * those are, group `why` by selection, and cut text into highlighted and plain pieces. Pure.
 */
import type { MatchWhy } from '../api/detection-types.ts';
import type { FieldValue } from '../api/types.ts';
import { valueText } from './safe-text.ts';

/** The values of a field as text: each element of a list, else the value itself. */
function valueTexts(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v: unknown) => valueText(v));
  return [valueText(value)];
}

/** True when the event field name is the Sigma field, or ends with it as its last dotted segments. */
function namesField(eventField: string, sigmaField: string): boolean {
  const a = eventField.toLowerCase();
  const b = sigmaField.toLowerCase();
  return a === b || a.endsWith(`.${b}`);
}

/**
 * The event fields that satisfied the rule. For each matched Sigma field: the event fields of that
 * name (`CommandLine`, `*.CommandLine`) holding the matched value; failing that (the field mapping
 * renamed it, e.g. `Image` -> `process.executable`), every field holding exactly that value. Keyword
 * matches (no field) mark nothing here: see {@link highlightSegments} for the text.
 */
export function matchedFieldNames(fields: Readonly<Record<string, FieldValue>>, why: MatchWhy | undefined): Set<string> {
  const out = new Set<string>();
  if (!why) return out;
  const names = Object.keys(fields);
  for (const m of why.fields) {
    if (m.field === null) continue;
    const value = m.value.toLowerCase();
    const holds = (name: string): boolean => valueTexts(fields[name]).some((v) => v.toLowerCase() === value);
    const byName = names.filter((n) => namesField(n, m.field!) && holds(n));
    for (const n of byName.length > 0 ? byName : names.filter(holds)) out.add(n);
  }
  return out;
}

/** `why` by selection, in the rule's order: each true selection with the field values that made it true. */
export function whyBySelection(why: MatchWhy): { selection: string; fields: { field: string | null; value: string }[] }[] {
  const groups = new Map<string, { field: string | null; value: string }[]>(why.selections.map((s) => [s, []]));
  for (const f of why.fields) {
    const list = groups.get(f.selection) ?? [];
    list.push({ field: f.field, value: f.value });
    groups.set(f.selection, list);
  }
  return [...groups].map(([selection, fields]) => ({ selection, fields }));
}

export interface Segment {
  text: string;
  hit: boolean;
}

/**
 * `text` cut into pieces, with every occurrence of any needle (ignoring case) marked as a hit.
 * Overlapping occurrences merge; empty needles are ignored. At most `maxHits` hits are marked (huge
 * texts with a common needle stay cheap to render).
 */
export function highlightSegments(text: string, needles: readonly string[], maxHits = 200): Segment[] {
  const lowerText = text.toLowerCase();
  const wanted = [...new Set(needles.filter((n) => n !== '').map((n) => n.toLowerCase()))];
  const ranges: [number, number][] = [];
  for (const needle of wanted) {
    for (let at = lowerText.indexOf(needle); at >= 0 && ranges.length < maxHits * 4; at = lowerText.indexOf(needle, at + 1)) ranges.push([at, at + needle.length]);
  }
  if (ranges.length === 0) return text === '' ? [] : [{ text, hit: false }];
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else if (merged.length < maxHits) merged.push([r[0], r[1]]);
  }
  const out: Segment[] = [];
  let pos = 0;
  for (const [start, end] of merged) {
    if (start > pos) out.push({ text: text.slice(pos, start), hit: false });
    out.push({ text: text.slice(start, end), hit: true });
    pos = end;
  }
  if (pos < text.length) out.push({ text: text.slice(pos), hit: false });
  return out;
}

/** The values a keyword (field-less) match was satisfied by: marked in the event's original text. */
export function keywordValues(why: MatchWhy | undefined): string[] {
  return why ? why.fields.filter((f) => f.field === null).map((f) => f.value) : [];
}
