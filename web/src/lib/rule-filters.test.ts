import { describe, expect, it } from 'vitest';
import type { RuleSummary } from '../api/detection-types.ts';
import {
  EMPTY_RULE_FILTERS, filterRules, originLabel, ruleFiltersFromUrl, ruleFiltersToUrl, stateCounts, stateCountsText, toggled,
} from './rule-filters.ts';

function rule(id: string, over: Partial<RuleSummary> = {}): RuleSummary {
  return {
    id, title: `Rule ${id}`, level: 'medium', tags: [], enabled: true, origin: 'bundled', state: 'active', reason: undefined,
    updatedAt: 0, updatedBy: undefined, hits24h: 0, ...over,
  };
}

const RULES = [
  rule('a', { title: 'Encoded PowerShell command', level: 'high', tags: ['attack.execution', 'attack.t1059.001'], hits24h: 5 }),
  rule('b', { title: 'Service installed', level: 'medium', tags: ['attack.persistence', 'attack.t1543.003'], hits24h: 40 }),
  rule('c', { title: 'Okta MFA deactivated', level: 'critical', state: 'unsupported', reason: 'the value modifier "x" is not supported' }),
  rule('d', { title: 'Old powershell rule', level: 'low', state: 'disabled', enabled: false, tags: ['attack.t1059.001'] }),
  rule('e', { title: 'Broken', level: 'informational', state: 'invalid', reason: 'not valid YAML' }),
];

describe('rule filters', () => {
  it('filter by title words (ignoring case and order), also matching the id', () => {
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, q: 'POWERSHELL' }).map((r) => r.id)).toEqual(['a', 'd']);
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, q: 'command encoded' }).map((r) => r.id)).toEqual(['a']);
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, q: 'c' }).map((r) => r.id)).toContain('c');
  });

  it('filter by state, level and tag text together', () => {
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, states: ['unsupported', 'invalid'] }).map((r) => r.id)).toEqual(['e', 'c']);
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, levels: ['high', 'critical'] }).map((r) => r.id)).toEqual(['a', 'c']);
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, tag: 'T1059' }).map((r) => r.id)).toEqual(['a', 'd']);
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, tag: 't1059', states: ['active'] }).map((r) => r.id)).toEqual(['a']);
  });

  it('sort by title, by hits (most first) or by level (critical first)', () => {
    expect(filterRules(RULES, EMPTY_RULE_FILTERS).map((r) => r.id)).toEqual(['e', 'a', 'c', 'd', 'b']);
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, sort: 'hits' }).map((r) => r.id).slice(0, 2)).toEqual(['b', 'a']);
    expect(filterRules(RULES, { ...EMPTY_RULE_FILTERS, sort: 'level' }).map((r) => r.level)).toEqual(['critical', 'high', 'medium', 'low', 'informational']);
  });

  it('round-trip through the URL, dropping unknown values', () => {
    const f = { q: 'power shell ', states: ['unsupported' as const], levels: ['high' as const, 'critical' as const], tag: 't1059', sort: 'hits' as const };
    const url = ruleFiltersToUrl(f);
    expect(url.startsWith('/rules?')).toBe(true);
    expect(ruleFiltersFromUrl(url.slice('/rules'.length))).toEqual(f);
    expect(ruleFiltersToUrl(EMPTY_RULE_FILTERS)).toBe('/rules');
    expect(ruleFiltersFromUrl('?state=active,bogus&level=extreme&sort=random')).toEqual({ ...EMPTY_RULE_FILTERS, states: ['active'] });
  });

  it('count rules per state and say it in words', () => {
    const counts = stateCounts(RULES);
    expect(counts).toEqual({ active: 2, disabled: 1, unsupported: 1, invalid: 1 });
    expect(stateCountsText(counts)).toBe('2 active, 1 disabled, 1 unsupported, 1 invalid');
    expect(stateCountsText({ active: 2871, disabled: 0, unsupported: 12, invalid: 0 })).toBe('2,871 active, 12 unsupported');
    expect(stateCountsText(stateCounts([]))).toBe('No rules');
  });

  it('toggle filter chips and label origins', () => {
    expect(toggled(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggled(['b'], 'a')).toEqual(['b', 'a']);
    expect(originLabel('import:sigma.zip')).toBe('Imported from sigma.zip');
    expect(originLabel('bundled')).toBe('Bundled');
  });
});
