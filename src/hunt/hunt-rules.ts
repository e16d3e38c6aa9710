/**
 * Rules for `vigil hunt`: read from files, folders and zip archives, validated like an import (one
 * verdict per YAML document, with the reason when it would not run), then narrowed to what the hunt
 * runs. The engine's own states (with `--all-rules`, a rule whose logsource Vigil cannot route still
 * runs) replace the validation's for the rules given to it.
 */
import type { DetectionLevel, RuleSource, RuleState } from '../detect/detection.ts';
import { readRulePaths } from '../rules/rule-files.ts';
import { validateRuleFiles } from '../rules/rule-import.ts';

export const LEVELS: readonly DetectionLevel[] = ['informational', 'low', 'medium', 'high', 'critical'];

/** 0 for informational up to 4 for critical. */
export function levelRank(level: DetectionLevel): number {
  return LEVELS.indexOf(level);
}

export interface HuntRule {
  id: string;
  title: string;
  level: DetectionLevel;
  /** File (or `archive.zip:member`) the rule came from, `#n` for the n-th document of a file. */
  source: string;
  /** `disabled`: left out by `--min-level`. */
  state: RuleState['state'];
  reason?: string;
}

export interface HuntRuleSet {
  /** What the engine is built from. */
  sources: RuleSource[];
  /** Every document read, with its state. */
  rules: HuntRule[];
  /** Files that are not rules (other extensions). */
  skippedFiles: number;
  /** Paths and archive members that could not be read. */
  errors: { name: string; reason: string }[];
}

export interface HuntRuleOptions {
  /** Rules below this level are left out. */
  minLevel: DetectionLevel;
  /** Keep rules whose logsource Vigil cannot route: the engine then applies them to every event. */
  allRules: boolean;
}

/**
 * @throws RuleFileError when an archive or the whole set breaks a size limit (a zip bomb)
 * @example
 * const set = await loadHuntRules(['./sigma/rules/windows'], { minLevel: 'informational', allRules: false });
 */
export async function loadHuntRules(paths: readonly string[], options: HuntRuleOptions): Promise<HuntRuleSet> {
  const files = await readRulePaths(paths);
  const validated = validateRuleFiles(files.files);
  const sources: RuleSource[] = [];
  const rules: HuntRule[] = validated.map((rule) => {
    const base = { id: rule.id, title: rule.title, level: rule.level, source: rule.source };
    if (rule.duplicate || rule.state === 'invalid') return { ...base, state: 'invalid', reason: rule.reason ?? 'invalid' };
    if (levelRank(rule.level) < levelRank(options.minLevel)) return { ...base, state: 'disabled', reason: `level ${rule.level} is below --min-level ${options.minLevel}` };
    const routable = rule.state === 'active' || (options.allRules && rule.reason?.startsWith('logsource:') === true);
    if (routable) sources.push({ id: rule.id, yaml: rule.yaml, enabled: true });
    return { ...base, state: rule.state, ...(rule.reason === undefined ? {} : { reason: rule.reason }) };
  });
  return { sources, rules, skippedFiles: files.skipped, errors: files.errors };
}

/** The rules with the engine's verdict on those it was given. */
export function withEngineStates(rules: readonly HuntRule[], states: ReadonlyMap<string, RuleState>): HuntRule[] {
  return rules.map((rule) => {
    const state = rule.state === 'invalid' || rule.state === 'disabled' ? undefined : states.get(rule.id);
    if (state === undefined) return rule;
    const { reason: _reason, ...rest } = rule;
    return { ...rest, state: state.state, ...('reason' in state ? { reason: state.reason } : {}) };
  });
}
