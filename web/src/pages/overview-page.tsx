/** Overview: store and pipeline figures, the last hour's ingest rate, and the busiest sources. */
import { useCallback, type ReactNode } from 'react';
import { getStatus, listSources } from '../api/client.ts';
import type { Source, Status } from '../api/types.ts';
import { Link } from '../components/link.tsx';
import { BarChart } from '../components/bar-chart.tsx';
import { RefreshStatus } from '../components/refresh-status.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { RelativeTime, Timestamp } from '../components/time.tsx';
import { EmptyState, ErrorNotice, KindBadge, Loading, PageHeader } from '../components/ui.tsx';
import { bucketStart, sumPerMinute } from '../lib/chart-math.ts';
import { formatBytes, formatCompact, formatDuration, formatInt, formatRate } from '../lib/format.ts';
import { useNow, usePoll } from '../lib/hooks.ts';

function Stat({ label, value, detail, tone }: { label: string; value: string; detail?: ReactNode; tone?: 'ok' | 'warn' | 'danger' }) {
  return (
    <div className={tone ? `stat stat-${tone}` : 'stat'}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail !== undefined && <div className="stat-detail">{detail}</div>}
    </div>
  );
}

const hourTotal = (s: Source): number => s.stats.perMinute.reduce((a, b) => a + (b > 0 ? b : 0), 0);

function Stats({ status, sources }: { status: Status; sources: Source[] }) {
  const active = sources.filter((s) => s.revokedAt === undefined);
  const parseErrors = active.reduce((a, s) => a + s.stats.parseErrorsTotal, 0);
  const withErrors = active.filter((s) => s.stats.parseErrorsTotal > 0).length;
  const { pipeline, events } = status;
  return (
    <div className="stats">
      <Stat label="Ingest rate" value={`${formatRate(pipeline.eventsPerSecond)}/s`} detail="last-minute average" />
      <Stat label="Events stored" value={formatCompact(events.total)} detail={`${formatInt(events.total)} events`} />
      <Stat label="Storage" value={formatBytes(events.bytes)}
        detail={events.oldest !== undefined ? <>oldest event <Timestamp ms={events.oldest} millis={false} dateOnly /></> : 'no events yet'} />
      <Stat label="Pipeline backlog" value={formatInt(pipeline.pendingEvents)} tone={pipeline.saturated ? 'danger' : 'ok'}
        detail={pipeline.saturated ? 'Saturated: intake is pushing back' : 'Keeping up'} />
      <Stat label="Sources" value={formatInt(active.length)}
        detail={`${formatInt(sources.length - active.length)} revoked`} />
      <Stat label="Parse errors" value={formatCompact(parseErrors)} tone={parseErrors > 0 ? 'warn' : undefined}
        detail={withErrors > 0 ? `in ${withErrors} source${withErrors === 1 ? '' : 's'}` : 'all records understood'} />
    </div>
  );
}

function BusiestSources({ sources, now }: { sources: Source[]; now: number }) {
  const rows = sources.filter((s) => s.revokedAt === undefined)
    .map((s) => ({ s, total: hourTotal(s) }))
    .sort((a, b) => b.total - a.total || a.s.name.localeCompare(b.s.name))
    .slice(0, 8);
  if (rows.length === 0) return <EmptyState title="No sources yet">Add one on the <Link to="/sources">Sources</Link> page.</EmptyState>;
  return (
    <table className="table table-compact">
      <thead>
        <tr><th>Source</th><th>Kind</th><th>Last 60 min</th><th className="num">Events (1 h)</th><th className="num">Events/s</th><th>Last event</th></tr>
      </thead>
      <tbody>
        {rows.map(({ s, total }) => (
          <tr key={s.id}>
            <td className="strong">{s.name}</td>
            <td><KindBadge kind={s.kind} /></td>
            <td><Sparkline values={s.stats.perMinute} width={140} height={22} /></td>
            <td className="num">{formatInt(total)}</td>
            <td className="num">{formatRate(s.stats.eventsPerSecond)}</td>
            <td><RelativeTime ms={s.stats.lastEventAt} now={now} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The landing page after sign-in. */
export function OverviewPage() {
  const load = useCallback(async (signal: AbortSignal) => {
    const [status, sources] = await Promise.all([getStatus(signal), listSources(signal)]);
    return { status, sources };
  }, []);
  const { data, error, loading, updatedAt, refresh } = usePoll(load, 5000);
  const now = useNow(5000);

  const series = data ? sumPerMinute(data.sources.map((s) => s.stats)) : undefined;
  const hour = series ? series.perMinute.reduce((a, b) => a + b, 0) : 0;
  const peak = series ? Math.max(0, ...series.perMinute) : 0;

  return (
    <>
      <PageHeader title="Overview"
        subtitle={data ? <>Vigil {data.status.version} · up {formatDuration(data.status.uptimeSeconds)}</> : undefined}
        actions={<RefreshStatus updatedAt={updatedAt} loading={loading} failed={error !== undefined} onRefresh={refresh} />} />
      {error !== undefined && <ErrorNotice error={error} staleSince={updatedAt} onRetry={refresh} />}
      {!data && error === undefined && <Loading />}
      {data && series && (
        <>
          <Stats status={data.status} sources={data.sources} />
          <section className="panel">
            <header className="panel-header">
              <h2>Ingest rate <span className="muted">· last 60 minutes, all sources</span></h2>
              <div className="panel-meta">
                <span><strong>{formatInt(hour)}</strong> events</span>
                <span>peak <strong>{formatInt(peak)}</strong>/min</span>
              </div>
            </header>
            <BarChart values={series.perMinute} start={bucketStart(series.minuteEnd, series.perMinute.length, 0)} bucketMs={60_000} height={220}
              label={`Events per minute over the last hour, all sources: ${formatInt(hour)} in total`} />
          </section>
          <section className="panel">
            <header className="panel-header">
              <h2>Busiest sources <span className="muted">· last 60 minutes</span></h2>
              <Link to="/sources" className="panel-link">All sources →</Link>
            </header>
            <BusiestSources sources={data.sources} now={now} />
          </section>
        </>
      )}
    </>
  );
}
