/** One event expanded: every field as key/value, the original text, and the parse error if any. */
import type { VigilEvent } from '../api/types.ts';
import { IconFilter, IconWarning } from '../components/icons.tsx';
import { Timestamp } from '../components/time.tsx';
import { truncate, valueText, visibleText } from '../lib/safe-text.ts';

const MAX_VALUE_CHARS = 20_000;
const MAX_ORIGINAL_CHARS = 100_000;

/**
 * The details panel. Every value is attacker-controlled text: rendered by React as text, with control
 * and bidi characters made visible, and cut at a size that keeps the page responsive.
 */
export function EventDetails({ event, onFilter }: { event: VigilEvent; onFilter(field: string, value: string): void }) {
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
                    const raw = valueText(event.fields[name]);
                    const filterable = typeof event.fields[name] !== 'object' || event.fields[name] === null;
                    return (
                      <tr key={name}>
                        <th scope="row" className="mono">{visibleText(name)}</th>
                        <td className="mono kv-value">{visibleText(truncate(raw, MAX_VALUE_CHARS), true)}</td>
                        <td className="kv-action">
                          {filterable && raw !== '' && raw.length <= 4096 && (
                            <button type="button" className="icon-button" title={`Filter on ${name} = this value`}
                              aria-label={`Filter on ${name}`} onClick={() => onFilter(name, raw)}>
                              <IconFilter size={13} />
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
        </div>
        <div>
          <h3 className="subheading">Original <span className="muted">({event.original.length.toLocaleString('en-US')} characters)</span></h3>
          <pre className="code original" data-testid="event-original">{visibleText(truncate(event.original, MAX_ORIGINAL_CHARS), true)}</pre>
        </div>
      </div>
    </div>
  );
}
