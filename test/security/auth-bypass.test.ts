/**
 * Authentication and authorization bypass: every route that is neither public nor intake refuses
 * requests without valid credentials (walked from the routes the server registered, so a new route
 * is covered without editing this file); path-normalization and header tricks reach no data; forged,
 * expired and revoked sessions and API tokens are refused; token scopes and roles are enforced; the
 * login throttle cannot be dodged with X-Forwarded-For.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT } from '../../src/api/server.ts';
import { ALL_PERMISSIONS, BUILTIN_ROLES, isPermission } from '../../src/auth/permissions.ts';
import { generateSecret, sha256Hex } from '../../src/auth/secrets.ts';
import { ApiSession } from '../helpers/api-session.ts';
import {
  ADMIN_PASSWORD, apiRoutes, concretePath, createApiToken, protectedRoutes, rawGet, startSecurityVigil, STATE_CHANGING, type RawResponse, type SecurityVigil,
} from './security-harness.ts';

let v: SecurityVigil;
/** What the built-in viewer role grants (read from its definition, so new permissions are covered). */
const VIEWER_PERMISSIONS: readonly string[] = BUILTIN_ROLES.find((r) => r.name === 'viewer')!.permissions;
let viewer: ApiSession;

beforeAll(async () => {
  v = await startSecurityVigil();
  viewer = await v.admin.createUserSession('viewer-1', 'viewer');
});
afterAll(async () => v?.close());

interface Call {
  method: string;
  path: string;
  headers?: Record<string, string>;
}

function call({ method, path, headers = {} }: Call): Promise<Response> {
  const body = STATE_CHANGING.has(method) ? '{}' : undefined;
  return fetch(`${v.url}${path}`, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body, redirect: 'manual' });
}

