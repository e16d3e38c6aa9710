/** Sign-in screen. */
import { useEffect, useState, type FormEvent } from 'react';
import { login } from '../api/client.ts';
import { ApiError, errorMessage } from '../api/errors.ts';
import type { User } from '../api/types.ts';
import { IconWarning, Logo } from '../components/icons.tsx';
import { LoginMfaStep } from './login-mfa-step.tsx';
import { SsoButtons } from './sso-buttons.tsx';

function loginError(err: unknown): { message: string; retryAfter?: number } {
  if (err instanceof ApiError && err.status === 401) {
    return { message: 'Incorrect user name or password. After repeated failures an account is locked for a while.' };
  }
  if (err instanceof ApiError && err.status === 429) {
    const wait = err.retryAfterSeconds;
    return {
      message: 'Too many failed sign-in attempts. Sign-in is paused for a while.',
      ...(wait !== undefined ? { retryAfter: wait } : {}),
    };
  }
  return { message: errorMessage(err) };
}

/** The sign-in form; `notice` explains why the user is here (e.g. session expired). */
export function LoginPage({ notice, onSignedIn }: { notice?: string | undefined; onSignedIn(user: User): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; until?: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [challenge, setChallenge] = useState<string | null>(null);
  const [restartNotice, setRestartNotice] = useState<string | undefined>(undefined);

  const waiting = error?.until !== undefined && error.until > now;
  useEffect(() => {
    if (!waiting) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [waiting]);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy || waiting) return;
    if (username.trim() === '' || password === '') {
      setError({ message: 'Enter your user name and password.' });
      return;
    }
    setBusy(true);
    setError(null);
    login(username.trim(), password).then((outcome) => {
      if ('user' in outcome) {
        onSignedIn(outcome.user);
        return;
      }
      setPassword('');
      setBusy(false);
      setChallenge(outcome.challenge);
    }, (err: unknown) => {
      const { message, retryAfter } = loginError(err);
      setError(retryAfter !== undefined ? { message, until: Date.now() + retryAfter * 1000 } : { message });
      setNow(Date.now());
      setPassword('');
      setBusy(false);
    });
  };

  const secondsLeft = error?.until !== undefined ? Math.max(0, Math.ceil((error.until - now) / 1000)) : 0;
  if (challenge !== null) {
    return <LoginMfaStep challenge={challenge} onSignedIn={onSignedIn} onRestart={(why) => { setChallenge(null); setRestartNotice(why); }} />;
  }
  const shownNotice = restartNotice ?? notice;
  return (
    <div className="center-screen auth-screen">
      <form className="auth-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className="auth-brand"><Logo size={28} /><span>Vigil</span></div>
        <h1 id="login-title">Sign in</h1>
        <p className="muted auth-lead">Security operations console</p>
        {shownNotice && !error && <div className="notice notice-info" role="status">{shownNotice}</div>}
        {error && (
          <div className="notice notice-error" role="alert" data-testid="login-error">
            <IconWarning />
            <div className="notice-text">
              {error.message}
              {waiting && <> Try again in {secondsLeft} s.</>}
            </div>
          </div>
        )}
        <label className="field">
          <span className="field-label">User name</span>
          <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} autoFocus
            value={username} onChange={(e) => setUsername(e.target.value)} maxLength={256} />
        </label>
        <label className="field">
          <span className="field-label">Password</span>
          <input name="password" type="password" autoComplete="current-password"
            value={password} onChange={(e) => setPassword(e.target.value)} maxLength={1024} />
        </label>
        <button type="submit" className="button button-primary button-block" disabled={busy || waiting}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <SsoButtons />
      </form>
    </div>
  );
}
