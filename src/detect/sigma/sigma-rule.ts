/**
 * Sigma rule documents: YAML text to typed rules, validated against the specification's JSON schema
 * (json-schema/sigma-detection-rule-schema.json, mirrored in zod below). Errors name the path of the
 * offending value and the reason; nothing here does I/O.
 *
 * @see /work/shared/sigma-specification/specification/sigma-rules-specification.md
 */
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/** A scalar a detection may compare with. */
export type SigmaScalar = string | number | boolean | null;
/** `field|modifiers: value` pairs, ANDed; values are one scalar or a list (ORed unless `|all`). */
export type SigmaFieldMap = Readonly<Record<string, SigmaScalar | readonly SigmaScalar[]>>;
/** A search identifier's definition: a map, or a list of keywords and/or maps (ORed). */
export type SigmaSearch = SigmaFieldMap | readonly (SigmaScalar | SigmaFieldMap)[];

export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];
export const SIGMA_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export type SigmaStatus = (typeof SIGMA_STATUSES)[number];

/** Where a rule applies; extra keys (e.g. `definition`, vendor keys) are kept. */
export interface SigmaLogsource {
  category?: string;
  product?: string;
  service?: string;
  definition?: string;
  [key: string]: string | undefined;
}

/** The detection section: named searches (in the order written) and one or more conditions (ORed). */
export interface SigmaDetection {
  searches: ReadonlyMap<string, SigmaSearch>;
  conditions: readonly string[];
}

/** A validated Sigma detection rule. Custom top-level attributes stay available in `custom`. */
export interface SigmaRule {
  title: string;
  id?: string;
  name?: string;
  related: readonly { id: string; type: 'derived' | 'obsolete' | 'merged' | 'renamed' | 'similar' }[];
  taxonomy?: string;
  status?: SigmaStatus;
  description?: string;
  license?: string;
  author?: string;
  references: readonly string[];
  date?: string;
  modified?: string;
  logsource: SigmaLogsource;
  detection: SigmaDetection;
  fields: readonly string[];
  falsepositives: readonly string[];
  level?: SigmaLevel;
  tags: readonly string[];
  scope: readonly string[];
  custom: Readonly<Record<string, unknown>>;
}

/** One reason a document is not a valid rule: `path` is dotted (`detection.selection`), `''` for the document. */
export interface SigmaRuleIssue {
  path: string;
  message: string;
}

/** Thrown by {@link parseSigmaRule} with every issue found. */
export class SigmaRuleError extends Error {
  readonly issues: readonly SigmaRuleIssue[];

  constructor(issues: readonly SigmaRuleIssue[]) {
    super(issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '));
    this.name = 'SigmaRuleError';
    this.issues = issues;
  }
}

/**
 * One YAML document of a rule file. Correlation and filter documents are recognized and passed on
 * as data for their own validators; `invalid` carries the reasons.
 */
export type SigmaDocument =
  | { kind: 'rule'; rule: SigmaRule }
  | { kind: 'correlation'; data: Readonly<Record<string, unknown>> }
  | { kind: 'filter'; data: Readonly<Record<string, unknown>> }
  | { kind: 'invalid'; issues: readonly SigmaRuleIssue[] };

const DATE = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAG = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const fieldMap = z.record(z.string(), z.union([scalar, z.array(scalar)]), {
  error: 'a search identifier map holds field: value pairs whose values are strings, numbers, booleans, null or lists of them',
});
const search = z.union([z.array(z.union([scalar, fieldMap])), fieldMap], {
  error: 'a search identifier is a map of field: value pairs or a list of keywords and maps',
});
const uniqueStrings = (what: string, item: z.ZodString = z.string()) =>
  z.array(item).refine((items) => new Set(items).size === items.length, { message: `${what} must not repeat` });

/** Mirrors sigma-detection-rule-schema.json (Sigma 2.x); unknown top-level keys are allowed, as the spec says. */
const ruleSchema = z.looseObject({
  title: z.string().max(256),
  id: z.string().regex(UUID, 'must be a UUID').optional(),
  name: z.string().max(256).optional(),
  related: z
    .array(z.object({ id: z.string().regex(UUID, 'must be a UUID'), type: z.enum(['derived', 'obsolete', 'merged', 'renamed', 'similar']) }))
    .optional(),
  taxonomy: z.string().max(256).optional(),
  status: z.enum(SIGMA_STATUSES).optional(),
  description: z.string().max(65535).optional(),
  license: z.string().optional(),
  author: z.string().optional(),
  references: uniqueStrings('references').optional(),
  date: z.string().regex(DATE, 'must be a date written YYYY-MM-DD').optional(),
  modified: z.string().regex(DATE, 'must be a date written YYYY-MM-DD').optional(),
  logsource: z.record(z.string(), z.string(), { error: 'logsource values must be strings' }),
  detection: z
    .record(z.string(), z.unknown())
    .superRefine((detection, ctx) => {
      const condition = detection.condition;
      if (condition === undefined) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'is required' });
      else if (!(typeof condition === 'string' || (Array.isArray(condition) && condition.length > 0 && condition.every((c) => typeof c === 'string')))) {
        ctx.addIssue({ code: 'custom', path: ['condition'], message: 'must be a string or a list of strings' });
      }
      for (const [name, definition] of Object.entries(detection)) {
        if (name === 'condition' || name === 'timeframe') continue;
        const result = search.safeParse(definition);
        if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: [name, ...issue.path], message: issue.message });
      }
    }),
  fields: uniqueStrings('fields').optional(),
  falsepositives: uniqueStrings('falsepositives', z.string().min(2)).optional(),
  level: z.enum(SIGMA_LEVELS).optional(),
  tags: uniqueStrings('tags', z.string().regex(TAG, 'must be namespace.name in lower case (letters, digits, _ - .)')).optional(),
  scope: z.array(z.string().min(2)).optional(),
});

