/**
 * Sigma rules compiled into matchers. A {@link SigmaCompiler} compiles many rules against one field
 * table so that a {@link SigmaEventScope} can share field reads, lower-cased values and the results
 * of identical detection items across every rule that looks at an event.
 *
 * Every rule gets a {@link RuleStatus}: `active`, or `unsupported` with the reason — a rule is never
 * dropped silently, and compiling never throws.
 *
 * @example
 * const compiler = new SigmaCompiler();
 * const rules = texts.map((text) => compiler.compile(parseSigmaRule(text)));
 * const scope = compiler.newScope();
 * scope.reset(event);
 * for (const rule of rules) if (rule.matches(scope)) report(rule.rule, rule.explain(scope));
 */
import { parseCondition, resolveCondition, SigmaConditionError, type ResolvedCondition } from './sigma-condition.ts';
import { SigmaEventScope, SigmaFieldTable } from './sigma-event.ts';
import { bySelectivity, compileItem, type CompiledItem, type ItemGuard } from './sigma-item.ts';
import { UnsupportedRuleError, type Placeholders } from './sigma-modifiers.ts';
import type { SigmaDetection, SigmaFieldMap, SigmaRule, SigmaScalar, SigmaSearch } from './sigma-rule.ts';

/** Whether a rule runs. */
export type RuleStatus = { state: 'active' } | { state: 'unsupported'; reason: string };

/** A field (or keyword, `field: null`) value that satisfied a detection item. */
export interface SigmaFieldMatch {
  field: string | null;
  modifiers: readonly string[];
  value: unknown;
}

/** Why an event matched: every search identifier that was true, with the values that made it so. */
export interface SigmaMatchExplanation {
  selections: { name: string; matches: SigmaFieldMatch[] }[];
}

/** A compiled detection section (rules and, later, filters share it). */
export interface CompiledDetection {
  matches(scope: SigmaEventScope): boolean;
  explain(scope: SigmaEventScope): SigmaMatchExplanation;
  /** Every Sigma field name the detection reads (for field-mapping checks). */
  fields: readonly string[];
  /**
   * A necessary condition: when not null, the detection can only match an event in which at least
   * one of these guards has a needle in its field. {@link SigmaRuleSet} indexes them.
   */
  guard: Guard;
}

/** Guards ORed together, or null when nothing cheap is known to be necessary. */
export type Guard = readonly ItemGuard[] | null;

/** A rule with its status; `matches` is always false for an unsupported rule. */
export interface CompiledSigmaRule extends CompiledDetection {
  rule: SigmaRule;
  status: RuleStatus;
}

export interface SigmaCompilerOptions {
  /** Values for `expand` placeholders, e.g. `{ Administrators: ['admin', 'adm_*'] }`. */
  placeholders?: Placeholders;
}

type Test = (scope: SigmaEventScope) => boolean;

interface CompiledSearch {
  name: string;
  test: Test;
  guard: Guard;
  explain(scope: SigmaEventScope): SigmaFieldMatch[];
}

/**
 * Compiles rules for matching. Keep one compiler (and one scope per thread) for a set of rules that
 * run together.
 */
export class SigmaCompiler {
  readonly table = new SigmaFieldTable();
  private readonly placeholders: Placeholders;
  private readonly items = new Map<string, CompiledItem>();

  constructor(options: SigmaCompilerOptions = {}) {
    this.placeholders = options.placeholders ?? {};
  }

  /** A per-event scope for rules from this compiler (reuse it across events, one per thread). */
  newScope(): SigmaEventScope {
    return new SigmaEventScope(this.table);
  }

