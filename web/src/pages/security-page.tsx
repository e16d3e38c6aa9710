/** The signed-in user's sign-in security: turn two-step sign-in on or off, replace recovery codes. */
import { useCallback, useState, type FormEvent } from 'react';
import { me } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { disableTotp, getMfaStatus, regenerateRecoveryCodes, type SecondFactor } from '../api/mfa-client.ts';
import type { User } from '../api/types.ts';
import { IconWarning } from '../components/icons.tsx';
import { Modal } from '../components/modal.tsx';
import { RecoveryCodes } from '../components/recovery-codes.tsx';
import { ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { usePoll } from '../lib/hooks.ts';
import { TotpEnrollment } from './totp-enrollment.tsx';

/** Password plus a current code or a recovery code: what turning off or replacing codes asks for. */
function ReauthForm({ username, submitLabel, danger = false, onSubmit, onCancel }: {
  username: string; submitLabel: string; danger?: boolean; onSubmit(password: string, factor: SecondFactor): Promise<void>; onCancel(): void;
}) {
  const [password, setPassword] = useState('');
  const [value, setValue] = useState('');
  const [useRecovery, setUseRecovery] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    if (password === '' || value.trim() === '') {
      setError(useRecovery ? 'Enter your password and a recovery code.' : 'Enter your password and the code the app shows.');
      return;
    }
    setBusy(true);
    setError(null);
    onSubmit(password, useRecovery ? { recoveryCode: value.trim() } : { code: value.trim() }).catch((err: unknown) => {
      setError(errorMessage(err));
      setValue('');
      setBusy(false);
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      {error && <div className="notice notice-error" role="alert"><IconWarning /><div className="notice-text">{error}</div></div>}
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <label className="field">
        <span className="field-label">Your password</span>
        <input name="current-password" type="password" autoComplete="current-password" autoFocus maxLength={1024}
          value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">{useRecovery ? 'Recovery code' : 'Code from the app'}</span>
        <input name={useRecovery ? 'recovery-code' : 'one-time-code'} autoComplete={useRecovery ? 'off' : 'one-time-code'}
          inputMode={useRecovery ? 'text' : 'numeric'} maxLength={useRecovery ? 64 : 16} value={value} onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="button" className="button button-ghost button-small" onClick={() => { setUseRecovery(!useRecovery); setValue(''); }}>
        {useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
      </button>
      <div className="form-actions">
        <button type="button" className="button button-ghost" onClick={onCancel}>Cancel</button>
        <button type="submit" className={danger ? 'button button-danger' : 'button button-primary'} disabled={busy}>{busy ? 'Working…' : submitLabel}</button>
      </div>
    </form>
  );
}

/** The Security page (user menu → Security). `onUserChanged` refreshes the console's view of the user after a change. */
export function SecurityPage({ user, onUserChanged }: { user: User; onUserChanged(user: User): void }) {
  const load = useCallback((signal: AbortSignal) => getMfaStatus(signal), []);
  const { data, error, refresh } = usePoll(load, 60_000);
  const [dialog, setDialog] = useState<'enroll' | 'regenerate' | 'disable' | null>(null);
  const [newCodes, setNewCodes] = useState<string[] | null>(null);

  const changed = (): void => {
    setDialog(null);
    refresh();
    me().then(onUserChanged, () => undefined);
  };

  if (user.authSource !== 'local') {
    return (
      <>
        <PageHeader title="Security" subtitle="How you sign in to Vigil." />
        <section className="panel"><p>You sign in with single sign-on: your identity provider handles passwords and two-step sign-in.</p></section>
      </>
    );
  }

  return (
    <>
      <PageHeader title="Security" subtitle="How you sign in to Vigil." />
      {error !== undefined && <ErrorNotice error={error} onRetry={refresh} />}
      {!data && error === undefined && <Loading />}
      {data && (
        <section className="panel" aria-labelledby="totp-heading">
          <div className="panel-header"><h2 id="totp-heading">Two-step sign-in</h2></div>
          {data.enabled ? (
            <>
              <p className="security-status" data-testid="mfa-status">On: signing in asks for a code from your authenticator app.</p>
              <p className="muted">{data.recoveryCodesLeft} of 10 recovery codes left. Replace them if you used several or lost the list.</p>
              <div className="form-actions form-actions-start">
                <button type="button" className="button" onClick={() => setDialog('regenerate')}>New recovery codes</button>
                <button type="button" className="button button-danger-ghost" onClick={() => setDialog('disable')}>Turn off</button>
              </div>
            </>
          ) : (
            <>
              <p className="security-status" data-testid="mfa-status">Off: signing in needs only your password.</p>
              <div className="form-actions form-actions-start">
                <button type="button" className="button button-primary" onClick={() => setDialog('enroll')}>Turn on two-step sign-in</button>
              </div>
            </>
          )}
        </section>
      )}
      {dialog === 'enroll' && (
        <Modal title="Turn on two-step sign-in" onClose={changed} wide>
          <TotpEnrollment username={user.username} onEnabled={changed} onCancel={() => setDialog(null)} />
        </Modal>
      )}
      {dialog === 'regenerate' && (
        <Modal title="New recovery codes" onClose={() => { setNewCodes(null); changed(); }}>
          {newCodes
            ? <RecoveryCodes username={user.username} codes={newCodes} doneLabel="Done" onDone={() => { setNewCodes(null); changed(); }} />
            : (
              <>
                <p>The new codes replace all the old ones, used or not.</p>
                <ReauthForm username={user.username} submitLabel="Make new codes" onCancel={() => setDialog(null)}
                  onSubmit={async (password, factor) => setNewCodes(await regenerateRecoveryCodes(password, factor))} />
              </>
            )}
        </Modal>
      )}
      {dialog === 'disable' && (
        <Modal title="Turn off two-step sign-in" onClose={() => setDialog(null)}>
          <p>Signing in will need only your password, and your recovery codes stop working.</p>
          <ReauthForm username={user.username} submitLabel="Turn off" danger onCancel={() => setDialog(null)}
            onSubmit={async (password, factor) => { await disableTotp(password, factor); changed(); }} />
        </Modal>
      )}
    </>
  );
}
