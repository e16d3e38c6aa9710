/**
 * Rules: every Sigma rule with its state (and why it does not run), level, ATT&CK tags, origin and
 * hits over the last 24 hours; filters live in the URL; engineers switch rules on and off and import
 * rule files. Thousands of rules: the table is virtualized like the Search page's results.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useMemo, useRef, useState } from 'react';
import { listRules, setRuleEnabled } from '../../api/detection-client.ts';
import { LEVELS, RULE_STATES, type RuleSummary } from '../../api/detection-types.ts';
import { errorMessage } from '../../api/errors.ts';
import { Link } from '../../components/link.tsx';
import { AttackTags, HitsBar, LevelBadge, RuleStateBadge } from '../../components/rule-bits.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/ui.tsx';
import { useCan } from '../../lib/access.ts';
import { detectionFiltersToUrl } from '../../lib/detection-query.ts';
import { formatInt } from '../../lib/format.ts';
import { usePoll } from '../../lib/hooks.ts';
import { navigate } from '../../lib/router.ts';
import {
  filterRules, originLabel, ruleFiltersFromUrl, ruleFiltersToUrl, stateCounts, stateCountsText, toggled, type RuleFilters, type RuleSort,
} from '../../lib/rule-filters.ts';
import { truncate, visibleText } from '../../lib/safe-text.ts';
import { ImportDialog } from './import-dialog.tsx';
import '../../styles/rules.css';

const ROW_HEIGHT = 41;
const HEADER_HEIGHT = 34;
const OVERSCAN = 12;

/** The on/off switch of a rule; the server answers the rule's new state. */
export function EnabledSwitch({ rule, onChanged }: { rule: Pick<RuleSummary, 'id' | 'title' | 'enabled'>; onChanged(rule: RuleSummary): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const flip = (): void => {
    setBusy(true);
    setError(null);
    setRuleEnabled(rule.id, !rule.enabled).then(onChanged, (err: unknown) => setError(errorMessage(err))).finally(() => setBusy(false));
  };
  return (
    <span className="rule-switch">
      <button type="button" role="switch" aria-checked={rule.enabled} disabled={busy} className="switch-button"
        aria-label={`${rule.enabled ? 'Disable' : 'Enable'} ${truncate(rule.title, 80)}`} title={rule.enabled ? 'Enabled: click to disable' : 'Disabled: click to enable'}
        onClick={(e) => { e.stopPropagation(); flip(); }}>
        <span className={rule.enabled ? 'switch switch-on' : 'switch'} aria-hidden="true" />
      </button>
      {error && <span className="field-error small" role="alert">{error}</span>}
    </span>
  );
}

function RuleTable({ rules, maxHits, canWrite, canSeeDetections, onChanged }: {
  rules: readonly RuleSummary[]; maxHits: number; canWrite: boolean; canSeeDetections: boolean; onChanged(rule: RuleSummary): void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rules.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => rules[i]?.id ?? i,
    overscan: OVERSCAN,
    paddingStart: HEADER_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = Math.max(0, (items[0]?.start ?? HEADER_HEIGHT) - HEADER_HEIGHT);
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? HEADER_HEIGHT));
  return (
    <div className="results-scroll" ref={scrollRef} data-testid="rule-results" data-rows={rules.length}>
      <table className="table rules-table">
        <colgroup>
          <col /><col className="col-state" /><col className="col-level" /><col className="col-tags" /><col className="col-origin" /><col className="col-hits" />
          {canWrite && <col className="col-enabled" />}
        </colgroup>
        <thead>
          <tr>
            <th>Rule</th><th>State</th><th>Level</th><th>ATT&amp;CK</th><th>Origin</th><th>Hits 24 h</th>{canWrite && <th>Enabled</th>}
          </tr>
        </thead>
        <tbody>
          {padTop > 0 && <tr className="virtual-pad" aria-hidden="true" style={{ height: padTop }} />}
          {items.map((item) => {
            const r = rules[item.index];
            if (!r) return null;
            return (
              <tr key={item.key} data-index={item.index} ref={virtualizer.measureElement} data-rule-id={r.id} className={`rule-row rule-row-${r.state}`}>
                <td className="rule-title-cell">
                  <Link to={`/rules/${encodeURIComponent(r.id)}`} className="rule-title">{visibleText(truncate(r.title, 160))}</Link>
                  {r.reason !== undefined && <div className="rule-reason small" title={truncate(r.reason, 1000)}>{visibleText(truncate(r.reason, 200))}</div>}
                </td>
                <td><RuleStateBadge state={r.state} reason={r.reason} /></td>
                <td><LevelBadge level={r.level} /></td>
                <td className="rule-tags-cell"><AttackTags tags={r.tags} max={4} /></td>
                <td className="small muted rule-origin" title={r.origin}>{visibleText(truncate(originLabel(r.origin), 60))}</td>
                <td>
                  {canSeeDetections && r.hits24h > 0
                    ? <Link to={detectionFiltersToUrl({ levels: [], ruleId: r.id, from: '-24h' })} className="hits-link"><HitsBar hits={r.hits24h} max={maxHits} /></Link>
                    : <HitsBar hits={r.hits24h} max={maxHits} />}
                </td>
                {canWrite && <td><EnabledSwitch rule={r} onChanged={onChanged} /></td>}
              </tr>
            );
          })}
          {padBottom > 0 && <tr className="virtual-pad" aria-hidden="true" style={{ height: padBottom }} />}
        </tbody>
      </table>
    </div>
  );
}