async function errorCode(response: Response): Promise<string | undefined> {
  const text = await response.text();
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

describe('auth bypass: every protected route', () => {
  it('has routes to walk (the walk would prove nothing on an empty list)', () => {
    const routes = protectedRoutes(v);
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.some((r) => r.method === 'DELETE')).toBe(true);
  });

  const CREDENTIALS: Record<string, Record<string, string>> = {
    'no credentials': {},
    'a forged session cookie': { cookie: `vigil_session=${generateSecret('vgs_')}`, 'x-vigil-csrf': '1' },
    'an empty session cookie': { cookie: 'vigil_session=', 'x-vigil-csrf': '1' },
    'a forged API token': { authorization: `Bearer ${generateSecret('vgt_')}` },
    'an empty bearer': { authorization: 'Bearer ' },
    'basic credentials': { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
    'an intake source token': { authorization: 'Bearer INTAKE' },
  };

  for (const [what, headers] of Object.entries(CREDENTIALS)) {
    it(`answers 401 with ${what}`, async () => {
      const intakeToken = what === 'an intake source token' ? await v.admin.createSource(`intake-${randomUUID().slice(0, 8)}`, 'http') : '';
      for (const route of protectedRoutes(v)) {
        const withToken = Object.fromEntries(Object.entries(headers).map(([k, h]) => [k, h.replace('INTAKE', intakeToken)]));
        const response = await call({ method: route.method, path: concretePath(route.url), headers: withToken });
        expect(response.status, `${route.method} ${route.url}`).toBe(401);
        expect(await errorCode(response), `${route.method} ${route.url}`).toBe('UNAUTHENTICATED');
      }
    });
  }
});

describe('auth bypass: path normalization and header tricks', () => {
  const indexHtml = readFileSync(new URL('index.html', `file://${DEFAULT_WEB_ROOT}`), 'utf8');

  /** No data: an error, or the console's own index.html (the single-page app's fallback for GET). */
  function expectNoData(response: RawResponse, what: string): void {
    if (response.status === 200) {
      expect(response.headers, what).toMatch(/content-type: text\/html/i);
      expect(response.body, what).toContain(indexHtml.slice(0, 200));
    } else {
      expect([400, 401, 403, 404, 405], `${what}: ${response.status}`).toContain(response.status);
    }
    expect(response.body, what).not.toContain('"sources"');
    expect(response.body, what).not.toContain('"users"');
    expect(response.body, what).not.toContain('vigil_intake_records_total');
  }

  const VARIANTS = (path: string): string[] => {
    const [, first, rest] = /^\/([^/]+)(\/.*)?$/.exec(path)!;
    const last = path.slice(path.lastIndexOf('/') + 1);
    const parent = path.slice(0, path.lastIndexOf('/'));
    return [
      path, `${parent}//${last}`, `/${path}`, `${parent}/./${last}`, `${parent}/x/../${last}`, `${parent}/%2e/${last}`,
      `${parent}/${encodeURIComponent(last[0]!).replace(/^(?!%)(.)/, (c) => `%${c.charCodeAt(0).toString(16)}`)}${last.slice(1)}`,
      `${parent}%2f${last}`, path.toUpperCase(), `${path}/`, `${path};jsessionid=1`, `${path};`, `${path}%00`, `${path}%20`, `${path}%09`,
      `${path}.json`, `${path}/..;/`, `/healthz/..${path}`, `/healthz/..%2f..${path}`, `/${first}${(rest ?? '').replace(/\//g, '%2f')}`,
      `${path}?x=1`, `${path}#`, `${parent}\\${last}`, `http://evil.example${path}`,
    ];
  };

  it('never serves protected data to a request without credentials, however the path is spelled', async () => {
    for (const path of ['/api/v1/sources', '/api/v1/users', '/api/v1/events', '/metrics', '/api/v1/status']) {
      for (const variant of VARIANTS(path)) expectNoData(await rawGet(v.url, variant), variant);
    }
  });

  it('never lets a viewer reach admin data by spelling the path differently', async () => {
    for (const path of ['/api/v1/users', '/api/v1/roles', '/api/v1/tokens']) {
      for (const variant of VARIANTS(path)) {
        expectNoData(await rawGet(v.url, variant, [`Cookie: ${viewer.cookieHeader}`]), `viewer ${variant}`);
      }
    }
  });

  it('ignores method-override and URL-rewrite headers', async () => {
    const tricks = [
      'X-HTTP-Method-Override: GET', 'X-HTTP-Method: GET', 'X-Method-Override: GET', 'X-Original-URL: /healthz', 'X-Rewrite-URL: /healthz',
      'X-Forwarded-Prefix: /healthz', 'X-Forwarded-Host: localhost', 'X-Forwarded-For: 127.0.0.1', 'Forwarded: for=127.0.0.1',
    ];
    for (const trick of tricks) {
      expectNoData(await rawGet(v.url, '/api/v1/users', [trick]), trick);
      const [name, value] = trick.split(': ') as [string, string];
      // A viewer's POST stays a POST that needs sources:write.
      const post = await fetch(`${v.url}/api/v1/sources`, {
        method: 'POST', headers: { cookie: viewer.cookieHeader, 'x-vigil-csrf': '1', 'content-type': 'application/json', [name]: value },
        body: JSON.stringify({ name: `override-${randomUUID().slice(0, 8)}`, kind: 'http' }),
      });
      expect(post.status, trick).toBe(403);
    }
    // The reverse: a public route does not serve the route named in a rewrite header.
    for (const header of ['X-Original-URL', 'X-Rewrite-URL']) {
      const health = await rawGet(v.url, '/healthz', [`${header}: /api/v1/users`]);
      expect(health.body).toContain('{"status":"ok"}');
    }
  });
});

describe('auth bypass: stale and forged credentials', () => {
  const me = (headers: Record<string, string>) => fetch(`${v.url}/api/v1/auth/me`, { headers });

  function plantSession(username: string, times: { createdAt: number; lastSeenAt: number; expiresAt: number }): string {
    const secret = generateSecret('vgs_');
    const user = v.vigil.core.state.findUserByName(username)!;
    v.vigil.core.state.createSession({ tokenHash: sha256Hex(secret), userId: user.id, ...times });
    return `vigil_session=${secret}`;
  }

  it('refuses expired, idle, signed-out and disabled-user sessions', async () => {
    const now = Date.now();
    const live = plantSession('viewer-1', { createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000 });
    expect((await me({ cookie: live })).status, 'a planted live session works: the others fail for their reason').toBe(200);
    const expired = plantSession('viewer-1', { createdAt: now - 7_200_000, lastSeenAt: now - 1000, expiresAt: now - 1 });
    expect((await me({ cookie: expired })).status).toBe(401);
    const idle = plantSession('viewer-1', { createdAt: now - 86_400_000 * 2, lastSeenAt: now - 86_400_000 * 2, expiresAt: now + 3_600_000 });
    expect((await me({ cookie: idle })).status).toBe(401);

    const other = await v.admin.createUserSession('leaver-1', 'analyst');
    const cookie = other.cookieHeader;
    expect((await other.request('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect((await me({ cookie })).status, 'a signed-out session cookie replayed').toBe(401);

    const disabled = await v.admin.createUserSession('disabled-1', 'analyst');
    const id = v.vigil.core.state.findUserByName('disabled-1')!.id;
    expect((await v.admin.request('PATCH', `/api/v1/users/${id}`, { disabled: true })).status).toBeLessThan(300);
    expect((await me({ cookie: disabled.cookieHeader })).status, 'session of a disabled user').toBe(401);
  });

  it('ends the user\'s other sessions when they change their password (a stolen cookie stops working)', async () => {
    const changer = await v.admin.createUserSession('changer-1', 'analyst', 'first passphrase of changer');
    const elsewhere = await ApiSession.signIn(v.url, 'first passphrase of changer', undefined, 'changer-1');
    expect((await me({ cookie: elsewhere.cookieHeader })).status).toBe(200);
    const change = await changer.request('POST', '/api/v1/auth/password', { currentPassword: 'first passphrase of changer', newPassword: 'second passphrase of changer' });
    expect(change.status).toBe(204);
    expect((await me({ cookie: elsewhere.cookieHeader })).status, 'the other session').toBe(401);
    expect((await me({ cookie: changer.cookieHeader })).status, 'the session that changed it').toBe(200);
  });

  it('refuses expired, revoked and disabled-user API tokens, and never falls back to the cookie', async () => {
    const now = Date.now();
    const valid = createApiToken(v, 'viewer-1', ['events:read']);
    expect((await me({ authorization: `Bearer ${valid}` })).status).toBe(200);
    const expired = createApiToken(v, 'viewer-1', ['events:read'], { expiresAt: now - 1 });
    const revoked = createApiToken(v, 'viewer-1', ['events:read'], { revokedAt: now - 1 });
    const ofDisabled = createApiToken(v, 'disabled-1', ['events:read']);
    for (const [what, secret] of Object.entries({ expired, revoked, ofDisabled, truncated: valid.slice(0, -1), cased: valid.toUpperCase() })) {
      expect((await me({ authorization: `Bearer ${secret}` })).status, what).toBe(401);
      // A bad token next to a good session cookie is still refused: no silent fallback.
      expect((await me({ authorization: `Bearer ${secret}`, cookie: viewer.cookieHeader })).status, `${what} + cookie`).toBe(401);
    }
    // A token revoked through the API stops working at once.
    const created = await v.admin.json<{ token: { id: string }; secret: string }>('POST', '/api/v1/tokens', { name: 'short-lived', permissions: ['events:read'] });
    expect((await me({ authorization: `Bearer ${created.secret}` })).status).toBe(200);
    expect((await v.admin.request('DELETE', `/api/v1/tokens/${created.token.id}`)).status).toBe(204);
    expect((await me({ authorization: `Bearer ${created.secret}` })).status).toBe(401);
  });

  it('limits an API token to its scopes, and its scopes to its user\'s role', async () => {
    const scoped = createApiToken(v, 'admin', ['events:read']);
    // A viewer's token claiming more than the viewer role grants (the API refuses to create one).
    const inflated = createApiToken(v, 'viewer-1', [...ALL_PERMISSIONS]);
    const viewerPermissions = new Set(VIEWER_PERMISSIONS);
    let checked = 0;
    for (const route of protectedRoutes(v)) {
      if (!isPermission(route.access)) continue;
      const path = concretePath(route.url);
      if (route.access !== 'events:read') {
        const response = await call({ method: route.method, path, headers: { authorization: `Bearer ${scoped}` } });
        expect(response.status, `scoped token: ${route.method} ${route.url}`).toBe(403);
        checked++;
      }
      if (!viewerPermissions.has(route.access)) {
        const response = await call({ method: route.method, path, headers: { authorization: `Bearer ${inflated}` } });
        expect(response.status, `inflated token: ${route.method} ${route.url}`).toBe(403);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect((await call({ method: 'GET', path: '/api/v1/events', headers: { authorization: `Bearer ${scoped}` } })).status).toBe(200);
  });

  it('refuses a user whose role lacks the permission with 403 on every such route', async () => {
    const viewerPermissions = new Set(VIEWER_PERMISSIONS);
    for (const route of protectedRoutes(v)) {
      if (!isPermission(route.access) || viewerPermissions.has(route.access)) continue;
      const response = await call({ method: route.method, path: concretePath(route.url), headers: { cookie: viewer.cookieHeader, 'x-vigil-csrf': '1' } });
      expect(response.status, `${route.method} ${route.url}`).toBe(403);
      expect(await errorCode(response)).toBe('FORBIDDEN');
    }
  });

  it('gives a user of a deleted custom role no permissions (deny by default)', async () => {
    await v.admin.json('POST', '/api/v1/roles', { name: 'ephemeral', description: 'deleted under its user', permissions: ['events:read'] });
    const session = await v.admin.createUserSession('orphan-1', 'ephemeral');
    expect((await session.request('GET', '/api/v1/events')).status).toBe(200);
    // The API refuses to delete a role in use; a role that vanishes anyway (restore, manual edit) grants nothing.
    const user = v.vigil.core.state.findUserByName('orphan-1')!;
    v.vigil.core.state.updateUser(user.id, { role: 'no-such-role' });
    expect((await session.request('GET', '/api/v1/events')).status).toBe(403);
  });
});

describe('privilege escalation: users:write and roles:write never grant more than the caller has', () => {
  const VIEWER = VIEWER_PERMISSIONS;
  let helpdesk: ApiSession;
  let roleEditor: ApiSession;
  let adminId: string;

  beforeAll(async () => {
    await v.admin.json('POST', '/api/v1/roles', { name: 'helpdesk', description: 'manages viewers', permissions: [...VIEWER, 'users:read', 'users:write', 'tokens:write'] });
    await v.admin.json('POST', '/api/v1/roles', { name: 'role-editor', description: 'edits roles', permissions: [...VIEWER, 'users:read', 'roles:write'] });
    helpdesk = await v.admin.createUserSession('helpdesk-1', 'helpdesk');
    roleEditor = await v.admin.createUserSession('role-editor-1', 'role-editor');
    adminId = v.vigil.core.state.findUserByName('admin')!.id;
  });

  const expectForbidden = async (response: Response, what: string) => {
    expect(response.status, `${what}: ${await response.clone().text()}`).toBe(403);
    expect(await errorCode(response), what).toBe('FORBIDDEN');
  };

  it('refuses to create, promote or take over a user above the caller', async () => {
    const helpdeskId = v.vigil.core.state.findUserByName('helpdesk-1')!.id;
    const viewerId = v.vigil.core.state.findUserByName('viewer-1')!.id;
    await expectForbidden(await helpdesk.request('POST', '/api/v1/users', { username: 'helpdesk-admin', role: 'admin' }), 'create an admin');
    await expectForbidden(await helpdesk.request('POST', '/api/v1/users', { username: 'helpdesk-engineer', role: 'engineer' }), 'create an engineer');
    await expectForbidden(await helpdesk.request('PATCH', `/api/v1/users/${helpdeskId}`, { role: 'admin' }), 'promote oneself');
    await expectForbidden(await helpdesk.request('PATCH', `/api/v1/users/${viewerId}`, { role: 'admin' }), 'promote a viewer');
    // Taking over an admin: their one-time password would go to the caller.
    await expectForbidden(await helpdesk.request('POST', `/api/v1/users/${adminId}/reset-password`), 'reset an admin\'s password');
    await expectForbidden(await helpdesk.request('PATCH', `/api/v1/users/${adminId}`, { disabled: true }), 'disable an admin');
    await expectForbidden(await helpdesk.request('DELETE', `/api/v1/users/${adminId}/sessions`), 'sign an admin out');
    const adminToken = await v.admin.json<{ token: { id: string } }>('POST', '/api/v1/tokens', { name: 'kept', permissions: ['events:read'] });
    await expectForbidden(await helpdesk.request('DELETE', `/api/v1/tokens/${adminToken.token.id}`), 'revoke an admin\'s token');
    expect(v.vigil.core.state.listApiTokens().find((t) => t.id === adminToken.token.id)!.revokedAt).toBeUndefined();
    expect(v.vigil.core.state.findUserByName('admin')!.role).toBe('admin');
    expect(v.vigil.core.state.findUserByName('helpdesk-admin')).toBeUndefined();
    expect(v.vigil.core.state.findUserByName('helpdesk-1')!.role).toBe('helpdesk');
    // Within their own permissions they work as before.
    expect((await helpdesk.request('POST', '/api/v1/users', { username: 'helpdesk-viewer', role: 'viewer' })).status).toBe(201);
    expect((await helpdesk.request('POST', `/api/v1/users/${viewerId}/reset-password`)).status).toBe(200);
  });

  it('refuses to give a role permissions the caller does not have', async () => {
    await expectForbidden(await roleEditor.request('PUT', '/api/v1/roles/role-editor', { description: 'edits roles', permissions: [...VIEWER, 'users:read', 'roles:write', 'users:write'] }), 'widen one\'s own role');
    await expectForbidden(await roleEditor.request('POST', '/api/v1/roles', { name: 'superuser', description: 'x', permissions: [...ALL_PERMISSIONS] }), 'create a wider role');
    await expectForbidden(await roleEditor.request('PUT', '/api/v1/roles/helpdesk', { description: 'x', permissions: VIEWER }), 'change a role with permissions the caller lacks');
    expect(v.vigil.core.state.findRole('role-editor')!.permissions).not.toContain('users:write');
    expect(v.vigil.core.state.findRole('superuser')).toBeUndefined();
    expect((await roleEditor.request('POST', '/api/v1/roles', { name: 'reader', description: 'reads events', permissions: ['events:read'] })).status).toBe(201);
  });
});

describe('need-to-know: restricted incidents', () => {
  const SECRET = 'SECRET-merger-codename';
  let member: ApiSession;
  let outsider: ApiSession;
  let incidentId: string;

  beforeAll(async () => {
    member = await v.admin.createUserSession('incident-member', 'responder');
    outsider = await v.admin.createUserSession('incident-outsider', 'responder');
    const created = await member.json<{ incident: { id: string } }>('POST', '/api/v1/incidents', { title: `${SECRET} title`, description: `${SECRET} description`, restricted: true });
    incidentId = created.incident.id;
    await member.json('PATCH', `/api/v1/incidents/${incidentId}`, { description: `${SECRET} new description`, severity: 'high' });
  });

  it('answers every incident route like an unknown id to non-members, admins included', async () => {
    const routes = protectedRoutes(v).filter((r) => r.url.startsWith('/api/v1/incidents/:id'));
    expect(routes.length).toBeGreaterThanOrEqual(3);
    const memberId = v.vigil.core.state.findUserByName('incident-member')!.id;
    const outsiderId = v.vigil.core.state.findUserByName('incident-outsider')!.id;
    for (const session of [outsider, v.admin]) {
      for (const route of routes) {
        const path = route.url.replace(':id', incidentId).replace(':userId', route.method === 'PUT' ? outsiderId : memberId);
        const response = await session.request(route.method, path, STATE_CHANGING.has(route.method) && route.method !== 'DELETE' && route.method !== 'PUT' ? { title: 'taken over' } : undefined);
        expect(response.status, `${route.method} ${route.url}`).toBe(404);
      }
      expect(await (await session.request('GET', '/api/v1/incidents')).text()).not.toContain(SECRET);
    }
    expect((await member.json<{ members: unknown[] }>('GET', `/api/v1/incidents/${incidentId}`)).members).toHaveLength(1);
  });

  it('keeps a restricted incident\'s title and description out of the audit log', async () => {
    const audit = await v.admin.request('GET', '/api/v1/audit?action=incident&limit=100');
    expect(audit.status).toBe(200);
    const text = await audit.text();
    expect(text, 'the incident\'s entries are there').toContain(incidentId);
    expect(text).not.toContain(SECRET);
    const exported = await v.admin.request('GET', '/api/v1/audit/export?format=ndjson');
    expect(await exported.text()).not.toContain(SECRET);
  });
});

describe('account enumeration', () => {
  it('answers an unknown user, a wrong password and a disabled user alike', async () => {
    const attempt = async (username: string) => {
      const response = await fetch(`${v.url}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'a wrong password, surely' }),
      });
      return `${response.status} ${await response.text()}`;
    };
    const unknown = await attempt('no-such-user-anywhere');
    expect(unknown).toMatch(/^401 /);
    expect(await attempt('viewer-1'), 'wrong password').toBe(unknown);
    expect(await attempt('disabled-1'), 'disabled user').toBe(unknown);
    // A success clears the address's failures for the throttle test below.
    await ApiSession.signIn(v.url, ADMIN_PASSWORD);
  });
});

describe('auth bypass: login throttle (runs last: it throttles 127.0.0.1)', () => {
  it('counts failures per connecting address: X-Forwarded-For and friends do not reset it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const spoof = `203.0.113.${i + 1}`;
      const response = await fetch(`${v.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': spoof, 'x-real-ip': spoof, forwarded: `for=${spoof}`, 'true-client-ip': spoof },
        body: JSON.stringify({ username: `nobody-${i}`, password: 'wrong password, of course' }),
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // The routes walked above are all there is to walk: the list covers the server's routes.
    expect(apiRoutes(v).length).toBeGreaterThan(protectedRoutes(v).length);
  });
});
