/**
 * Shapes of the rules and detections API (`/api/v1/rules`, `/api/v1/detections`) as the console uses
 * them, and their decoders. Rule titles, tags, YAML and every event value come from imported rules or
 * from events: render as text only.
 */
import { arr, bool, num, obj, optNum, optStr, str } from './decode.ts';
import type { FieldValue } from './types.ts';

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type DetectionLevel = (typeof LEVELS)[number];

export const RULE_STATES = ['active', 'disabled', 'unsupported', 'invalid'] as const;
export type RuleStateName = (typeof RULE_STATES)[number];

/** A rule as listed (no YAML). */
export interface RuleSummary {
  id: string;
  title: string;
  level: DetectionLevel;
  tags: string[];
  enabled: boolean;
  /** `bundled`, `import:<file name>` or `custom`. */
  origin: string;
  state: RuleStateName;
  /** Why the rule does not run (unsupported, invalid). */
  reason: string | undefined;
  updatedAt: number;
  updatedBy: string | undefined;
  hits24h: number;
}

/** A rule with its YAML. */
export interface RuleDetail extends RuleSummary {
  yaml: string;
}

/** Why a rule matched: the selections that were true and the values that satisfied them (`field` null: a keyword). */
export interface MatchWhy {
  selections: string[];
  fields: { selection: string; field: string | null; value: string }[];
}

export interface Detection {
  id: number;
  ruleId: string;
  ruleTitle: string;
  level: DetectionLevel;
  tags: string[];
  eventSeqs: number[];
  eventTime: number;
  detectedAt: number;
  host: string | undefined;
  user: string | undefined;
  why: MatchWhy;
}

export interface ImportReport {
  added: number;
  updated: number;
  /** Archive members that are not YAML rule files. */
  skipped: number;
  /** Archive members that could not be read. */
  errors: { name: string; reason: string }[];
  rules: { id: string; title: string; state: RuleStateName; reason: string | undefined; source: string }[];
}

/** An event a rule was tested against: a stored one (with `seq`) or the pasted one, normalized. */
export interface TestedEvent {
  seq: number | undefined;
  timestamp: number;
  receivedAt: number;
  source: string;
  sourceType: string;
  fields: Record<string, FieldValue>;
  original: string;
  parseError: string | undefined;
}

export interface RuleTestResult {
  event: TestedEvent;
  matched: boolean;
  why: MatchWhy | undefined;
  /** Why fields that match do not count (the rule's logsource does not cover the event). */
  note: string | undefined;
}

export interface RuleTestAnswer {
  state: RuleStateName;
  reason: string | undefined;
  results: RuleTestResult[];
}

/**
 * A level or state name. An unknown one (a newer server) is shown as it is rather than refusing the
 * whole answer: the pages fall back to neutral styling for names they do not know.
 */
function named<T extends string>(v: unknown, what: string): T {
  return str(v, what) as T;
}

function strings(v: unknown, what: string): string[] {
  return v === undefined || v === null ? [] : arr(v, what).map((s, i) => str(s, `${what}[${i}]`));
}

function decodeRuleSummary(v: unknown, what: string): RuleSummary {
  const o = obj(v, what);
  return {
    id: str(o.id, `${what}.id`),
    title: str(o.title, `${what}.title`),
    level: named<DetectionLevel>(o.level, `${what}.level`),
    tags: strings(o.tags, `${what}.tags`),
    enabled: bool(o.enabled, `${what}.enabled`),
    origin: str(o.origin, `${what}.origin`),
    state: named<RuleStateName>(o.state, `${what}.state`),
    reason: optStr(o.reason, `${what}.reason`),
    updatedAt: num(o.updatedAt, `${what}.updatedAt`),
    updatedBy: optStr(o.updatedBy, `${what}.updatedBy`),
    hits24h: optNum(o.hits24h, `${what}.hits24h`) ?? 0,
  };
}

/** Decodes `{ rules: [...] }`. */
export function decodeRules(body: unknown): RuleSummary[] {
  return arr(obj(body, 'the answer').rules, 'rules').map((r, i) => decodeRuleSummary(r, `rules[${i}]`));
}

/** Decodes one rule with its YAML. */
export function decodeRuleDetail(body: unknown): RuleDetail {
  return { ...decodeRuleSummary(body, 'rule'), yaml: str(obj(body, 'rule').yaml, 'rule.yaml') };
}

