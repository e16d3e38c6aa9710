/**
 * One user: profile (role, display name, e-mail), status actions (disable/enable, unlock, reset
 * password), their sessions with "Sign out everywhere", and their API tokens with revoke. Write
 * actions appear only with `users:write`; the server's refusals (e.g. the last admin) are shown.
 */
import { useCallback, useState, type FormEvent } from 'react';
import {
  endUserSessions, getUser, listRoles, resetUserMfa, resetUserPassword, revokeToken, unlockUser, updateUser, type UserChange,
} from '../api/access-client.ts';
import type { ApiTokenRecord, RoleRecord, UserRecord } from '../api/access-types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Link } from '../components/link.tsx';
import { SessionTable } from '../components/session-table.tsx';
import { Timestamp } from '../components/time.tsx';
import { TokenTable } from '../components/token-table.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useCan, useCurrentUser } from '../lib/access.ts';
import { useNow, usePoll } from '../lib/hooks.ts';
import { truncate } from '../lib/safe-text.ts';
import { signInMethod } from '../lib/user-list.ts';
import { OneTimePasswordDialog } from './new-user-dialog.tsx';
import { UserStatus } from './user-status.tsx';

type Pending =
  | { kind: 'disable' | 'enable' | 'unlock' | 'reset' | 'reset-mfa' | 'sign-out' }
  | { kind: 'revoke'; token: ApiTokenRecord }
  | { kind: 'password'; password: string };

/** The editable profile; saving sends only what changed, then the page reloads the user. */
function ProfileForm({ user, roles, onSaved }: { user: UserRecord; roles: readonly RoleRecord[] | undefined; onSaved(): void }) {
  const [role, setRole] = useState(user.role);
  const [displayName, setDisplayName] = useState(user.displayName ?? '');
  const [email, setEmail] = useState(user.email ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState(false);

  const change: UserChange = {};
  if (role !== user.role) change.role = role;
  if (displayName.trim() !== (user.displayName ?? '')) change.displayName = displayName.trim() || null;
  if (email.trim() !== (user.email ?? '')) change.email = email.trim() || null;
  const dirty = Object.keys(change).length > 0;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy || !dirty) return;
    setBusy(true);
    setError(undefined);
    setSaved(false);
    updateUser(user.id, change).then(
      () => { setBusy(false); setSaved(true); onSaved(); },
      (err: unknown) => { setError(err); setBusy(false); },
    );
  };
  // The user's current role stays selectable even if the role list failed to load.
  const roleNames = roles ? roles.map((r) => r.name) : [user.role];
  return (
    <form onSubmit={submit} noValidate className="profile-form">
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="form-grid">
        <label className="field">
          <span className="field-label">Role</span>
          <select name="role" value={role} onChange={(e) => { setRole(e.target.value); setSaved(false); }}>
            {roleNames.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Display name</span>
          <input name="displayName" value={displayName} onChange={(e) => { setDisplayName(e.target.value); setSaved(false); }} maxLength={128} autoComplete="off" />
        </label>
        <label className="field">
          <span className="field-label">E-mail</span>
          <input name="email" type="email" value={email} onChange={(e) => { setEmail(e.target.value); setSaved(false); }} maxLength={254} spellCheck={false} autoComplete="off" />
        </label>
      </div>
      <div className="form-actions form-actions-start">
        <button type="submit" className="button button-primary" disabled={busy || !dirty}>{busy ? 'Saving…' : 'Save changes'}</button>
        {saved && !dirty && <span className="saved-note" role="status">Saved</span>}
      </div>
    </form>
  );
}

