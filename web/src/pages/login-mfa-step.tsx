/** The second sign-in step: a code from the authenticator app, or a recovery code. */
import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from '../api/errors.ts';
import { completeMfaLogin } from '../api/mfa-client.ts';
import type { User } from '../api/types.ts';
import { IconWarning, Logo } from '../components/icons.tsx';

function stepError(err: unknown): string {
  if (err instanceof ApiError && err.code === 'INVALID_CREDENTIALS') {
    return 'That code is not right. Enter the code the app shows now (check that the phone\'s clock is correct), or a recovery code you have not used.';
  }
  return errorMessage(err);
}

/** Asks for the second factor of the sign-in `challenge`; `onRestart` goes back to the password (expired challenge, or the user's choice). */
export function LoginMfaStep({ challenge, onSignedIn, onRestart }: {
  challenge: string; onSignedIn(user: User): void; onRestart(notice?: string): void;
}) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const entered = value.trim();
    if (entered === '') {
      setError(useRecovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code from your authenticator app.');
      return;
    }
    setBusy(true);
    setError(null);
    completeMfaLogin(challenge, useRecovery ? { recoveryCode: entered } : { code: entered }).then(onSignedIn, (err: unknown) => {
      if (err instanceof ApiError && err.code === 'MFA_CHALLENGE_EXPIRED') {
        onRestart('The sign-in expired or had too many wrong codes. Enter your password again.');
        return;
      }
      setError(stepError(err));
      setValue('');
      setBusy(false);
    });
  };

  const switchKind = (): void => {
    setUseRecovery(!useRecovery);
    setValue('');
    setError(null);
  };

  return (
    <div className="center-screen auth-screen">
      <form className="auth-card" onSubmit={submit} noValidate aria-labelledby="mfa-title">
        <div className="auth-brand"><Logo size={28} /><span>Vigil</span></div>
        <h1 id="mfa-title">Two-step sign-in</h1>
        <p className="muted auth-lead">
          {useRecovery
            ? 'Enter one of the recovery codes you saved when you turned on two-step sign-in. Each code works once.'
            : 'Open your authenticator app and enter the 6-digit code it shows for Vigil.'}
        </p>
        {error && (
          <div className="notice notice-error" role="alert" data-testid="mfa-error">
            <IconWarning /><div className="notice-text">{error}</div>
          </div>
        )}
        {useRecovery ? (
          <label className="field">
            <span className="field-label">Recovery code</span>
            <input key="recovery" name="recovery-code" autoComplete="off" autoCapitalize="none" spellCheck={false} autoFocus
              value={value} onChange={(e) => setValue(e.target.value)} maxLength={64} placeholder="xxxx-xxxx-xxxx-xxxx" />
          </label>
        ) : (
          <label className="field">
            <span className="field-label">Authentication code</span>
            <input key="code" name="one-time-code" autoComplete="one-time-code" inputMode="numeric" autoFocus
              value={value} onChange={(e) => setValue(e.target.value)} maxLength={16} placeholder="123456" />
          </label>
        )}
        <button type="submit" className="button button-primary button-block" disabled={busy}>{busy ? 'Checking…' : 'Verify'}</button>
        <div className="form-actions auth-alt-actions">
          <button type="button" className="button button-ghost" onClick={switchKind}>
            {useRecovery ? 'Use the authenticator app' : 'Use a recovery code'}
          </button>
          <button type="button" className="button button-ghost" onClick={() => onRestart()}>Back</button>
        </div>
      </form>
    </div>
  );
}
