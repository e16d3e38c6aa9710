/** Times as analysts read them: absolute and unambiguous, or relative with the absolute time on hover. */
import { formatRelative, formatTimestamp, zoneLabel } from '../lib/format.ts';
import { usePrefs } from '../lib/prefs.ts';

/** An absolute timestamp in the chosen zone; the other zone is in the tooltip. */
export function Timestamp({ ms, millis = true, dateOnly = false }: { ms: number; millis?: boolean; dateOnly?: boolean }) {
  const { utc } = usePrefs();
  const iso = Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  return (
    <time className="timestamp" dateTime={iso} title={`${formatTimestamp(ms, !utc)} ${zoneLabel(ms, !utc)}`}>
      {dateOnly ? formatTimestamp(ms, utc, false).slice(0, 10) : formatTimestamp(ms, utc, millis)}
    </time>
  );
}

/** "5m ago", with the absolute time (and zone) as tooltip; `fallback` when there is no time. */
export function RelativeTime({ ms, now, fallback = 'never' }: { ms: number | undefined; now: number; fallback?: string }) {
  const { utc } = usePrefs();
  if (ms === undefined) return <span className="muted">{fallback}</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={`${formatTimestamp(ms, utc)} ${zoneLabel(ms, utc)}`}>
      {formatRelative(ms, now)}
    </time>
  );
}