const KNOWN_KEYS = new Set(Object.keys(ruleSchema.shape));

/**
 * Validates an already-parsed document as a Sigma detection rule.
 *
 * @example validateSigmaRule({ title: 't', logsource: { product: 'windows' }, detection: { sel: { EventID: 1 }, condition: 'sel' } })
 * // { ok: true, rule: { title: 't', ... } }
 */
export function validateSigmaRule(data: unknown): { ok: true; rule: SigmaRule } | { ok: false; issues: SigmaRuleIssue[] } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, issues: [{ path: '', message: 'a Sigma rule is a YAML map (title, logsource, detection, ...)' }] };
  }
  const result = ruleSchema.safeParse(data);
  if (!result.success) {
    return { ok: false, issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) };
  }
  const value = result.data;
  const searches = new Map<string, SigmaSearch>();
  for (const [name, definition] of Object.entries(value.detection)) {
    if (name !== 'condition' && name !== 'timeframe') searches.set(name, definition as SigmaSearch);
  }
  const condition = value.detection.condition as string | string[];
  const custom: Record<string, unknown> = {};
  for (const [key, extra] of Object.entries(value)) if (!KNOWN_KEYS.has(key)) custom[key] = extra;
  const rule: SigmaRule = {
    title: value.title,
    id: value.id,
    name: value.name,
    related: value.related ?? [],
    taxonomy: value.taxonomy,
    status: value.status,
    description: value.description,
    license: value.license,
    author: value.author,
    references: value.references ?? [],
    date: value.date,
    modified: value.modified,
    logsource: value.logsource,
    detection: { searches, conditions: typeof condition === 'string' ? [condition] : condition },
    fields: value.fields ?? [],
    falsepositives: value.falsepositives ?? [],
    level: value.level,
    tags: value.tags ?? [],
    scope: value.scope ?? [],
    custom,
  };
  return { ok: true, rule };
}

/**
 * Splits YAML text into Sigma documents (a file may hold several, separated by `---`) and
 * validates each detection rule.
 *
 * @example parseSigmaDocuments(text).filter((d) => d.kind === 'rule')
 */
export function parseSigmaDocuments(text: string): SigmaDocument[] {
  const documents = parseAllDocuments(text, { uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [];
  if (list.length === 0) return [{ kind: 'invalid', issues: [{ path: '', message: 'the file holds no YAML document' }] }];
  return list.map((document): SigmaDocument => {
    if (document.errors.length > 0) {
      return {
        kind: 'invalid',
        issues: document.errors.map((error) => ({
          path: '',
          message: `YAML ${error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : 'error'}: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        })),
      };
    }
    let data: unknown;
    try {
      data = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // e.g. an alias bomb: more alias expansions than any rule needs
      return { kind: 'invalid', issues: [{ path: '', message: `YAML: ${error instanceof Error ? error.message : String(error)}` }] };
    }
    if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
      const map = data as Record<string, unknown>;
      if ('correlation' in map) return { kind: 'correlation', data: map };
      if ('filter' in map && !('detection' in map)) return { kind: 'filter', data: map };
      if (map.action === 'global' || map.action === 'reset' || map.action === 'repeat') {
        return { kind: 'invalid', issues: [{ path: 'action', message: 'Sigma 1 multi-document collections (action: global/reset/repeat) are not supported; write one rule per document' }] };
      }
    }
    const result = validateSigmaRule(data);
    return result.ok ? { kind: 'rule', rule: result.rule } : { kind: 'invalid', issues: result.issues };
  });
}

/**
 * Parses text that must hold exactly one valid detection rule.
 *
 * @example parseSigmaRule('title: t\nlogsource: {product: windows}\ndetection: {sel: {EventID: 1}, condition: sel}')
 * @throws SigmaRuleError listing every issue
 */
export function parseSigmaRule(text: string): SigmaRule {
  const documents = parseSigmaDocuments(text);
  if (documents.length !== 1) throw new SigmaRuleError([{ path: '', message: `expected one YAML document, found ${documents.length}` }]);
  const document = documents[0]!;
  if (document.kind === 'rule') return document.rule;
  if (document.kind === 'invalid') throw new SigmaRuleError(document.issues);
  throw new SigmaRuleError([{ path: '', message: `this is a ${document.kind} rule, not a detection rule` }]);
}
