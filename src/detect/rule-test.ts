/**
 * Runs one rule against given events with the pure core (parse, compile, field mapping, explain) —
 * no streaming engine: `POST /api/v1/rules/test` and `vigil rules test` share it. Pure.
 *
 * @example
 * const event = testEventFrom({ EventID: 4688, ... }, DEFAULT_INPUT_LIMITS, Date.now());
 * runRuleTest(yaml, [event]) // { state: 'active', results: [{ event, matched: true, why: {...} }] }
 */
import { parse as parseYaml } from 'yaml';
import type { EventFields, FieldValue, NormalizedEvent } from '../core/event.ts';
import type { InputLimits } from '../core/limits.ts';
import { normalizeRecord } from '../normalize/normalize-record.ts';
import type { Detection } from './detection.ts';
import { RULE_ID, validateRuleText, type ValidationState } from './rule-validation.ts';
import { SigmaCompiler, type SigmaMatchExplanation } from './sigma/sigma-compile.ts';
import { parseSigmaRule } from './sigma/sigma-rule.ts';
import { logsourceAccepts, mapLogsource } from './sigma-mapping/logsource.ts';
import { sigmaEventFor } from './sigma-mapping/field-mapping.ts';

export interface RuleTestResult<E extends NormalizedEvent = NormalizedEvent> {
  event: E;
  matched: boolean;
  why?: Detection['why'];
  /** Why a rule that would match the fields does not apply to the event (its logsource). */
  note?: string;
}

export interface RuleTest<E extends NormalizedEvent = NormalizedEvent> {
  id: string;
  title: string;
  state: ValidationState;
  reason?: string;
  results: RuleTestResult<E>[];
}

/**
 * Source type of a test event given as a plain map of fields: it says nothing about the log it came
 * from, so rules are tried on its fields whatever their logsource.
 */
export const FIELD_MAP = 'fields';

/** Longest field value given back in `why`: values come from events and may be huge. */
const MAX_WHY_VALUE = 2048;

/**
 * Runs the rule (one YAML document) against each event. An invalid or unsupported rule is reported
 * with its reason and matches nothing. A rule whose logsource does not cover an event does not match
 * it (as in streaming) and says so in `note`, unless `ignoreLogsource` (as `vigil hunt` can) or the
 * event is a plain field map.
 */
export function runRuleTest<E extends NormalizedEvent>(yaml: string, events: readonly E[], options: { ignoreLogsource?: boolean } = {}): RuleTest<E> {
  const verdicts = validateRuleText(yaml, 'rule');
  if (verdicts.length !== 1) {
    return { id: '', title: '', state: 'invalid', reason: `give one rule, not ${verdicts.length} YAML documents`, results: events.map((event) => ({ event, matched: false })) };
  }
  const verdict = verdicts[0]!;
  const header = { id: verdict.id, title: verdict.title, state: verdict.state, ...(verdict.reason === undefined ? {} : { reason: verdict.reason }) };
  if (verdict.state === 'invalid') return { ...header, results: events.map((event) => ({ event, matched: false })) };
  let rule;
  try {
    rule = parseSigmaRule(yaml);
  } catch {
    // Correlation and filter documents: validation already gave the reason.
    return { ...header, results: events.map((event) => ({ event, matched: false })) };
  }
  const compiler = new SigmaCompiler();
  const compiled = compiler.compile(rule);
  const scope = compiler.newScope();
  const mapping = mapLogsource(rule.logsource);
  const logsource = Object.entries(rule.logsource).filter(([key]) => key !== 'definition').map(([key, value]) => `${key}: ${value}`).join(', ');
  const results = events.map((event): RuleTestResult<E> => {
    if (compiled.status.state !== 'active') return { event, matched: false };
    scope.reset(sigmaEventFor(event));
    if (!compiled.matches(scope)) return { event, matched: false };
    const why = whyOf(compiled.explain(scope));
    if (!options.ignoreLogsource && event.sourceType !== FIELD_MAP && !logsourceAccepts(mapping, event)) {
      return { event, matched: false, why, note: `the fields match, but the rule's logsource (${logsource}) does not cover this ${event.sourceType} event` };
    }
    return { event, matched: true, why };
  });
  return { ...header, results };
}

/** A match explanation as a detection's `why`: the true selections and the values that satisfied them. */
export function whyOf(explanation: SigmaMatchExplanation): Detection['why'] {
  return {
    selections: explanation.selections.map((s) => s.name),
    fields: explanation.selections.flatMap((s) => s.matches.map((m) => ({ selection: s.name, field: m.field, value: valueText(m.value) }))),
  };
}

/**
 * A test event from what a user gives: text is a raw record (a syslog or log line); an object is a
 * raw record (a JSON log: Windows, CloudTrail, Okta, ...) when a parser of that log recognises it, a stored or
 * normalized event when it has `fields` and `sourceType`, and otherwise a map of fields (source type
 * {@link FIELD_MAP}), nested objects flattened to dotted names.
 */
