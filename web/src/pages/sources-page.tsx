/** Sources: each intake source's rate, activity, totals and parse errors; add and revoke sources. */
import { Fragment, useCallback, useState } from 'react';
import { listSources, revokeSource } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import type { Source } from '../api/types.ts';
import { IconChevron, IconPlus, IconWarning } from '../components/icons.tsx';
import { Link } from '../components/link.tsx';
import { Modal } from '../components/modal.tsx';
import { RefreshStatus } from '../components/refresh-status.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { RelativeTime, Timestamp } from '../components/time.tsx';
import { EmptyState, ErrorNotice, KindBadge, Loading, PageHeader } from '../components/ui.tsx';
import { useCan } from '../lib/access.ts';
import { DEFAULT_FROM, DEFAULT_TO, quoteValue, stateToUrl } from '../lib/search-query.ts';
import { formatInt, formatRate } from '../lib/format.ts';
import { useNow, usePoll } from '../lib/hooks.ts';
import { truncate, visibleText } from '../lib/safe-text.ts';
import { AddSourceDialog } from './add-source-dialog.tsx';

const COLUMNS = 10;

/** The source's events on the Search page. */
function eventsLink(s: Source): string {
  return stateToUrl({ q: `vigil.source:${quoteValue(s.name)}`, from: DEFAULT_FROM, to: DEFAULT_TO });
}

const ERRORS_SHOWN = 5;

