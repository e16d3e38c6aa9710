/** Events: recent events for a time range and filters, newest first, each expandable to all fields. */
import { Fragment, useCallback, useMemo, useState, type FormEvent } from 'react';
import { listSources, listSourceTypes, queryEvents } from '../api/client.ts';
import type { VigilEvent } from '../api/types.ts';
import { IconChevron, IconClose, IconFilter, IconRefresh } from '../components/icons.tsx';
import { Timestamp } from '../components/time.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import {
  addFilter, buildEventsQuery, EVENTS_LIMIT, parseFieldFilter, RANGES, searchFromUrl, searchToUrl, type EventSearch,
} from '../lib/events-query.ts';
import { formatInt, zoneLabel } from '../lib/format.ts';
import { usePrefs } from '../lib/prefs.ts';
import { usePoll } from '../lib/hooks.ts';
import { navigate } from '../lib/router.ts';
import { truncate, valueText, visibleText } from '../lib/safe-text.ts';
import { EventDetails } from './event-details.tsx';
import { EventsHistogram } from './events-histogram.tsx';

function field(e: VigilEvent, name: string): string {
  const v = e.fields[name];
  return v === undefined || v === null ? '' : valueText(v);
}

/** One line that tells what happened: event.action and message, else the start of the original. */
function Summary({ event }: { event: VigilEvent }) {
  const action = field(event, 'event.action');
  const message = field(event, 'message') || (action ? '' : event.original);
  return (
    <div className="summary">
      {event.parseError !== undefined && <span className="tag tag-danger" title={truncate(event.parseError, 300)}>parse error</span>}
      {action && <span className="tag tag-action">{visibleText(truncate(action, 80))}</span>}
      <span className="summary-text">{visibleText(truncate(message, 400))}</span>
    </div>
  );
}

function Filters({ search, onChange }: { search: EventSearch; onChange(s: EventSearch): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const r = parseFieldFilter(text);
    if ('error' in r) return setError(r.error);
    setError(null);
    setText('');
    onChange({ ...search, filters: addFilter(search.filters, r.filter) });
  };
  return (
    <div className="filter-bar">
      <form onSubmit={submit} className="filter-input">
        <IconFilter />
        <input aria-label="Add field filter" placeholder="field=value, e.g. host.name=web-01 — Enter to add" value={text}
          onChange={(e) => { setText(e.target.value); if (error) setError(null); }} spellCheck={false} autoComplete="off"
          aria-invalid={error !== null} aria-describedby={error ? 'filter-error' : undefined} />
      </form>
      {error && <div id="filter-error" className="field-error" role="alert">{error}</div>}
      {search.filters.length > 0 && (
        <div className="chips">
          {search.filters.map((f) => (
            <span className="chip" key={f.field}>
              <span className="mono">{f.field}</span><span className="chip-op">=</span><span className="mono chip-value">{visibleText(truncate(f.value, 120))}</span>
              <button type="button" className="chip-remove" aria-label={`Remove filter on ${f.field}`}
                onClick={() => onChange({ ...search, filters: search.filters.filter((x) => x.field !== f.field) })}>
                <IconClose size={12} />
              </button>
            </span>
          ))}
          <button type="button" className="link-button" onClick={() => onChange({ ...search, filters: [] })}>Clear filters</button>
        </div>
      )}
    </div>
  );
}

