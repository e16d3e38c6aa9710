/** Shapes of the users, roles, API token and session routes (`/api/v1/users`, `/roles`, `/tokens`, `/auth/sessions`) and their decoders. */
import { arr, bool, num, obj, optNum, optStr, str } from './decode.ts';

/** A user as administrators see them. `status` is `active`, `disabled` or `locked` (a newer server may add more). */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string | undefined;
  email: string | undefined;
  role: string;
  /** `local` (password) or `oidc:<provider>` (single sign-on). */
  authSource: string;
  status: string;
  mustChangePassword: boolean;
  /** Two-step sign-in (TOTP) is on. */
  mfaEnabled: boolean;
  createdAt: number;
  passwordChangedAt: number | undefined;
  lockedUntil: number | undefined;
  disabledAt: number | undefined;
}

/** A signed-in browser session. `id` is a short prefix of the session token's hash, not a credential. */
export interface SessionRecord {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  address: string | undefined;
  userAgent: string | undefined;
  /** The session making this request. */
  current: boolean;
}

/** An API token (never its secret). `status` is `active`, `expired` or `revoked`. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  userId: string;
  permissions: string[];
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | undefined;
  revokedAt: number | undefined;
  status: string;
}

export interface RoleRecord {
  name: string;
  description: string;
  permissions: string[];
  builtin: boolean;
  /** How many users have the role. */
  users: number;
}

export interface PermissionInfo {
  name: string;
  description: string;
}

function strings(v: unknown, what: string): string[] {
  return arr(v, what).map((s, i) => str(s, `${what}[${i}]`));
}

/** Decodes one user record. */
export function decodeUserRecord(v: unknown, what = 'user'): UserRecord {
  const u = obj(v, what);
  return {
    id: str(u.id, `${what}.id`),
    username: str(u.username, `${what}.username`),
    displayName: optStr(u.displayName, `${what}.displayName`),
    email: optStr(u.email, `${what}.email`),
    role: str(u.role, `${what}.role`),
    authSource: str(u.authSource, `${what}.authSource`),
    status: str(u.status, `${what}.status`),
    mustChangePassword: bool(u.mustChangePassword, `${what}.mustChangePassword`),
    mfaEnabled: bool(u.mfaEnabled, `${what}.mfaEnabled`),
    createdAt: num(u.createdAt, `${what}.createdAt`),
    passwordChangedAt: optNum(u.passwordChangedAt, `${what}.passwordChangedAt`),
    lockedUntil: optNum(u.lockedUntil, `${what}.lockedUntil`),
    disabledAt: optNum(u.disabledAt, `${what}.disabledAt`),
  };
}

function decodeSession(v: unknown, what: string): SessionRecord {
  const s = obj(v, what);
  return {
    id: str(s.id, `${what}.id`),
    createdAt: num(s.createdAt, `${what}.createdAt`),
    lastSeenAt: num(s.lastSeenAt, `${what}.lastSeenAt`),
    expiresAt: num(s.expiresAt, `${what}.expiresAt`),
    address: optStr(s.address, `${what}.address`),
    userAgent: optStr(s.userAgent, `${what}.userAgent`),
    current: bool(s.current, `${what}.current`),
  };
}

function decodeToken(v: unknown, what: string): ApiTokenRecord {
  const t = obj(v, what);
  return {
    id: str(t.id, `${what}.id`),
    name: str(t.name, `${what}.name`),
    userId: str(t.userId, `${what}.userId`),
    permissions: strings(t.permissions, `${what}.permissions`),
    createdAt: num(t.createdAt, `${what}.createdAt`),
    expiresAt: num(t.expiresAt, `${what}.expiresAt`),
    lastUsedAt: optNum(t.lastUsedAt, `${what}.lastUsedAt`),
    revokedAt: optNum(t.revokedAt, `${what}.revokedAt`),
    status: str(t.status, `${what}.status`),
  };
}

function decodeRole(v: unknown, what: string): RoleRecord {
  const r = obj(v, what);
  return {
    name: str(r.name, `${what}.name`),
    description: optStr(r.description, `${what}.description`) ?? '',
    permissions: strings(r.permissions, `${what}.permissions`),
    builtin: bool(r.builtin, `${what}.builtin`),
    users: num(r.users, `${what}.users`),
  };
}

/** Decodes `{ users: [...] }`. */
export function decodeUserList(body: unknown): UserRecord[] {
  return arr(obj(body, 'the answer').users, 'users').map((u, i) => decodeUserRecord(u, `users[${i}]`));
}

/** Decodes `{ user }` from changing or unlocking a user. */
export function decodeUserAnswer(body: unknown): UserRecord {
  return decodeUserRecord(obj(body, 'the answer').user);
}

/** Decodes `{ user, oneTimePassword }` from creating a user. */
export function decodeCreatedUser(body: unknown): { user: UserRecord; oneTimePassword: string } {
  const b = obj(body, 'the answer');
  return { user: decodeUserRecord(b.user), oneTimePassword: str(b.oneTimePassword, 'oneTimePassword') };
}

/** Decodes `{ oneTimePassword }` from a password reset. */
export function decodeOneTimePassword(body: unknown): string {
  return str(obj(body, 'the answer').oneTimePassword, 'oneTimePassword');
}

/** Decodes `{ user, sessions, tokens }`: one user with their sessions and API tokens. */
export function decodeUserDetail(body: unknown): { user: UserRecord; sessions: SessionRecord[]; tokens: ApiTokenRecord[] } {
  const b = obj(body, 'the answer');
  return {
    user: decodeUserRecord(b.user),
    sessions: arr(b.sessions, 'sessions').map((s, i) => decodeSession(s, `sessions[${i}]`)),
    tokens: arr(b.tokens, 'tokens').map((t, i) => decodeToken(t, `tokens[${i}]`)),
  };
}

/** Decodes `{ sessions: [...] }`. */
export function decodeSessions(body: unknown): SessionRecord[] {
  return arr(obj(body, 'the answer').sessions, 'sessions').map((s, i) => decodeSession(s, `sessions[${i}]`));
}

/** Decodes `{ tokens: [...] }`. */
export function decodeTokens(body: unknown): ApiTokenRecord[] {
  return arr(obj(body, 'the answer').tokens, 'tokens').map((t, i) => decodeToken(t, `tokens[${i}]`));
}

/** Decodes `{ token, secret }` from creating an API token. */
export function decodeCreatedToken(body: unknown): { token: ApiTokenRecord; secret: string } {
  const b = obj(body, 'the answer');
  return { token: decodeToken(b.token, 'token'), secret: str(b.secret, 'secret') };
}

/** Decodes `{ roles: [...] }`. */
export function decodeRoles(body: unknown): RoleRecord[] {
  return arr(obj(body, 'the answer').roles, 'roles').map((r, i) => decodeRole(r, `roles[${i}]`));
}

/** Decodes `{ role }` from creating or changing a role. */
export function decodeRoleAnswer(body: unknown): RoleRecord {
  return decodeRole(obj(body, 'the answer').role, 'role');
}

/** Decodes `{ permissions: [{ name, description }] }`. */
export function decodePermissions(body: unknown): PermissionInfo[] {
  return arr(obj(body, 'the answer').permissions, 'permissions').map((p, i) => {
    const o = obj(p, `permissions[${i}]`);
    return { name: str(o.name, `permissions[${i}].name`), description: optStr(o.description, `permissions[${i}].description`) ?? '' };
  });
}