/** The Rules page; its filters are the URL query string `search`. */
export function RulesPage({ search }: { search: string }) {
  const filters = useMemo(() => ruleFiltersFromUrl(search), [search]);
  const canWrite = useCan('rules:write');
  const canSeeDetections = useCan('events:read');
  const load = useCallback((signal: AbortSignal) => listRules(signal), []);
  const result = usePoll(load, 60_000);
  // Rules switched here since the last load: shown at once, until the next load brings them.
  const [changed, setChanged] = useState<{ base: number | undefined; rules: ReadonlyMap<string, RuleSummary> }>({ base: undefined, rules: new Map() });
  const [importing, setImporting] = useState(false);

  const overrides = useMemo(() => (changed.base === result.updatedAt ? changed.rules : new Map<string, RuleSummary>()), [changed, result.updatedAt]);
  const all = useMemo(() => result.data?.map((r) => overrides.get(r.id) ?? r), [result.data, overrides]);
  const shown = useMemo(() => (all ? filterRules(all, filters) : []), [all, filters]);
  const counts = all ? stateCounts(all) : undefined;
  const maxHits = all ? Math.max(0, ...all.map((r) => r.hits24h)) : 0;

  const set = (next: Partial<RuleFilters>): void => navigate(ruleFiltersToUrl({ ...filters, ...next }), true);
  const onChanged = (rule: RuleSummary): void => setChanged((c) => {
    const rules = new Map(c.base === result.updatedAt ? c.rules : []);
    const before = result.data?.find((r) => r.id === rule.id);
    // The switch answers without hits: keep the count the list had.
    rules.set(rule.id, { ...rule, hits24h: before?.hits24h ?? rule.hits24h });
    return { base: result.updatedAt, rules };
  });

  return (
    <>
      <PageHeader title="Rules" subtitle={<>Sigma detection rules run on every event as it arrives. <span className="muted" data-testid="rule-counts">{counts ? `${stateCountsText(counts)}.` : ''}</span></>}
        actions={canWrite && <button type="button" className="button button-primary" onClick={() => setImporting(true)}>Import rules</button>} />

      <section className="panel toolbar-panel">
        <div className="toolbar">
          <input type="search" className="rules-search" placeholder="Search titles and ids" value={filters.q} aria-label="Search titles"
            onChange={(e) => set({ q: e.target.value })} />
          <input type="search" className="rules-tag-filter" placeholder="Tag, e.g. t1059 or execution" value={filters.tag} aria-label="Tag"
            onChange={(e) => set({ tag: e.target.value })} />
          <div className="segmented" role="group" aria-label="State">
            {RULE_STATES.map((s) => {
              const on = filters.states.includes(s);
              return (
                <button key={s} type="button" className={on ? 'segment segment-active' : 'segment'} aria-pressed={on} onClick={() => set({ states: toggled(filters.states, s) })}>
                  {s}{counts ? ` ${formatInt(counts[s])}` : ''}
                </button>
              );
            })}
          </div>
          <div className="segmented" role="group" aria-label="Level">
            {LEVELS.map((l) => {
              const on = filters.levels.includes(l);
              return <button key={l} type="button" className={on ? 'segment segment-active' : 'segment'} aria-pressed={on} onClick={() => set({ levels: toggled(filters.levels, l) })}>{l}</button>;
            })}
          </div>
          <label className="inline-field small">Sort
            <select value={filters.sort} onChange={(e) => set({ sort: e.target.value as RuleSort })}>
              <option value="title">Title</option>
              <option value="hits">Hits (24 h)</option>
              <option value="level">Level</option>
            </select>
          </label>
        </div>
      </section>

      {result.error !== undefined && <ErrorNotice error={result.error} staleSince={result.data ? result.updatedAt : undefined} onRetry={result.refresh} />}
      {!all && result.error === undefined && <Loading label="Loading rules…" />}
      {all && (
        <section className="panel panel-flush">
          <div className="table-toolbar">
            <span className="muted" data-testid="rule-shown">
              {shown.length === all.length ? `${formatInt(all.length)} rules` : `${formatInt(shown.length)} of ${formatInt(all.length)} rules`}
            </span>
            {result.loading && <span className="muted small" role="status">Loading…</span>}
          </div>
          {shown.length === 0
            ? (
              <EmptyState title={all.length === 0 ? 'No rules yet' : 'No rule matches the filters'}>
                {all.length === 0 ? (canWrite ? 'Import a Sigma rule file (.yml) or a zip archive of rules.' : 'An engineer can import Sigma rules.') : 'Clear a filter to see more rules.'}
              </EmptyState>
            )
            : <RuleTable rules={shown} maxHits={maxHits} canWrite={canWrite} canSeeDetections={canSeeDetections} onChanged={onChanged} />}
        </section>
      )}
      {importing && <ImportDialog onClose={() => setImporting(false)} onImported={result.refresh} />}
    </>
  );
}
