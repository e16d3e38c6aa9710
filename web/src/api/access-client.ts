/** Calls for users, roles, API tokens and sessions. The server checks every permission; the console only hides what it would refuse. */
import {
  decodeCreatedToken, decodeCreatedUser, decodeOneTimePassword, decodePermissions, decodeRoleAnswer, decodeRoles, decodeSessions,
  decodeTokens, decodeUserAnswer, decodeUserDetail, decodeUserList,
  type ApiTokenRecord, type PermissionInfo, type RoleRecord, type SessionRecord, type UserRecord,
} from './access-types.ts';
import { request } from './client.ts';
import { num, obj } from './decode.ts';

const id = encodeURIComponent;

/** All users. */
export async function listUsers(signal?: AbortSignal): Promise<UserRecord[]> {
  return decodeUserList(await request('GET', '/users', { signal }));
}

/** Creates a local user; the one-time password in the answer is never shown again. */
export async function createUser(input: { username: string; role: string; displayName?: string; email?: string }): Promise<{ user: UserRecord; oneTimePassword: string }> {
  return decodeCreatedUser(await request('POST', '/users', { body: input }));
}

/** One user with their open sessions and API tokens. */
export async function getUser(userId: string, signal?: AbortSignal): Promise<{ user: UserRecord; sessions: SessionRecord[]; tokens: ApiTokenRecord[] }> {
  return decodeUserDetail(await request('GET', `/users/${id(userId)}`, { signal }));
}

/** What can change about a user; `null` clears a name or e-mail. */
export interface UserChange {
  role?: string;
  displayName?: string | null;
  email?: string | null;
  disabled?: boolean;
}

/** Changes a user's role, name, e-mail or whether they may sign in. */
export async function updateUser(userId: string, change: UserChange): Promise<UserRecord> {
  return decodeUserAnswer(await request('PATCH', `/users/${id(userId)}`, { body: change }));
}

/** Gives a local user a new one-time password and signs them out everywhere. */
export async function resetUserPassword(userId: string): Promise<string> {
  return decodeOneTimePassword(await request('POST', `/users/${id(userId)}/reset-password`));
}

/** Lifts a lockout caused by failed sign-ins. */
export async function unlockUser(userId: string): Promise<UserRecord> {
  return decodeUserAnswer(await request('POST', `/users/${id(userId)}/unlock`));
}

/** Turns off a user's two-step sign-in (lost phone and recovery codes) and signs them out everywhere. */
export async function resetUserMfa(userId: string): Promise<UserRecord> {
  return decodeUserAnswer(await request('DELETE', `/users/${id(userId)}/mfa`));
}

/** Signs a user out everywhere; answers how many sessions ended. */
export async function endUserSessions(userId: string): Promise<number> {
  return num(obj(await request('DELETE', `/users/${id(userId)}/sessions`), 'the answer').ended, 'ended');
}

/** Every permission a role can grant, with what it allows. */
export async function listPermissions(signal?: AbortSignal): Promise<PermissionInfo[]> {
  return decodePermissions(await request('GET', '/permissions', { signal }));
}

/** Built-in and custom roles with their permissions and user counts. */
export async function listRoles(signal?: AbortSignal): Promise<RoleRecord[]> {
  return decodeRoles(await request('GET', '/roles', { signal }));
}

/** Creates a custom role. */
export async function createRole(input: { name: string; description: string; permissions: string[] }): Promise<RoleRecord> {
  return decodeRoleAnswer(await request('POST', '/roles', { body: input }));
}

/** Changes a custom role's description and permissions. */
export async function updateRole(name: string, input: { description: string; permissions: string[] }): Promise<RoleRecord> {
  return decodeRoleAnswer(await request('PUT', `/roles/${id(name)}`, { body: input }));
}

/** Deletes a custom role no user has (the server answers 409 with the reason otherwise). */
export async function deleteRole(name: string): Promise<void> {
  await request('DELETE', `/roles/${id(name)}`);
}

/** The signed-in user's API tokens. */
export async function listOwnTokens(signal?: AbortSignal): Promise<ApiTokenRecord[]> {
  return decodeTokens(await request('GET', '/tokens', { signal }));
}

/** Creates an API token for the signed-in user; the secret in the answer is never shown again. */
export async function createToken(input: { name: string; permissions: string[]; expiresInDays: number }): Promise<{ token: ApiTokenRecord; secret: string }> {
  return decodeCreatedToken(await request('POST', '/tokens', { body: input }));
}

/** Revokes an API token (one's own; administrators: anyone's). */
export async function revokeToken(tokenId: string): Promise<void> {
  await request('DELETE', `/tokens/${id(tokenId)}`);
}

/** The signed-in user's open sessions. */
export async function listOwnSessions(signal?: AbortSignal): Promise<SessionRecord[]> {
  return decodeSessions(await request('GET', '/auth/sessions', { signal }));
}

/** Ends one of the signed-in user's sessions. */
export async function endOwnSession(sessionId: string): Promise<void> {
  await request('DELETE', `/auth/sessions/${id(sessionId)}`);
}
