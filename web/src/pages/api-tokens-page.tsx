/** The signed-in user's API tokens: list, create (secret shown once) and revoke. Needs `tokens:write`. */
import { useCallback, useState } from 'react';
import { listOwnTokens, revokeToken } from '../api/access-client.ts';
import type { ApiTokenRecord } from '../api/access-types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { IconPlus } from '../components/icons.tsx';
import { TokenTable } from '../components/token-table.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useCan } from '../lib/access.ts';
import { useNow, usePoll } from '../lib/hooks.ts';
import { truncate } from '../lib/safe-text.ts';
import { CreateTokenDialog } from './create-token-dialog.tsx';

/** Without the permission there is nothing to load (and the server would answer 403). */
const noTokens = (): Promise<ApiTokenRecord[]> => Promise.resolve([]);

/** The API tokens page. */
export function ApiTokensPage() {
  const mayUse = useCan('tokens:write');
  const load = useCallback((signal: AbortSignal) => listOwnTokens(signal), []);
  const { data, error, refresh } = usePoll(mayUse ? load : noTokens, 0, mayUse ? 'tokens' : 'none');
  const now = useNow(15_000);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiTokenRecord | null>(null);
  const [showInactive, setShowInactive] = useState(false);

  if (!mayUse) {
    return (
      <>
        <PageHeader title="API tokens" />
        <EmptyState title="Your role cannot create API tokens">Ask an administrator for a role with the permission tokens:write.</EmptyState>
      </>
    );
  }
  const all = data ?? [];
  const inactive = all.filter((t) => t.status !== 'active').length;
  const rows = all.filter((t) => showInactive || t.status === 'active').sort((a, b) => b.createdAt - a.createdAt);
  return (
    <>
      <PageHeader title="API tokens" subtitle="Tokens let scripts and other tools call the Vigil API as you, limited to the scopes you choose."
        actions={<button type="button" className="button button-primary" onClick={() => setCreating(true)}><IconPlus />New token</button>} />
      {error !== undefined && <ErrorNotice error={error} onRetry={refresh} />}
      {!data && error === undefined && <Loading />}
      {data && (
        <section className="panel panel-flush">
          <div className="table-toolbar">
            <span className="muted">{rows.length} token{rows.length === 1 ? '' : 's'}</span>
            {inactive > 0 && (
              <label className="checkbox">
                <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} />
                Show expired and revoked ({inactive})
              </label>
            )}
          </div>
          {rows.length === 0
            ? <EmptyState title="No active API tokens">Create one for each script or integration, with only the scopes it needs.</EmptyState>
            : <TokenTable tokens={rows} now={now} onRevoke={setRevoking} />}
        </section>
      )}
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} onCreated={refresh} />}
      {revoking && (
        <ConfirmDialog title={`Revoke the token “${truncate(revoking.name, 60)}”?`} confirmLabel="Revoke token" busyLabel="Revoking…" danger
          action={() => revokeToken(revoking.id)} onClose={() => setRevoking(null)} onDone={() => { setRevoking(null); refresh(); }}>
          <p>Anything using this token is refused from now on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
