/** One event expanded: every field as name and value (filter for / filter out / copy), the original text, the parse error. */
import { Fragment, useState } from 'react';
import type { VigilEvent } from '../api/types.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { IconMinus, IconPlus, IconWarning } from '../components/icons.tsx';
import { Timestamp } from '../components/time.tsx';
import { filterValues } from '../lib/search-query.ts';
import { truncate, valueText, visibleText } from '../lib/safe-text.ts';

/** Characters of a value or of the original shown before "Show all". */
const SHORT_VALUE_CHARS = 1_000;
const SHORT_ORIGINAL_CHARS = 5_000;
/** Even "Show all" stops here: beyond it the page would stop responding. */
const MAX_CHARS = 200_000;

/**
 * Attacker-controlled text, shown as text with control and bidi characters made visible, cut at
 * `short` characters with a button to show the rest.
 */
export function LongText({ text, short, keepNewlines = false }: { text: string; short: number; keepNewlines?: boolean }) {
  const [all, setAll] = useState(false);
  if (text.length <= short) return <>{visibleText(text, keepNewlines)}</>;
  return (
    <>
      {visibleText(truncate(text, all ? MAX_CHARS : short), keepNewlines)}
      <button type="button" className="link-button long-text-toggle" onClick={(e) => { e.stopPropagation(); setAll(!all); }}>
        {all ? 'Show less' : `Show all ${text.length.toLocaleString('en-US')} characters`}
      </button>
    </>
  );
}

/**
 * The details panel. `onFilter` adds `field:"value"` to the query (`exclude`: `NOT field:"value"`);
 * each value of a multi-valued field filters on its own; values that cannot be a filter (objects,
 * huge texts, odd field names) only offer copying.
 */
export function EventDetails({ event, onFilter }: { event: VigilEvent; onFilter(field: string, value: string, exclude: boolean): void }) {
  const names = Object.keys(event.fields).sort((a, b) => a.localeCompare(b));
  return (
    <div className="event-details">
      {event.parseError !== undefined && (
        <div className="notice notice-error">
          <IconWarning />
          <div className="notice-text"><strong>Parse error:</strong> {visibleText(truncate(event.parseError, 2000))}. The event was stored raw.</div>
        </div>
      )}
      <dl className="facts facts-inline">
        <div><dt>Event time</dt><dd><Timestamp ms={event.timestamp} /></dd></div>
        <div><dt>Received</dt><dd><Timestamp ms={event.receivedAt} /></dd></div>
        <div><dt>Source</dt><dd>{visibleText(event.source)}</dd></div>
        <div><dt>Source type</dt><dd className="mono">{visibleText(event.sourceType)}</dd></div>
        <div><dt>Sequence</dt><dd className="mono">{event.seq}</dd></div>
      </dl>
      <div className="event-details-grid">
        <div>
          <h3 className="subheading">Fields <span className="muted">({names.length})</span></h3>
          {names.length === 0
            ? <p className="muted">No fields were extracted.</p>
            : (
              <table className="kv-table">
                <tbody>
                  {names.map((name) => {
                    const value = event.fields[name];
                    const raw = valueText(value);
                    const values = filterValues(name, value);
                    // The +/- buttons name the field, so they are for a single value; list elements filter by click.
                    const single = values !== undefined && !Array.isArray(value);
                    return (
                      <tr key={name} data-field={name}>
                        <th scope="row" className="mono">{visibleText(name)}</th>
                        <td className="mono kv-value">
                          {values
                            ? values.map((v, i) => (
                                <Fragment key={v}>
                                  {i > 0 && ', '}
                                  <button type="button" className="value-button" title="Filter on this value (Alt+click: exclude it)"
                                    onClick={(e) => onFilter(name, v, e.altKey)}>{visibleText(v, true)}</button>
                                </Fragment>
                              ))
                            : <LongText text={raw} short={SHORT_VALUE_CHARS} keepNewlines />}
                        </td>
                        <td className="kv-action">
                          {single && (
                            <>
                              <button type="button" className="icon-button" title={`Filter on this ${name}`} aria-label={`Filter on ${name}`}
                                onClick={() => onFilter(name, raw, false)}><IconPlus size={13} /></button>
                              <button type="button" className="icon-button" title={`Filter out this ${name}`} aria-label={`Filter out ${name}`}
                                onClick={() => onFilter(name, raw, true)}><IconMinus size={13} /></button>
                            </>
                          )}
                          <CopyButton text={raw} label={`Copy ${name}`} iconOnly className="icon-button" />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
        </div>
        <div>
          <h3 className="subheading">
            Original <span className="muted">({event.original.length.toLocaleString('en-US')} characters)</span>
            <CopyButton text={event.original} label="Copy original" iconOnly className="icon-button" />
          </h3>
          <pre className="code original" data-testid="event-original"><LongText text={event.original} short={SHORT_ORIGINAL_CHARS} keepNewlines /></pre>
        </div>
      </div>
    </div>
  );
}
