/**
 * "Import rules": a Sigma rule file (.yml, one or several `---` documents) or a zip archive of them;
 * then the server's report: how many were added and updated, and every rule's state with the reason
 * when it does not run. Rules keep the id in their YAML, so importing again updates them.
 */
import { useId, useState, type FormEvent } from 'react';
import { importRuleFile } from '../../api/detection-client.ts';
import type { ImportReport } from '../../api/detection-types.ts';
import { Link } from '../../components/link.tsx';
import { Modal } from '../../components/modal.tsx';
import { RuleStateBadge } from '../../components/rule-bits.tsx';
import { ErrorNotice } from '../../components/ui.tsx';
import { formatBytes, formatInt } from '../../lib/format.ts';
import { truncate, visibleText } from '../../lib/safe-text.ts';

/** The server refuses bodies above this (src/api/routes/rule-routes.ts MAX_IMPORT_BYTES): say so before uploading. */
const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
/** Rows of the report rendered; the counts above cover every rule. */
const MAX_REPORT_ROWS = 1_000;

function Report({ report }: { report: ImportReport }) {
  const byState = new Map<string, number>();
  for (const r of report.rules) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
  // Rules that do not run first: they are what the importer needs to look at.
  const rows = [...report.rules].sort((a, b) => Number(a.state === 'active') - Number(b.state === 'active')).slice(0, MAX_REPORT_ROWS);
  return (
    <div className="import-report" data-testid="import-report">
      <p>
        <strong>{formatInt(report.added)}</strong> added, <strong>{formatInt(report.updated)}</strong> updated
        {report.skipped > 0 && <>, {formatInt(report.skipped)} file{report.skipped === 1 ? '' : 's'} skipped (not YAML)</>}.
        {' '}<span className="muted">{[...byState].map(([s, n]) => `${formatInt(n)} ${s}`).join(', ')}</span>
      </p>
      {report.errors.length > 0 && (
        <div className="notice notice-warn" role="note">
          <div className="notice-text">
            {formatInt(report.errors.length)} file{report.errors.length === 1 ? '' : 's'} could not be read:
            <ul className="import-errors">
              {report.errors.slice(0, 50).map((e) => <li key={e.name}><span className="mono">{visibleText(truncate(e.name, 120))}</span>: {visibleText(truncate(e.reason, 300))}</li>)}
            </ul>
          </div>
        </div>
      )}
      {rows.length > 0 && (
        <div className="import-rules">
          <table className="table table-compact">
            <thead><tr><th>Rule</th><th>State</th><th>Reason</th></tr></thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={`${r.id}-${i}`} data-rule-id={r.id}>
                  <td>
                    {r.id !== ''
                      ? <Link to={`/rules/${encodeURIComponent(r.id)}`}>{visibleText(truncate(r.title || r.id, 120))}</Link>
                      : <span>{visibleText(truncate(r.title || r.source || r.id, 120))}</span>}
                    {r.source !== '' && <div className="muted small mono">{visibleText(truncate(r.source, 120))}</div>}
                  </td>
                  <td><RuleStateBadge state={r.state} /></td>
                  <td className="small">{r.reason === undefined ? <span className="muted">—</span> : visibleText(truncate(r.reason, 500))}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.rules.length > rows.length && <p className="muted small">And {formatInt(report.rules.length - rows.length)} more active rules.</p>}
        </div>
      )}
    </div>
  );
}

/** The dialog; `onImported` lets the page reload its list while the report is on screen. */
export function ImportDialog({ onClose, onImported }: { onClose(): void; onImported(): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [report, setReport] = useState<ImportReport | null>(null);
  const inputId = useId();

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!file || busy) return;
    if (file.size > MAX_IMPORT_BYTES) {
      setError(new Error(`${file.name} is ${formatBytes(file.size)}; the largest import is ${formatBytes(MAX_IMPORT_BYTES)}. Split the rules into several archives.`));
      return;
    }
    setBusy(true);
    setError(undefined);
    importRuleFile(file).then((r) => { setReport(r); onImported(); }, (err: unknown) => setError(err)).finally(() => setBusy(false));
  };

  return (
    <Modal title="Import rules" onClose={onClose} wide footer={report
      ? <button type="button" className="button button-primary" onClick={onClose}>Done</button>
      : <>
        <button type="button" className="button button-ghost" onClick={onClose}>Cancel</button>
        <button type="submit" form={`${inputId}-form`} className="button button-primary" disabled={!file || busy}>{busy ? 'Importing…' : 'Import'}</button>
      </>}>
      {report
        ? <Report report={report} />
        : (
          <form id={`${inputId}-form`} onSubmit={submit}>
            <p className="muted">
              A Sigma rule file (<span className="mono">.yml</span>, several rules separated by <span className="mono">---</span>) or a zip archive of
              rule files, such as a release of SigmaHQ's rules. A rule whose id is already known is updated; its on/off switch is kept.
            </p>
            <div className="field">
              <label className="field-label" htmlFor={inputId}>Rule file</label>
              <input id={inputId} type="file" accept=".yml,.yaml,.zip,application/zip,application/yaml,text/yaml"
                onChange={(e) => { setFile(e.target.files?.[0] ?? null); setError(undefined); }} />
            </div>
            {error !== undefined && <ErrorNotice error={error} />}
          </form>
        )}
    </Modal>
  );
}