/** The user detail page for `/users/<id>`. */
export function UserDetailPage({ userId }: { userId: string }) {
  const load = useCallback((signal: AbortSignal) => getUser(userId, signal), [userId]);
  const { data, error, refresh } = usePoll(load, 0, userId);
  const loadRoles = useCallback((signal: AbortSignal) => listRoles(signal), []);
  const roles = usePoll(loadRoles, 0);
  const mayWrite = useCan('users:write');
  const me = useCurrentUser();
  const now = useNow(15_000);
  const [pending, setPending] = useState<Pending | null>(null);

  if (!data) {
    return (
      <>
        <PageHeader title="User" subtitle={<Link to="/users">← All users</Link>} />
        {error !== undefined ? <ErrorNotice error={error} onRetry={refresh} /> : <Loading />}
      </>
    );
  }
  const { user } = data;
  const isSelf = me?.id === user.id;
  const local = user.authSource === 'local';
  const done = (): void => { setPending(null); refresh(); };

  return (
    <>
      <PageHeader title={truncate(user.username, 80)} subtitle={<Link to="/users">← All users</Link>}
        actions={mayWrite && <>
          {user.status === 'locked' && <button type="button" className="button" onClick={() => setPending({ kind: 'unlock' })}>Unlock</button>}
          {local && <button type="button" className="button" onClick={() => setPending({ kind: 'reset' })}>Reset password</button>}
          {user.mfaEnabled && <button type="button" className="button" onClick={() => setPending({ kind: 'reset-mfa' })}>Reset two-step sign-in</button>}
          {user.status === 'disabled'
            ? <button type="button" className="button" onClick={() => setPending({ kind: 'enable' })}>Enable</button>
            : <button type="button" className="button button-danger-ghost" onClick={() => setPending({ kind: 'disable' })}>Disable</button>}
        </>} />
      {error !== undefined && <ErrorNotice error={error} onRetry={refresh} />}
      <section className="panel">
        <dl className="facts">
          <div><dt>Status</dt><dd><UserStatus user={user} /></dd></div>
          <div><dt>Sign-in</dt><dd>{signInMethod(user.authSource)}</dd></div>
          <div><dt>Two-step sign-in</dt><dd>{user.mfaEnabled ? 'On' : 'Off'}</dd></div>
          <div><dt>Created</dt><dd><Timestamp ms={user.createdAt} millis={false} /></dd></div>
          <div><dt>Password changed</dt><dd>{user.passwordChangedAt === undefined ? <span className="muted">{local ? 'never' : 'managed by the identity provider'}</span> : <Timestamp ms={user.passwordChangedAt} millis={false} />}</dd></div>
          {user.disabledAt !== undefined && <div><dt>Disabled</dt><dd><Timestamp ms={user.disabledAt} millis={false} /></dd></div>}
          {!mayWrite && <div><dt>Role</dt><dd>{user.role}</dd></div>}
          {!mayWrite && <div><dt>Display name</dt><dd>{user.displayName ?? '—'}</dd></div>}
          {!mayWrite && <div><dt>E-mail</dt><dd>{user.email ?? '—'}</dd></div>}
        </dl>
        {mayWrite && <ProfileForm key={user.id} user={user} roles={roles.data} onSaved={refresh} />}
      </section>

      <section className="panel">
        <div className="panel-header">
          <h2>Sessions <span className="muted">({data.sessions.length})</span></h2>
          {mayWrite && data.sessions.length > 0 && (
            <button type="button" className="button button-small button-danger-ghost" onClick={() => setPending({ kind: 'sign-out' })}>Sign out everywhere</button>
          )}
        </div>
        {data.sessions.length === 0
          ? <p className="muted">{truncate(user.username, 80)} is not signed in anywhere.</p>
          : <SessionTable sessions={data.sessions} now={now} />}
      </section>

      <section className="panel">
        <div className="panel-header"><h2>API tokens <span className="muted">({data.tokens.length})</span></h2></div>
        {data.tokens.length === 0
          ? <EmptyState title="No API tokens">Users with the permission tokens:write create their own tokens under their user menu.</EmptyState>
          : <TokenTable tokens={data.tokens} now={now} onRevoke={mayWrite ? (token) => setPending({ kind: 'revoke', token }) : undefined} />}
      </section>

      {pending?.kind === 'disable' && (
        <ConfirmDialog title={`Disable ${truncate(user.username, 60)}?`} confirmLabel="Disable user" busyLabel="Disabling…" danger
          action={() => updateUser(user.id, { disabled: true })} onClose={() => setPending(null)} onDone={done}>
          <p>{user.username} can no longer sign in. Their sessions end at once and their API tokens stop working.</p>
          {isSelf && <p className="notice-inline-warn">This is your own account: you will be signed out.</p>}
          <p className="muted">You can enable the user again later.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'enable' && (
        <ConfirmDialog title={`Enable ${truncate(user.username, 60)}?`} confirmLabel="Enable user" busyLabel="Enabling…"
          action={() => updateUser(user.id, { disabled: false })} onClose={() => setPending(null)} onDone={done}>
          <p>{user.username} can sign in again with the role <strong>{user.role}</strong>. API tokens that have not expired or been revoked work again.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'unlock' && (
        <ConfirmDialog title={`Unlock ${truncate(user.username, 60)}?`} confirmLabel="Unlock" busyLabel="Unlocking…"
          action={() => unlockUser(user.id)} onClose={() => setPending(null)} onDone={done}>
          <p>Too many failed sign-ins locked this account. Unlock it only if you know the attempts were {user.username}'s own.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'reset-mfa' && (
        <ConfirmDialog title={`Reset two-step sign-in of ${truncate(user.username, 60)}?`} confirmLabel="Reset two-step sign-in" busyLabel="Resetting…" danger
          action={() => resetUserMfa(user.id)} onClose={() => setPending(null)} onDone={done}>
          <p>For a lost phone and lost recovery codes: Vigil removes {user.username}'s authenticator and recovery codes and <strong>signs them out everywhere</strong>. They then sign in with the password alone and should turn two-step sign-in on again. Do it only once you are sure the request comes from them.</p>
        </ConfirmDialog>
      )}
      {pending?.kind === 'reset' && (
        <ConfirmDialog title={`Reset the password of ${truncate(user.username, 60)}?`} confirmLabel="Reset password" busyLabel="Resetting…" danger
          action={() => resetUserPassword(user.id).then((password) => setPending({ kind: 'password', password }))}
          onClose={() => setPending(null)} onDone={refresh}>
          <p>Vigil issues a new one-time password and <strong>signs {user.username} out everywhere</strong>. They must choose a new password at their next sign-in.</p>
          {isSelf && <p className="notice-inline-warn">This is your own account: you will be signed out.</p>}
        </ConfirmDialog>
      )}
      {pending?.kind === 'password' && (
        <OneTimePasswordDialog title={`New password for “${truncate(user.username, 60)}”`} username={user.username} password={pending.password}
          reason={`${user.username} has been signed out everywhere.`} onDone={done} />
      )}
      {pending?.kind === 'sign-out' && (
        <ConfirmDialog title={`Sign ${truncate(user.username, 60)} out everywhere?`} confirmLabel="Sign out everywhere" busyLabel="Signing out…" danger
          action={() => endUserSessions(user.id)} onClose={() => setPending(null)} onDone={done}>
          <p>All {data.sessions.length} session(s) of {user.username} end now; they can sign in again. API tokens are not affected.</p>
          {isSelf && <p className="notice-inline-warn">This includes your own session: you will be signed out.</p>}
        </ConfirmDialog>
      )}
      {pending?.kind === 'revoke' && (
        <ConfirmDialog title={`Revoke the token “${truncate(pending.token.name, 60)}”?`} confirmLabel="Revoke token" busyLabel="Revoking…" danger
          action={() => revokeToken(pending.token.id)} onClose={() => setPending(null)} onDone={done}>
          <p>Programs using this token of {user.username} are refused from now on. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