function decodeWhy(v: unknown, what: string): MatchWhy {
  const o = obj(v, what);
  return {
    selections: strings(o.selections, `${what}.selections`),
    fields: arr(o.fields ?? [], `${what}.fields`).map((f, i) => {
      const fo = obj(f, `${what}.fields[${i}]`);
      return { selection: str(fo.selection, `${what}.fields[${i}].selection`), field: optStr(fo.field, `${what}.fields[${i}].field`) ?? null, value: str(fo.value, `${what}.fields[${i}].value`) };
    }),
  };
}

function decodeDetection(v: unknown, what: string): Detection {
  const o = obj(v, what);
  return {
    id: num(o.id, `${what}.id`),
    ruleId: str(o.ruleId, `${what}.ruleId`),
    ruleTitle: str(o.ruleTitle, `${what}.ruleTitle`),
    level: named<DetectionLevel>(o.level, `${what}.level`),
    tags: strings(o.tags, `${what}.tags`),
    eventSeqs: arr(o.eventSeqs ?? [], `${what}.eventSeqs`).map((s, i) => num(s, `${what}.eventSeqs[${i}]`)),
    eventTime: num(o.eventTime, `${what}.eventTime`),
    detectedAt: num(o.detectedAt, `${what}.detectedAt`),
    host: optStr(o.host, `${what}.host`),
    user: optStr(o.user, `${what}.user`),
    why: decodeWhy(o.why, `${what}.why`),
  };
}

/** Decodes `{ detections: [...] }`. */
export function decodeDetections(body: unknown): Detection[] {
  return arr(obj(body, 'the answer').detections, 'detections').map((d, i) => decodeDetection(d, `detections[${i}]`));
}

/** Decodes the answer of `POST /api/v1/rules/import`. */
export function decodeImportReport(body: unknown): ImportReport {
  const b = obj(body, 'the answer');
  return {
    added: num(b.added, 'added'),
    updated: num(b.updated, 'updated'),
    skipped: optNum(b.skipped, 'skipped') ?? 0,
    errors: arr(b.errors ?? [], 'errors').map((e, i) => {
      const o = obj(e, `errors[${i}]`);
      return { name: str(o.name, `errors[${i}].name`), reason: str(o.reason, `errors[${i}].reason`) };
    }),
    rules: arr(b.rules, 'rules').map((r, i) => {
      const o = obj(r, `rules[${i}]`);
      return {
        id: str(o.id, `rules[${i}].id`), title: str(o.title, `rules[${i}].title`), state: named<RuleStateName>(o.state, `rules[${i}].state`),
        reason: optStr(o.reason, `rules[${i}].reason`), source: optStr(o.source, `rules[${i}].source`) ?? '',
      };
    }),
  };
}

function decodeTestedEvent(v: unknown, what: string): TestedEvent {
  const o = obj(v, what);
  return {
    seq: optNum(o.seq, `${what}.seq`),
    timestamp: num(o.timestamp, `${what}.timestamp`),
    receivedAt: num(o.receivedAt, `${what}.receivedAt`),
    source: str(o.source, `${what}.source`),
    sourceType: str(o.sourceType, `${what}.sourceType`),
    fields: obj(o.fields ?? {}, `${what}.fields`) as Record<string, FieldValue>,
    original: optStr(o.original, `${what}.original`) ?? '',
    parseError: optStr(o.parseError, `${what}.parseError`),
  };
}

/** Decodes the answer of `POST /api/v1/rules/test`. */
export function decodeRuleTest(body: unknown): RuleTestAnswer {
  const b = obj(body, 'the answer');
  return {
    state: named<RuleStateName>(b.state, 'state'),
    reason: optStr(b.reason, 'reason'),
    results: arr(b.results, 'results').map((r, i) => {
      const o = obj(r, `results[${i}]`);
      return {
        event: decodeTestedEvent(o.event, `results[${i}].event`),
        matched: bool(o.matched, `results[${i}].matched`),
        why: o.why === undefined || o.why === null ? undefined : decodeWhy(o.why, `results[${i}].why`),
        note: optStr(o.note, `results[${i}].note`),
      };
    }),
  };
}
