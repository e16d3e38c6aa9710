/**
 * The Rules page's filters (state, level, tag text, title search) as they live in the page URL
 * (`/rules?state=unsupported&level=high,critical&tag=t1059&q=powershell`, so a view can be shared),
 * the filtering itself, the counts per state and the sort orders. Pure.
 */
import { LEVELS, RULE_STATES, type DetectionLevel, type RuleStateName, type RuleSummary } from '../api/detection-types.ts';
import { formatInt } from './format.ts';

export type RuleSort = 'title' | 'hits' | 'level';

export interface RuleFilters {
  /** Words that must all occur in the title or id (ignoring case). */
  q: string;
  /** Empty: every state. */
  states: RuleStateName[];
  /** Empty: every level. */
  levels: DetectionLevel[];
  /** Text that must occur in one of the tags (ignoring case), e.g. `t1059` or `execution`. */
  tag: string;
  sort: RuleSort;
}

export const EMPTY_RULE_FILTERS: RuleFilters = { q: '', states: [], levels: [], tag: '', sort: 'title' };

function listParam<T extends string>(value: string | null, allowed: readonly T[]): T[] {
  if (value === null) return [];
  const wanted = new Set(value.split(',').map((v) => v.trim().toLowerCase()));
  return allowed.filter((a) => wanted.has(a));
}

/** Filters from the URL query string; unknown values are dropped. */
export function ruleFiltersFromUrl(search: string): RuleFilters {
  const p = new URLSearchParams(search);
  const sort = p.get('sort');
  return {
    q: (p.get('q') ?? '').slice(0, 200),
    states: listParam(p.get('state'), RULE_STATES),
    levels: listParam(p.get('level'), LEVELS),
    tag: (p.get('tag') ?? '').slice(0, 100),
    sort: sort === 'hits' || sort === 'level' ? sort : 'title',
  };
}

/** The Rules page URL for filters (defaults left out). */
export function ruleFiltersToUrl(f: RuleFilters): string {
  const p = new URLSearchParams();
  // Kept as typed (spaces too): the fields are bound to the URL while typing.
  if (f.q !== '') p.set('q', f.q);
  if (f.states.length > 0) p.set('state', f.states.join(','));
  if (f.levels.length > 0) p.set('level', f.levels.join(','));
  if (f.tag !== '') p.set('tag', f.tag);
  if (f.sort !== 'title') p.set('sort', f.sort);
  const query = p.toString();
  return query === '' ? '/rules' : `/rules?${query}`;
}

/** `list` with `item` added, or removed when it is there (a toggled filter chip). */
export function toggled<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

const LEVEL_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };

/** The rules that pass the filters, in the chosen order. */
export function filterRules(rules: readonly RuleSummary[], f: RuleFilters): RuleSummary[] {
  const words = f.q.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const tag = f.tag.trim().toLowerCase();
  const out = rules.filter((r) => {
    if (f.states.length > 0 && !f.states.includes(r.state)) return false;
    if (f.levels.length > 0 && !f.levels.includes(r.level)) return false;
    if (tag !== '' && !r.tags.some((t) => t.toLowerCase().includes(tag))) return false;
    if (words.length > 0) {
      const text = `${r.title} ${r.id}`.toLowerCase();
      if (!words.every((w) => text.includes(w))) return false;
    }
    return true;
  });
  const byTitle = (a: RuleSummary, b: RuleSummary): number => a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
  if (f.sort === 'hits') return out.sort((a, b) => b.hits24h - a.hits24h || byTitle(a, b));
  if (f.sort === 'level') return out.sort((a, b) => (LEVEL_RANK[a.level] ?? 5) - (LEVEL_RANK[b.level] ?? 5) || byTitle(a, b));
  return out.sort(byTitle);
}

/** How many rules are in each state. */
export function stateCounts(rules: readonly RuleSummary[]): Record<RuleStateName, number> {
  const counts: Record<RuleStateName, number> = { active: 0, disabled: 0, unsupported: 0, invalid: 0 };
  for (const r of rules) if (r.state in counts) counts[r.state]++;
  return counts;
}

/** "2,871 active, 12 unsupported, 3 disabled": the states that have rules, in a fixed order. */
export function stateCountsText(counts: Record<RuleStateName, number>): string {
  const parts = RULE_STATES.filter((s) => counts[s] > 0).map((s) => `${formatInt(counts[s])} ${s}`);
  return parts.length === 0 ? 'No rules' : parts.join(', ');
}

/** Where the rule came from, in words: `bundled`, `import:sigma.zip` -> `Imported from sigma.zip`, `custom`. */
export function originLabel(origin: string): string {
  if (origin === 'bundled') return 'Bundled';
  if (origin === 'custom') return 'Custom';
  if (origin.startsWith('import:')) return `Imported from ${origin.slice('import:'.length)}`;
  return origin;
}
