/** Create or change a custom role: name (new roles only), description, and a checkbox per permission. */
import { useState, type FormEvent } from 'react';
import { createRole, updateRole } from '../api/access-client.ts';
import type { PermissionInfo, RoleRecord } from '../api/access-types.ts';
import { Modal } from '../components/modal.tsx';
import { ErrorNotice } from '../components/ui.tsx';

/** The server's rule for role names. */
const ROLE_NAME = /^[a-z][a-z0-9_-]{1,31}$/;

function problemWith(name: string, permissions: ReadonlySet<string>, existing: readonly RoleRecord[], isNew: boolean): string | null {
  if (isNew) {
    if (!ROLE_NAME.test(name)) return 'Role names are 2 to 32 lowercase letters, digits, _ and -, starting with a letter.';
    if (existing.some((r) => r.name === name)) return `A role named "${name}" already exists.`;
  }
  if (permissions.size === 0) return 'Choose at least one permission: a role without any can do nothing.';
  return null;
}

/** The dialog; `role` absent creates a new one. */
export function RoleEditorDialog({ role, permissions, existing, onClose, onSaved }: {
  role?: RoleRecord; permissions: readonly PermissionInfo[]; existing: readonly RoleRecord[]; onClose(): void; onSaved(): void;
}) {
  const isNew = role === undefined;
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(role?.permissions ?? []));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const toggle = (p: string): void => setChosen((prev) => {
    const next = new Set(prev);
    if (next.has(p)) next.delete(p);
    else next.add(p);
    return next;
  });

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const problem = problemWith(name.trim(), chosen, existing, isNew);
    if (problem) return setError(new Error(problem));
    setBusy(true);
    setError(undefined);
    // Keep the server's permission order, so roles read the same everywhere.
    const list = permissions.map((p) => p.name).filter((p) => chosen.has(p));
    const saving = isNew
      ? createRole({ name: name.trim(), description: description.trim(), permissions: list })
      : updateRole(role.name, { description: description.trim(), permissions: list });
    saving.then(onSaved, (err: unknown) => { setError(err); setBusy(false); });
  };

  return (
    <Modal title={isNew ? 'New role' : `Edit role “${role.name}”`} onClose={onClose} wide footer={<>
      <button type="button" className="button button-ghost" onClick={onClose} disabled={busy}>Cancel</button>
      <button type="submit" form="role-form" className="button button-primary" disabled={busy}>{busy ? 'Saving…' : isNew ? 'Create role' : 'Save role'}</button>
    </>}>
      <form id="role-form" onSubmit={submit} noValidate>
        {error !== undefined && <ErrorNotice error={error} />}
        {isNew && (
          <label className="field">
            <span className="field-label">Name</span>
            <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={32} spellCheck={false} autoComplete="off"
              placeholder="e.g. auditor" />
            <span className="field-hint">Lowercase letters, digits, _ and -. It cannot be renamed later.</span>
          </label>
        )}
        <label className="field">
          <span className="field-label">Description</span>
          <input name="description" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={256} autoComplete="off"
            placeholder="What people with this role do" />
        </label>
        <fieldset className="field">
          <legend className="field-label">Permissions <span className="muted">({chosen.size} of {permissions.length})</span></legend>
          <div className="permission-list">
            {permissions.map((p) => (
              <label key={p.name} className="permission-choice">
                <input type="checkbox" name="permission" value={p.name} checked={chosen.has(p.name)} onChange={() => toggle(p.name)} />
                <span className="mono">{p.name}</span>
                <span className="muted">{p.description}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {!isNew && role.users > 0 && <p className="muted small">Changes apply at once to the {role.users} user(s) with this role; their API tokens lose any permission the role no longer grants.</p>}
      </form>
    </Modal>
  );
}
