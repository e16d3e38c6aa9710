/** "Live · updated 14:02:11" indicator with a manual refresh button. */
import { formatTimestamp } from '../lib/format.ts';
import { usePrefs } from '../lib/prefs.ts';
import { IconRefresh } from './icons.tsx';

/** Shows when data was last loaded, whether it auto-refreshes, and offers a refresh. */
export function RefreshStatus({ updatedAt, loading, failed, onRefresh, live = true }: {
  updatedAt: number | undefined; loading: boolean; failed: boolean; onRefresh(): void; live?: boolean;
}) {
  const { utc } = usePrefs();
  const state = failed ? 'stale' : live ? 'live' : 'idle';
  return (
    <div className="refresh-status">
      <span className={`live-dot live-dot-${state}`} aria-hidden="true" />
      <span className="muted">
        {failed ? 'Refresh failed' : live ? 'Auto-refresh 5 s' : 'Updated'}
        {updatedAt !== undefined && <> · {formatTimestamp(updatedAt, utc, false).slice(11)}</>}
      </span>
      <button type="button" className="icon-button" onClick={onRefresh} aria-label="Refresh now" title="Refresh now" disabled={loading}>
        <IconRefresh className={loading ? 'spin' : undefined} />
      </button>
    </div>
  );
}
