/**
 * One detection item — `field|modifiers: values`, or a keyword list — compiled into a closure over
 * a {@link SigmaEventScope}. Rule values are normalized (lower-cased, dash-normalized) once here;
 * event values are normalized once per event by the scope.
 */
import {
  anyString, CASED, CASED_DASHES, KEYWORDS_SLOT, LOWER, LOWER_DASHES, normalizeDashes, scalarString,
  type FieldStrings, type SigmaEventScope, type SigmaFieldTable, type StringForm,
} from './sigma-event.ts';
import {
  compare, compileCidr, numericValue, planModifiers, requireNumber, timePart, transformValues,
  UnsupportedRuleError, type ModifierPlan, type Placeholders,
} from './sigma-modifiers.ts';
import { ANY_RUN, compilePattern, hasWildcards, mapLiterals, type SigmaPattern, type StringTest } from './sigma-pattern.ts';
import { compileRegex } from './sigma-regex.ts';
import type { SigmaScalar } from './sigma-rule.ts';

/** A compiled detection item. */
export interface CompiledItem {
  /** The Sigma field name, or null for a keyword search. */
  field: string | null;
  modifiers: readonly string[];
  test(scope: SigmaEventScope): boolean;
  /** The event value that satisfied the item (the matching keyword for keyword searches); call only when `test` is true. */
  evidence(scope: SigmaEventScope): unknown;
  /** A necessary condition for `test`, if the item has one: see {@link ItemGuard}. */
  guard: ItemGuard | null;
}

/**
 * Substrings of which at least one must occur in the field (in the given form) whenever the item is
 * true: rule sets use them to skip rules an event cannot match.
 */
export interface ItemGuard {
  slot: number;
  form: StringForm;
  needles: readonly string[];
}

type ValueTest = (scope: SigmaEventScope) => boolean;

/**
 * Compiles `field|mod1|mod2` (or `|mod` / `''` for keywords) with its values.
 *
 * @throws UnsupportedRuleError with the reason the item cannot run
 */
export function compileItem(
  key: string,
  values: readonly SigmaScalar[],
  table: SigmaFieldTable,
  placeholders: Placeholders,
): CompiledItem {
  const [fieldName, ...modifiers] = key.split('|');
  const field = fieldName === '' || fieldName === undefined ? null : fieldName;
  const plan = planModifiers(modifiers);
  // Keywords are searched for anywhere in the event's text, as full-text search does.
  const anchored = plan.transforms.some((t) => t === 'contains' || t === 'startswith' || t === 'endswith');
  if (field === null && plan.kind === 'string' && !anchored) plan.transforms.push('contains');
  const slot = field === null ? KEYWORDS_SLOT : table.slot(field);
  if (values.length === 0) throw new UnsupportedRuleError(`'${key}' has an empty list of values`);
  let test: ValueTest;
  let guard: ItemGuard | null = null;
  switch (plan.kind) {
    case 'exists': {
      if (field === null) throw new UnsupportedRuleError('exists needs a field name');
      const [expected] = values;
      if (values.length !== 1 || typeof expected !== 'boolean') throw new UnsupportedRuleError(`'${key}' needs true or false`);
      test = (scope) => (scope.value(slot) !== undefined) === expected;
      break;
    }
    case 'fieldref':
      test = fieldrefTest(plan, values, slot, plan.cased ? CASED : LOWER, table);
      break;
    case 'compare':
    case 'time': {
      const numbers = values.map((value) => requireNumber(value, plan.comparison ?? plan.timePart ?? 'number'));
      const part = plan.timePart;
      const toNumber = part ? (value: unknown) => timePart(value, part) : numericValue;
      const tests = numbers.map((number) => (value: unknown) => {
        const actual = toNumber(value);
        return actual !== undefined && compare(plan.comparison, actual, number);
      });
      test = combine(plan, tests.map((one) => (scope: SigmaEventScope) => anyValue(scope.value(slot), one)));
      break;
    }
    case 're':
    case 'cidr': {
      const tests = values.map((value): StringTest => {
        if (typeof value !== 'string') throw new UnsupportedRuleError(`'${key}' needs string values, not ${JSON.stringify(value)}`);
        try {
          return plan.kind === 're' ? compileRegex(value, plan.regexFlags) : compileCidr(value);
        } catch (error) {
          throw error instanceof UnsupportedRuleError ? error : new UnsupportedRuleError(`'${key}': ${(error as Error).message}`);
        }
      });
      test = combine(plan, tests.map((one) => (scope: SigmaEventScope) => anyString(scope.strings(slot, CASED), one)));
      break;
    }
    case 'string':
      ({ test, guard } = stringTest(key, plan, values, slot, stringForm(plan), placeholders));
      break;
  }
  const inner = test;
  if (plan.neq) {
    test = (scope) => isPresent(scope.value(slot)) && !inner(scope);
    guard = null;
  }
  const final = test;
  return {
    field,
    modifiers,
    test: final,
    guard,
    evidence: (scope) => {
      const value = scope.value(slot);
      if (!Array.isArray(value) || plan.kind === 'exists') return value;
      // Name the element that matched: re-run the item on each element alone.
      const one = new SingleValueScope(scope, slot);
      for (const element of value) {
        one.use(element);
        if (final(one.scope)) return element;
      }
      return value;
    },
  };
}