export function testEventFrom(value: string | Readonly<Record<string, unknown>>, limits: InputLimits, now: number): NormalizedEvent {
  if (typeof value === 'string') return normalizeRecord({ source: 'rule-test', sourceType: 'auto', receivedAt: now, text: value }, limits);
  if (isPlainObject(value.fields) && typeof value.sourceType === 'string') {
    const timestamp = typeof value.timestamp === 'number' ? value.timestamp : now;
    return {
      timestamp, receivedAt: typeof value.receivedAt === 'number' ? value.receivedAt : timestamp,
      source: typeof value.source === 'string' ? value.source : 'rule-test', sourceType: value.sourceType,
      fields: flatten(value.fields), original: typeof value.original === 'string' ? value.original : JSON.stringify(value),
    };
  }
  const normalized = normalizeRecord({ source: 'rule-test', sourceType: 'auto', receivedAt: now, data: value }, limits);
  // Only a parser that knows the log (Windows, CloudTrail, Okta, ...) makes it a record of that log;
  // generic JSON says nothing about where it came from.
  if (normalized.parseError === undefined && normalized.sourceType !== 'json') return normalized;
  const fields = flatten(value);
  const stamp = typeof fields['@timestamp'] === 'string' ? Date.parse(fields['@timestamp']) : Number.NaN;
  return { timestamp: Number.isFinite(stamp) ? stamp : now, receivedAt: now, source: 'rule-test', sourceType: FIELD_MAP, fields, original: JSON.stringify(value) };
}

/** Whether a rule id given by a client has a form the store uses. */
export function isRuleId(id: string): boolean {
  return RULE_ID.test(id);
}

function flatten(value: Readonly<Record<string, unknown>>, prefix = '', into: EventFields = {}, depth = 0): EventFields {
  for (const [key, child] of Object.entries(value)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (isPlainObject(child) && depth < 16) flatten(child, name, into, depth + 1);
    else if (Array.isArray(child)) into[name] = child.filter((c): c is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof c));
    else if (child === null || ['string', 'number', 'boolean'].includes(typeof child)) into[name] = child as FieldValue;
  }
  return into;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueText(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value) ?? String(value);
  return text.length > MAX_WHY_VALUE ? `${text.slice(0, MAX_WHY_VALUE)}…` : text;
}

/** Test events kept beside a rule (`<rule>.tests.yml`): events it must match and must not match. */
export interface RuleTestCases {
  match: (string | Record<string, unknown>)[];
  noMatch: (string | Record<string, unknown>)[];
}

export interface RuleTestOutcome {
  /** One line per failed case, e.g. `match[2]: did not match`. */
  failures: string[];
  cases: number;
}

/**
 * Reads a tests file: `match:` and `no_match:` lists whose items are raw records (log lines as text,
 * JSON objects) or maps of event fields.
 *
 * @throws Error naming what is wrong with the file
 */
export function parseRuleTestCases(text: string): RuleTestCases {
  let data: unknown;
  try {
    data = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new Error(`not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, { cause: error });
  }
  if (!isPlainObject(data)) throw new Error('a tests file is a map with match: and no_match: lists');
  const unknown = Object.keys(data).filter((key) => key !== 'match' && key !== 'no_match');
  if (unknown.length > 0) throw new Error(`unknown key ${unknown.map((k) => `"${k}"`).join(', ')}: a tests file has match: and no_match: lists`);
  const list = (key: string): (string | Record<string, unknown>)[] => {
    const value = data[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new Error(`${key}: must be a list of events`);
    return value.map((item, index) => {
      if (typeof item === 'string' || isPlainObject(item)) return item;
      throw new Error(`${key}[${index}]: an event is a log line (text) or a map of fields`);
    });
  };
  const cases = { match: list('match'), noMatch: list('no_match') };
  if (cases.match.length + cases.noMatch.length === 0) throw new Error('the tests file has no events under match: or no_match:');
  return cases;
}

/** Runs a rule's test cases; a rule that is not active fails every `match` case. */
export function checkRuleTestCases(yaml: string, cases: RuleTestCases, limits: InputLimits, now: number): RuleTestOutcome {
  const events = [...cases.match, ...cases.noMatch].map((event) => testEventFrom(event, limits, now));
  const tested = runRuleTest(yaml, events);
  const failures: string[] = [];
  tested.results.forEach((result, index) => {
    const expectMatch = index < cases.match.length;
    const label = expectMatch ? `match[${index}]` : `no_match[${index - cases.match.length}]`;
    if (expectMatch && !result.matched) {
      const why = tested.state !== 'active' ? `the rule is ${tested.state}: ${tested.reason ?? ''}` : result.note ?? `the event (${result.event.sourceType}) does not match`;
      failures.push(`${label}: did not match: ${why}`);
    } else if (!expectMatch && result.matched) {
      failures.push(`${label}: matched (${result.why?.fields.map((f) => `${f.field ?? 'keyword'}=${f.value}`).join(', ')})`);
    }
  });
  return { failures, cases: events.length };
}
