/**
 * What compiled Sigma rules match against: an abstract event accessor, plus a per-event scope that
 * remembers field values, their lower-cased forms and shared detection-item results, so thousands
 * of rules looking at the same event read and lower-case each field once.
 *
 * Mapping Sigma field names onto real events (Vigil's normalized fields, Windows EventData) is the
 * accessor's job, not the core's.
 */

/**
 * An event as Sigma sees it. `get` returns `undefined` for a missing field and `null` for a field
 * that is present but null; arrays match when any element does.
 */
export interface SigmaEvent {
  get(field: string): unknown;
  /** The values a keyword (field-less) search looks in: e.g. every field value, or the raw message. */
  keywords(): readonly unknown[];
}

/** How a string is normalized before comparison. */
export const CASED = 0;
export const LOWER = 1;
export const CASED_DASHES = 2;
export const LOWER_DASHES = 3;
export type StringForm = typeof CASED | typeof LOWER | typeof CASED_DASHES | typeof LOWER_DASHES;

/** The field slot that stands for keyword searches. */
export const KEYWORDS_SLOT = 0;

const WINDASH = /[/\u2013\u2014\u2015]/g;

/** The one-character form every windash character is compared as (see the `windash` modifier). */
export function normalizeDashes(text: string): string {
  return text.replace(WINDASH, '-');
}

/**
 * Interns field names and shared detection items for a set of rules compiled together, so a scope
 * can keep per-event results in flat arrays indexed by slot.
 */
export class SigmaFieldTable {
  private readonly slots = new Map<string, number>([['', KEYWORDS_SLOT]]);
  readonly names: string[] = [''];
  /** Shared detection items: key -> item index. */
  private readonly items = new Map<string, number>();

  slot(field: string): number {
    let slot = this.slots.get(field);
    if (slot === undefined) {
      slot = this.names.length;
      this.names.push(field);
      this.slots.set(field, slot);
    }
    return slot;
  }

  /** The index of the shared item with this key, and whether it is new. */
  item(key: string): { index: number; created: boolean } {
    const existing = this.items.get(key);
    if (existing !== undefined) return { index: existing, created: false };
    const index = this.items.size;
    this.items.set(key, index);
    return { index, created: true };
  }

  get itemCount(): number {
    return this.items.size;
  }
}

/** Strings of a field in one form: one string, several (array fields), or none. */
export type FieldStrings = string | readonly string[] | undefined;

/**
 * Per-event memo over a {@link SigmaFieldTable}. Create one per worker and call {@link reset} for
 * each event; nothing is allocated per lookup except the normalized strings themselves.
 *
 * @example
 * const scope = new SigmaEventScope(table);
 * for (const event of events) { scope.reset(event); for (const rule of rules) if (rule.matches(scope)) ... }
 */
export class SigmaEventScope {
  private readonly table: SigmaFieldTable;
  private current: SigmaEvent | undefined;
  private epoch = 0;
  // Flat arrays indexed by slot (values) and slot * 4 + form (strings), filled up front so V8 keeps
  // them packed: the lookups below run thousands of times per event.
  private capacity = 0;
  private valueEpoch: Int32Array = new Int32Array(0);
  private values: unknown[] = [];
  private formEpoch: Int32Array = new Int32Array(0);
  private forms: FieldStrings[] = [];
  private itemEpoch: Int32Array = new Int32Array(0);
  private itemResults: Uint8Array = new Uint8Array(0);

  constructor(table: SigmaFieldTable) {
    this.table = table;
  }

  /** Starts a new event: every cached value and item result is forgotten. */
  reset(event: SigmaEvent): void {
    this.current = event;
    this.epoch++;
    const fields = this.table.names.length;
    if (this.capacity < fields) {
      const size = Math.max(fields, this.capacity * 2, 16);
      this.valueEpoch = grow(this.valueEpoch, size);
      this.formEpoch = grow(this.formEpoch, size * 4);
      while (this.values.length < size) this.values.push(undefined);
      while (this.forms.length < size * 4) this.forms.push(undefined);
      this.capacity = size;
    }
    const items = this.table.itemCount;
    if (this.itemEpoch.length < items) {
      const size = Math.max(items, this.itemEpoch.length * 2, 16);
      this.itemEpoch = grow(this.itemEpoch, size);
      const results = new Uint8Array(size);
      results.set(this.itemResults);
      this.itemResults = results;
    }
  }

  get event(): SigmaEvent {
    if (!this.current) throw new Error('SigmaEventScope.reset(event) must be called before matching');
    return this.current;
  }

  /** The raw value of a field slot (the keyword values for {@link KEYWORDS_SLOT}). */
  value(slot: number): unknown {
    if (this.valueEpoch[slot] === this.epoch) return this.values[slot];
    const event = this.event;
    const value = slot === KEYWORDS_SLOT ? event.keywords() : event.get(this.table.names[slot]!);
    this.values[slot] = value;
    this.valueEpoch[slot] = this.epoch;
    return value;
  }

  /** The field's values as strings in the given form (numbers and booleans as written; null and objects omitted). */
  strings(slot: number, form: StringForm): FieldStrings {
    const index = slot * 4 + form;
    if (this.formEpoch[index] === this.epoch) return this.forms[index];
    const normalized = normalizeStrings(this.value(slot), form);
    this.forms[index] = normalized;
    this.formEpoch[index] = this.epoch;
    return normalized;
  }

  /** A shared item's result for this event: 1 true, 0 false, -1 not computed yet. */
  itemResult(index: number): number {
    return this.itemEpoch[index] === this.epoch ? this.itemResults[index]! : -1;
  }

  setItemResult(index: number, result: boolean): void {
    this.itemEpoch[index] = this.epoch;
    this.itemResults[index] = result ? 1 : 0;
  }
}

function grow(array: Int32Array, size: number): Int32Array {
  const next = new Int32Array(size);
  next.set(array);
  return next;
}

/** A scalar event value as a string, or undefined for null, missing and structured values. */
export function scalarString(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return undefined;
  }
}

function normalizeString(text: string, form: StringForm): string {
  switch (form) {
    case CASED:
      return text;
    case LOWER:
      return text.toLowerCase();
    case CASED_DASHES:
      return normalizeDashes(text);
    case LOWER_DASHES:
      return normalizeDashes(text.toLowerCase());
  }
}

function normalizeStrings(value: unknown, form: StringForm): FieldStrings {
  if (Array.isArray(value)) {
    const strings: string[] = [];
    for (const element of value) {
      const text = scalarString(element);
      if (text !== undefined) strings.push(normalizeString(text, form));
    }
    return strings;
  }
  const text = scalarString(value);
  return text === undefined ? undefined : normalizeString(text, form);
}

/** True when `test` holds for the string or for any of the strings. */
export function anyString(strings: FieldStrings, test: (value: string) => boolean): boolean {
  if (strings === undefined) return false;
  if (typeof strings === 'string') return test(strings);
  for (let i = 0; i < strings.length; i++) if (test(strings[i]!)) return true;
  return false;
}

/**
 * A {@link SigmaEvent} over a flat record (field name -> value), whose keyword values are every
 * top-level value: what plain JSON looks like to Sigma when no field mapping applies.
 *
 * @example plainSigmaEvent({ Image: 'C:\\Windows\\System32\\cmd.exe', EventID: 1 }).get('EventID') // 1
 */
export function plainSigmaEvent(fields: Readonly<Record<string, unknown>>): SigmaEvent {
  return {
    get: (field) => (Object.hasOwn(fields, field) ? fields[field] : undefined),
    keywords: () => Object.values(fields),
  };
}