  /**
   * Compiles a rule; never throws. An unsupported rule keeps its reason in `status`.
   *
   * @example new SigmaCompiler().compile(rule).status // { state: 'active' }
   */
  compile(rule: SigmaRule): CompiledSigmaRule {
    try {
      return { rule, status: { state: 'active' }, ...this.compileDetection(rule.detection) };
    } catch (error) {
      return {
        rule,
        status: { state: 'unsupported', reason: unsupportedReason(error) },
        matches: () => false,
        explain: () => ({ selections: [] }),
        fields: [],
        guard: null,
      };
    }
  }

  /**
   * Compiles a detection section.
   *
   * @throws UnsupportedRuleError or SigmaConditionError
   */
  compileDetection(detection: SigmaDetection): CompiledDetection {
    const fields = new Set<string>();
    const searches = new Map<string, CompiledSearch>();
    for (const [name, search] of detection.searches) searches.set(name, this.compileSearch(name, search, fields));
    const identifiers = [...searches.keys()];
    const conditions = detection.conditions.map((text, index) => {
      try {
        return resolveCondition(parseCondition(text), identifiers);
      } catch (error) {
        if (error instanceof SigmaConditionError) {
          const where = detection.conditions.length > 1 ? `condition ${index + 1}` : 'condition';
          throw new SigmaConditionError(`${where} at character ${error.position + 1}: ${error.message}`, error.position);
        }
        throw error;
      }
    });
    const tests = conditions.map((condition) => compileCondition(condition, searches));
    const matches: Test = tests.length === 1 ? tests[0]! : (scope) => tests.some((test) => test(scope));
    const referenced = [...new Set(conditions.flatMap(referencedNames))];
    return {
      matches,
      fields: [...fields],
      guard: orGuard(conditions.map((condition) => conditionGuard(condition, searches))),
      explain: (scope) => ({
        selections: referenced
          .map((name) => searches.get(name) as CompiledSearch)
          .filter((search) => search.test(scope))
          .map((search) => ({ name: search.name, matches: search.explain(scope) })),
      }),
    };
  }

  private compileSearch(name: string, search: SigmaSearch, fields: Set<string>): CompiledSearch {
    if (!Array.isArray(search)) {
      const items = this.compileMap(search as SigmaFieldMap, fields);
      return {
        name,
        test: allOf(items.map((item) => item.test)),
        guard: itemsGuard(items),
        explain: (scope) => items.map((item) => evidence(item, scope)),
      };
    }
    const list = search as readonly (SigmaScalar | SigmaFieldMap)[];
    const keywords = list.filter((entry): entry is SigmaScalar => entry === null || typeof entry !== 'object');
    const alternatives: CompiledItem[][] = [];
    if (keywords.length > 0) alternatives.push([this.item('', keywords)]);
    for (const entry of list) if (entry !== null && typeof entry === 'object') alternatives.push(this.compileMap(entry as SigmaFieldMap, fields));
    if (alternatives.length === 0) throw new UnsupportedRuleError(`search identifier '${name}' is an empty list`);
    const tests = alternatives.map((items) => allOf(items.map((item) => item.test)));
    return {
      name,
      test: anyOf(tests),
      guard: orGuard(alternatives.map(itemsGuard)),
      explain: (scope) => {
        const index = tests.findIndex((test) => test(scope));
        return index < 0 ? [] : alternatives[index]!.map((item) => evidence(item, scope));
      },
    };
  }

  private compileMap(map: SigmaFieldMap, fields: Set<string>): CompiledItem[] {
    const entries = Object.entries(map);
    if (entries.length === 0) throw new UnsupportedRuleError('a search identifier map is empty');
    return entries.map(([key, value]) => {
      const field = key.split('|')[0] ?? '';
      if (field !== '') fields.add(field);
      return this.item(key, Array.isArray(value) ? value : [value as SigmaScalar]);
    });
  }

