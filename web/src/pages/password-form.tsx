/** The change-password form, used forced after first sign-in and from the user menu. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { changePassword } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { IconWarning } from '../components/icons.tsx';

/** Checks that need no server round trip; the server's policy message covers the rest. */
export function localPasswordProblem(current: string, next: string, confirm: string): string | null {
  if (current === '') return 'Enter your current password.';
  if (next === '') return 'Enter a new password.';
  if (next !== confirm) return 'The new passwords do not match.';
  if (next === current) return 'The new password must differ from the current one.';
  return null;
}

/** Current/new/confirm password fields; calls `onChanged` after the server accepted the change. */
export function PasswordForm({ username, onChanged, submitLabel, extraActions }: {
  username: string; onChanged(): void; submitLabel: string; extraActions?: ReactNode;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const problem = localPasswordProblem(current, next, confirm);
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    changePassword(current, next).then(onChanged, (err: unknown) => {
      setError(errorMessage(err));
      setBusy(false);
    });
  };

  return (
    <form onSubmit={submit} noValidate className="password-form">
      {error && (
        <div className="notice notice-error" role="alert" data-testid="password-error">
          <IconWarning /><div className="notice-text">{error}</div>
        </div>
      )}
      {/* Lets password managers file the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <label className="field">
        <span className="field-label">Current password</span>
        <input name="current-password" type="password" autoComplete="current-password" autoFocus
          value={current} onChange={(e) => setCurrent(e.target.value)} maxLength={1024} />
      </label>
      <label className="field">
        <span className="field-label">New password</span>
        <input name="new-password" type="password" autoComplete="new-password"
          value={next} onChange={(e) => setNext(e.target.value)} maxLength={1024} />
      </label>
      <label className="field">
        <span className="field-label">Confirm new password</span>
        <input name="confirm-password" type="password" autoComplete="new-password"
          value={confirm} onChange={(e) => setConfirm(e.target.value)} maxLength={1024} />
      </label>
      <div className="form-actions">
        {extraActions}
        <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Saving…' : submitLabel}</button>
      </div>
    </form>
  );
}
