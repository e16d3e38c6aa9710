/** A secret the server shows only once (one-time password, API token): a warning, the value, and a copy button. */
import type { ReactNode } from 'react';
import { CopyButton } from './copy-button.tsx';
import { IconWarning } from './icons.tsx';

/** The value in a highlighted box; `note` says why it must be copied now and what happens next. */
export function OneTimeSecret({ value, note, copyLabel, testId, onCopied }: {
  value: string; note: ReactNode; copyLabel: string; testId: string; onCopied(): void;
}) {
  return (
    <>
      <div className="notice notice-warn" role="note">
        <IconWarning />
        <div className="notice-text">{note}</div>
      </div>
      <div className="token-box">
        <code className="token" data-testid={testId}>{value}</code>
        <CopyButton text={value} label={copyLabel} onCopied={onCopied} className="button button-primary button-small" />
      </div>
    </>
  );
}