/** The Events page; its search lives in the URL query string `search`. */
export function EventsPage({ search: urlSearch }: { search: string }) {
  const { utc } = usePrefs();
  const search = useMemo(() => searchFromUrl(urlSearch), [urlSearch]);
  const key = searchToUrl(search);
  const setSearch = (s: EventSearch): void => {
    const q = searchToUrl(s);
    navigate(q ? `/events?${q}` : '/events');
  };

  const loadEvents = useCallback(async (signal: AbortSignal) => {
    const now = Date.now();
    return { events: await queryEvents(buildEventsQuery(searchFromUrl(key), now), signal), now };
  }, [key]);
  const result = usePoll(loadEvents, 0, key);
  const loadOptions = useCallback(async (signal: AbortSignal) => {
    const [sources, types] = await Promise.all([listSources(signal), listSourceTypes(signal)]);
    return { sources: [...new Set(sources.map((s) => s.name))].sort(), types: [...new Set([...types.map((t) => t.name), ...sources.map((s) => s.sourceType)])].sort() };
  }, []);
  const options = usePoll(loadOptions, 0);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());

  const toggle = (seq: string): void => setOpen((prev) => {
    const next = new Set(prev);
    if (next.has(seq)) next.delete(seq);
    else next.add(seq);
    return next;
  });

  const events = result.data?.events;
  const range = RANGES.find((r) => r.id === search.range) ?? RANGES[1];
  // Keep a value chosen in the URL selectable even if the source no longer exists.
  const sourceOptions = options.data ? [...new Set([...options.data.sources, ...(search.source ? [search.source] : [])])] : (search.source ? [search.source] : []);
  const typeOptions = options.data ? [...new Set([...options.data.types, ...(search.sourceType ? [search.sourceType] : [])])] : (search.sourceType ? [search.sourceType] : []);

  return (
    <>
      <PageHeader title="Events" subtitle="Newest first. Click an event to see all of its fields and the original record." />
      <section className="panel toolbar-panel">
        <div className="toolbar">
          <div className="segmented" role="group" aria-label="Time range">
            {RANGES.map((r) => (
              <button key={r.id} type="button" className={r.id === search.range ? 'segment segment-active' : 'segment'} aria-pressed={r.id === search.range}
                title={r.label} onClick={() => setSearch({ ...search, range: r.id })}>{r.short}</button>
            ))}
          </div>
          <label className="inline-field">
            <span>Source</span>
            <select value={search.source} onChange={(e) => setSearch({ ...search, source: e.target.value })} aria-label="Source">
              <option value="">All sources</option>
              {sourceOptions.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <label className="inline-field">
            <span>Source type</span>
            <select value={search.sourceType} onChange={(e) => setSearch({ ...search, sourceType: e.target.value })} aria-label="Source type">
              <option value="">All types</option>
              {typeOptions.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <div className="toolbar-spacer" />
          <button type="button" className="button" onClick={result.refresh} disabled={result.loading}>
            <IconRefresh className={result.loading ? 'spin' : undefined} />Refresh
          </button>
        </div>
        <Filters search={search} onChange={setSearch} />
      </section>

      {result.error !== undefined && <ErrorNotice error={result.error} onRetry={result.refresh} />}
      {!events && result.error === undefined && <Loading label="Searching…" />}
      {events && result.data && (
        <section className="panel panel-flush">
          <div className="table-toolbar">
            <span className="muted" data-testid="events-count">
              {events.length === 0 ? 'No events' : `${formatInt(events.length)} event${events.length === 1 ? '' : 's'}`} · {range.label.toLowerCase()}
              {events.length >= EVENTS_LIMIT && ' · showing the newest ' + EVENTS_LIMIT + '; narrow the range or add filters to see older ones'}
            </span>
          </div>
          {events.length > 0 && <EventsHistogram events={events} from={result.data.now - range.ms} to={result.data.now} truncated={events.length >= EVENTS_LIMIT} />}
          {events.length === 0
            ? <EmptyState title="No events match">Try a longer time range or remove filters.</EmptyState>
            : (
              <div className="table-scroll">
                <table className="table events-table">
                  <thead>
                    <tr><th className="col-toggle" aria-label="Details" /><th className="col-time">Time <span className="th-note">{zoneLabel(Date.now(), utc)}</span></th><th>Source</th><th>host.name</th><th>Summary</th></tr>
                  </thead>
                  <tbody>
                    {events.map((e) => {
                      const expanded = open.has(e.seq);
                      return (
                        <Fragment key={e.seq}>
                          <tr className={`row-expandable${expanded ? ' row-expanded' : ''}${e.parseError !== undefined ? ' row-error' : ''}`} onClick={() => toggle(e.seq)}>
                            <td className="col-toggle">
                              <button type="button" className="icon-button toggle" aria-expanded={expanded} aria-label={expanded ? 'Hide event details' : 'Show event details'}
                                onClick={(ev) => { ev.stopPropagation(); toggle(e.seq); }}>
                                <IconChevron size={14} />
                              </button>
                            </td>
                            <td className="nowrap mono small"><Timestamp ms={e.timestamp} /></td>
                            <td className="nowrap">{visibleText(truncate(e.source, 60))}</td>
                            <td className="nowrap mono small">{visibleText(truncate(field(e, 'host.name'), 60))}</td>
                            <td className="col-summary"><Summary event={e} /></td>
                          </tr>
                          {expanded && (
                            <tr className="row-details"><td colSpan={5}>
                              <EventDetails event={e} excludable={false} onFilter={(f, v) => setSearch({ ...search, filters: addFilter(search.filters, { field: f, value: v }) })} />
                            </td></tr>
                          )}
                        </Fragment>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
        </section>
      )}
    </>
  );
}
