import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { BUILTIN_ROLES } from '../auth/permissions.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';
import { routeDecisions, type RouteAccess } from './access.ts';

/**
 * The access decision of every route, written out by hand: adding a route, or changing who may call
 * one, fails this test until the table says so — a reviewable decision, not an accident. The walk
 * below then proves the server enforces the table for every role.
 */
const EXPECTED: Record<string, RouteAccess> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'system:read',
  'GET /api/v1/status': 'system:read',
  'GET /api/v1/openapi.json': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/logout': 'signed-in',
  'GET /api/v1/auth/me': 'signed-in',
  'POST /api/v1/auth/password': 'signed-in',
  'GET /api/v1/auth/sso/providers': 'public',
  'GET /api/v1/auth/sso/:provider/start': 'public',
  'GET /api/v1/auth/sso/:provider/callback': 'public',
  'GET /api/v1/auth/sessions': 'signed-in',
  'DELETE /api/v1/auth/sessions/:id': 'signed-in',
  'GET /api/v1/sources': 'sources:read',
  'GET /api/v1/source-types': 'sources:read',
  'POST /api/v1/sources': 'sources:write',
  'DELETE /api/v1/sources/:id': 'sources:write',
  'GET /api/v1/events': 'events:read',
  'POST /api/v1/search': 'events:read',
  'GET /api/v1/search/export': 'events:read',
  'GET /api/v1/saved-searches': 'events:read',
  'POST /api/v1/saved-searches': 'events:read',
  'PUT /api/v1/saved-searches/:id': 'events:read',
  'DELETE /api/v1/saved-searches/:id': 'events:read',
  'GET /api/v1/users': 'users:read',
  'POST /api/v1/users': 'users:write',
  'GET /api/v1/users/:id': 'users:read',
  'PATCH /api/v1/users/:id': 'users:write',
  'POST /api/v1/users/:id/reset-password': 'users:write',
  'POST /api/v1/users/:id/unlock': 'users:write',
  'DELETE /api/v1/users/:id/sessions': 'users:write',
  'DELETE /api/v1/users/:id/mfa': 'users:write',
  'GET /api/v1/permissions': 'signed-in',
  'GET /api/v1/roles': 'users:read',
  'POST /api/v1/roles': 'roles:write',
  'PUT /api/v1/roles/:name': 'roles:write',
  'DELETE /api/v1/roles/:name': 'roles:write',
  'GET /api/v1/tokens': 'tokens:write',
  'POST /api/v1/tokens': 'tokens:write',
  'DELETE /api/v1/tokens/:id': 'tokens:write',
  'GET /api/v1/audit': 'audit:read',
  'GET /api/v1/audit/export': 'audit:read',
  'GET /api/v1/audit/verify': 'audit:read',
  'POST /api/v1/auth/login/mfa': 'public',
  'GET /api/v1/auth/mfa': 'signed-in',
  'POST /api/v1/auth/mfa/totp/setup': 'signed-in',
  'POST /api/v1/auth/mfa/totp/confirm': 'signed-in',
  'DELETE /api/v1/auth/mfa/totp': 'signed-in',
  'POST /api/v1/auth/mfa/recovery-codes': 'signed-in',
  'GET /api/v1/incidents': 'incidents:read',
  'POST /api/v1/incidents': 'incidents:write',
  'GET /api/v1/incidents/:id': 'incidents:read',
  'PATCH /api/v1/incidents/:id': 'incidents:write',
  'PUT /api/v1/incidents/:id/members/:userId': 'incidents:write',
  'DELETE /api/v1/incidents/:id/members/:userId': 'incidents:write',
  'GET /api/v1/rules': 'rules:read',
  'GET /api/v1/rules/:id': 'rules:read',
  'PUT /api/v1/rules/:id': 'rules:write',
  'DELETE /api/v1/rules/:id': 'rules:write',
  'POST /api/v1/rules/import': 'rules:write',
  'POST /api/v1/rules/test': 'rules:read',
  'GET /api/v1/detections': 'events:read',
  'GET /api/v1/detections/:id': 'events:read',
};

