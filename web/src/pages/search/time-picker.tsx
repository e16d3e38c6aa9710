/** The search's time range: presets (15 minutes … 30 days) or an absolute range, in a popover. */
import { useRef, useState, type FormEvent } from 'react';
import { IconCaretDown, IconClock } from '../../components/icons.tsx';
import { zoneLabel } from '../../lib/format.ts';
import { useDismiss } from '../../lib/hooks.ts';
import { usePrefs } from '../../lib/prefs.ts';
import {
  DEFAULT_TO, fromDateTimeInput, isoTime, PRESETS, rangeLabel, resolveTime, toDateTimeInput, type SearchState,
} from '../../lib/search-query.ts';

type Range = Pick<SearchState, 'from' | 'to'>;

/** The button showing the range, and its popover; `onChange` gets the new range as the API takes it. */
export function TimePicker({ range, onChange }: { range: Range; onChange(range: Range): void }) {
  const { utc } = usePrefs();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  const now = Date.now();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);

  const openPicker = (): void => {
    // The custom form starts from the current range, resolved to absolute times.
    setFrom(toDateTimeInput(resolveTime(range.from, now) ?? now - 86_400_000, utc));
    setTo(toDateTimeInput(resolveTime(range.to, now) ?? now, utc));
    setError(null);
    setOpen(!open);
  };
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    const a = fromDateTimeInput(from, utc);
    const b = fromDateTimeInput(to, utc);
    if (a === undefined || b === undefined) return setError('Give both a start and an end time.');
    if (b <= a) return setError('The end must be after the start.');
    setOpen(false);
    onChange({ from: isoTime(a), to: isoTime(b) });
  };

  return (
    <div className="time-picker" ref={ref}>
      <button type="button" className="button time-picker-button" aria-haspopup="dialog" aria-expanded={open} onClick={openPicker}
        aria-label={`Time range: ${rangeLabel(range)}`} data-testid="time-range">
        <IconClock /><span className="time-picker-label">{rangeLabel(range)}</span><IconCaretDown size={14} />
      </button>
      {open && (
        <div className="popover time-popover" role="dialog" aria-label="Time range">
          <div className="time-presets" role="group" aria-label="Quick ranges">
            {PRESETS.map((p) => {
              const active = range.from === p.from && range.to === DEFAULT_TO;
              return (
                <button key={p.from} type="button" className={active ? 'menu-item menu-item-active' : 'menu-item'} aria-pressed={active}
                  onClick={() => { setOpen(false); onChange({ from: p.from, to: DEFAULT_TO }); }}>{p.label}</button>
              );
            })}
          </div>
          <form className="time-custom" onSubmit={apply}>
            <h3 className="subheading">Absolute range <span className="muted">({zoneLabel(now, utc)})</span></h3>
            <label className="field-label">From
              <input type="datetime-local" step={1} value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={error !== null} />
            </label>
            <label className="field-label">To
              <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={error !== null} />
            </label>
            {error && <div className="field-error" role="alert">{error}</div>}
            <button type="submit" className="button button-primary button-small">Apply range</button>
          </form>
        </div>
      )}
    </div>
  );
}
