/**
 * What the signed-in user may do, for showing only the pages and buttons their role grants. The
 * server enforces every permission anyway: this only spares people buttons that would answer 403.
 */
import { createContext, useContext } from 'react';
import type { User } from '../api/types.ts';

/** The signed-in user; provided by the shell around every page. */
export const CurrentUserContext = createContext<User | null>(null);

/** True when `user` has `permission`. */
export function can(user: User | null, permission: string): boolean {
  return user !== null && user.permissions.includes(permission);
}

/** The signed-in user (null outside the shell). */
export function useCurrentUser(): User | null {
  return useContext(CurrentUserContext);
}

/** True when the signed-in user has `permission`. */
export function useCan(permission: string): boolean {
  return can(useContext(CurrentUserContext), permission);
}