/** Path parameters that match the routes' formats but name nothing, so allowed mutations find nothing to change. */
function concrete(url: string): string {
  return url.replace(/:(id|userId)\b/g, '00000000-0000-4000-8000-000000000000').replace(/:name\b/g, 'no-such-role').replace(/:(\w+)/g, 'x');
}

let vigil: RunningVigil;
let admin: ApiSession;
const sessions = new Map<string, ApiSession>();

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      // Signs in as many users in a minute from one address: more than the default sign-in limit.
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-access-')), server: { port: 0, rateLimits: { signInPerMinute: 1000 } },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
    },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
  admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
  await admin.json('POST', '/api/v1/roles', { name: 'auditor', description: 'reads the audit log only', permissions: ['audit:read'] });
  for (const role of [...BUILTIN_ROLES.map((r) => r.name), 'auditor']) sessions.set(role, await admin.createUserSession(`walk-${role}`, role));
}, 60_000);
afterAll(async () => vigil?.close());

describe('access control', () => {
  it('every route has the decision the table expects (a new route needs an entry)', () => {
    const actual: Record<string, RouteAccess> = {};
    for (const route of routeDecisions(vigil.server)) {
      // HEAD routes are Fastify's automatic twins of GET routes, with the same config.
      if (route.access === 'intake' || route.method === 'HEAD') continue;
      // The console's static files: public by construction (see server.ts), not API surface.
      if (route.access === 'public' && !route.url.startsWith('/api/') && !['/healthz', '/readyz'].includes(route.url)) continue;
      actual[`${route.method} ${route.url}`] = route.access;
    }
    expect(actual).toEqual(EXPECTED);
  });

  it('walks every route with every role and allows exactly what the role grants', async () => {
    const permissionsOf = async (session: ApiSession) => new Set((await session.json<{ user: { permissions: string[] } }>('GET', '/api/v1/auth/me')).user.permissions);
    const routes = Object.entries(EXPECTED).filter(([key]) => key !== 'POST /api/v1/auth/logout');
    for (const [role, session] of sessions) {
      const granted = await permissionsOf(session);
      for (const [key, access] of routes) {
        const [method, url] = key.split(' ') as [string, string];
        const response = await session.request(method, concrete(url), method === 'GET' || method === 'DELETE' ? undefined : {});
        const body = await response.text();
        const allowed = access === 'public' || access === 'signed-in' || granted.has(access);
        if (allowed) {
          expect([401, 403].includes(response.status) && /UNAUTHENTICATED|FORBIDDEN/.test(body), `${role} ${key}: ${response.status} ${body}`).toBe(false);
        } else {
          expect(response.status, `${role} ${key}`).toBe(403);
          expect(body, `${role} ${key}`).toContain('FORBIDDEN');
        }
      }
    }
  }, 60_000);

  it('refuses every non-public route without credentials', async () => {
    for (const [key, access] of Object.entries(EXPECTED)) {
      if (access === 'public') continue;
      const [method, url] = key.split(' ') as [string, string];
      const response = await fetch(`${vigil.url}${concrete(url)}`, { method, headers: { 'x-vigil-csrf': '1' } });
      expect(response.status, key).toBe(401);
    }
  });

  it('gives built-in roles least privilege: only admins manage users and read the audit log', async () => {
    const granted = (role: string) => new Set(BUILTIN_ROLES.find((r) => r.name === role)!.permissions);
    for (const role of ['viewer', 'analyst', 'responder', 'engineer']) {
      expect(granted(role).has('users:write'), role).toBe(false);
      expect(granted(role).has('audit:read'), role).toBe(false);
    }
    expect(granted('viewer').has('sources:write')).toBe(false);
    expect(granted('engineer').has('sources:write')).toBe(true);
  });
});

