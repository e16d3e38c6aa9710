/**
 * Many compiled rules matched together. Most rules can only match when a field contains one of a
 * few literals (their guards, see {@link Guard}); the set finds every guard literal present in an
 * event with one Aho–Corasick pass per field, and runs only the rules whose guard was hit (plus the
 * rules without a guard). With thousands of rules, most are never run for a given event.
 */
import type { CompiledSigmaRule } from './sigma-compile.ts';
import type { SigmaEventScope, StringForm } from './sigma-event.ts';
import type { ItemGuard } from './sigma-item.ts';
import { NeedleSet } from './sigma-needles.ts';

const MAX_NEEDLE_LENGTH = 64;
/** Transition-table entries (4 bytes each) one field's automaton may have: 128 MB. */
const MAX_TABLE_ENTRIES = 32 * 1024 * 1024;

interface RuleIndex {
  fields: FieldIndex[];
  /** Indexes (ascending) of the active rules that have no guard: they run on every event. */
  unguarded: Int32Array;
  active: CompiledSigmaRule[];
}

interface FieldIndex {
  slot: number;
  form: StringForm;
  needles: NeedleSet;
  /** Marks the rules of a needle found in the current event as candidates. */
  mark: (needle: number) => void;
}

/**
 * An ordered set of rules, matched against scopes of the compiler that compiled them (all rules of
 * a set come from one compiler). Unsupported rules are kept (for status reports) but never run.
 *
 * @example
 * const set = new SigmaRuleSet();
 * for (const rule of compiled) set.add(rule);
 * scope.reset(event);
 * for (const rule of set.match(scope)) report(rule.rule.title, rule.explain(scope));
 */
export class SigmaRuleSet {
  private readonly all: CompiledSigmaRule[] = [];
  private index: RuleIndex | undefined;
  /** Per active rule, the epoch (event) in which it last became a candidate. */
  private candidates = new Int32Array(0);
  /** The guarded candidates of the current event, in the order found; `found` of them. */
  private found = new Int32Array(0);
  private foundCount = 0;
  private epoch = 0;
  private readonly hits: CompiledSigmaRule[] = [];

  /** Adds a rule compiled by this set's compiler. */
  add(rule: CompiledSigmaRule): void {
    this.all.push(rule);
    this.index = undefined;
  }

  /** Every rule added, active or not, in order. */
  get rules(): readonly CompiledSigmaRule[] {
    return this.all;
  }

  /**
   * The active rules that match the scope's current event, in the order they were added. The array
   * is reused by the next call: copy it to keep it.
   */
  match(scope: SigmaEventScope): readonly CompiledSigmaRule[] {
    const index = (this.index ??= this.build());
    const { active, unguarded } = index;
    ++this.epoch;
    this.foundCount = 0;
    for (const field of index.fields) {
      const strings = scope.strings(field.slot, field.form);
      if (strings === undefined) continue;
      if (typeof strings === 'string') field.needles.scan(strings, field.mark);
      else for (const text of strings) field.needles.scan(text, field.mark);
    }
    // Only the candidates are visited (not every rule of the set): guarded ones sorted, then merged
    // with the unguarded ones so that matches come in the order rules were added.
    const count = this.foundCount;
    const found = count > 1 ? this.found.subarray(0, count).sort() : this.found;
    const hits = this.hits;
    hits.length = 0;
    let g = 0;
    let u = 0;
    while (g < count || u < unguarded.length) {
      const next = u === unguarded.length || (g < count && found[g]! < unguarded[u]!) ? found[g++]! : unguarded[u++]!;
      const rule = active[next]!;
      if (rule.matches(scope)) hits.push(rule);
    }
    return hits;
  }

  private build(): RuleIndex {
    const active = this.all.filter((rule) => rule.status.state === 'active');
    const unguarded: number[] = [];
    // A prefix of a needle that must occur must occur too: short needles keep the automata small.
    const needlesOf = (guard: ItemGuard) => guard.needles.map((needle) => needle.slice(0, MAX_NEEDLE_LENGTH));
    // Fields whose automaton would be too large are not indexed; their rules always run.
    const sizes = new Map<number, { characters: number; alphabet: Set<number> }>();
    for (const rule of active) {
      for (const guard of rule.guard ?? []) {
        const key = guard.slot * 4 + guard.form;
        let size = sizes.get(key);
        if (!size) sizes.set(key, (size = { characters: 0, alphabet: new Set() }));
        for (const needle of needlesOf(guard)) {
          size.characters += needle.length;
          for (let i = 0; i < needle.length; i++) size.alphabet.add(needle.charCodeAt(i));
        }
      }
    }
    const oversized = new Set([...sizes].filter(([, size]) => size.characters * (size.alphabet.size + 1) > MAX_TABLE_ENTRIES).map(([key]) => key));
    const groups = new Map<number, { slot: number; form: StringForm; needles: Map<string, number[]> }>();
    active.forEach((rule, ruleIndex) => {
      if (rule.guard === null || rule.guard.some((guard) => oversized.has(guard.slot * 4 + guard.form))) {
        unguarded.push(ruleIndex);
        return;
      }
      for (const guard of rule.guard) {
        const key = guard.slot * 4 + guard.form;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { slot: guard.slot, form: guard.form, needles: new Map() }));
        for (const needle of needlesOf(guard)) {
          const rules = group.needles.get(needle);
          if (rules === undefined) group.needles.set(needle, [ruleIndex]);
          else if (rules[rules.length - 1] !== ruleIndex) rules.push(ruleIndex);
        }
      }
    });
    const fields = [...groups.values()].map((group): FieldIndex => {
      const rulesOf = [...group.needles.values()].map((rules) => Int32Array.from(rules));
      return {
        slot: group.slot,
        form: group.form,
        needles: new NeedleSet([...group.needles.keys()]),
        mark: (needle) => {
          const rules = rulesOf[needle]!;
          const candidates = this.candidates;
          const epoch = this.epoch;
          for (let k = 0; k < rules.length; k++) {
            const rule = rules[k]!;
            if (candidates[rule] !== epoch) {
              candidates[rule] = epoch;
              this.found[this.foundCount++] = rule;
            }
          }
        },
      };
    });
    this.candidates = new Int32Array(active.length);
    this.found = new Int32Array(active.length);
    this.epoch = 0;
    return { fields, unguarded: Int32Array.from(unguarded), active };
  }
}
