/**
 * Cross-site request forgery: a session needs the `x-vigil-csrf` header on every state-changing
 * request (walked over every non-GET route the server registered); bodies a cross-site form can send
 * (urlencoded, multipart, text/plain) are never taken as JSON; the session cookie is SameSite=Strict
 * and HttpOnly; no route grants a cross-origin read through CORS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/access.ts';
import { ADMIN_PASSWORD, apiRoutes, concretePath, protectedRoutes, startSecurityVigil, STATE_CHANGING, type SecurityVigil } from './security-harness.ts';

let v: SecurityVigil;

beforeAll(async () => {
  v = await startSecurityVigil();
});
afterAll(async () => v?.close());

/** Bodies an HTML form on another site can send without a CORS preflight. */
const CROSS_SITE_BODIES: Record<string, string> = {
  'application/x-www-form-urlencoded': 'username=admin&password=x&name=csrf-probe&kind=http&%7B%22name%22%3A%22csrf%22%7D=',
  'text/plain': '{"username":"admin","password":"x","name":"csrf-probe","kind":"http","role":"viewer","permissions":["events:read"]}',
  'multipart/form-data; boundary=vigil': '--vigil\r\nContent-Disposition: form-data; name="name"\r\n\r\ncsrf-probe\r\n--vigil--\r\n',
};

/** Routes with a JSON request body, from the OpenAPI document (`/x/{id}` there, `/x/:id` in Fastify). */
async function routesWithBody(): Promise<Set<string>> {
  const doc = (await (await fetch(`${v.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
  const out = new Set<string>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op.requestBody !== undefined) out.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
  }
  return out;
}

describe('CSRF', () => {
  it('refuses every state-changing request of a session without x-vigil-csrf (403 CSRF), and nothing changed', async () => {
    const routes = protectedRoutes(v).filter((r) => STATE_CHANGING.has(r.method));
    expect(routes.length, 'there are state-changing routes to walk').toBeGreaterThan(10);
    const usersBefore = v.vigil.core.state.listUsers().length;
    const sourcesBefore = v.vigil.core.state.listSources().length;
    for (const route of routes) {
      for (const [contentType, body] of Object.entries({ 'application/json': '{"name":"csrf-probe","kind":"http"}', ...CROSS_SITE_BODIES })) {
        const response = await fetch(`${v.url}${concretePath(route.url)}`, {
          method: route.method, headers: { cookie: v.admin.cookieHeader, 'content-type': contentType, origin: 'https://evil.example' }, body,
        });
        expect(response.status, `${route.method} ${route.url} (${contentType})`).toBe(403);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('CSRF');
      }
    }
    expect(v.vigil.core.state.listUsers().length).toBe(usersBefore);
    expect(v.vigil.core.state.listSources().length).toBe(sourcesBefore);
    // The session is still good: the refusals were about the header, not a broken session.
    expect((await v.admin.request('GET', '/api/v1/auth/me')).status).toBe(200);
  });

  it('never takes a form or text/plain body as JSON, on protected and public routes alike', async () => {
    const withBody = await routesWithBody();
    const routes = apiRoutes(v).filter((r) => STATE_CHANGING.has(r.method) && r.access !== 'intake' && withBody.has(`${r.method} ${r.url}`));
    expect(routes.some((r) => r.url === '/api/v1/auth/login'), 'the sign-in route is among them').toBe(true);
    for (const route of routes) {
      for (const [contentType, body] of Object.entries(CROSS_SITE_BODIES)) {
        // With the CSRF header even: a JSON route must not parse what a form sent.
        const response = await fetch(`${v.url}${concretePath(route.url)}`, {
          method: route.method, headers: { cookie: v.admin.cookieHeader, 'x-vigil-csrf': '1', 'content-type': contentType }, body,
        });
        expect([400, 415], `${route.method} ${route.url} (${contentType}): ${response.status}`).toContain(response.status);
      }
    }
  });

  it('does not sign anyone in from a cross-site form (login CSRF)', async () => {
    for (const [contentType, body] of Object.entries(CROSS_SITE_BODIES)) {
      const response = await fetch(`${v.url}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': contentType, origin: 'https://evil.example' },
        body: body.replace('"password":"x"', `"password":${JSON.stringify(ADMIN_PASSWORD)}`),
      });
      expect(response.status, contentType).not.toBe(200);
      expect(response.headers.get('set-cookie'), contentType).toBeNull();
    }
  });

  it('sets the session cookie SameSite=Strict, HttpOnly, for the whole site and no other domain', async () => {
    const response = await fetch(`${v.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie().filter((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(cookies).toHaveLength(1);
    const attributes = cookies[0]!.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('path=/');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
  });
});

describe('CORS', () => {
  const ORIGINS = ['https://evil.example', 'null', 'http://localhost'];

  it('answers no preflight and no cross-origin request with permissive Access-Control headers', async () => {
    const paths = new Set(apiRoutes(v).filter((r) => !r.url.startsWith('/assets/')).map((r) => concretePath(r.url)));
    for (const path of paths) {
      for (const origin of ORIGINS) {
        const preflight = await fetch(`${v.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-vigil-csrf, content-type', cookie: v.admin.cookieHeader },
        });
        expect(preflight.headers.get('access-control-allow-origin'), `OPTIONS ${path} from ${origin}`).toBeNull();
        expect(preflight.headers.get('access-control-allow-credentials'), `OPTIONS ${path}`).toBeNull();
        expect(preflight.headers.get('access-control-allow-headers'), `OPTIONS ${path}`).toBeNull();
        const get = await fetch(`${v.url}${path}`, { headers: { origin, cookie: v.admin.cookieHeader } });
        expect(get.headers.get('access-control-allow-origin'), `GET ${path} from ${origin}`).toBeNull();
      }
    }
  });
});
