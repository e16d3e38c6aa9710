/** Turning on two-step sign-in: password again, scan the QR code (or type the key), confirm a code, save the recovery codes. */
import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/errors.ts';
import { confirmTotp, startTotpSetup, type TotpSetup } from '../api/mfa-client.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { IconWarning } from '../components/icons.tsx';
import { RecoveryCodes } from '../components/recovery-codes.tsx';

/** The key in groups of four, as apps print it: easier to type without losing one's place. */
function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return <div className="notice notice-error" role="alert" data-testid="mfa-setup-error"><IconWarning /><div className="notice-text">{message}</div></div>;
}

/** The whole enrollment; `onEnabled` runs after the user saved the recovery codes. */
export function TotpEnrollment({ username, onEnabled, onCancel }: { username: string; onEnabled(): void; onCancel?: () => void }) {
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = (task: () => Promise<void>): void => {
    setBusy(true);
    setError(null);
    task().catch((err: unknown) => setError(errorMessage(err))).finally(() => setBusy(false));
  };

  const start = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    if (password === '') return setError('Enter your password.');
    run(async () => {
      setSetup(await startTotpSetup(password));
      setPassword('');
    });
  };

  const confirm = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    if (code.trim() === '') return setError('Enter the 6-digit code the app shows.');
    run(async () => {
      try {
        setCodes(await confirmTotp(code.trim()));
      } finally {
        setCode('');
      }
    });
  };

  const cancel = onCancel && <button type="button" className="button button-ghost" onClick={onCancel}>Cancel</button>;

  if (codes) return <RecoveryCodes username={username} codes={codes} doneLabel="Done" onDone={onEnabled} />;

  if (setup) {
    return (
      <form onSubmit={confirm} noValidate>
        <p>Scan this QR code with an authenticator app (such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis), then enter the code it shows.</p>
        <div className="totp-scan">
          <img className="totp-qr" src={setup.qrCode} alt="QR code to scan with your authenticator app" width={200} height={200} data-testid="totp-qr" />
          <div className="totp-manual">
            <div className="field-label">Cannot scan? Enter this key in the app</div>
            <code className="totp-key" data-testid="totp-secret" data-secret={setup.secret}>{groupKey(setup.secret)}</code>
            <CopyButton text={setup.secret} label="Copy key" />
            <p className="field-hint">Time-based, 6 digits, every 30 seconds (the apps' default).</p>
          </div>
        </div>
        <FormError message={error} />
        <label className="field field-narrow">
          <span className="field-label">Code from the app</span>
          <input name="one-time-code" autoComplete="one-time-code" inputMode="numeric" autoFocus maxLength={16}
            value={code} onChange={(e) => setCode(e.target.value)} placeholder="123456" />
        </label>
        <div className="form-actions">
          {cancel}
          <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Checking…' : 'Turn on'}</button>
        </div>
      </form>
    );
  }

  return (
    <form onSubmit={start} noValidate>
      <p>With two-step sign-in, signing in needs your password and a code from an app on your phone, so a stolen password alone is not enough.</p>
      <FormError message={error} />
      <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
      <label className="field">
        <span className="field-label">Your password</span>
        <input name="current-password" type="password" autoComplete="current-password" autoFocus maxLength={1024}
          value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <div className="form-actions">
        {cancel}
        <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Starting…' : 'Continue'}</button>
      </div>
    </form>
  );
}