function stringForm(plan: ModifierPlan): StringForm {
  if (plan.windash) return plan.cased ? CASED_DASHES : LOWER_DASHES;
  return plan.cased ? CASED : LOWER;
}

function normalizeRuleText(text: string, form: StringForm): string {
  const lowered = form === LOWER || form === LOWER_DASHES ? text.toLowerCase() : text;
  return form === CASED_DASHES || form === LOWER_DASHES ? normalizeDashes(lowered) : lowered;
}

function stringTest(
  key: string,
  plan: ModifierPlan,
  values: readonly SigmaScalar[],
  slot: number,
  form: StringForm,
  placeholders: Placeholders,
): { test: ValueTest; guard: ItemGuard | null } {
  const groups = transformValues(plan, values, placeholders);
  const nulls = groups.filter((group) => group.kind === 'null').length;
  if (nulls > 0 && nulls < groups.length) {
    throw new UnsupportedRuleError(`'${key}': null cannot be part of a list of values (write a separate selection for it)`);
  }
  if (nulls > 0) return { test: (scope) => !isPresent(scope.value(slot)), guard: null };
  const normalized = groups.map((group) =>
    group.kind === 'patterns' ? group.patterns.map((pattern) => mapLiterals(pattern, (text) => normalizeRuleText(text, form))) : []);
  if (!plan.all) {
    const anyOf = anyOfPatterns(normalized.flat());
    const needles = requiredNeedles(normalized.flat());
    return { test: (scope) => anyString(scope.strings(slot, form), anyOf), guard: needles && { slot, form, needles } };
  }
  const perGroup = normalized.map(anyOfPatterns);
  // Every group must match, so any one group's needles are a necessary condition: take the most selective.
  const needles = normalized.map(requiredNeedles).filter((n): n is string[] => n !== null).sort(bySelectivity)[0] ?? null;
  return {
    test: (scope) => {
      const strings = scope.strings(slot, form);
      for (let i = 0; i < perGroup.length; i++) if (!anyString(strings, perGroup[i]!)) return false;
      return true;
    },
    guard: needles && { slot, form, needles },
  };
}

/** For patterns ORed together, one literal each that a matching value must contain; null if some pattern has none. */
function requiredNeedles(patterns: readonly SigmaPattern[]): string[] | null {
  const needles: string[] = [];
  for (const pattern of patterns) {
    let longest = '';
    for (const part of pattern) if (typeof part === 'string' && part.length > longest.length) longest = part;
    if (longest === '') return null;
    needles.push(longest);
  }
  return [...new Set(needles)];
}

/** Orders needle sets most selective first: the longer the shortest needle, then the fewer needles. */
export function bySelectivity(a: readonly string[], b: readonly string[]): number {
  const shortest = (needles: readonly string[]) => Math.min(...needles.map((n) => n.length));
  return shortest(b) - shortest(a) || a.length - b.length;
}

/**
 * One test for "any of these patterns": exact values go into a Set, and plain prefixes, suffixes
 * and substrings into arrays scanned with startsWith / endsWith / includes; the rest are compiled.
 */
