/**
 * Vigil's own rules (content/rules): loaded at start as origin `bundled`. A rule is written when it
 * is new or its text changed since the last start, never over a rule the user imported with the same
 * id, and always keeping the user's enabled flag; a bundled rule the user deleted stays deleted until
 * its text changes.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { StateStore } from '../store/state-store.ts';
import { readRulePaths } from './rule-files.ts';
import { storedRulesFor, validateRuleFiles } from './rule-import.ts';

export const BUNDLED_RULES_DIR = fileURLToPath(new URL('../../content/rules/', import.meta.url));

/** Setting holding `{ id: sha256 of the YAML }` of the bundled rules seen at the last start. */
const SEEN_SETTING = 'rules.bundled.seen';

/**
 * Loads the bundled rules into the rule store; returns how many were added and updated.
 *
 * @example await loadBundledRules(state, Date.now()) // { added: 10, updated: 0 } on first start
 */
export async function loadBundledRules(state: StateStore, now: number, dir: string = BUNDLED_RULES_DIR): Promise<{ added: number; updated: number }> {
  const set = await readRulePaths([dir]);
  const seen = parseSeen(state.getSetting(SEEN_SETTING));
  const validated = validateRuleFiles(set.files).filter((rule) => !rule.duplicate);
  const hashes = new Map(validated.map((rule) => [rule.id, createHash('sha256').update(rule.yaml).digest('hex')]));
  const due = validated.filter((rule) => {
    if (seen[rule.id] === hashes.get(rule.id)) return false;
    const existing = state.rules.get(rule.id);
    return existing === undefined || existing.origin === 'bundled';
  });
  const result = state.rules.upsert(storedRulesFor(due, (id) => state.rules.get(id), 'bundled', now));
  state.setSetting(SEEN_SETTING, JSON.stringify(Object.fromEntries(hashes)));
  return result;
}

function parseSeen(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, string> : {};
  } catch {
    return {};
  }
}
