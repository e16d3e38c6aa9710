/**
 * The detection engine (pure): rules as stored (YAML) to `Detection`s per normalized event. Rules
 * are parsed and compiled once with one compiler; each event is offered only to the rules whose
 * logsource can match it (LogsourceIndex: stream → channel → event ID), and within that bucket a
 * SigmaRuleSet runs only the rules whose guard literals occur in the event. Only matches are
 * explained. Used by the ingest worker (streaming) and by `vigil hunt`.
 *
 * @example
 * const engine = DetectionEngine.build([{ id: 'r1', yaml, enabled: true }]);
 * engine.states.get('r1') // { state: 'active' }
 * engine.detect(event, 42) // [{ ruleId: 'r1', eventSeqs: [42], why: { selections: ['selection'], ... }, ... }]
 */
import type { NormalizedEvent } from '../core/event.ts';
import type { Detection, RuleSource, RuleState } from './detection.ts';
import { whyOf } from './rule-test.ts';
import { SigmaCompiler, type CompiledSigmaRule } from './sigma/sigma-compile.ts';
import type { SigmaEventScope } from './sigma/sigma-event.ts';
import type { Placeholders } from './sigma/sigma-modifiers.ts';
import { SigmaRuleSet } from './sigma/sigma-rule-set.ts';
import { parseSigmaDocuments, type SigmaRule } from './sigma/sigma-rule.ts';
import { LogsourceIndex } from './sigma-mapping/logsource-index.ts';
import { mapLogsource, type LogsourceTarget } from './sigma-mapping/logsource.ts';
import { sigmaEventFor } from './sigma-mapping/field-mapping.ts';

export interface DetectionEngineOptions {
  /** Values for `expand` placeholders, e.g. `{ Administrators: ['admin', 'adm_*'] }`. */
  placeholders?: Placeholders;
  /** Apply every rule to every event whatever its logsource (hunting plain JSON exports, as Zircolite does). */
  ignoreLogsource?: boolean;
}

/** An active rule as the engine runs it; `index` numbers it among the active rules. */
interface ActiveRule {
  index: number;
  id: string;
  compiled: CompiledSigmaRule;
}

/** Distinct rule lists that get their own SigmaRuleSet (each holds needle automata); past it, the oldest is dropped. */
const MAX_RULE_SETS = 512;

export class DetectionEngine {
  /** Every rule given, by id. */
  readonly states: ReadonlyMap<string, RuleState>;
  /** How many rules run. */
  readonly activeCount: number;
  readonly #scope: SigmaEventScope;
  /** All active rules in one set (ignoreLogsource), else undefined. */
  readonly #everything: SigmaRuleSet | undefined;
  /** Rules by logsource targets that stream, channel and event ID decide alone (stable bucket arrays). */
  readonly #unconditional = new LogsourceIndex<ActiveRule>();
  /** Rules by logsource targets that also need a predicate on the event. */
  readonly #conditional = new LogsourceIndex<ActiveRule>();
  readonly #setsByBucket = new WeakMap<readonly ActiveRule[], SigmaRuleSet>();
  readonly #setsByRules = new Map<string, SigmaRuleSet>();
  readonly #ruleOf = new Map<CompiledSigmaRule, ActiveRule>();

  private constructor(states: Map<string, RuleState>, active: readonly ActiveRule[], targets: readonly (readonly LogsourceTarget[])[] | undefined, compiler: SigmaCompiler) {
    this.states = states;
    this.activeCount = active.length;
    this.#scope = compiler.newScope();
    for (const rule of active) this.#ruleOf.set(rule.compiled, rule);
    if (targets === undefined) {
      this.#everything = setOf(active);
      return;
    }
    this.#everything = undefined;
    active.forEach((rule, i) => {
      const always = targets[i]!.filter((target) => target.accepts === undefined);
      const sometimes = targets[i]!.filter((target) => target.accepts !== undefined);
      if (always.length > 0) this.#unconditional.add(always, rule);
      if (sometimes.length > 0) this.#conditional.add(sometimes, rule);
    });
  }

  /**
   * Parses, compiles and maps every rule; never throws. A rule that is not enabled is `disabled`
   * (not compiled); one that is not a valid Sigma detection rule is `invalid`; one the engine cannot
   * run (a construct, or a logsource Vigil cannot serve) is `unsupported` — each with its reason.
   */
  static build(rules: readonly RuleSource[], options: DetectionEngineOptions = {}): DetectionEngine {
    const compiler = new SigmaCompiler(options.placeholders === undefined ? {} : { placeholders: options.placeholders });
    const states = new Map<string, RuleState>();
    const active: ActiveRule[] = [];
    const targets: (readonly LogsourceTarget[])[] = [];
    for (const source of rules) {
      if (!source.enabled) {
        states.set(source.id, { state: 'disabled' });
        continue;
      }
      const parsed = parseRule(source.yaml);
      if ('state' in parsed) {
        states.set(source.id, parsed);
        continue;
      }
      const compiled = compiler.compile(parsed);
      if (compiled.status.state === 'unsupported') {
        states.set(source.id, compiled.status);
        continue;
      }
      if (!options.ignoreLogsource) {
        const mapping = mapLogsource(parsed.logsource);
        if (!mapping.supported) {
          states.set(source.id, { state: 'unsupported', reason: `logsource: ${mapping.reason}` });
          continue;
        }
        targets.push(mapping.targets);
      }
      states.set(source.id, { state: 'active' });
      active.push({ index: active.length, id: source.id, compiled });
    }
    return new DetectionEngine(states, active, options.ignoreLogsource ? undefined : targets, compiler);
  }