describe('API tokens', () => {
  it('act with at most their scopes, never more than their user, and stop when revoked or the user is disabled', async () => {
    const engineer = sessions.get('engineer')!;
    const over = await engineer.request('POST', '/api/v1/tokens', { name: 'too much', permissions: ['users:read'] });
    expect(over.status).toBe(403);
    const { secret, token } = await engineer.json<{ secret: string; token: { id: string } }>('POST', '/api/v1/tokens', { name: 'ci', permissions: ['events:read'], expiresInDays: 7 });
    expect(secret).toMatch(/^vgt_/);
    const bearer = (path: string, method = 'GET') => fetch(`${vigil.url}${path}`, { method, headers: { authorization: `Bearer ${secret}` } });
    expect((await bearer('/api/v1/events')).status).toBe(200);
    expect((await bearer('/api/v1/sources')).status).toBe(403);
    // No CSRF header needed for a bearer token, but the scope still applies.
    expect((await bearer(`/api/v1/tokens/${token.id}`, 'DELETE')).status).toBe(403);
    expect((await fetch(`${vigil.url}/api/v1/events`, { headers: { authorization: 'Bearer vgt_forged' } })).status).toBe(401);
    expect((await fetch(`${vigil.url}/api/v1/events`, { headers: { authorization: `Basic ${secret}` } })).status).toBe(401);

    // The listing never shows the secret or its hash.
    const listed = await engineer.json<{ tokens: Record<string, unknown>[] }>('GET', '/api/v1/tokens');
    expect(JSON.stringify(listed)).not.toContain(secret.slice(4, 20));
    expect(listed.tokens[0]).not.toHaveProperty('tokenHash');

    const users = await admin.json<{ users: { id: string; username: string }[] }>('GET', '/api/v1/users');
    const engineerId = users.users.find((u) => u.username === 'walk-engineer')!.id;
    await admin.json('PATCH', `/api/v1/users/${engineerId}`, { disabled: true });
    expect((await bearer('/api/v1/events')).status).toBe(401);
    expect((await engineer.request('GET', '/api/v1/auth/me')).status).toBe(401);
    await admin.json('PATCH', `/api/v1/users/${engineerId}`, { disabled: false });
    expect((await bearer('/api/v1/events')).status).toBe(200);

    expect((await admin.request('DELETE', `/api/v1/tokens/${token.id}`)).status).toBe(204);
    expect((await bearer('/api/v1/events')).status).toBe(401);
  });

  it('lose permissions their user loses', async () => {
    const responder = await admin.createUserSession('demoted', 'responder');
    const { secret } = await responder.json<{ secret: string }>('POST', '/api/v1/tokens', { name: 'x', permissions: ['incidents:write', 'events:read'] });
    const users = await admin.json<{ users: { id: string; username: string }[] }>('GET', '/api/v1/users');
    await admin.json('PATCH', `/api/v1/users/${users.users.find((u) => u.username === 'demoted')!.id}`, { role: 'viewer' });
    const me = await (await fetch(`${vigil.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } })).json() as { user: { permissions: string[] } };
    expect(me.user.permissions).toEqual(['events:read']);
  });
});

describe('user administration', () => {
  it('never leaves Vigil without an active admin', async () => {
    const me = await admin.json<{ user: { id: string } }>('GET', '/api/v1/auth/me');
    const users = await admin.json<{ users: { id: string; username: string }[] }>('GET', '/api/v1/users');
    const otherAdmin = users.users.find((u) => u.username === 'walk-admin')!.id;
    await admin.json('PATCH', `/api/v1/users/${otherAdmin}`, { disabled: true });
    const demote = await admin.request('PATCH', `/api/v1/users/${me.user.id}`, { role: 'viewer' });
    expect(demote.status).toBe(409);
    expect(await demote.text()).toContain('last active admin');
    expect((await admin.request('PATCH', `/api/v1/users/${me.user.id}`, { disabled: true })).status).toBe(409);
    await admin.json('PATCH', `/api/v1/users/${otherAdmin}`, { disabled: false });
  });

  it('resets a password to a one-time password and signs the user out everywhere', async () => {
    const viewer = await admin.createUserSession('resettable', 'viewer');
    const users = await admin.json<{ users: { id: string; username: string }[] }>('GET', '/api/v1/users');
    const id = users.users.find((u) => u.username === 'resettable')!.id;
    const detail = await admin.json<{ sessions: unknown[] }>('GET', `/api/v1/users/${id}`);
    expect(detail.sessions.length).toBeGreaterThan(0);
    const { oneTimePassword } = await admin.json<{ oneTimePassword: string }>('POST', `/api/v1/users/${id}/reset-password`);
    expect((await viewer.request('GET', '/api/v1/auth/me')).status).toBe(401);
    const again = await ApiSession.signIn(vigil.url, oneTimePassword, 'yet another passphrase 7', 'resettable');
    expect((await again.json<{ user: { role: string } }>('GET', '/api/v1/auth/me')).user.role).toBe('viewer');
  });

  it('keeps custom roles consistent: unknown permissions, built-in names and roles in use are refused', async () => {
    expect((await admin.request('POST', '/api/v1/roles', { name: 'bad', permissions: ['root:everything'] })).status).toBe(400);
    expect((await admin.request('POST', '/api/v1/roles', { name: 'admin', permissions: [] })).status).toBe(409);
    expect((await admin.request('PUT', '/api/v1/roles/viewer', { permissions: ['users:write'] })).status).toBe(409);
    expect((await admin.request('DELETE', '/api/v1/roles/auditor')).status).toBe(409);
    expect((await admin.request('POST', '/api/v1/users', { username: 'x', role: 'no-such-role' })).status).toBe(400);
    const auditor = sessions.get('auditor')!;
    expect((await auditor.request('GET', '/api/v1/events')).status).toBe(403);
    await admin.json('PUT', '/api/v1/roles/auditor', { description: 'audit and events', permissions: ['audit:read', 'events:read'] });
    expect((await auditor.request('GET', '/api/v1/events')).status).toBe(200);
  });
});

describe('restricted incidents', () => {
  it('are visible to their members only, admins included, and answer like unknown ids otherwise', async () => {
    const responder = sessions.get('responder')!;
    const viewer = sessions.get('viewer')!;
    const { incident } = await responder.json<{ incident: { id: string } }>('POST', '/api/v1/incidents', { title: 'CFO account takeover', severity: 'high', restricted: true });
    const open = await responder.json<{ incident: { id: string } }>('POST', '/api/v1/incidents', { title: 'Phishing wave' });
    for (const outsider of [admin, viewer]) {
      const list = await outsider.json<{ incidents: { id: string }[] }>('GET', '/api/v1/incidents');
      expect(list.incidents.map((i) => i.id)).toContain(open.incident.id);
      expect(list.incidents.map((i) => i.id)).not.toContain(incident.id);
      const direct = await outsider.request('GET', `/api/v1/incidents/${incident.id}`);
      const unknown = await outsider.request('GET', '/api/v1/incidents/00000000-0000-4000-8000-000000000000');
      expect(direct.status).toBe(404);
      expect(await direct.text()).toBe(await unknown.text());
    }
    expect((await admin.request('PATCH', `/api/v1/incidents/${incident.id}`, { restricted: false })).status).toBe(404);

    const users = await admin.json<{ users: { id: string; username: string }[] }>('GET', '/api/v1/users');
    const viewerId = users.users.find((u) => u.username === 'walk-viewer')!.id;
    const responderId = users.users.find((u) => u.username === 'walk-responder')!.id;
    await responder.json('PUT', `/api/v1/incidents/${incident.id}/members/${viewerId}`);
    const seen = await viewer.json<{ incident: { title: string }; members: { username: string }[] }>('GET', `/api/v1/incidents/${incident.id}`);
    expect(seen.incident.title).toBe('CFO account takeover');
    expect(seen.members.map((m) => m.username).sort()).toEqual(['walk-responder', 'walk-viewer']);
    // A viewer member still cannot change it: membership grants sight, the role grants actions.
    expect((await viewer.request('PATCH', `/api/v1/incidents/${incident.id}`, { status: 'closed' })).status).toBe(403);

    await responder.json('DELETE', `/api/v1/incidents/${incident.id}/members/${viewerId}`);
    expect((await viewer.request('GET', `/api/v1/incidents/${incident.id}`)).status).toBe(404);
    const last = await responder.request('DELETE', `/api/v1/incidents/${incident.id}/members/${responderId}`);
    expect(last.status).toBe(409);
  });
});
