/** The signed-in user's open sessions, the current one marked; end the others (e.g. a forgotten browser). */
import { useCallback, useState } from 'react';
import { endOwnSession, listOwnSessions } from '../api/access-client.ts';
import type { SessionRecord } from '../api/access-types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { SessionTable } from '../components/session-table.tsx';
import { ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useNow, usePoll } from '../lib/hooks.ts';

/** The Sessions page. */
export function SessionsPage() {
  const load = useCallback((signal: AbortSignal) => listOwnSessions(signal), []);
  const { data, error, refresh } = usePoll(load, 30_000);
  const now = useNow(15_000);
  const [ending, setEnding] = useState<SessionRecord | 'others' | null>(null);
  const others = (data ?? []).filter((s) => !s.current);
  const rows = [...(data ?? [])].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt);

  return (
    <>
      <PageHeader title="Sessions" subtitle="Where you are signed in. End a session you do not recognize, then change your password."
        actions={others.length > 0 && <button type="button" className="button button-danger-ghost" onClick={() => setEnding('others')}>End all other sessions</button>} />
      {error !== undefined && <ErrorNotice error={error} onRetry={refresh} />}
      {!data && error === undefined && <Loading />}
      {data && <section className="panel panel-flush"><SessionTable sessions={rows} now={now} onEnd={setEnding} /></section>}
      {ending === 'others' && (
        <ConfirmDialog title="End all other sessions?" confirmLabel="End other sessions" busyLabel="Ending…" danger
          action={async () => { for (const s of others) await endOwnSession(s.id); }}
          onClose={() => setEnding(null)} onDone={() => { setEnding(null); refresh(); }}>
          <p>{others.length} other session(s) end now; this browser stays signed in.</p>
        </ConfirmDialog>
      )}
      {ending !== null && ending !== 'others' && (
        <ConfirmDialog title="End this session?" confirmLabel="End session" busyLabel="Ending…" danger
          action={() => endOwnSession(ending.id)} onClose={() => setEnding(null)} onDone={() => { setEnding(null); refresh(); }}>
          <p>The browser signed in from {ending.address ?? 'an unknown address'} must sign in again.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