  /**
   * The detections of one event, in rule order. `seq` is the stored event's number (omitted in hunt
   * mode: `eventSeqs` is then empty); `now` stamps `detectedAt`.
   */
  detect(event: NormalizedEvent, seq?: number, now: number = Date.now()): Detection[] {
    const found: Detection[] = [];
    const scope = this.#scope;
    if (this.#everything !== undefined) {
      if (this.activeCount === 0) return found;
      scope.reset(sigmaEventFor(event));
      this.#collect(this.#everything.match(scope), event, seq, now, found);
      return found;
    }
    const bucket = this.#unconditional.candidates(event);
    const extra = this.#conditional.size === 0 ? bucket : this.#conditional.candidates(event);
    if (bucket.length === 0 && (extra === bucket || extra.length === 0)) return found;
    scope.reset(sigmaEventFor(event));
    const set = bucket.length === 0 ? undefined : this.#setForBucket(bucket);
    if (set !== undefined) this.#collect(set.match(scope), event, seq, now, found);
    if (extra !== bucket && extra.length > 0) {
      // Rules reached through a predicate; one already run through the bucket is not run twice.
      const others = set === undefined ? extra : extra.filter((rule) => !bucket.includes(rule));
      if (others.length > 0) this.#collect(this.#setForRules(others).match(scope), event, seq, now, found);
    }
    return found;
  }

  #collect(matched: readonly CompiledSigmaRule[], event: NormalizedEvent, seq: number | undefined, now: number, into: Detection[]): void {
    for (let i = 0; i < matched.length; i++) {
      const compiled = matched[i]!;
      into.push(detectionOf(this.#ruleOf.get(compiled)!.id, compiled.rule, whyOf(compiled.explain(this.#scope)), event, seq, now));
    }
  }

  /** The set of a stable LogsourceIndex bucket; buckets with the same rules share one. */
  #setForBucket(bucket: readonly ActiveRule[]): SigmaRuleSet {
    let set = this.#setsByBucket.get(bucket);
    if (set === undefined) {
      set = this.#setForRules(bucket);
      this.#setsByBucket.set(bucket, set);
    }
    return set;
  }

  #setForRules(rules: readonly ActiveRule[]): SigmaRuleSet {
    const key = rules.map((rule) => rule.index).join(',');
    let set = this.#setsByRules.get(key);
    if (set === undefined) {
      if (this.#setsByRules.size >= MAX_RULE_SETS) this.#setsByRules.delete(this.#setsByRules.keys().next().value!);
      set = setOf(rules);
      this.#setsByRules.set(key, set);
    }
    return set;
  }
}

function setOf(rules: readonly ActiveRule[]): SigmaRuleSet {
  const set = new SigmaRuleSet();
  for (const rule of rules) set.add(rule.compiled);
  return set;
}

/** The one Sigma detection rule of a stored YAML text, or why it is not one (as import validation says). */
function parseRule(yaml: string): SigmaRule | Extract<RuleState, { reason: string }> {
  let documents;
  try {
    documents = parseSigmaDocuments(yaml);
  } catch (error) {
    return { state: 'invalid', reason: `YAML: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (documents.length !== 1) return { state: 'invalid', reason: `expected one YAML document, found ${documents.length}` };
  const document = documents[0]!;
  switch (document.kind) {
    case 'rule':
      return document.rule;
    case 'invalid':
      return { state: 'invalid', reason: document.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ') };
    case 'correlation':
    case 'filter':
      return { state: 'unsupported', reason: `${document.kind} rules are not run by Vigil's detection engine yet` };
  }
}

function detectionOf(ruleId: string, rule: SigmaRule, why: Detection['why'], event: NormalizedEvent, seq: number | undefined, now: number): Detection {
  const host = event.fields['host.name'];
  const user = event.fields['user.name'];
  return {
    ruleId,
    ruleTitle: rule.title,
    level: rule.level ?? 'medium',
    tags: [...rule.tags],
    eventSeqs: seq === undefined ? [] : [seq],
    eventTime: event.timestamp,
    detectedAt: now,
    ...(typeof host === 'string' ? { host } : {}),
    ...(typeof user === 'string' ? { user } : {}),
    why,
  };
}
