/** One-time recovery codes, shown once: copy, download, and confirm they were saved before moving on. */
import { useState } from 'react';
import { CopyButton } from './copy-button.tsx';
import { IconWarning } from './icons.tsx';

/** The codes as a text file, so they can be printed or kept in a password manager. */
function download(username: string, codes: string[]): void {
  const text = `Vigil recovery codes for ${username}\nEach code signs in once when the authenticator app is not at hand.\n\n${codes.join('\n')}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'vigil-recovery-codes.txt';
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** Lists `codes`; `onDone` runs once the user confirmed they saved them. */
export function RecoveryCodes({ username, codes, doneLabel, onDone }: { username: string; codes: string[]; doneLabel: string; onDone(): void }) {
  const [saved, setSaved] = useState(false);
  return (
    <div className="recovery-codes">
      <div className="notice notice-warn" role="note">
        <IconWarning />
        <div className="notice-text">
          Save these recovery codes now: they are shown only once. Each one signs you in once if you lose your phone.
          Keep them somewhere safe, apart from this computer.
        </div>
      </div>
      <ol className="recovery-code-list" data-testid="recovery-codes">
        {codes.map((code) => <li key={code}><code>{code}</code></li>)}
      </ol>
      <div className="form-actions form-actions-start">
        <CopyButton text={codes.join('\n')} label="Copy codes" />
        <button type="button" className="button button-small" onClick={() => download(username, codes)}>Download</button>
      </div>
      <label className="checkbox recovery-saved">
        <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
        <span>I have saved these codes</span>
      </label>
      <div className="form-actions">
        <button type="button" className="button button-primary" disabled={!saved} onClick={onDone}>{doneLabel}</button>
      </div>
    </div>
  );
}
