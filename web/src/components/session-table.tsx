/** Open sessions: where from, which browser, since when. Addresses and user agents come from clients: text only. */
import type { SessionRecord } from '../api/access-types.ts';
import { truncate, visibleText } from '../lib/safe-text.ts';
import { RelativeTime, Timestamp } from './time.tsx';

/** The table; `onEnd` adds an "End" button to every session but the current one. */
export function SessionTable({ sessions, now, onEnd }: { sessions: readonly SessionRecord[]; now: number; onEnd?: (s: SessionRecord) => void }) {
  return (
    <div className="table-scroll">
      <table className="table table-compact session-table">
        <thead>
          <tr><th>Address</th><th>Browser (user agent)</th><th>Signed in</th><th>Last seen</th>{onEnd && <th className="col-actions" aria-label="Actions" />}</tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} data-session={s.id}>
              <td className="mono small nowrap">
                {s.address === undefined ? <span className="muted">unknown</span> : visibleText(truncate(s.address, 64))}
                {s.current && <span className="tag tag-current">this session</span>}
              </td>
              <td className="user-agent" title={s.userAgent === undefined ? undefined : visibleText(s.userAgent)}>
                {s.userAgent === undefined ? <span className="muted">unknown</span> : visibleText(truncate(s.userAgent, 160))}
              </td>
              <td className="nowrap"><Timestamp ms={s.createdAt} millis={false} /></td>
              <td className="nowrap"><RelativeTime ms={s.lastSeenAt} now={now} /></td>
              {onEnd && (
                <td className="col-actions">
                  {!s.current && <button type="button" className="button button-small button-danger-ghost" onClick={() => onEnd(s)}>End</button>}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
