/**
 * Roles: built-in roles (fixed) and custom ones, with user counts, and the roles × permissions matrix.
 * Creating, editing and deleting custom roles needs `roles:write`.
 */
import { useCallback, useState } from 'react';
import { deleteRole, listPermissions, listRoles } from '../api/access-client.ts';
import type { PermissionInfo, RoleRecord } from '../api/access-types.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { IconCheck, IconPlus } from '../components/icons.tsx';
import { RefreshStatus } from '../components/refresh-status.tsx';
import { ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useCan } from '../lib/access.ts';
import { usePoll } from '../lib/hooks.ts';
import { RoleEditorDialog } from './role-editor-dialog.tsx';

async function loadAll(signal: AbortSignal): Promise<{ roles: RoleRecord[]; permissions: PermissionInfo[] }> {
  const [roles, permissions] = await Promise.all([listRoles(signal), listPermissions(signal)]);
  return { roles, permissions };
}

/** Rows are permissions, columns roles: permission names are long, roles are few. */
function PermissionMatrix({ roles, permissions }: { roles: readonly RoleRecord[]; permissions: readonly PermissionInfo[] }) {
  return (
    <div className="table-scroll">
      <table className="table table-compact permission-matrix" data-testid="permission-matrix">
        <thead>
          <tr>
            <th>Permission</th>
            {roles.map((r) => <th key={r.name} className="matrix-role" scope="col">{r.name}</th>)}
          </tr>
        </thead>
        <tbody>
          {permissions.map((p) => (
            <tr key={p.name}>
              <th scope="row" className="matrix-permission"><span className="mono">{p.name}</span><span className="muted">{p.description}</span></th>
              {roles.map((r) => {
                const has = r.permissions.includes(p.name);
                return (
                  <td key={r.name} className={has ? 'matrix-cell matrix-yes' : 'matrix-cell'} aria-label={has ? 'granted' : 'not granted'}>
                    {has ? <IconCheck size={14} /> : <span aria-hidden="true">·</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The Roles page. */
export function RolesPage() {
  const { data, error, loading, updatedAt, refresh } = usePoll(useCallback(loadAll, []), 0);
  const mayWrite = useCan('roles:write');
  const [editing, setEditing] = useState<{ role?: RoleRecord } | null>(null);
  const [deleting, setDeleting] = useState<RoleRecord | null>(null);

  return (
    <>
      <PageHeader title="Roles" subtitle="A role is a set of permissions; every user has one role."
        actions={<>
          <RefreshStatus updatedAt={updatedAt} loading={loading} failed={error !== undefined} onRefresh={refresh} live={false} />
          {mayWrite && data && <button type="button" className="button button-primary" onClick={() => setEditing({})}><IconPlus />New role</button>}
        </>} />
      {error !== undefined && <ErrorNotice error={error} staleSince={updatedAt} onRetry={refresh} />}
      {!data && error === undefined && <Loading />}
      {data && (
        <>
          <section className="panel panel-flush">
            <div className="table-scroll">
              <table className="table roles-table">
                <thead>
                  <tr><th>Role</th><th>Description</th><th>Kind</th><th className="num">Users</th><th className="num">Permissions</th>{mayWrite && <th className="col-actions-wide" aria-label="Actions" />}</tr>
                </thead>
                <tbody>
                  {data.roles.map((r) => (
                    <tr key={r.name} data-role={r.name}>
                      <td className="strong">{r.name}</td>
                      <td>{r.description || <span className="muted">—</span>}</td>
                      <td>{r.builtin ? <span className="tag">built-in</span> : <span className="tag tag-role">custom</span>}</td>
                      <td className="num">{r.users}</td>
                      <td className="num">{r.permissions.length}</td>
                      {mayWrite && (
                        <td className="col-actions-wide">
                          {r.builtin ? <span className="muted small">read-only</span> : <>
                            <button type="button" className="button button-small" onClick={() => setEditing({ role: r })}>Edit</button>
                            <button type="button" className="button button-small button-danger-ghost" onClick={() => setDeleting(r)}>Delete</button>
                          </>}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="panel panel-flush">
            <div className="table-toolbar"><strong>Permissions by role</strong><span className="muted">Built-in roles cannot change; create a custom role for other combinations.</span></div>
            <PermissionMatrix roles={data.roles} permissions={data.permissions} />
          </section>
        </>
      )}
      {editing && data && (
        <RoleEditorDialog role={editing.role} permissions={data.permissions} existing={data.roles}
          onClose={() => setEditing(null)} onSaved={() => { setEditing(null); refresh(); }} />
      )}
      {deleting && (
        <ConfirmDialog title={`Delete the role “${deleting.name}”?`} confirmLabel="Delete role" busyLabel="Deleting…" danger
          action={() => deleteRole(deleting.name)} onClose={() => setDeleting(null)} onDone={() => { setDeleting(null); refresh(); }}>
          {deleting.users > 0
            ? <p>{deleting.users} user(s) have this role. Vigil refuses to delete a role in use: give them another role first.</p>
            : <p>No user has this role. This cannot be undone.</p>}
        </ConfirmDialog>
      )}
    </>
  );
}
