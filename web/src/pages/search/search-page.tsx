/**
 * Search: the query language over stored events. The query and time range live in the URL (shareable
 * links); results are events (virtualized table, field sidebar) or a table (stats, top, rare,
 * timechart with its chart), with a histogram of every matching event that zooms on drag.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { searchExportUrl, runSearch, type SearchRequest } from '../../api/search-client.ts';
import { ApiError } from '../../api/errors.ts';
import { syntaxErrorSpan, type SearchResult } from '../../api/search-types.ts';
import { IconDownload } from '../../components/icons.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../../components/ui.tsx';
import { formatInt } from '../../lib/format.ts';
import { usePoll } from '../../lib/hooks.ts';
import { navigate } from '../../lib/router.ts';
import {
  addFilterTerm, isoTime, rangeLabel, resolveTime, stateFromUrl, stateToUrl, timechartBy, type QueryProblem, type SearchState,
} from '../../lib/search-query.ts';
import { EventTable } from './event-table.tsx';
import { FieldSidebar } from './field-sidebar.tsx';
import { QueryBar } from './query-bar.tsx';
import { ResultTable } from './result-table.tsx';
import { SavedSearches } from './saved-searches.tsx';
import { SearchHistogram } from './search-histogram.tsx';
import { TimePicker } from './time-picker.tsx';

/** Events fetched per search: the table is virtualized, so this is about server work, not the page. */
const EVENT_LIMIT = 500;
/** Field names remembered for completion across searches. */
const MAX_KNOWN_FIELDS = 2_000;

/** A refused query (shown under the query bar, span underlined) as opposed to any other failure. */
function problemOf(error: unknown, query: string): QueryProblem | null {
  if (!(error instanceof ApiError) || error.code !== 'QUERY_SYNTAX') return null;
  return { message: error.message, span: syntaxErrorSpan(error, query.length) };
}

/** Summary line above the histogram: how many matched, how many are shown, how long it took. */
function countText(result: SearchResult): string {
  const took = `${formatInt(result.meta.tookMs)} ms`;
  if (result.kind === 'table') return `${formatInt(result.rows.length)} row${result.rows.length === 1 ? '' : 's'}${result.meta.truncated ? ' (limit reached)' : ''} · ${took}`;
  const total = result.histogram ? result.histogram.buckets.reduce((a, b) => a + b.count, 0) : result.events.length;
  const shown = total > result.events.length ? ` · showing ${formatInt(result.events.length)}` : '';
  return `${formatInt(total)} event${total === 1 ? '' : 's'}${shown} · ${took}`;
}

/** The Search page; its state is the URL query string `search`. */
export function SearchPage({ search }: { search: string }) {
  const state = useMemo(() => stateFromUrl(search), [search]);
  const [includeArchive, setIncludeArchive] = useState(false);
  const request: SearchRequest = useMemo(
    () => ({ query: state.q, from: state.from, to: state.to, limit: EVENT_LIMIT, archive: includeArchive }), [state, includeArchive]);
  const key = stateToUrl(state);
  const load = useCallback((signal: AbortSignal) => runSearch(request, signal), [request]);
  const result = usePoll(load, 0, includeArchive ? `${key}&archive` : key);
  const known = useRef(new Set<string>());

  const go = (next: SearchState): void => {
    const url = stateToUrl(next);
    // Running the same search again reloads it (new events may have arrived).
    if (url === key) result.refresh();
    else navigate(url);
  };
  const filter = (field: string, value: string, exclude: boolean): void => go({ ...state, q: addFilterTerm(state.q, field, value, exclude) });

  const data = result.data;
  if (data) {
    for (const f of data.fields) if (known.current.size < MAX_KNOWN_FIELDS) known.current.add(f.name);
    if (data.kind === 'events') for (const e of data.events.slice(0, 50)) for (const name of Object.keys(e.fields)) if (known.current.size < MAX_KNOWN_FIELDS) known.current.add(name);
  }
  const problem = result.error !== undefined ? problemOf(result.error, state.q) : null;
  const range = data ? { from: data.meta.from, to: data.meta.to } : undefined;
  // Offered only when the range reaches archived days (they are slower to search), kept while ticked.
  const archivedDays = data?.meta.archivedDays ?? 0;
  const archiveBox = (archivedDays > 0 || includeArchive) && (
    <label className="checkbox" title="Archived days are read from their Parquet files: slower">
      <input type="checkbox" checked={includeArchive} onChange={(e) => setIncludeArchive(e.target.checked)} data-testid="include-archive" />
      Include archive{archivedDays > 0 ? ` (${formatInt(archivedDays)} day${archivedDays === 1 ? '' : 's'})` : ''}
    </label>
  );

  const zoomOut = (): void => {
    const now = Date.now();
    const a = resolveTime(state.from, now);
    const b = resolveTime(state.to, now);
    if (a === undefined || b === undefined) return;
    const half = (b - a) / 2;
    go({ ...state, from: isoTime(a - half), to: isoTime(Math.min(now, b + half)) });
  };

  return (
    <>
      <PageHeader title="Search" subtitle={<>Query stored events. <span className="muted">{rangeLabel(state)}</span></>} actions={<>
        <SavedSearches current={state} onOpen={go} />
        <a className="button" href={searchExportUrl(request, 'csv')} download aria-label="Export CSV"><IconDownload />CSV</a>
        <a className="button" href={searchExportUrl(request, 'ndjson')} download aria-label="Export NDJSON"><IconDownload />NDJSON</a>
      </>} />
      <section className="panel search-panel">
        <QueryBar query={state.q} problem={problem} running={result.loading} fieldNames={[...known.current]}
          onRun={(q) => go({ ...state, q })}
          extra={<><TimePicker range={state} onChange={(r) => go({ ...state, ...r })} />{archiveBox}</>} />
      </section>

      {result.error !== undefined && problem === null && <ErrorNotice error={result.error} onRetry={result.refresh} />}
      {!data && result.error === undefined && <Loading label="Searching…" />}
      {data && range && (
        <>
          <section className="panel panel-flush">
            <div className="table-toolbar">
              <span className="muted" data-testid="search-count">{countText(data)}</span>
              <div className="toolbar-spacer" />
              {result.loading && <span className="muted small" role="status">Searching…</span>}
              <button type="button" className="button button-small" onClick={zoomOut}>Zoom out</button>
            </div>
            {data.histogram && (
              <div className="histogram">
                <SearchHistogram histogram={data.histogram} range={range} onZoom={(from, to) => go({ ...state, from: isoTime(from), to: isoTime(to) })} />
              </div>
            )}
          </section>
          {data.kind === 'events'
            ? (
              <div className="search-body">
                <FieldSidebar fields={data.fields} total={data.events.length} onFilter={filter} />
                <section className="panel panel-flush search-results">
                  {data.events.length === 0
                    ? <EmptyState title="No events match">Try a longer time range, or fewer terms.</EmptyState>
                    : <EventTable events={data.events} onFilter={filter} />}
                </section>
              </div>
            )
            : (
              <section className="panel panel-flush search-results">
                {data.rows.length === 0
                  ? <EmptyState title="No rows">No events in the range matched the search before the aggregation.</EmptyState>
                  : <ResultTable columns={data.columns} rows={data.rows} timechart={data.columns[0] === '_time'} byColumn={timechartBy(state.q)} />}
              </section>
            )}
        </>
      )}
    </>
  );
}