export function anyOfPatterns(patterns: readonly SigmaPattern[]): StringTest {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const substrings: string[] = [];
  const others: StringTest[] = [];
  for (const pattern of patterns) {
    const [first, second, third] = pattern;
    if (!hasWildcards(pattern)) exact.add(pattern.length === 0 ? '' : (first as string));
    else if (pattern.length === 2 && first === ANY_RUN && typeof second === 'string') suffixes.push(second);
    else if (pattern.length === 2 && typeof first === 'string' && second === ANY_RUN) prefixes.push(first);
    else if (pattern.length === 3 && first === ANY_RUN && third === ANY_RUN && typeof second === 'string') substrings.push(second);
    else others.push(compilePattern(pattern));
  }
  const tests: StringTest[] = [];
  if (exact.size === 1) {
    const [only] = exact;
    tests.push((value) => value === only);
  } else if (exact.size > 1) tests.push((value) => exact.has(value));
  if (suffixes.length > 0) tests.push(suffixes.length === 1 ? ((s) => (value) => value.endsWith(s))(suffixes[0]!) : (value) => {
    for (let i = 0; i < suffixes.length; i++) if (value.endsWith(suffixes[i]!)) return true;
    return false;
  });
  if (prefixes.length > 0) tests.push(prefixes.length === 1 ? ((p) => (value) => value.startsWith(p))(prefixes[0]!) : (value) => {
    for (let i = 0; i < prefixes.length; i++) if (value.startsWith(prefixes[i]!)) return true;
    return false;
  });
  if (substrings.length > 0) tests.push(substrings.length === 1 ? ((n) => (value) => value.includes(n))(substrings[0]!) : (value) => {
    for (let i = 0; i < substrings.length; i++) if (value.includes(substrings[i]!)) return true;
    return false;
  });
  tests.push(...others);
  if (tests.length === 0) return () => false;
  if (tests.length === 1) return tests[0]!;
  return (value) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(value)) return true;
    return false;
  };
}

function fieldrefTest(plan: ModifierPlan, values: readonly SigmaScalar[], slot: number, form: StringForm, table: SigmaFieldTable): ValueTest {
  const before = plan.transforms.includes('contains') || plan.transforms.includes('endswith');
  const after = plan.transforms.includes('contains') || plan.transforms.includes('startswith');
  const relation = (value: string, other: string): boolean =>
    before && after ? value.includes(other) : before ? value.endsWith(other) : after ? value.startsWith(other) : value === other;
  const tests = values.map((value): ValueTest => {
    if (typeof value !== 'string' || value === '') throw new UnsupportedRuleError('fieldref needs the name of another field');
    const otherSlot = table.slot(value);
    return (scope) => {
      const others = scope.strings(otherSlot, form);
      return anyString(scope.strings(slot, form), (mine) => anyString(others, (other) => relation(mine, other)));
    };
  });
  return combine(plan, tests);
}

function combine(plan: ModifierPlan, tests: ValueTest[]): ValueTest {
  if (tests.length === 1) return tests[0]!;
  if (plan.all) return (scope) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(scope)) return false;
    return true;
  };
  return (scope) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(scope)) return true;
    return false;
  };
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function anyValue(value: unknown, test: (value: unknown) => boolean): boolean {
  if (Array.isArray(value)) return value.some(test);
  return test(value);
}

/**
 * A view of a scope in which one field holds a single element of its array, used to say which
 * element of a multi-valued field satisfied an item (explanations only, never on the fast path).
 */
class SingleValueScope {
  readonly scope: SigmaEventScope;
  private element: unknown;

  constructor(base: SigmaEventScope, slot: number) {
    const strings = (value: unknown, form: StringForm): FieldStrings => {
      const text = scalarString(value);
      return text === undefined ? undefined : normalizeRuleText(text, form);
    };
    this.scope = Object.create(base, {
      value: { value: (s: number) => (s === slot ? this.element : base.value(s)) },
      strings: { value: (s: number, form: StringForm) => (s === slot ? strings(this.element, form) : base.strings(s, form)) },
      itemResult: { value: () => -1 },
      setItemResult: { value: () => undefined },
    }) as SigmaEventScope;
  }

  use(element: unknown): void {
    this.element = element;
  }
}
