/** Saved searches: save the current one (name, shared), and a menu of the user's own and shared ones to open, rename or delete. */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { createSavedSearch, deleteSavedSearch, listSavedSearches, updateSavedSearch } from '../../api/search-client.ts';
import type { SavedSearch } from '../../api/search-types.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { IconCaretDown, IconStar } from '../../components/icons.tsx';
import { Modal } from '../../components/modal.tsx';
import { ErrorNotice, Loading } from '../../components/ui.tsx';
import { useCurrentUser } from '../../lib/access.ts';
import { useDismiss, usePoll } from '../../lib/hooks.ts';
import { truncate, visibleText } from '../../lib/safe-text.ts';
import type { SearchState } from '../../lib/search-query.ts';

/** The server's limit on names. */
const MAX_NAME = 100;

/** Name (and, when saving, the shared box) of a saved search. */
function NameDialog({ title, submitLabel, initialName, initialShared, withShared, save, onClose }: {
  title: string; submitLabel: string; initialName: string; initialShared: boolean; withShared: boolean;
  save(name: string, shared: boolean): Promise<unknown>; onClose(): void;
}) {
  const [name, setName] = useState(initialName);
  const [shared, setShared] = useState(initialShared);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (name.trim() === '') return setError(new Error('Give the search a name.'));
    setBusy(true);
    setError(undefined);
    save(name.trim(), shared).then(onClose, (err: unknown) => { setError(err); setBusy(false); });
  };
  return (
    <Modal title={title} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        {error !== undefined && <ErrorNotice error={error} />}
        <label className="field">
          <span className="field-label">Name</span>
          <input type="text" value={name} maxLength={MAX_NAME} autoFocus onChange={(e) => setName(e.target.value)} />
        </label>
        {withShared && (
          <label className="checkbox">
            <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />
            Shared: everyone who may read events sees it
          </label>
        )}
        <div className="form-actions">
          <button type="button" className="button button-ghost" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button button-primary" disabled={busy}>{busy ? 'Saving…' : submitLabel}</button>
        </div>
      </form>
    </Modal>
  );
}

type Dialog = { kind: 'save' } | { kind: 'rename'; search: SavedSearch } | { kind: 'delete'; search: SavedSearch } | null;

/** "Save" and "Saved searches" buttons; `onOpen` runs a saved search. */
export function SavedSearches({ current, onOpen }: { current: SearchState; onOpen(s: SearchState): void }) {
  const user = useCurrentUser();
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  const load = useCallback((signal: AbortSignal) => listSavedSearches(signal), []);
  const list = usePoll(load, 0);

  const done = (message: string) => () => { setNotice(message); list.refresh(); };
  useEffect(() => {
    if (notice === null) return;
    const t = window.setTimeout(() => setNotice(null), 6000);
    return () => window.clearTimeout(t);
  }, [notice]);

  return (
    <div className="saved-searches" ref={ref}>
      {notice && <span className="topbar-note" role="status">{notice}</span>}
      <button type="button" className="button" onClick={() => { setNotice(null); setDialog({ kind: 'save' }); }} disabled={current.q === ''}
        title={current.q === '' ? 'Type a query first' : 'Save this query and time range'}>
        <IconStar />Save
      </button>
      <button type="button" className="button" aria-haspopup="menu" aria-expanded={open} onClick={() => { if (!open) list.refresh(); setOpen(!open); }}>
        Saved searches<IconCaretDown size={14} />
      </button>
      {open && (
        <div className="popover saved-popover" role="menu" aria-label="Saved searches">
          {list.error !== undefined && <ErrorNotice error={list.error} onRetry={list.refresh} />}
          {!list.data && list.error === undefined && <Loading />}
          {list.data && list.data.length === 0 && <p className="muted small saved-empty">No saved searches yet. Type a query and press Save.</p>}
          {list.data && list.data.map((s) => (
            <div key={s.id} className="saved-item" data-saved={s.name}>
              <button type="button" role="menuitem" className="menu-item saved-open" title={s.query}
                onClick={() => { setOpen(false); onOpen({ q: s.query, from: s.from ?? '-24h', to: s.to ?? 'now' }); }}>
                <span className="saved-name">{visibleText(truncate(s.name, 80))}</span>
                {s.shared && <span className="tag">shared</span>}
                {s.ownerId !== user?.id && <span className="muted small">{visibleText(truncate(s.ownerName ?? 'another user', 40))}</span>}
                <span className="saved-query mono muted">{visibleText(truncate(s.query, 120))}</span>
              </button>
              {s.editable && (
                <span className="saved-actions">
                  <button type="button" className="link-button" aria-label={`Rename ${s.name}`} onClick={() => { setOpen(false); setDialog({ kind: 'rename', search: s }); }}>Rename</button>
                  <button type="button" className="link-button link-danger" aria-label={`Delete ${s.name}`} onClick={() => { setOpen(false); setDialog({ kind: 'delete', search: s }); }}>Delete</button>
                </span>
              )}
            </div>
          ))}
        </div>
      )}
      {dialog?.kind === 'save' && (
        <NameDialog title="Save search" submitLabel="Save search" initialName="" initialShared={false} withShared onClose={() => setDialog(null)}
          save={(name, shared) => createSavedSearch({ name, query: current.q, from: current.from, to: current.to, shared }).then(done(`Saved “${truncate(name, 40)}”`))} />
      )}
      {dialog?.kind === 'rename' && (
        <NameDialog title="Rename saved search" submitLabel="Rename" initialName={dialog.search.name} initialShared={dialog.search.shared} withShared
          onClose={() => setDialog(null)}
          save={(name, shared) => updateSavedSearch(dialog.search.id, { name, shared }).then(done('Saved search updated'))} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog title="Delete saved search" confirmLabel="Delete" busyLabel="Deleting…" danger onClose={() => setDialog(null)}
          action={() => deleteSavedSearch(dialog.search.id)} onDone={() => { setDialog(null); done('Saved search deleted')(); }}>
          <p>Delete “{visibleText(truncate(dialog.search.name, 80))}”{dialog.search.shared ? ' for everyone it is shared with' : ''}?</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
