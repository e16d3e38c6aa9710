/** Audit: who did what, when, from where; filters, expandable before/after, export and chain verification. */
import { Fragment, useCallback, useState, type FormEvent } from 'react';
import { auditExportUrl, searchAudit, verifyAudit, type AuditEntry, type AuditVerification } from '../api/audit-client.ts';
import { errorMessage } from '../api/errors.ts';
import { IconCheck, IconChevron, IconRefresh, IconWarning } from '../components/icons.tsx';
import { Timestamp } from '../components/time.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import {
  actorLabel, AUDIT_OUTCOMES, AUDIT_RANGES, auditQuery, auditRange, EMPTY_AUDIT_FILTERS, targetLabel, type AuditFilters,
} from '../lib/audit-query.ts';
import { formatInt, zoneLabel } from '../lib/format.ts';
import { usePoll } from '../lib/hooks.ts';
import { usePrefs } from '../lib/prefs.ts';
import { truncate, valueText, visibleText } from '../lib/safe-text.ts';
import '../styles/audit.css';

const OUTCOME_TAGS: Record<string, string> = { success: 'tag tag-ok', denied: 'tag tag-danger', failure: 'tag tag-warn' };

/** A JSON value as indented text; attacker-controlled, so escapes stay visible and nothing is HTML. */
function JsonText({ value }: { value: unknown }) {
  return <pre className="audit-json">{visibleText(truncate(JSON.stringify(value, null, 2) ?? '', 20_000), true)}</pre>;
}

function EntryDetails({ entry }: { entry: AuditEntry }) {
  const { before, after, note, ...rest } = entry.details;
  const rows: [string, string][] = [
    ['Entry', String(entry.seq)],
    ['Actor', [entry.actorKind, entry.actorId].filter(Boolean).join(' ')],
  ];
  if (note !== undefined) rows.push(['Note', valueText(note)]);
  rows.push(['Hash', entry.hash], ['Previous hash', entry.prevHash]);
  return (
    <div className="audit-details" data-testid="audit-details">
      <table className="kv-table">
        <tbody>
          {rows.map(([label, value]) => (
            <tr key={label}><th>{label}</th><td className="kv-value">{visibleText(truncate(value, 2000))}</td></tr>
          ))}
        </tbody>
      </table>
      <div className="audit-snapshots">
        {before !== undefined && <div><h3>Before</h3><JsonText value={before} /></div>}
        {after !== undefined && <div><h3>After</h3><JsonText value={after} /></div>}
        <div><h3>Request</h3><JsonText value={rest} /></div>
      </div>
    </div>
  );
}

