/**
 * Matching events, newest first, in a virtualized table: only the rows in view (plus a margin) are
 * in the DOM, so 10,000 results scroll as smoothly as 10. Rows expand to every field and the original.
 *
 * Windowing comes from @tanstack/react-virtual (headless, ~5 kB, no styles): expanded rows have
 * heights known only after rendering, and measuring them while keeping the scroll position steady is
 * the part a hand-written window gets wrong. Each event is one `<tbody>` (a row and its details) so
 * the library measures one element per event.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, useRef, useState, type MouseEvent } from 'react';
import type { VigilEvent } from '../../api/types.ts';
import { IconChevron } from '../../components/icons.tsx';
import { Timestamp } from '../../components/time.tsx';
import { zoneLabel } from '../../lib/format.ts';
import { usePrefs } from '../../lib/prefs.ts';
import { filterValues } from '../../lib/search-query.ts';
import { truncate, valueText, visibleText } from '../../lib/safe-text.ts';
import { EventDetails } from '../event-details.tsx';

const ROW_HEIGHT = 33;
const HEADER_HEIGHT = 34;
/** Rows rendered beyond the visible ones: smooth scrolling, and small results are rendered whole. */
const OVERSCAN = 12;

export type FilterHandler = (field: string, value: string, exclude: boolean) => void;

function fieldText(e: VigilEvent, name: string): string {
  const v = e.fields[name];
  return v === undefined || v === null ? '' : valueText(v);
}

/**
 * A cell value that adds `field:"value"` to the query when clicked (Alt+click: `NOT`); each value of
 * a multi-valued field is a button of its own.
 */
function ValueCell({ field, value, onFilter }: { field: string; value: unknown; onFilter: FilterHandler }) {
  if (value === undefined || value === null || value === '') return <td className="nowrap mono small muted">—</td>;
  const values = filterValues(field, value);
  if (!values) return <td className="nowrap mono small">{visibleText(truncate(valueText(value), 80))}</td>;
  return (
    <td className="nowrap mono small">
      {values.map((v, i) => (
        <Fragment key={v}>
          {i > 0 && ', '}
          <button type="button" className="value-button" title={`Filter on ${field} (Alt+click: exclude)`}
            onClick={(e: MouseEvent) => { e.stopPropagation(); onFilter(field, v, e.altKey); }}>{visibleText(truncate(v, 80))}</button>
        </Fragment>
      ))}
    </td>
  );
}

/** What happened in one line: event.action and the message, else the start of the original record. */
function Summary({ event }: { event: VigilEvent }) {
  const action = fieldText(event, 'event.action');
  const message = fieldText(event, 'message') || (action ? '' : event.original);
  return (
    <div className="summary">
      {event.parseError !== undefined && <span className="tag tag-danger" title={truncate(event.parseError, 300)}>parse error</span>}
      {action && <span className="tag tag-action">{visibleText(truncate(action, 80))}</span>}
      <span className="summary-text">{visibleText(truncate(message, 400))}</span>
    </div>
  );
}

/** The table; `onFilter` edits the query. */
export function EventTable({ events, onFilter }: { events: readonly VigilEvent[]; onFilter: FilterHandler }) {
  const { utc } = usePrefs();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const virtualizer = useVirtualizer({
    count: events.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => events[i]?.seq ?? i,
    overscan: OVERSCAN,
    paddingStart: HEADER_HEIGHT,
  });
  const toggle = (seq: string): void => setOpen((prev) => {
    const next = new Set(prev);
    if (next.has(seq)) next.delete(seq);
    else next.add(seq);
    return next;
  });

  const items = virtualizer.getVirtualItems();
  const padTop = Math.max(0, (items[0]?.start ?? HEADER_HEIGHT) - HEADER_HEIGHT);
  const padBottom = Math.max(0, virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? HEADER_HEIGHT));

  return (
    <div className="results-scroll" ref={scrollRef} data-testid="event-results" data-rows={events.length}>
      <table className="table events-table search-events">
        <colgroup>
          <col className="col-toggle" /><col className="col-time" /><col className="col-source" /><col className="col-host" /><col className="col-user" /><col />
        </colgroup>
        <thead>
          <tr>
            <th className="col-toggle" aria-label="Details" />
            <th>Time <span className="th-note">{zoneLabel(Date.now(), utc)}</span></th>
            <th>Source</th><th>host.name</th><th>user.name</th><th>Message</th>
          </tr>
        </thead>
        {padTop > 0 && <tbody aria-hidden="true"><tr className="virtual-pad" style={{ height: padTop }} /></tbody>}
        {items.map((item) => {
          const e = events[item.index];
          if (!e) return null;
          const expanded = open.has(e.seq);
          return (
            <tbody key={item.key} data-index={item.index} ref={virtualizer.measureElement}>
              <tr className={`row-expandable${expanded ? ' row-expanded' : ''}${e.parseError !== undefined ? ' row-error' : ''}`} onClick={() => toggle(e.seq)}>
                <td className="col-toggle">
                  <button type="button" className="icon-button toggle" aria-expanded={expanded} aria-label={expanded ? 'Hide event details' : 'Show event details'}
                    onClick={(ev) => { ev.stopPropagation(); toggle(e.seq); }}>
                    <IconChevron size={14} />
                  </button>
                </td>
                <td className="nowrap mono small"><Timestamp ms={e.timestamp} /></td>
                <td className="nowrap small">{visibleText(truncate(e.source, 60))}</td>
                <ValueCell field="host.name" value={e.fields['host.name']} onFilter={onFilter} />
                <ValueCell field="user.name" value={e.fields['user.name']} onFilter={onFilter} />
                <td className="col-summary"><Summary event={e} /></td>
              </tr>
              {expanded && (
                <tr className="row-details"><td colSpan={6}><EventDetails event={e} onFilter={onFilter} /></td></tr>
              )}
            </tbody>
          );
        })}
        {padBottom > 0 && <tbody aria-hidden="true"><tr className="virtual-pad" style={{ height: padBottom }} /></tbody>}
      </table>
    </div>
  );
}
