/**
 * Imports validated rules into the rule store (the API, `vigil rules import` through it, and the
 * bundled content at start). A rule already stored keeps the user's enabled flag: re-importing or
 * upgrading content never switches a rule back on.
 */
import type { RuleStore, StoredRule } from '../store/rule-store.ts';
import type { RuleFile } from './rule-files.ts';
import { markDuplicates, validateRuleText, type ValidatedRule, type ValidationState } from '../detect/rule-validation.ts';
import { SigmaCompiler } from '../detect/sigma/sigma-compile.ts';

export interface RuleReport {
  id: string;
  title: string;
  /** Validation's verdict, or `disabled` for a valid rule the user switched off. */
  state: StoredRule['state'];
  reason?: string;
  source: string;
}

export interface ImportResult {
  added: number;
  updated: number;
  rules: RuleReport[];
}

/** Validates every document of every file, duplicates marked. */
export function validateRuleFiles(files: readonly RuleFile[]): ValidatedRule[] {
  const compiler = new SigmaCompiler();
  return markDuplicates(files.flatMap((file) => validateRuleText(file.text, file.name, compiler)));
}

/** The rules as they will be stored (duplicates left out), merged with what the store holds. */
export function storedRulesFor(
  rules: readonly ValidatedRule[], existing: (id: string) => StoredRule | undefined, origin: string, now: number, by?: string,
): StoredRule[] {
  return rules.filter((rule) => !rule.duplicate).map((rule) => {
    const enabled = existing(rule.id)?.enabled ?? true;
    return {
      id: rule.id, yaml: rule.yaml, enabled, title: rule.title, level: rule.level, tags: rule.tags, origin,
      state: stateOf(rule.state, enabled), ...(rule.reason === undefined ? {} : { reason: rule.reason }),
      updatedAt: now, ...(by === undefined ? {} : { updatedBy: by }),
    };
  });
}

/** Validates and stores rules; every document is reported, stored or not. */
export function importRules(store: RuleStore, files: readonly RuleFile[], origin: string, now: number, by?: string): ImportResult {
  const validated = validateRuleFiles(files);
  const stored = storedRulesFor(validated, (id) => store.get(id), origin, now, by);
  const { added, updated } = store.upsert(stored);
  const states = new Map(stored.map((rule) => [rule.id, rule.state]));
  return {
    added, updated,
    rules: validated.map((rule) => ({
      id: rule.id, title: rule.title, state: rule.duplicate ? rule.state : states.get(rule.id) ?? rule.state,
      ...(rule.reason === undefined ? {} : { reason: rule.reason }), source: rule.source,
    })),
  };
}

function stateOf(state: ValidationState, enabled: boolean): StoredRule['state'] {
  return state === 'active' && !enabled ? 'disabled' : state;
}
