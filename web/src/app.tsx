/**
 * Session gate: probes `/auth/me`, then shows the sign-in page, the forced password change, or the
 * console. Any 401 later (session expired or revoked) returns to sign-in with a message.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { me, onUnauthorized } from './api/client.ts';
import { ApiError, errorMessage } from './api/errors.ts';
import type { User } from './api/types.ts';
import { Logo } from './components/icons.tsx';
import { Loading } from './components/ui.tsx';
import { CurrentUserContext } from './lib/access.ts';
import { loadUtcPref, PrefsContext, saveUtcPref, type Prefs } from './lib/prefs.ts';
import { ChangePasswordPage } from './pages/change-password-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { MfaEnrollmentPage } from './pages/mfa-enrollment-page.tsx';
import { Shell } from './shell.tsx';

type Session =
  | { state: 'checking' }
  | { state: 'unreachable'; error: unknown }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; user: User };

/** The console root. */
export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [utc, setUtcState] = useState(loadUtcPref);
  const prefs = useMemo<Prefs>(() => ({ utc, setUtc: (v) => { saveUtcPref(v); setUtcState(v); } }), [utc]);

  const check = useCallback((signal?: AbortSignal) => {
    setSession({ state: 'checking' });
    me(signal).then(
      (user) => setSession({ state: 'signed-in', user }),
      (err: unknown) => {
        if (signal?.aborted) return;
        if (err instanceof ApiError && err.status === 401) setSession({ state: 'signed-out' });
        else setSession({ state: 'unreachable', error: err });
      },
    );
  }, []);

  useEffect(() => {
    const c = new AbortController();
    check(c.signal);
    return () => c.abort();
  }, [check]);

  useEffect(() => onUnauthorized(() => {
    setSession((s) => (s.state === 'signed-in' ? { state: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' } : s));
  }), []);

  let body;
  switch (session.state) {
    case 'checking':
      body = <div className="center-screen"><Loading label="Connecting to Vigil…" /></div>;
      break;
    case 'unreachable':
      body = (
        <div className="center-screen">
          <div className="auth-card">
            <div className="auth-brand"><Logo size={28} /><span>Vigil</span></div>
            <h1>Cannot load the console</h1>
            <p className="muted">{errorMessage(session.error)}</p>
            <button type="button" className="button button-primary button-block" onClick={() => check()}>Try again</button>
          </div>
        </div>
      );
      break;
    case 'signed-out':
      body = <LoginPage notice={session.notice} onSignedIn={(user) => setSession({ state: 'signed-in', user })} />;
      break;
    case 'signed-in':
      body = session.user.mustChangePassword
        ? <ChangePasswordPage user={session.user} onChanged={() => setSession({ state: 'signed-in', user: { ...session.user, mustChangePassword: false } })}
            onSignedOut={() => setSession({ state: 'signed-out' })} />
        : session.user.mfaEnrollmentRequired
          ? <MfaEnrollmentPage user={session.user} onSignedOut={() => setSession({ state: 'signed-out' })}
              onEnabled={() => setSession({ state: 'signed-in', user: { ...session.user, mfaEnabled: true, mfaEnrollmentRequired: false } })} />
          : <CurrentUserContext value={session.user}>
              <Shell user={session.user} onSignedOut={() => setSession({ state: 'signed-out' })} onUserChanged={(user) => setSession({ state: 'signed-in', user })} />
            </CurrentUserContext>;
      break;
  }
  return <PrefsContext value={prefs}>{body}</PrefsContext>;
}