function VerifyResult({ result }: { result: AuditVerification }) {
  if (result.ok) {
    return (
      <div className="notice notice-info" role="status" data-testid="audit-verify-result">
        <IconCheck />
        <div className="notice-text">
          Chain intact: {formatInt(result.checked)} entr{result.checked === 1 ? 'y' : 'ies'} verified.
          {result.notes.map((n) => <span key={n} className="muted"> {n}.</span>)}
        </div>
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert" data-testid="audit-verify-result">
      <IconWarning />
      <div className="notice-text">
        Tampering detected{result.problem.seq === undefined ? '' : ` at entry ${result.problem.seq}`}: {visibleText(result.problem.reason)}.
        {' '}{formatInt(result.checked)} entries verified before it. See docs/audit.md for what to do next.
      </div>
    </div>
  );
}

/** The Audit page. */
export function AuditPage() {
  const { utc } = usePrefs();
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [draft, setDraft] = useState({ actor: '', action: '', text: '' });
  const key = JSON.stringify(filters);
  const load = useCallback(async (signal: AbortSignal) => {
    const now = Date.now();
    return { page: await searchAudit(auditQuery(filters, now), signal), now };
  }, [filters]);
  const result = usePoll(load, 0, key);
  // Older pages, kept while they continue the first page that is on screen.
  const [older, setOlder] = useState<{ base: number | undefined; entries: AuditEntry[]; nextCursor: number | undefined } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(undefined);
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const [verification, setVerification] = useState<{ running: boolean; result?: AuditVerification; error?: unknown }>({ running: false });

  const first = result.data?.page;
  const extra = older !== null && older.base === result.updatedAt ? older : null;
  const entries = first ? [...first.entries, ...(extra?.entries ?? [])] : undefined;
  const nextCursor = extra ? extra.nextCursor : first?.nextCursor;

  const loadMore = (): void => {
    if (!result.data || nextCursor === undefined) return;
    setLoadingMore(true);
    setMoreError(undefined);
    const base = result.updatedAt;
    searchAudit(auditQuery(filters, result.data.now, nextCursor)).then(
      (page) => setOlder({ base, entries: [...(extra?.entries ?? []), ...page.entries], nextCursor: page.nextCursor }),
      (err: unknown) => setMoreError(err),
    ).finally(() => setLoadingMore(false));
  };

  const applyText = (e: FormEvent): void => {
    e.preventDefault();
    setFilters({ ...filters, ...draft });
  };

  const toggle = (seq: number): void => setOpen((prev) => {
    const next = new Set(prev);
    if (next.has(seq)) next.delete(seq);
    else next.add(seq);
    return next;
  });

  const verify = (): void => {
    setVerification({ running: true });
    verifyAudit().then(
      (r) => setVerification({ running: false, result: r }),
      (error: unknown) => setVerification({ running: false, error }),
    );
  };

  const exportRange = auditRange(filters.range, Date.now());

  return (
    <>
      <PageHeader title="Audit" subtitle="Every change and every sign-in, newest first. Entries are hash-chained: verification shows any edit or deletion."
        actions={<>
          <a className="button" href={auditExportUrl('ndjson', exportRange)} download>Export NDJSON</a>
          <a className="button" href={auditExportUrl('csv', exportRange)} download>Export CSV</a>
          <button type="button" className="button button-primary" onClick={verify} disabled={verification.running}>
            {verification.running ? 'Verifying…' : 'Verify chain'}
          </button>
        </>} />
      {verification.result && <VerifyResult result={verification.result} />}
      {verification.error !== undefined && <ErrorNotice error={verification.error} />}

      <section className="panel toolbar-panel">
        <form className="toolbar" onSubmit={applyText}>
          <div className="segmented" role="group" aria-label="Time range">
            {AUDIT_RANGES.map((r) => (
              <button key={r.id} type="button" className={r.id === filters.range ? 'segment segment-active' : 'segment'} aria-pressed={r.id === filters.range}
                title={r.label} onClick={() => setFilters({ ...filters, range: r.id })}>{r.short}</button>
            ))}
          </div>
          <label className="inline-field">
            <span>Outcome</span>
            <select value={filters.outcome} aria-label="Outcome" onChange={(e) => setFilters({ ...filters, outcome: e.target.value })}>
              <option value="">Any</option>
              {AUDIT_OUTCOMES.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          </label>
          <label className="inline-field">
            <span>Actor</span>
            <input className="audit-input" aria-label="Actor" placeholder="user name" value={draft.actor} spellCheck={false} autoComplete="off"
              onChange={(e) => setDraft({ ...draft, actor: e.target.value })} />
          </label>
          <label className="inline-field">
            <span>Action</span>
            <input className="audit-input" aria-label="Action" placeholder="e.g. user. or auth.login" value={draft.action} spellCheck={false} autoComplete="off"
              onChange={(e) => setDraft({ ...draft, action: e.target.value })} />
          </label>
          <label className="inline-field">
            <span>Text</span>
            <input className="audit-input" aria-label="Text" placeholder="in details, target…" value={draft.text} spellCheck={false} autoComplete="off"
              onChange={(e) => setDraft({ ...draft, text: e.target.value })} />
          </label>
          <button type="submit" className="button">Search</button>
          <div className="toolbar-spacer" />
          <button type="button" className="button" onClick={result.refresh} disabled={result.loading}>
            <IconRefresh className={result.loading ? 'spin' : undefined} />Refresh
          </button>
        </form>
      </section>

      {result.error !== undefined && <ErrorNotice error={result.error} onRetry={result.refresh} />}
      {!entries && result.error === undefined && <Loading label="Searching…" />}
      {entries && (
        <section className="panel panel-flush">
          <div className="table-toolbar">
            <span className="muted" data-testid="audit-count">
              {entries.length === 0 ? 'No entries' : `${formatInt(entries.length)} entr${entries.length === 1 ? 'y' : 'ies'}${nextCursor === undefined ? '' : ', more available'}`}
            </span>
          </div>
          {entries.length === 0
            ? <EmptyState title="No entries match">Try a longer time range or clear the filters.</EmptyState>
            : (
              <div className="table-scroll">
                <table className="table audit-table">
                  <thead>
                    <tr>
                      <th className="col-toggle" aria-label="Details" /><th>Time <span className="th-note">{zoneLabel(Date.now(), utc)}</span></th>
                      <th>Actor</th><th>Action</th><th>Target</th><th>Outcome</th><th>Address</th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries.map((e) => {
                      const expanded = open.has(e.seq);
                      return (
                        <Fragment key={e.seq}>
                          <tr className={`row-expandable${expanded ? ' row-expanded' : ''}`} data-seq={e.seq} onClick={() => toggle(e.seq)}>
                            <td className="col-toggle">
                              <button type="button" className="icon-button toggle" aria-expanded={expanded} aria-label={expanded ? 'Hide entry details' : 'Show entry details'}
                                onClick={(ev) => { ev.stopPropagation(); toggle(e.seq); }}>
                                <IconChevron size={14} />
                              </button>
                            </td>
                            <td className="nowrap mono small"><Timestamp ms={e.at} /></td>
                            <td className="audit-wrap">{visibleText(truncate(actorLabel(e), 80))}</td>
                            <td className="nowrap"><span className="tag tag-action">{visibleText(truncate(e.action, 80))}</span></td>
                            <td className="audit-wrap mono small">{visibleText(truncate(targetLabel(e), 80))}</td>
                            <td><span className={OUTCOME_TAGS[e.outcome] ?? 'tag'}>{visibleText(e.outcome)}</span></td>
                            <td className="nowrap mono small">{visibleText(truncate(e.address ?? '', 64))}</td>
                          </tr>
                          {expanded && <tr className="row-details"><td colSpan={7}><EntryDetails entry={e} /></td></tr>}
                        </Fragment>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          {nextCursor !== undefined && (
            <div className="table-toolbar">
              <button type="button" className="button button-small" onClick={loadMore} disabled={loadingMore}>{loadingMore ? 'Loading…' : 'Load older entries'}</button>
              {moreError !== undefined && <span className="field-error" role="alert">{errorMessage(moreError)}</span>}
            </div>
          )}
        </section>
      )}
    </>
  );
}
