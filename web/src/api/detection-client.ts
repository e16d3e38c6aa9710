/**
 * The rules API (`rules:read`, changes need `rules:write`) and the detections API (`events:read`).
 * Testing a rule reads events, so it needs `events:read` as well.
 */
import { request } from './client.ts';
import {
  decodeDetections, decodeImportReport, decodeRuleDetail, decodeRules, decodeRuleTest,
  type Detection, type DetectionLevel, type ImportReport, type RuleDetail, type RuleSummary, type RuleTestAnswer,
} from './detection-types.ts';

const rulePath = (id: string): string => `/rules/${encodeURIComponent(id)}`;

/** Every rule with its state and hits over the last 24 hours. */
export async function listRules(signal?: AbortSignal): Promise<RuleSummary[]> {
  return decodeRules(await request('GET', '/rules', { signal }));
}

/** One rule with its YAML. */
export async function getRule(id: string, signal?: AbortSignal): Promise<RuleDetail> {
  return decodeRuleDetail(await request('GET', rulePath(id), { signal }));
}

/** Switches a rule on or off; answers the rule as it is now (its state follows). */
export async function setRuleEnabled(id: string, enabled: boolean): Promise<RuleDetail> {
  return decodeRuleDetail(await request('PUT', rulePath(id), { body: { enabled } }));
}

/**
 * Imports a rule file: a zip archive of .yml files, or YAML with one or several `---` documents. The
 * file name becomes the rules' origin (`import:<name>`).
 */
export async function importRuleFile(file: File): Promise<ImportReport> {
  const zip = /\.zip$/i.test(file.name);
  const raw = zip ? { data: file, type: 'application/zip' } : { data: await file.text(), type: 'text/yaml' };
  return decodeImportReport(await request('POST', `/rules/import?${new URLSearchParams({ name: file.name }).toString()}`, { raw }));
}

/** What a rule is tested against: one event (a JSON object, or a raw log line), or the events of a search. */
export type RuleTestInput =
  | { event: Record<string, unknown> | string }
  | { query: string; from: string; to: string; limit?: number };

/** Runs a stored rule against an event or a search, with the pure core (nothing is stored). */
export async function testRule(ruleId: string, input: RuleTestInput, signal?: AbortSignal): Promise<RuleTestAnswer> {
  return decodeRuleTest(await request('POST', '/rules/test', { body: { ruleId, ...input }, signal }));
}

export interface DetectionQuery {
  /** As the API takes it: `-24h`, ISO 8601 or ms. */
  from?: string | undefined;
  ruleId?: string | undefined;
  levels?: readonly DetectionLevel[] | undefined;
  limit: number;
  /** The last id of the previous page. */
  before?: number | undefined;
}

/** Detections, newest first. */
export async function listDetections(q: DetectionQuery, signal?: AbortSignal): Promise<Detection[]> {
  const p = new URLSearchParams({ limit: String(q.limit) });
  if (q.from !== undefined) p.set('from', q.from);
  if (q.ruleId !== undefined) p.set('ruleId', q.ruleId);
  if (q.levels !== undefined && q.levels.length > 0) p.set('level', q.levels.join(','));
  if (q.before !== undefined) p.set('before', String(q.before));
  return decodeDetections(await request('GET', `/detections?${p.toString()}`, { signal }));
}