function SourceDetails({ source }: { source: Source }) {
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? source.recentErrors : source.recentErrors.slice(0, ERRORS_SHOWN);
  const hidden = source.recentErrors.length - shown.length;
  return (
    <div className="source-details">
      <dl className="facts">
        <div><dt>Source id</dt><dd className="mono">{source.id}</dd></div>
        <div><dt>Created</dt><dd><Timestamp ms={source.createdAt} millis={false} /></dd></div>
        {source.revokedAt !== undefined && <div><dt>Revoked</dt><dd><Timestamp ms={source.revokedAt} millis={false} /></dd></div>}
        <div><dt>Token</dt><dd>{source.hasToken ? (source.revokedAt !== undefined ? 'revoked' : 'issued') : 'none (no token needed)'}</dd></div>
        <div><dt>Parse errors</dt><dd>{formatInt(source.stats.parseErrorsTotal)} of {formatInt(source.stats.eventsTotal)} events</dd></div>
        <div><dt>Events</dt><dd><Link to={eventsLink(source)}>Show this source's events →</Link></dd></div>
      </dl>
      <h3 className="subheading">Recent parse errors</h3>
      {source.recentErrors.length === 0
        ? <p className="muted">No parse errors recorded for this source.</p>
        : (
          <table className="table table-compact parse-errors">
            <thead><tr><th className="col-time">Time</th><th className="col-reason">Reason</th><th>Sample</th></tr></thead>
            <tbody>
              {shown.map((e, i) => (
                <tr key={i}>
                  <td className="nowrap"><Timestamp ms={e.at} /></td>
                  <td className="reason">{visibleText(truncate(e.reason, 500))}</td>
                  {/* Samples are attacker-controlled: rendered as text, control characters made visible. */}
                  <td><pre className="sample">{visibleText(truncate(e.sample, 4000), true)}</pre></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      {(hidden > 0 || showAll) && source.recentErrors.length > ERRORS_SHOWN && (
        <button type="button" className="link-button more-button" onClick={() => setShowAll(!showAll)}>
          {showAll ? 'Show fewer' : `Show ${hidden} more recent parse error${hidden === 1 ? '' : 's'}`}
        </button>
      )}
    </div>
  );
}

function SourceRow({ source: s, now, expanded, onToggle, onRevoke }: {
  source: Source; now: number; expanded: boolean; onToggle(): void; onRevoke: (() => void) | undefined;
}) {
  const revoked = s.revokedAt !== undefined;
  const errors = s.stats.parseErrorsTotal;
  return (
    <Fragment>
      <tr className={`row-expandable${expanded ? ' row-expanded' : ''}${revoked ? ' row-revoked' : ''}`} onClick={onToggle} data-source={s.name}>
        <td className="col-toggle">
          <button type="button" className="icon-button toggle" aria-expanded={expanded} aria-label={`${expanded ? 'Hide' : 'Show'} details of ${s.name}`}
            onClick={(e) => { e.stopPropagation(); onToggle(); }}>
            <IconChevron size={14} />
          </button>
        </td>
        <td className="strong name-cell">{s.name}{revoked && <span className="tag tag-muted">revoked</span>}</td>
        <td><KindBadge kind={s.kind} /></td>
        <td className="mono small">{s.sourceType}</td>
        <td className="num">{formatRate(s.stats.eventsPerSecond)}</td>
        <td className="col-spark"><Sparkline values={s.stats.perMinute} tone={revoked ? 'muted' : 'accent'} /></td>
        <td className="num">{formatInt(s.stats.eventsTotal)}</td>
        <td className="nowrap"><RelativeTime ms={s.stats.lastEventAt} now={now} /></td>
        <td className="num">
          {errors > 0
            ? <span className="count-badge count-badge-danger" title={`${formatInt(errors)} records could not be parsed`}><IconWarning size={12} />{formatInt(errors)}</span>
            : <span className="muted">0</span>}
        </td>
        <td className="col-actions">
          {!revoked && s.hasToken && onRevoke && (
            <button type="button" className="button button-small button-danger-ghost" onClick={(e) => { e.stopPropagation(); onRevoke(); }}>
              Revoke
            </button>
          )}
        </td>
      </tr>
      {expanded && (
        <tr className="row-details"><td colSpan={COLUMNS}><SourceDetails source={s} /></td></tr>
      )}
    </Fragment>
  );
}

function RevokeDialog({ source, onClose, onRevoked }: { source: Source; onClose(): void; onRevoked(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = (): void => {
    setBusy(true);
    setError(null);
    revokeSource(source.id).then(onRevoked, (err: unknown) => { setError(errorMessage(err)); setBusy(false); });
  };
  return (
    <Modal title={`Revoke source “${truncate(source.name, 80)}”?`} onClose={onClose} footer={<>
      <button type="button" className="button button-ghost" onClick={onClose} disabled={busy}>Cancel</button>
      <button type="button" className="button button-danger" onClick={confirm} disabled={busy}>{busy ? 'Revoking…' : 'Revoke source'}</button>
    </>}>
      {error && <div className="notice notice-error" role="alert"><IconWarning /><div className="notice-text">{error}</div></div>}
      <p>
        Vigil stops accepting data for <strong>{source.name}</strong>
        {source.hasToken ? ': shippers using its token are rejected from now on' : ''}. Events already stored are kept.
      </p>
      <p className="muted">This cannot be undone. To resume, add a new source and configure its token in the shippers.</p>
    </Modal>
  );
}

/** The Sources page. */
export function SourcesPage() {
  const load = useCallback((signal: AbortSignal) => listSources(signal), []);
  const { data, error, loading, updatedAt, refresh } = usePoll(load, 5000);
  const now = useNow(5000);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const [revoking, setRevoking] = useState<Source | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const mayWrite = useCan('sources:write');

  const toggle = (id: string): void => setExpanded((prev) => {
    const next = new Set(prev);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  const all = data ?? [];
  const revokedCount = all.filter((s) => s.revokedAt !== undefined).length;
  const rows = all.filter((s) => showRevoked || s.revokedAt === undefined)
    .sort((a, b) => Number(a.revokedAt !== undefined) - Number(b.revokedAt !== undefined) || a.name.localeCompare(b.name));

  return (
    <>
      <PageHeader title="Sources" subtitle="Where events come from: rate, activity and records that could not be parsed."
        actions={<>
          <RefreshStatus updatedAt={updatedAt} loading={loading} failed={error !== undefined} onRefresh={refresh} />
          {mayWrite && <button type="button" className="button button-primary" onClick={() => setAdding(true)}><IconPlus />Add source</button>}
        </>} />
      {error !== undefined && <ErrorNotice error={error} staleSince={updatedAt} onRetry={refresh} />}
      {!data && error === undefined && <Loading />}
      {data && (
        <section className="panel panel-flush">
          <div className="table-toolbar">
            <span className="muted">{formatInt(rows.length)} source{rows.length === 1 ? '' : 's'}</span>
            {revokedCount > 0 && (
              <label className="checkbox">
                <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
                Show revoked ({formatInt(revokedCount)})
              </label>
            )}
          </div>
          {rows.length === 0
            ? <EmptyState title="No sources">Add a source to receive events over HTTP, Splunk HEC, the Elasticsearch bulk API or OTLP.</EmptyState>
            : (
              <div className="table-scroll">
                <table className="table sources-table">
                  <thead>
                    <tr>
                      <th className="col-toggle" aria-label="Details" />
                      <th>Name</th><th>Kind</th><th>Source type</th><th className="num">Events/s</th>
                      <th>Last 60 min</th><th className="num">Total events</th><th>Last event</th>
                      <th className="num">Parse errors</th><th className="col-actions" aria-label="Actions" />
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((s) => (
                      <SourceRow key={s.id} source={s} now={now} expanded={expanded.has(s.id)}
                        onToggle={() => toggle(s.id)} onRevoke={mayWrite ? () => setRevoking(s) : undefined} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
        </section>
      )}
      {adding && <AddSourceDialog existing={all} onClose={() => setAdding(false)} onCreated={refresh} />}
      {revoking && <RevokeDialog source={revoking} onClose={() => setRevoking(null)} onRevoked={() => { setRevoking(null); refresh(); }} />}
    </>
  );
}