  /** An item, shared with every other rule of this compiler that has the same key and values. */
  private item(key: string, values: readonly SigmaScalar[]): CompiledItem {
    const cacheKey = JSON.stringify([key, values]);
    const known = this.items.get(cacheKey);
    if (known) return known;
    const compiled = compileItem(key, values, this.table, this.placeholders);
    const { index } = this.table.item(cacheKey);
    const inner = compiled.test;
    const shared: CompiledItem = {
      ...compiled,
      test: (scope) => {
        const cached = scope.itemResult(index);
        if (cached >= 0) return cached === 1;
        const result = inner(scope);
        scope.setItemResult(index, result);
        return result;
      },
    };
    this.items.set(cacheKey, shared);
    return shared;
  }
}

function evidence(item: CompiledItem, scope: SigmaEventScope): SigmaFieldMatch {
  return { field: item.field, modifiers: item.modifiers, value: item.evidence(scope) };
}

function compileCondition(condition: ResolvedCondition, searches: ReadonlyMap<string, CompiledSearch>): Test {
  const search = (name: string): Test => (searches.get(name) as CompiledSearch).test;
  switch (condition.kind) {
    case 'and':
      return allOf(condition.operands.map((operand) => compileCondition(operand, searches)));
    case 'or':
      return anyOf(condition.operands.map((operand) => compileCondition(operand, searches)));
    case 'not': {
      const operand = compileCondition(condition.operand, searches);
      return (scope) => !operand(scope);
    }
    case 'ref':
      return search(condition.name);
    case 'of': {
      const tests = condition.names.map(search);
      return condition.quantifier === 'all' ? allOf(tests) : anyOf(tests);
    }
  }
}

function itemsGuard(items: readonly CompiledItem[]): Guard {
  return andGuard(items.map((item) => (item.guard ? [item.guard] : null)));
}

/** Any operand's guard is necessary for an AND: keep the most selective one. */
function andGuard(guards: readonly Guard[]): Guard {
  const known = guards.filter((guard): guard is readonly ItemGuard[] => guard !== null);
  if (known.length === 0) return null;
  return known.sort((a, b) => bySelectivity(a.flatMap((g) => g.needles), b.flatMap((g) => g.needles)))[0]!;
}

/** An OR is guarded only when every operand is. */
function orGuard(guards: readonly Guard[]): Guard {
  if (guards.length === 0 || guards.some((guard) => guard === null)) return null;
  return (guards as readonly (readonly ItemGuard[])[]).flat();
}

function conditionGuard(condition: ResolvedCondition, searches: ReadonlyMap<string, CompiledSearch>): Guard {
  switch (condition.kind) {
    case 'and':
      return andGuard(condition.operands.map((operand) => conditionGuard(operand, searches)));
    case 'or':
      return orGuard(condition.operands.map((operand) => conditionGuard(operand, searches)));
    case 'not':
      return null;
    case 'ref':
      return searches.get(condition.name)!.guard;
    case 'of': {
      const guards = condition.names.map((name) => searches.get(name)!.guard);
      return condition.quantifier === 'all' ? andGuard(guards) : orGuard(guards);
    }
  }
}

function referencedNames(condition: ResolvedCondition): string[] {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return condition.operands.flatMap(referencedNames);
    case 'not':
      return referencedNames(condition.operand);
    case 'ref':
      return [condition.name];
    case 'of':
      return condition.names;
  }
}

function allOf(tests: Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const a = tests[0]!;
    const b = tests[1]!;
    return (scope) => a(scope) && b(scope);
  }
  return (scope) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(scope)) return false;
    return true;
  };
}

function anyOf(tests: Test[]): Test {
  if (tests.length === 1) return tests[0]!;
  if (tests.length === 2) {
    const a = tests[0]!;
    const b = tests[1]!;
    return (scope) => a(scope) || b(scope);
  }
  return (scope) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(scope)) return true;
    return false;
  };
}

function unsupportedReason(error: unknown): string {
  if (error instanceof UnsupportedRuleError || error instanceof SigmaConditionError) return error.message;
  return `the rule could not be compiled: ${error instanceof Error ? error.message : String(error)}`;
}
