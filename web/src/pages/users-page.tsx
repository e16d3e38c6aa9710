/** Users: everyone who can sign in, their role and status; sortable and filterable; "New user" for administrators. */
import { useCallback, useState } from 'react';
import { listUsers } from '../api/access-client.ts';
import type { UserRecord } from '../api/access-types.ts';
import { IconFilter, IconPlus } from '../components/icons.tsx';
import { Link } from '../components/link.tsx';
import { RefreshStatus } from '../components/refresh-status.tsx';
import { Timestamp } from '../components/time.tsx';
import { EmptyState, ErrorNotice, Loading, PageHeader } from '../components/ui.tsx';
import { useCan } from '../lib/access.ts';
import { formatInt } from '../lib/format.ts';
import { usePoll } from '../lib/hooks.ts';
import { truncate } from '../lib/safe-text.ts';
import { filterUsers, nextSort, signInMethod, sortUsers, type UserSort, type UserSortKey } from '../lib/user-list.ts';
import { NewUserDialog } from './new-user-dialog.tsx';
import { UserStatus } from './user-status.tsx';

const COLUMNS: { key: UserSortKey; label: string }[] = [
  { key: 'username', label: 'User name' }, { key: 'displayName', label: 'Display name' }, { key: 'role', label: 'Role' },
  { key: 'status', label: 'Status' }, { key: 'signIn', label: 'Sign-in' }, { key: 'createdAt', label: 'Created' },
  { key: 'passwordChangedAt', label: 'Password changed' },
];

function SortHeader({ column, sort, onSort }: { column: { key: UserSortKey; label: string }; sort: UserSort; onSort(key: UserSortKey): void }) {
  const active = sort.key === column.key;
  return (
    <th aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className={active ? 'sort-button sort-button-active' : 'sort-button'} onClick={() => onSort(column.key)}>
        {column.label}<span className="sort-mark" aria-hidden="true">{active ? (sort.descending ? '▼' : '▲') : ''}</span>
      </button>
    </th>
  );
}

function UserRow({ user }: { user: UserRecord }) {
  return (
    <tr data-user={user.username} className={user.status === 'disabled' ? 'row-revoked' : undefined}>
      {/* User names may come from an identity provider: rendered as text. */}
      <td className="strong name-cell"><Link to={`/users/${encodeURIComponent(user.id)}`}>{truncate(user.username, 64)}</Link></td>
      <td>{user.displayName === undefined ? <span className="muted">—</span> : truncate(user.displayName, 64)}</td>
      <td><span className="tag tag-role">{user.role}</span></td>
      <td><UserStatus user={user} /></td>
      <td>{signInMethod(user.authSource)}</td>
      <td className="nowrap"><Timestamp ms={user.createdAt} dateOnly /></td>
      <td className="nowrap">
        {user.passwordChangedAt === undefined ? <span className="muted">{user.authSource === 'local' ? 'never' : '—'}</span> : <Timestamp ms={user.passwordChangedAt} dateOnly />}
      </td>
    </tr>
  );
}

/** The Users page. */
export function UsersPage() {
  const load = useCallback((signal: AbortSignal) => listUsers(signal), []);
  const { data, error, loading, updatedAt, refresh } = usePoll(load, 15_000);
  const mayWrite = useCan('users:write');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<UserSort>({ key: 'username', descending: false });
  const [adding, setAdding] = useState(false);

  const all = data ?? [];
  const rows = sortUsers(filterUsers(all, filter), sort);

  return (
    <>
      <PageHeader title="Users" subtitle="Who can sign in to Vigil, with which role."
        actions={<>
          <RefreshStatus updatedAt={updatedAt} loading={loading} failed={error !== undefined} onRefresh={refresh} live={false} />
          {mayWrite && <button type="button" className="button button-primary" onClick={() => setAdding(true)}><IconPlus />New user</button>}
        </>} />
      {error !== undefined && <ErrorNotice error={error} staleSince={updatedAt} onRetry={refresh} />}
      {!data && error === undefined && <Loading />}
      {data && (
        <section className="panel panel-flush">
          <div className="table-toolbar">
            <label className="filter-input table-filter">
              <IconFilter />
              <input type="search" aria-label="Filter users" placeholder="Filter by name, role, status…" value={filter}
                onChange={(e) => setFilter(e.target.value)} spellCheck={false} autoComplete="off" />
            </label>
            <span className="muted" data-testid="users-count">
              {rows.length === all.length ? `${formatInt(all.length)} user${all.length === 1 ? '' : 's'}` : `${formatInt(rows.length)} of ${formatInt(all.length)} users`}
            </span>
          </div>
          {rows.length === 0
            ? <EmptyState title="No users match">Clear the filter to see everyone.</EmptyState>
            : (
              <div className="table-scroll">
                <table className="table users-table">
                  <thead><tr>{COLUMNS.map((c) => <SortHeader key={c.key} column={c} sort={sort} onSort={(k) => setSort(nextSort(sort, k))} />)}</tr></thead>
                  <tbody>{rows.map((u) => <UserRow key={u.id} user={u} />)}</tbody>
                </table>
              </div>
            )}
        </section>
      )}
      {adding && <NewUserDialog existing={all} onClose={() => setAdding(false)} onCreated={refresh} />}
    </>
  );
}
