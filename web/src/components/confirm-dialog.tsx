/** "Are you sure?" for consequential actions; shows the server's refusal (e.g. a last-admin 409) instead of closing. */
import { useState, type ReactNode } from 'react';
import { Modal } from './modal.tsx';
import { ErrorNotice } from './ui.tsx';

/** Runs `action` on confirmation; closes through `onDone` only when it succeeded. */
export function ConfirmDialog({ title, children, confirmLabel, busyLabel, danger = false, action, onClose, onDone }: {
  title: string; children: ReactNode; confirmLabel: string; busyLabel: string; danger?: boolean;
  action(): Promise<unknown>; onClose(): void; onDone(): void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const confirm = (): void => {
    setBusy(true);
    setError(undefined);
    action().then(onDone, (err: unknown) => { setError(err); setBusy(false); });
  };
  return (
    <Modal title={title} onClose={onClose} footer={<>
      <button type="button" className="button button-ghost" onClick={onClose} disabled={busy}>Cancel</button>
      <button type="button" className={danger ? 'button button-danger' : 'button button-primary'} onClick={confirm} disabled={busy}>
        {busy ? busyLabel : confirmLabel}
      </button>
    </>}>
      {error !== undefined && <ErrorNotice error={error} />}
      {children}
    </Modal>
  );
}
