/** The Users table's filtering and sorting: pure, so it is tested without a browser. */
import type { UserRecord } from '../api/access-types.ts';

export const USER_SORT_KEYS = ['username', 'displayName', 'role', 'status', 'signIn', 'createdAt', 'passwordChangedAt'] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

export interface UserSort {
  key: UserSortKey;
  descending: boolean;
}

/** How a user signs in: `local` is a password; `oidc:<provider>` single sign-on through that provider. */
export function signInMethod(authSource: string): string {
  if (authSource === 'local') return 'Password';
  if (authSource.startsWith('oidc:')) return `SSO (${authSource.slice(5)})`;
  return authSource;
}

/** Users whose name, display name, e-mail, role, status or sign-in method contains `text` (any case). */
export function filterUsers(users: readonly UserRecord[], text: string): UserRecord[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [...users];
  return users.filter((u) => [u.username, u.displayName ?? '', u.email ?? '', u.role, u.status, signInMethod(u.authSource)]
    .some((v) => v.toLowerCase().includes(needle)));
}

function sortValue(u: UserRecord, key: UserSortKey): string | number | undefined {
  switch (key) {
    case 'signIn': return signInMethod(u.authSource);
    case 'displayName': return u.displayName;
    case 'createdAt': return u.createdAt;
    case 'passwordChangedAt': return u.passwordChangedAt;
    default: return u[key];
  }
}

/** Sorted copy; missing values (no display name, never changed) go last either way, ties by user name. */
export function sortUsers(users: readonly UserRecord[], sort: UserSort): UserRecord[] {
  const dir = sort.descending ? -1 : 1;
  return [...users].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
    } else {
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { sensitivity: 'base', numeric: true });
      if (c !== 0) return c * dir;
    }
    return a.username.localeCompare(b.username);
  });
}

/** The next sort after clicking a column header: the same column flips, a new one starts ascending. */
export function nextSort(current: UserSort, key: UserSortKey): UserSort {
  return current.key === key ? { key, descending: !current.descending } : { key, descending: false };
}
