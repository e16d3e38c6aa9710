/**
 * Detections: what the streaming engine found, newest first, filtered by level, rule and time (in the
 * URL). Each names its rule (linked), level, ATT&CK tags, host and user, why it matched, and links to
 * its event on the Search page. Older pages load on demand.
 */
import { useCallback, useMemo, useState } from 'react';
import { listDetections, listRules } from '../api/detection-client.ts';
import { LEVELS, type Detection } from '../api/detection-types.ts';
import { Link } from '../components/link.tsx';
import { AttackTags, LevelBadge } from '../components/rule-bits.tsx';
import { Timestamp } from '../components/time.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useCan } from '../lib/access.ts';
import {
  DETECTION_RANGES, detectionContextUrl, detectionEventUrl, detectionFiltersFromUrl, detectionFiltersToUrl, type DetectionFilters,
} from '../lib/detection-query.ts';
import { formatInt, zoneLabel } from '../lib/format.ts';
import { usePoll } from '../lib/hooks.ts';
import { usePrefs } from '../lib/prefs.ts';
import { toggled } from '../lib/rule-filters.ts';
import { navigate } from '../lib/router.ts';
import { truncate, visibleText } from '../lib/safe-text.ts';
import '../styles/rules.css';

const PAGE_SIZE = 100;

/** "CommandLine = whoami, EventID = 4688": the values that satisfied the rule, in one line. */
function whyText(d: Detection): string {
  const parts = d.why.fields.map((f) => `${f.field ?? 'keyword'} = ${truncate(f.value, 120)}`);
  return parts.length > 0 ? parts.join(', ') : d.why.selections.join(', ');
}

function DetectionRow({ d, now }: { d: Detection; now: number }) {
  return (
    <tr data-detection-id={d.id}>
      <td className="nowrap mono small"><Timestamp ms={d.eventTime} /></td>
      <td><LevelBadge level={d.level} /></td>
      <td className="detection-rule">
        <Link to={`/rules/${encodeURIComponent(d.ruleId)}`}>{visibleText(truncate(d.ruleTitle, 160))}</Link>
        <div><AttackTags tags={d.tags} max={4} /></div>
      </td>
      <td className="small mono">{d.host === undefined ? <span className="muted">—</span> : visibleText(truncate(d.host, 80))}</td>
      <td className="small mono">{d.user === undefined ? <span className="muted">—</span> : visibleText(truncate(d.user, 80))}</td>
      <td className="small mono detection-why" title={truncate(whyText(d), 2_000)}>{visibleText(truncate(whyText(d), 300))}</td>
      <td className="nowrap small">
        <span title={d.host === undefined ? 'Events at the exact time of the event' : `Events on ${truncate(d.host, 80)} at the exact time of the event`}>
          <Link to={detectionEventUrl(d)}>Event</Link>
        </span>
        {' · '}
        <span title="Five minutes either side of the event, on the same host"><Link to={detectionContextUrl(d, now)}>Around it</Link></span>
      </td>
    </tr>
  );
}

