import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService } from '../../auth/auth-service.ts';
import { ALL_PERMISSIONS, BUILTIN_ROLE_NAMES, BUILTIN_ROLES, PERMISSIONS, ROLE_NAME, USERNAME, isPermission } from '../../auth/permissions.ts';
import type { ApiToken, Session, StateStore, User } from '../../store/state-store.ts';
import { principalOf } from '../access.ts';
import { auditDetails } from '../audit-context.ts';
import { ApiError } from '../errors.ts';

const userView = z.object({
  id: z.string(), username: z.string(), displayName: z.string().optional(), email: z.string().optional(), role: z.string(),
  authSource: z.string(), status: z.enum(['active', 'disabled', 'locked']), mustChangePassword: z.boolean(),
  mfaEnabled: z.boolean().describe('Two-step sign-in (TOTP) is on'),
  createdAt: z.number(), passwordChangedAt: z.number().optional(), lockedUntil: z.number().optional(), disabledAt: z.number().optional(),
});
type UserView = z.infer<typeof userView>;

const sessionView = z.object({
  id: z.string().describe('First 16 hex digits of the session token\'s hash: enough to tell sessions apart, useless to sign in'),
  createdAt: z.number(), lastSeenAt: z.number(), expiresAt: z.number(), address: z.string().optional(), userAgent: z.string().optional(),
  current: z.boolean(),
});

const tokenView = z.object({
  id: z.string(), name: z.string(), userId: z.string(), permissions: z.array(z.string()), createdAt: z.number(), expiresAt: z.number(),
  lastUsedAt: z.number().optional(), revokedAt: z.number().optional(), status: z.enum(['active', 'expired', 'revoked']),
});

const roleView = z.object({ name: z.string(), description: z.string(), permissions: z.array(z.string()), builtin: z.boolean(), users: z.number() });

function toUserView(u: User, now: number, mfaEnabled: boolean): UserView {
  const locked = u.lockedUntil !== undefined && u.lockedUntil > now;
  return {
    mfaEnabled,
    id: u.id, username: u.username, displayName: u.displayName, email: u.email, role: u.role, authSource: u.authSource,
    status: u.disabledAt !== undefined ? 'disabled' : locked ? 'locked' : 'active', mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt, passwordChangedAt: u.passwordChangedAt, lockedUntil: locked ? u.lockedUntil : undefined, disabledAt: u.disabledAt,
  };
}

function toSessionView(s: Session, currentHash: string | undefined) {
  return {
    id: s.tokenHash.slice(0, 16), createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, address: s.address, userAgent: s.userAgent,
    current: s.tokenHash === currentHash,
  };
}

function toTokenView(t: ApiToken, now: number) {
  return {
    id: t.id, name: t.name, userId: t.userId, permissions: t.permissions, createdAt: t.createdAt, expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt, status: t.revokedAt !== undefined ? 'revoked' as const : now >= t.expiresAt ? 'expired' as const : 'active' as const,
  };
}

const idParams = z.object({ id: z.string().uuid() });
const permissionList = z.array(z.string().refine(isPermission, 'unknown permission')).max(ALL_PERMISSIONS.length);

export interface UserRoutesDeps {
  auth: AuthService;
  state: StateStore;
}

/**
 * Users, roles and API tokens. Admin routes (users:*, roles:write) plus each user's own API tokens
 * and sessions. Guards against locking everyone out: the last active admin cannot be disabled,
 * demoted or have the admin role's users emptied.
 */
