/** API tokens (never their secrets): scopes, lifetime, last use and status. Names are user input: text only. */
import type { ApiTokenRecord } from '../api/access-types.ts';
import { truncate } from '../lib/safe-text.ts';
import { RelativeTime, Timestamp } from './time.tsx';

const STATUS_CLASS: Record<string, string> = { active: 'tag tag-ok', expired: 'tag', revoked: 'tag tag-danger' };

/** The table; `onRevoke` adds a "Revoke" button to active tokens. */
export function TokenTable({ tokens, now, onRevoke }: { tokens: readonly ApiTokenRecord[]; now: number; onRevoke?: (t: ApiTokenRecord) => void }) {
  return (
    <div className="table-scroll">
      <table className="table table-compact token-table">
        <thead>
          <tr>
            <th>Name</th><th>Scopes</th><th>Created</th><th>Expires</th><th>Last used</th><th>Status</th>
            {onRevoke && <th className="col-actions" aria-label="Actions" />}
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-token={t.name} className={t.status === 'active' ? undefined : 'row-revoked'}>
              <td className="strong">{truncate(t.name, 64)}</td>
              <td><div className="scope-list">{t.permissions.map((p) => <span key={p} className="tag tag-scope">{p}</span>)}</div></td>
              <td className="nowrap"><Timestamp ms={t.createdAt} dateOnly /></td>
              <td className="nowrap"><Timestamp ms={t.expiresAt} dateOnly /></td>
              <td className="nowrap"><RelativeTime ms={t.lastUsedAt} now={now} /></td>
              <td><span className={STATUS_CLASS[t.status] ?? 'tag'}>{t.status}</span></td>
              {onRevoke && (
                <td className="col-actions">
                  {t.status === 'active' && <button type="button" className="button button-small button-danger-ghost" onClick={() => onRevoke(t)}>Revoke</button>}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