/** The Detections page; its filters are the URL query string `search`. */
export function DetectionsPage({ search }: { search: string }) {
  const { utc } = usePrefs();
  const filters = useMemo(() => detectionFiltersFromUrl(search), [search]);
  const key = detectionFiltersToUrl(filters);
  const canReadRules = useCan('rules:read');
  const load = useCallback((signal: AbortSignal) => listDetections({
    from: filters.from === '' ? undefined : filters.from, ruleId: filters.ruleId === '' ? undefined : filters.ruleId,
    levels: filters.levels, limit: PAGE_SIZE,
  }, signal), [filters]);
  const result = usePoll(load, 30_000, key);
  const loadRules = useCallback((signal: AbortSignal) => (canReadRules ? listRules(signal) : Promise.resolve([])), [canReadRules]);
  const rules = usePoll(loadRules, 0);
  // Older pages, kept while they continue the first page on screen.
  const [older, setOlder] = useState<{ base: number | undefined; detections: Detection[]; done: boolean } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(undefined);

  const first = result.data;
  const extra = older !== null && older.base === result.updatedAt ? older : null;
  const detections = first ? [...first, ...(extra?.detections ?? [])] : undefined;
  const more = first !== undefined && (extra ? !extra.done : first.length === PAGE_SIZE);

  const set = (next: Partial<DetectionFilters>): void => navigate(detectionFiltersToUrl({ ...filters, ...next }), true);
  const loadMore = (): void => {
    const last = detections?.[detections.length - 1];
    if (!last) return;
    setLoadingMore(true);
    setMoreError(undefined);
    const base = result.updatedAt;
    listDetections({
      from: filters.from === '' ? undefined : filters.from, ruleId: filters.ruleId === '' ? undefined : filters.ruleId,
      levels: filters.levels, limit: PAGE_SIZE, before: last.id,
    }).then(
      (page) => setOlder({ base, detections: [...(extra?.detections ?? []), ...page], done: page.length < PAGE_SIZE }),
      (err: unknown) => setMoreError(err),
    ).finally(() => setLoadingMore(false));
  };

  const ruleOptions = (rules.data ?? []).filter((r) => r.state !== 'invalid').sort((a, b) => a.title.localeCompare(b.title));
  const ruleKnown = filters.ruleId === '' || ruleOptions.some((r) => r.id === filters.ruleId);
  const now = Date.now();

  return (
    <>
      <PageHeader title="Detections" subtitle="Events that matched a rule, newest first." />
      <section className="panel toolbar-panel">
        <div className="toolbar">
          <div className="segmented" role="group" aria-label="Time range">
            {DETECTION_RANGES.map((r) => (
              <button key={r.short} type="button" className={r.from === filters.from ? 'segment segment-active' : 'segment'} aria-pressed={r.from === filters.from}
                title={r.label} onClick={() => set({ from: r.from })}>{r.short}</button>
            ))}
          </div>
          <div className="segmented" role="group" aria-label="Level">
            {LEVELS.map((l) => {
              const on = filters.levels.includes(l);
              return <button key={l} type="button" className={on ? 'segment segment-active' : 'segment'} aria-pressed={on} onClick={() => set({ levels: toggled(filters.levels, l) })}>{l}</button>;
            })}
          </div>
          <label className="inline-field">Rule
            <select value={filters.ruleId} onChange={(e) => set({ ruleId: e.target.value })} aria-label="Rule">
              <option value="">Every rule</option>
              {!ruleKnown && <option value={filters.ruleId}>{truncate(filters.ruleId, 60)}</option>}
              {ruleOptions.map((r) => <option key={r.id} value={r.id}>{truncate(r.title, 80)}</option>)}
            </select>
          </label>
        </div>
      </section>

      {result.error !== undefined && <ErrorNotice error={result.error} staleSince={first ? result.updatedAt : undefined} onRetry={result.refresh} />}
      {!detections && result.error === undefined && <Loading label="Loading detections…" />}
      {detections && (
        <section className="panel panel-flush">
          <div className="table-toolbar">
            <span className="muted" data-testid="detection-count">{formatInt(detections.length)}{more ? '+' : ''} detection{detections.length === 1 ? '' : 's'}</span>
            {result.loading && <span className="muted small" role="status">Loading…</span>}
          </div>
          {detections.length === 0
            ? <EmptyState title="No detections">No rule matched an event with these filters. Try a longer time range or another level.</EmptyState>
            : (
              <div className="table-scroll">
                <table className="table detections-table">
                  <thead>
                    <tr>
                      <th>Event time <span className="th-note">{zoneLabel(now, utc)}</span></th><th>Level</th><th>Rule</th><th>host.name</th><th>user.name</th><th>Why</th><th>Events</th>
                    </tr>
                  </thead>
                  <tbody>{detections.map((d) => <DetectionRow key={d.id} d={d} now={now} />)}</tbody>
                </table>
              </div>
            )}
          {moreError !== undefined && <ErrorNotice error={moreError} />}
          {more && (
            <div className="table-footer">
              <button type="button" className="button" onClick={loadMore} disabled={loadingMore}>{loadingMore ? 'Loading…' : 'Load older detections'}</button>
            </div>
          )}
        </section>
      )}
    </>
  );
}
