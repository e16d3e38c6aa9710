/**
 * Rule validation shared by import (bundled content, the API, `vigil rules import`) and the offline
 * CLI (`vigil rules validate`): YAML text to one verdict per document — parsed against the Sigma
 * schema, compiled, its logsource mapped — with the reason whenever a rule would not run. Pure.
 *
 * @example validateRuleText(text, 'rules/sshd.yml')
 * // [{ id: '0b8f...', title: 'SSH brute force', level: 'medium', tags: [...], state: 'active', yaml: '...', source: 'rules/sshd.yml' }]
 */
import { parseAllDocuments, parseDocument } from 'yaml';
import type { DetectionLevel, RuleState } from './detection.ts';
import { SigmaCompiler } from './sigma/sigma-compile.ts';
import { parseSigmaDocuments, SIGMA_LEVELS, type SigmaRule } from './sigma/sigma-rule.ts';
import { mapLogsource } from './sigma-mapping/logsource.ts';

/** What validation says about one YAML document; `disabled` is the user's choice, not validation's. */
export type ValidationState = Exclude<RuleState['state'], 'disabled'>;

export interface ValidatedRule {
  /** The rule's `id`, else `yaml-` and a hash of its YAML (stable across imports of the same text). */
  id: string;
  title: string;
  level: DetectionLevel;
  tags: string[];
  state: ValidationState;
  /** Why the rule does not run; set unless `active`. */
  reason?: string;
  /** The document's own YAML text (one document of a multi-document file). */
  yaml: string;
  /** File (or archive member) it came from, with `#n` for the n-th document of a multi-document file. */
  source: string;
  /** Set by {@link markDuplicates} on a rule whose id an earlier rule of the batch has: not stored. */
  duplicate?: true;
}

/** Ids the API and store accept: Sigma UUIDs, derived `yaml-` ids and other plain names. */
export const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Validates every document of a rule file. Pass one compiler for a batch: it shares compiled items
 * between rules (the result is the same either way).
 */
export function validateRuleText(text: string, source: string, compiler: SigmaCompiler = new SigmaCompiler()): ValidatedRule[] {
  const pieces = splitDocuments(text);
  return pieces.map((yaml, index) => validateDocument(yaml, pieces.length > 1 ? `${source}#${index + 1}` : source, compiler));
}

/**
 * Marks every rule whose id an earlier rule of the batch already has as `invalid` (only the first is
 * kept: ids key the store). Returns a new list in the same order.
 */
export function markDuplicates(rules: readonly ValidatedRule[]): ValidatedRule[] {
  const first = new Map<string, ValidatedRule>();
  return rules.map((rule) => {
    const earlier = first.get(rule.id);
    if (earlier === undefined) {
      first.set(rule.id, rule);
      return rule;
    }
    return { ...rule, state: 'invalid', reason: `duplicate id ${rule.id}: ${earlier.source} has it already`, duplicate: true };
  });
}

/** Splits a file into its YAML documents' texts; a file that is not YAML at all stays one piece. */
function splitDocuments(text: string): string[] {
  let documents;
  try {
    documents = parseAllDocuments(text, { uniqueKeys: true });
  } catch {
    return [text];
  }
  const list = Array.isArray(documents) ? documents : [];
  if (list.length <= 1) return [text];
  return list.map((document) => text.slice(document.range[0], document.range[2]).trim() + '\n');
}

function validateDocument(yaml: string, source: string, compiler: SigmaCompiler): ValidatedRule {
  const documents = parseSigmaDocuments(yaml);
  const document = documents[0]!;
  if (documents.length !== 1) return invalid(yaml, source, `expected one YAML document, found ${documents.length}`);
  switch (document.kind) {
    case 'invalid':
      return invalid(yaml, source, document.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; '));
    case 'correlation':
    case 'filter': {
      const header = describe(document.data, yaml);
      return { ...header, state: 'unsupported', reason: `${document.kind} rules are not run by Vigil's detection engine yet`, yaml, source };
    }
    case 'rule':
      return { ...header(document.rule, yaml), ...verdict(document.rule, compiler), yaml, source };
  }
}

function verdict(rule: SigmaRule, compiler: SigmaCompiler): { state: ValidationState; reason?: string } {
  const compiled = compiler.compile(rule);
  if (compiled.status.state === 'unsupported') return { state: 'unsupported', reason: compiled.status.reason };
  const mapping = mapLogsource(rule.logsource);
  if (!mapping.supported) return { state: 'unsupported', reason: `logsource: ${mapping.reason}` };
  return { state: 'active' };
}

function header(rule: SigmaRule, yaml: string): Pick<ValidatedRule, 'id' | 'title' | 'level' | 'tags'> {
  return { id: rule.id ?? derivedId(yaml), title: rule.title, level: rule.level ?? 'medium', tags: [...rule.tags] };
}

/** Best-effort id, title, level and tags of a document that is not a valid detection rule. */
function describe(data: unknown, yaml: string): Pick<ValidatedRule, 'id' | 'title' | 'level' | 'tags'> {
  const map = typeof data === 'object' && data !== null && !Array.isArray(data) ? data as Record<string, unknown> : {};
  const id = typeof map.id === 'string' && RULE_ID.test(map.id) ? map.id : derivedId(yaml);
  const title = typeof map.title === 'string' && map.title.trim() !== '' ? map.title.slice(0, 256) : '(untitled)';
  const level = (SIGMA_LEVELS as readonly unknown[]).includes(map.level) ? map.level as DetectionLevel : 'medium';
  const tags = Array.isArray(map.tags) ? map.tags.filter((t): t is string => typeof t === 'string').slice(0, 64) : [];
  return { id, title, level, tags };
}

function invalid(yaml: string, source: string, reason: string): ValidatedRule {
  let data: unknown;
  try {
    data = parseDocument(yaml, { uniqueKeys: false }).toJS({ maxAliasCount: 100 });
  } catch {
    data = undefined;
  }
  return { ...describe(data, yaml), state: 'invalid', reason, yaml, source };
}

/** `yaml-` and 128 bits of four FNV-1a-style lanes (own seed and odd multiplier each) over the text: stable, and pure (no Node crypto here). */
function derivedId(yaml: string): string {
  let hex = '';
  for (const [seed, prime] of [[0x811c9dc5, 0x01000193], [0x9e3779b9, 0x5bd1e995], [0x85ebca6b, 0x27d4eb2d], [0xc2b2ae35, 0x165667b1]] as const) {
    let h = seed >>> 0;
    for (let i = 0; i < yaml.length; i++) h = Math.imul(h ^ yaml.charCodeAt(i), prime) >>> 0;
    // Final avalanche (murmur3 fmix32) so nearby texts differ in every digit.
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    hex += ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, '0');
  }
  return `yaml-${hex}`;
}