export const userRoutes: FastifyPluginAsyncZod<UserRoutesDeps> = async (app, opts) => {
  const { auth, state } = opts;

  const findUser = (id: string): User => {
    const user = state.findUserById(id);
    if (!user) throw new ApiError('NOT_FOUND', 'no user with that id');
    return user;
  };
  const view = (u: User, now: number): UserView => toUserView(u, now, auth.mfa.isEnabled(u.id));
  const roleExists = (name: string) => BUILTIN_ROLE_NAMES.has(name) || state.findRole(name) !== undefined;
  const isActiveAdmin = (u: User) => u.role === 'admin' && u.disabledAt === undefined;
  /**
   * No one grants what they do not have: a custom role with users:write or roles:write would
   * otherwise create an admin (and receive its one-time password), reset an admin's password, or widen
   * its own role. Checked for the roles a caller assigns and edits and for the users they act on.
   */
  const assertWithinCaller = (request: FastifyRequest, permissions: Iterable<string>, what: string) => {
    const own = principalOf(request).permissions;
    const excess = [...permissions].filter((p) => isPermission(p) && !own.has(p));
    if (excess.length > 0) throw new ApiError('FORBIDDEN', `${what} needs permissions you do not have: ${excess.join(', ')}`);
  };
  const assertMayManage = (request: FastifyRequest, user: User) =>
    assertWithinCaller(request, auth.permissionsOf(user.role), `Managing ${user.username} (role ${user.role})`);
  const assertNotLastAdmin = (user: User, what: string) => {
    if (isActiveAdmin(user) && state.listUsers().filter(isActiveAdmin).length === 1) {
      throw new ApiError('CONFLICT', `${user.username} is the last active admin: ${what} would leave no one able to manage Vigil`);
    }
  };

  app.get('/api/v1/users', {
    config: { access: 'users:read' },
    schema: { summary: 'All users with their role and status', tags: ['users'], response: { 200: z.object({ users: z.array(userView) }) } },
  }, async () => {
    const now = Date.now();
    return { users: state.listUsers().map((u) => view(u, now)) };
  });

  app.post('/api/v1/users', {
    config: { access: 'users:write' },
    schema: {
      summary: 'Create a local user with a one-time password (shown once; changed at first sign-in)', tags: ['users'],
      body: z.object({
        username: z.string().regex(USERNAME, 'use letters, digits, dot, underscore, @ and dash (at most 128)'),
        role: z.string().min(1).max(32),
        displayName: z.string().trim().min(1).max(128).optional(),
        email: z.string().email().max(254).optional(),
      }).strict(),
      response: { 201: z.object({ user: userView, oneTimePassword: z.string() }) },
    },
  }, async (request, reply) => {
    const { username, role, displayName, email } = request.body;
    if (!roleExists(role)) throw new ApiError('VALIDATION', `unknown role "${role}"`);
    assertWithinCaller(request, auth.permissionsOf(role), `Giving the role "${role}"`);
    if (state.findUserByName(username)) throw new ApiError('CONFLICT', `a user named "${username}" already exists`);
    const now = Date.now();
    const { user, password } = await auth.createLocalUser({ username, role, displayName, email }, now);
    auditDetails(request, { action: 'user.create', targetType: 'user', targetId: user.id, after: view(user, now) });
    return reply.code(201).send({ user: view(user, now), oneTimePassword: password });
  });

  app.get('/api/v1/users/:id', {
    config: { access: 'users:read' },
    schema: {
      summary: 'One user with their sessions and API tokens', tags: ['users'], params: idParams,
      response: { 200: z.object({ user: userView, sessions: z.array(sessionView), tokens: z.array(tokenView) }) },
    },
  }, async (request) => {
    const user = findUser(request.params.id);
    const now = Date.now();
    const current = principalOf(request);
    const currentHash = current.kind === 'session' ? current.session.tokenHash : undefined;
    return {
      user: view(user, now),
      sessions: state.listUserSessions(user.id).filter((s) => s.expiresAt > now).map((s) => toSessionView(s, currentHash)),
      tokens: state.listApiTokens(user.id).map((t) => toTokenView(t, now)),
    };
  });

  app.patch('/api/v1/users/:id', {
    config: { access: 'users:write' },
    schema: {
      summary: 'Change a user\'s role, name, e-mail or whether they may sign in', tags: ['users'], params: idParams,
      body: z.object({
        role: z.string().min(1).max(32).optional(),
        displayName: z.string().trim().min(1).max(128).nullable().optional(),
        email: z.string().email().max(254).nullable().optional(),
        disabled: z.boolean().optional().describe('A disabled user cannot sign in; their sessions and tokens stop working at once'),
      }).strict(),
      response: { 200: z.object({ user: userView }) },
    },
  }, async (request) => {
    const user = findUser(request.params.id);
    const { role, displayName, email, disabled } = request.body;
    if (role !== undefined && !roleExists(role)) throw new ApiError('VALIDATION', `unknown role "${role}"`);
    assertMayManage(request, user);
    if (role !== undefined) assertWithinCaller(request, auth.permissionsOf(role), `Giving the role "${role}"`);
    if (role !== undefined && role !== 'admin') assertNotLastAdmin(user, 'changing their role');
    if (disabled === true) assertNotLastAdmin(user, 'disabling them');
    const now = Date.now();
    const updated = state.updateUser(user.id, {
      role, displayName, email, ...(disabled === undefined ? {} : { disabledAt: disabled ? (user.disabledAt ?? now) : null }),
    });
    if (disabled === true) state.deleteUserSessions(user.id);
    auditDetails(request, { action: 'user.update', targetType: 'user', targetId: user.id, before: view(user, now), after: view(updated, now) });
    return { user: view(updated, now) };
  });

  app.post('/api/v1/users/:id/reset-password', {
    config: { access: 'users:write' },
    schema: {
      summary: 'Give a local user a new one-time password and sign them out everywhere', tags: ['users'], params: idParams,
      response: { 200: z.object({ oneTimePassword: z.string() }) },
    },
  }, async (request) => {
    const user = findUser(request.params.id);
    assertMayManage(request, user);
    if (user.authSource !== 'local') throw new ApiError('CONFLICT', `${user.username} signs in with single sign-on; their password is managed by the identity provider`);
    auditDetails(request, { action: 'user.password-reset', targetType: 'user', targetId: user.id, note: `one-time password issued for ${user.username}; sessions ended` });
    return { oneTimePassword: await auth.resetPassword(user, Date.now()) };
  });

  app.post('/api/v1/users/:id/unlock', {
    config: { access: 'users:write' },
    schema: { summary: 'Lift a lockout caused by failed sign-ins', tags: ['users'], params: idParams, response: { 200: z.object({ user: userView }) } },
  }, async (request) => {
    const user = findUser(request.params.id);
    assertMayManage(request, user);
    const now = Date.now();
    const unlocked = auth.unlock(user.id);
    auditDetails(request, { action: 'user.unlock', targetType: 'user', targetId: user.id, before: view(user, now), after: view(unlocked, now) });
    return { user: view(unlocked, now) };
  });

  app.delete('/api/v1/users/:id/mfa', {
    config: { access: 'users:write' },
    schema: {
      summary: 'Turn off a user\'s two-step sign-in (lost phone and recovery codes); they sign in with the password alone and can enroll again',
      tags: ['users'], params: idParams, response: { 200: z.object({ user: userView }) },
    },
  }, async (request) => {
    const user = findUser(request.params.id);
    assertMayManage(request, user);
    if (!auth.mfa.isEnabled(user.id)) throw new ApiError('CONFLICT', `${user.username} has no two-step sign-in to reset`);
    auth.mfa.disable(user.id);
    // Whoever held the phone may hold a session too: end them all.
    const ended = state.deleteUserSessions(user.id);
    auditDetails(request, { action: 'user.mfa.reset', targetType: 'user', targetId: user.id, note: `TOTP and recovery codes of ${user.username} removed; ${ended} session(s) ended` });
    return { user: view(user, Date.now()) };
  });

  app.delete('/api/v1/users/:id/sessions', {
    config: { access: 'users:write' },
    schema: { summary: 'Sign a user out everywhere', tags: ['users'], params: idParams, response: { 200: z.object({ ended: z.number() }) } },
  }, async (request) => {
    const user = findUser(request.params.id);
    assertMayManage(request, user);
    const ended = state.deleteUserSessions(user.id);
    auditDetails(request, { action: 'user.sessions.revoke', targetType: 'user', targetId: user.id, note: `${ended} session(s) of ${user.username} ended` });
    return { ended };
  });

  app.get('/api/v1/permissions', {
    config: { access: 'signed-in' },
    schema: {
      summary: 'Every permission a role can grant', tags: ['roles'],
      response: { 200: z.object({ permissions: z.array(z.object({ name: z.string(), description: z.string() })) }) },
    },
  }, async () => ({ permissions: Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description })) }));

  app.get('/api/v1/roles', {
    config: { access: 'users:read' },
    schema: { summary: 'Built-in and custom roles with their permissions', tags: ['roles'], response: { 200: z.object({ roles: z.array(roleView) }) } },
  }, async () => {
    const counts = new Map<string, number>();
    for (const u of state.listUsers()) counts.set(u.role, (counts.get(u.role) ?? 0) + 1);
    const builtin = BUILTIN_ROLES.map((r) => ({ name: r.name, description: r.description, permissions: [...r.permissions], builtin: true, users: counts.get(r.name) ?? 0 }));
    const custom = state.listRoles().map((r) => ({ name: r.name, description: r.description, permissions: r.permissions, builtin: false, users: counts.get(r.name) ?? 0 }));
    return { roles: [...builtin, ...custom] };
  });

  const roleBody = z.object({
    description: z.string().trim().max(256).default(''),
    permissions: permissionList,
  }).strict();

  app.post('/api/v1/roles', {
    config: { access: 'roles:write' },
    schema: {
      summary: 'Create a custom role from permissions', tags: ['roles'],
      body: roleBody.extend({ name: z.string().regex(ROLE_NAME, 'use 2-32 lowercase letters, digits, _ and -, starting with a letter') }),
      response: { 201: z.object({ role: roleView }) },
    },
  }, async (request, reply) => {
    const { name, description, permissions } = request.body;
    assertWithinCaller(request, permissions, `A role with these permissions`);
    if (roleExists(name)) throw new ApiError('CONFLICT', `a role named "${name}" already exists`);
    const now = Date.now();
    state.saveRole({ name, description, permissions: [...new Set(permissions)], createdAt: now, updatedAt: now });
    auditDetails(request, { action: 'role.create', targetType: 'role', targetId: name, after: { name, description, permissions } });
    return reply.code(201).send({ role: { name, description, permissions: [...new Set(permissions)], builtin: false, users: 0 } });
  });

  app.put('/api/v1/roles/:name', {
    config: { access: 'roles:write' },
    schema: {
      summary: 'Change a custom role (built-in roles cannot change)', tags: ['roles'], params: z.object({ name: z.string().max(32) }), body: roleBody,
      response: { 200: z.object({ role: roleView }) },
    },
  }, async (request) => {
    const { name } = request.params;
    if (BUILTIN_ROLE_NAMES.has(name)) throw new ApiError('CONFLICT', `"${name}" is a built-in role; create a custom role instead`);
    const existing = state.findRole(name);
    if (!existing) throw new ApiError('NOT_FOUND', `no custom role "${name}"`);
    assertWithinCaller(request, [...existing.permissions, ...request.body.permissions], `Changing the role "${name}"`);
    const permissions = [...new Set(request.body.permissions)];
    state.saveRole({ ...existing, description: request.body.description, permissions, updatedAt: Date.now() });
    auditDetails(request, {
      action: 'role.update', targetType: 'role', targetId: existing.name,
      before: { description: existing.description, permissions: existing.permissions }, after: { description: request.body.description, permissions },
    });
    const users = state.listUsers().filter((u) => u.role === existing.name).length;
    return { role: { name: existing.name, description: request.body.description, permissions, builtin: false, users } };
  });

  app.delete('/api/v1/roles/:name', {
    config: { access: 'roles:write' },
    schema: { summary: 'Delete a custom role no user has', tags: ['roles'], params: z.object({ name: z.string().max(32) }), response: { 204: z.null() } },
  }, async (request, reply) => {
    const { name } = request.params;
    if (BUILTIN_ROLE_NAMES.has(name)) throw new ApiError('CONFLICT', `"${name}" is a built-in role and cannot be deleted`);
    if (!state.findRole(name)) throw new ApiError('NOT_FOUND', `no custom role "${name}"`);
    const users = state.listUsers().filter((u) => u.role.toLowerCase() === name.toLowerCase()).length;
    if (users > 0) throw new ApiError('CONFLICT', `${users} user(s) still have the role "${name}": give them another role first`);
    const before = state.findRole(name);
    state.deleteRole(name);
    auditDetails(request, { action: 'role.delete', targetType: 'role', targetId: name, before });
    return reply.code(204).send(null);
  });

  app.get('/api/v1/tokens', {
    config: { access: 'tokens:write' },
    schema: { summary: 'Your API tokens', tags: ['tokens'], response: { 200: z.object({ tokens: z.array(tokenView) }) } },
  }, async (request) => {
    const now = Date.now();
    return { tokens: state.listApiTokens(principalOf(request).user.id).map((t) => toTokenView(t, now)) };
  });

  app.post('/api/v1/tokens', {
    config: { access: 'tokens:write' },
    schema: {
      summary: 'Create an API token for yourself, limited to some of your permissions (shown once)', tags: ['tokens'],
      body: z.object({
        name: z.string().trim().min(1).max(64),
        permissions: permissionList.min(1),
        expiresInDays: z.number().int().min(1).max(365).default(90),
      }).strict(),
      response: { 201: z.object({ token: tokenView, secret: z.string() }) },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    // A token minting tokens could renew itself forever: new tokens need a person signed in.
    if (principal.kind !== 'session') throw new ApiError('FORBIDDEN', 'API tokens are created in a signed-in session, not with another token');
    const excess = request.body.permissions.filter((p) => !isPermission(p) || !principal.permissions.has(p));
    if (excess.length > 0) throw new ApiError('FORBIDDEN', `a token cannot have permissions you do not have: ${excess.join(', ')}`);
    const now = Date.now();
    const { token, secret } = auth.createApiToken({
      userId: principal.user.id, name: request.body.name, permissions: [...new Set(request.body.permissions)], expiresAt: now + request.body.expiresInDays * 86_400_000,
    }, now);
    auditDetails(request, { action: 'token.create', targetType: 'api-token', targetId: token.id, after: toTokenView(token, now) });
    return reply.code(201).send({ token: toTokenView(token, now), secret });
  });

  app.delete('/api/v1/tokens/:id', {
    config: { access: 'tokens:write' },
    schema: { summary: 'Revoke one of your API tokens (admins: anyone\'s)', tags: ['tokens'], params: idParams, response: { 204: z.null() } },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const token = state.listApiTokens().find((t) => t.id === request.params.id);
    // Someone else's token is "not found" unless you may manage users: no probing of token ids.
    if (!token || (token.userId !== principal.user.id && !principal.permissions.has('users:write'))) throw new ApiError('NOT_FOUND', 'no API token with that id');
    const owner = token.userId === principal.user.id ? undefined : state.findUserById(token.userId);
    if (owner) assertMayManage(request, owner);
    state.revokeApiToken(token.id, Date.now());
    auditDetails(request, { action: 'token.revoke', targetType: 'api-token', targetId: token.id, note: `token "${token.name}" of user ${token.userId}` });
    return reply.code(204).send(null);
  });

  app.get('/api/v1/auth/sessions', {
    config: { access: 'signed-in' },
    schema: { summary: 'Your open sessions', tags: ['auth'], response: { 200: z.object({ sessions: z.array(sessionView) }) } },
  }, async (request) => {
    const principal = principalOf(request);
    const now = Date.now();
    const currentHash = principal.kind === 'session' ? principal.session.tokenHash : undefined;
    return { sessions: state.listUserSessions(principal.user.id).filter((s) => s.expiresAt > now).map((s) => toSessionView(s, currentHash)) };
  });

  app.delete('/api/v1/auth/sessions/:id', {
    config: { access: 'signed-in' },
    schema: { summary: 'End one of your sessions (e.g. a forgotten browser)', tags: ['auth'], params: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/) }), response: { 204: z.null() } },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const session = state.listUserSessions(principal.user.id).find((s) => s.tokenHash.startsWith(request.params.id));
    if (!session) throw new ApiError('NOT_FOUND', 'no session of yours with that id');
    state.deleteSession(session.tokenHash);
    auditDetails(request, { action: 'session.revoke', targetType: 'session', targetId: request.params.id });
    return reply.code(204).send(null);
  });
};
