/** "Add source": name, kind and source type; then the token, shown once, with shipper examples. */
import { useCallback, useState, type FormEvent } from 'react';
import { createSource, listSourceTypes } from '../api/client.ts';
import { errorMessage } from '../api/errors.ts';
import { TOKEN_KINDS, type CreatedSource, type Source, type TokenKind } from '../api/types.ts';
import { CopyButton } from '../components/copy-button.tsx';
import { IconWarning } from '../components/icons.tsx';
import { Modal } from '../components/modal.tsx';
import { kindLabel } from '../components/ui.tsx';
import { usePoll } from '../lib/hooks.ts';
import { ingestEndpoint, ingestExamples } from '../lib/ingest-examples.ts';
import { validateSourceName } from '../lib/source-name.ts';

const KIND_HINTS: Record<TokenKind, string> = {
  http: 'JSON, NDJSON or text lines posted to the Vigil ingest API.',
  hec: 'Anything that speaks Splunk HTTP Event Collector (Splunk forwarders, Vector, Fluent Bit).',
  elastic: 'Elasticsearch bulk API shippers: Filebeat, Logstash, Vector, Fluent Bit.',
  otlp: 'OpenTelemetry logs over OTLP/HTTP (JSON or protobuf).',
};

function SourceCreated({ source, token, kind, onDone }: { source: CreatedSource; token: string; kind: TokenKind; onDone(): void }) {
  const [copied, setCopied] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const origin = window.location.origin;
  const close = (): void => {
    if (copied || confirmClose) onDone();
    else setConfirmClose(true);
  };
  return (
    <Modal title={`Source “${source.name}” created`} onClose={close} wide footer={<>
      {confirmClose && !copied && <span className="footer-warning">The token has not been copied. Close anyway?</span>}
      <button type="button" className="button button-primary" onClick={close}>{confirmClose && !copied ? 'Close without copying' : 'Done'}</button>
    </>}>
      <div className="notice notice-warn" role="note">
        <IconWarning />
        <div className="notice-text">Copy this token now. It is shown only once and cannot be displayed again; if it is lost, revoke the source and add a new one.</div>
      </div>
      <div className="token-box">
        <code className="token" data-testid="source-token">{token}</code>
        <CopyButton text={token} label="Copy token" onCopied={() => setCopied(true)} className="button button-primary button-small" />
      </div>
      <dl className="facts facts-inline">
        <div><dt>Kind</dt><dd>{kindLabel(kind)}</dd></div>
        <div><dt>Source type</dt><dd className="mono">{source.sourceType}</dd></div>
        <div><dt>Endpoint</dt><dd className="mono">{ingestEndpoint(kind, origin)}</dd></div>
      </dl>
      {ingestExamples(kind, origin, token).map((ex) => (
        <div className="example" key={ex.title}>
          <div className="example-header">
            <span>{ex.title}</span>
            <CopyButton text={ex.code} className="button button-ghost button-small" />
          </div>
          <pre className="code">{ex.code}</pre>
        </div>
      ))}
    </Modal>
  );
}

/** The dialog; `onCreated` lets the page refresh its list while the token is still on screen. */
export function AddSourceDialog({ existing, onClose, onCreated }: { existing: readonly Source[]; onClose(): void; onCreated(): void }) {
  const loadTypes = useCallback((signal: AbortSignal) => listSourceTypes(signal), []);
  const types = usePoll(loadTypes, 0);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<TokenKind>('http');
  const [sourceType, setSourceType] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ source: CreatedSource; token: string; kind: TokenKind } | null>(null);

  const typeList = types.data ?? [];
  // Default to automatic detection when the server offers it, otherwise the first type.
  const chosenType = sourceType || (typeList.find((t) => t.name === 'auto')?.name ?? typeList[0]?.name ?? '');
  const chosenInfo = typeList.find((t) => t.name === chosenType);

  if (created) return <SourceCreated {...created} onDone={onClose} />;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const problem = validateSourceName(name, existing.filter((s) => s.revokedAt === undefined).map((s) => s.name));
    if (problem) return setError(problem);
    if (!chosenType) return setError('Choose a source type.');
    setBusy(true);
    setError(null);
    createSource({ name: name.trim(), kind, sourceType: chosenType }).then(
      (res) => { setCreated({ ...res, kind }); onCreated(); },
      (err: unknown) => { setError(errorMessage(err)); setBusy(false); },
    );
  };

  return (
    <Modal title="Add source" onClose={onClose} footer={<>
      <button type="button" className="button button-ghost" onClick={onClose} disabled={busy}>Cancel</button>
      <button type="submit" form="add-source-form" className="button button-primary" disabled={busy || !chosenType}>
        {busy ? 'Creating…' : 'Create source'}
      </button>
    </>}>
      <form id="add-source-form" onSubmit={submit} noValidate>
        {error && <div className="notice notice-error" role="alert"><IconWarning /><div className="notice-text">{error}</div></div>}
        <label className="field">
          <span className="field-label">Name</span>
          <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={128}
            placeholder="e.g. web-proxy-logs" spellCheck={false} autoComplete="off" />
          <span className="field-hint">Shown on events as <code>source</code>. Letters, digits, dot, dash and underscore.</span>
        </label>
        <fieldset className="field">
          <legend className="field-label">Kind</legend>
          <div className="choice-grid">
            {TOKEN_KINDS.map((k) => (
              <label key={k} className={k === kind ? 'choice choice-selected' : 'choice'}>
                <input type="radio" name="kind" value={k} checked={k === kind} onChange={() => setKind(k)} />
                <span className="choice-title">{kindLabel(k)}</span>
                <span className="choice-hint">{KIND_HINTS[k]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field">
          <span className="field-label">Source type</span>
          {types.error !== undefined && !types.data
            ? <div className="notice notice-error"><IconWarning /><div className="notice-text">Cannot load source types: {errorMessage(types.error)}</div>
                <button type="button" className="button button-small" onClick={types.refresh}>Retry</button></div>
            : (
              <select name="sourceType" value={chosenType} onChange={(e) => setSourceType(e.target.value)} disabled={!types.data}>
                {!types.data && <option value="">Loading…</option>}
                {typeList.map((t) => <option key={t.name} value={t.name}>{t.name}</option>)}
              </select>
            )}
          <span className="field-hint">{chosenInfo?.description || 'How records from this source are parsed.'}</span>
        </label>
      </form>
    </Modal>
  );
}
