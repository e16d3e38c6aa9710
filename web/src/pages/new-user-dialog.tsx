/** "New user": user name, role, display name, e-mail; then the one-time password, shown once. */
import { useCallback, useState, type FormEvent } from 'react';
import { createUser, listRoles } from '../api/access-client.ts';
import type { UserRecord } from '../api/access-types.ts';
import { Modal } from '../components/modal.tsx';
import { OneTimeSecret } from '../components/one-time-secret.tsx';
import { ErrorNotice } from '../components/ui.tsx';
import { usePoll } from '../lib/hooks.ts';

/** The server's rule for user names, checked here first for a quicker answer. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

function problemWith(username: string, email: string, taken: readonly string[]): string | null {
  if (username === '') return 'Enter a user name.';
  if (!USERNAME.test(username)) return 'User names use letters, digits, dot, underscore, @ and dash (at most 128), starting with a letter or digit.';
  if (taken.some((t) => t.toLowerCase() === username.toLowerCase())) return `A user named "${username}" already exists.`;
  if (email !== '' && !EMAIL.test(email)) return 'The e-mail address is not valid.';
  return null;
}

/** Shows the new user's one-time password once; closing without copying asks first. */
export function OneTimePasswordDialog({ title, username, password, reason, onDone }: {
  title: string; username: string; password: string; reason: string; onDone(): void;
}) {
  const [copied, setCopied] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const close = (): void => {
    if (copied || confirmClose) onDone();
    else setConfirmClose(true);
  };
  return (
    <Modal title={title} onClose={close} footer={<>
      {confirmClose && !copied && <span className="footer-warning">The password has not been copied. Close anyway?</span>}
      <button type="button" className="button button-primary" onClick={close}>{confirmClose && !copied ? 'Close without copying' : 'Done'}</button>
    </>}>
      <p>{reason}</p>
      <OneTimeSecret value={password} testId="one-time-password" copyLabel="Copy password" onCopied={() => setCopied(true)}
        note={<>
          This one-time password is shown only once. Give it to <strong>{username}</strong> over a trusted channel:
          they must change it at their first sign-in. If it is lost, reset the password again.
        </>} />
    </Modal>
  );
}

/** The dialog; `onCreated` refreshes the list while the password is still on screen. */
export function NewUserDialog({ existing, onClose, onCreated }: { existing: readonly UserRecord[]; onClose(): void; onCreated(): void }) {
  const loadRoles = useCallback((signal: AbortSignal) => listRoles(signal), []);
  const roles = usePoll(loadRoles, 0);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState('viewer');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<{ user: UserRecord; oneTimePassword: string } | null>(null);

  if (created) {
    return <OneTimePasswordDialog title={`User “${created.user.username}” created`} username={created.user.username}
      password={created.oneTimePassword} reason={`${created.user.username} can now sign in with the role ${created.user.role}.`} onDone={onClose} />;
  }

  const roleList = roles.data ?? [];
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const problem = problemWith(username.trim(), email.trim(), existing.map((u) => u.username));
    if (problem) return setError(new Error(problem));
    setBusy(true);
    setError(undefined);
    createUser({
      username: username.trim(), role,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      ...(email.trim() ? { email: email.trim() } : {}),
    }).then((res) => { setCreated(res); onCreated(); }, (err: unknown) => { setError(err); setBusy(false); });
  };

  return (
    <Modal title="New user" onClose={onClose} footer={<>
      <button type="button" className="button button-ghost" onClick={onClose} disabled={busy}>Cancel</button>
      <button type="submit" form="new-user-form" className="button button-primary" disabled={busy || !roles.data}>{busy ? 'Creating…' : 'Create user'}</button>
    </>}>
      <form id="new-user-form" onSubmit={submit} noValidate>
        {error !== undefined && <ErrorNotice error={error} />}
        {roles.error !== undefined && !roles.data && <ErrorNotice error={roles.error} onRetry={roles.refresh} />}
        <label className="field">
          <span className="field-label">User name</span>
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus maxLength={128}
            spellCheck={false} autoComplete="off" placeholder="e.g. j.doe" />
        </label>
        <label className="field">
          <span className="field-label">Role</span>
          <select name="role" value={role} onChange={(e) => setRole(e.target.value)} disabled={!roles.data}>
            {!roles.data && <option value={role}>Loading…</option>}
            {roleList.map((r) => <option key={r.name} value={r.name}>{r.name}{r.builtin ? '' : ' (custom)'}</option>)}
          </select>
          <span className="field-hint">{roleList.find((r) => r.name === role)?.description || 'What the user may see and do.'}</span>
        </label>
        <label className="field">
          <span className="field-label">Display name <span className="muted">(optional)</span></span>
          <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={128} autoComplete="off" />
        </label>
        <label className="field">
          <span className="field-label">E-mail <span className="muted">(optional)</span></span>
          <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} spellCheck={false} autoComplete="off" />
        </label>
        <p className="muted small">Vigil generates a one-time password for the new user; they choose their own at first sign-in.</p>
      </form>
    </Modal>
  );
}
