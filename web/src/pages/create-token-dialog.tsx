/** "New API token": name, scopes (only the user's own permissions), expiry; then the secret, shown once, with a usage example. */
import { useCallback, useState, type FormEvent } from 'react';
import { createToken, listPermissions } from '../api/access-client.ts';
import type { ApiTokenRecord } from '../api/access-types.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { Modal } from '../components/modal.tsx';
import { OneTimeSecret } from '../components/one-time-secret.tsx';
import { ErrorNotice } from '../components/ui.tsx';
import { useCurrentUser } from '../lib/access.ts';
import { usePoll } from '../lib/hooks.ts';
import { checkTokenForm, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, tokenUsageExample } from '../lib/token-form.ts';

function TokenCreated({ token, secret, onDone }: { token: ApiTokenRecord; secret: string; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const example = tokenUsageExample(window.location.origin, secret);
  const close = (): void => {
    if (copied || confirmClose) onDone();
    else setConfirmClose(true);
  };
  return (
    <Modal title={`Token “${token.name}” created`} onClose={close} wide footer={<>
      {confirmClose && !copied && <span className="footer-warning">The token has not been copied. Close anyway?</span>}
      <button type="button" className="button button-primary" onClick={close}>{confirmClose && !copied ? 'Close without copying' : 'Done'}</button>
    </>}>
      <OneTimeSecret value={secret} testId="api-token-secret" copyLabel="Copy token" onCopied={() => setCopied(true)}
        note="Copy this token now. It is shown only once and cannot be displayed again; if it is lost, revoke it and create a new one. Keep it as secret as a password." />
      <dl className="facts facts-inline">
        <div><dt>Scopes</dt><dd className="mono">{token.permissions.join(', ')}</dd></div>
        <div><dt>Expires</dt><dd>{new Date(token.expiresAt).toISOString().slice(0, 10)}</dd></div>
      </dl>
      <div className="example">
        <div className="example-header">
          <span>Read recent events with curl</span>
          <CopyButton text={example} className="button button-ghost button-small" />
        </div>
        <pre className="code" data-testid="api-token-example">{example}</pre>
      </div>
    </Modal>
  );
}

/** The dialog; `onCreated` refreshes the list while the secret is still on screen. */
export function CreateTokenDialog({ onClose, onCreated }: { onClose(): void; onCreated(): void }) {
  const me = useCurrentUser();
  const loadPermissions = useCallback((signal: AbortSignal) => listPermissions(signal), []);
  const permissions = usePoll(loadPermissions, 0);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [days, setDays] = useState(String(DEFAULT_TOKEN_DAYS));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<{ token: ApiTokenRecord; secret: string } | null>(null);

  if (created) return <TokenCreated {...created} onDone={onClose} />;

  const own = me?.permissions ?? [];
  // Only what the user has: the server refuses a token wider than its owner.
  const offered = (permissions.data ?? []).filter((p) => own.includes(p.name));
  const toggle = (p: string): void => setChosen((prev) => (prev.includes(p) ? prev.filter((x) => x !== p) : [...prev, p]));

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const input = checkTokenForm({ name, permissions: chosen, days }, own);
    if (typeof input === 'string') return setError(new Error(input));
    setBusy(true);
    setError(undefined);
    createToken(input).then((res) => { setCreated(res); onCreated(); }, (err: unknown) => { setError(err); setBusy(false); });
  };

  return (
    <Modal title="New API token" onClose={onClose} wide footer={<>
      <button type="button" className="button button-ghost" onClick={onClose} disabled={busy}>Cancel</button>
      <button type="submit" form="token-form" className="button button-primary" disabled={busy || !permissions.data}>{busy ? 'Creating…' : 'Create token'}</button>
    </>}>
      <form id="token-form" onSubmit={submit} noValidate>
        {error !== undefined && <ErrorNotice error={error} />}
        {permissions.error !== undefined && !permissions.data && <ErrorNotice error={permissions.error} onRetry={permissions.refresh} />}
        <label className="field">
          <span className="field-label">Name</span>
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={64} spellCheck={false} autoComplete="off"
            placeholder="e.g. siem-export" />
          <span className="field-hint">What will use the token, so you know what breaks when you revoke it.</span>
        </label>
        <fieldset className="field">
          <legend className="field-label">Scopes</legend>
          <span className="field-hint">Give the token only what it needs. You can grant only permissions your role has.</span>
          <div className="permission-list">
            {offered.map((p) => (
              <label key={p.name} className="permission-choice">
                <input type="checkbox" name="scope" value={p.name} checked={chosen.includes(p.name)} onChange={() => toggle(p.name)} />
                <span className="mono">{p.name}</span>
                <span className="muted">{p.description}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field field-narrow">
          <span className="field-label">Expires in (days)</span>
          <input name="expiresInDays" type="number" min={1} max={MAX_TOKEN_DAYS} step={1} value={days} onChange={(e) => setDays(e.target.value)} />
          <span className="field-hint">1 to {MAX_TOKEN_DAYS} days.</span>
        </label>
      </form>
    </Modal>
  );
}
