/**
 * Header injection: CR/LF from a request must never reach a response header (Node throws on such a
 * header, which would turn the request into a 500, and a lenient stack would split the response).
 * Walked over every registered route with CR/LF in path parameters and the query; plus the places
 * that do build headers from requests (redirects, downloads, HEC channels) and raw bytes that only
 * a hand-written client sends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, rawGet, rawHttp, startSecurityVigil, STATE_CHANGING, type SecurityVigil } from './security-harness.ts';

const CRLF = '%0d%0aX-Injected:%20yes';
const CR = '%0dX-Injected:%20yes';
const LF = '%0aX-Injected:%20yes';
const UNICODE_NEWLINE = '%E5%98%8A%E5%98%8DX-Injected:%20yes'; // U+560A U+560D: their low bytes are CR and LF

let v: SecurityVigil;

beforeAll(async () => {
  v = await startSecurityVigil();
});
afterAll(async () => v?.close());

function expectNoInjectedHeader(response: Response, what: string): void {
  expect(response.status, what).toBeLessThan(500);
  expect(response.headers.get('x-injected'), what).toBeNull();
  for (const [name, value] of response.headers) expect(/[\r\n]/.test(value), `${what}: header ${name}`).toBe(false);
  // Downloads are named by the server, from a fixed pattern: nothing from the request reaches the name.
  const disposition = response.headers.get('content-disposition');
  if (disposition !== null) expect(disposition, what).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"$/);
}

describe('header injection', () => {
  it('keeps redirect locations free of request-supplied CR/LF (single sign-on)', async () => {
    const start = apiRoutes(v).find((r) => r.url.endsWith('/:provider/start'));
    expect(start, 'the single sign-on start route exists').toBeDefined();
    for (const evil of [CRLF, LF, `%2f%2fevil.example${CRLF}`, 'https:%2f%2fevil.example']) {
      const response = await fetch(`${v.url}${start!.url.replace(':provider', `x${evil}`)}`, { redirect: 'manual' });
      expectNoInjectedHeader(response, evil);
      const location = response.headers.get('location');
      // An unknown provider is a refusal back to the console, never somewhere the URL chose.
      if (location !== null) expect(location, evil).toMatch(/^\/login\?sso_error=[a-z_-]+$/);
    }
  });

  it('names downloads with a fixed pattern, whatever the query says (audit export)', async () => {
    for (const format of ['csv', 'ndjson']) {
      const response = await v.admin.request('GET', `/api/v1/audit/export?format=${format}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="vigil-audit-[0-9TZ]+\.(csv|ndjson)"$/);
      await response.arrayBuffer();
    }
    const evil = await v.admin.request('GET', `/api/v1/audit/export?format=csv${CRLF}`);
    expect(evil.status).toBe(400);
    expectNoInjectedHeader(evil, 'format with CRLF');
  });

  it('refuses a HEC channel with CR/LF, from the query or a raw header, and keeps serving', async () => {
    const token = await v.admin.createSource('hec-headers', 'hec');
    const viaQuery = await fetch(`${v.url}/services/collector/event?channel=${CRLF}`, {
      method: 'POST', headers: { authorization: `Splunk ${token}` }, body: '{"event":"x"}',
    });
    expect(viaQuery.status).toBe(400);
    expect(((await viaQuery.json()) as { code: number }).code).toBe(11);
    expectNoInjectedHeader(viaQuery, 'channel in the query');

    const body = '{"event":"x"}';
    for (const channel of ['abc\rX-Injected: yes', 'abc\nX-Injected: yes', 'abc\r\n X-Injected: yes', 'abc\u0000']) {
      const response = await rawHttp(v.url, [
        'POST /services/collector/event HTTP/1.1', 'Host: localhost', 'Connection: close', `Authorization: Splunk ${token}`,
        `X-Splunk-Request-Channel: ${channel}`, 'Content-Type: application/json', `Content-Length: ${body.length}`, '', body,
      ].join('\r\n'));
      // Either Node's parser refuses the request, or HEC refuses the channel (a GUID is required).
      expect([400, 401], JSON.stringify(channel)).toContain(response.status);
      expect(response.headers.toLowerCase(), JSON.stringify(channel)).not.toContain('x-injected');
    }
    expect((await fetch(`${v.url}/healthz`)).status).toBe(200);
  });

  it('does not split the response on CR/LF in the request line', async () => {
    for (const path of [`/healthz${CRLF}`, `/api/v1/auth/me${CRLF}`, `/${CRLF}`, `/assets/x.js${CRLF}`]) {
      const response = await rawGet(v.url, path);
      expect(response.status, path).toBeGreaterThan(0);
      expect(response.status, path).toBeLessThan(500);
      expect(response.headers.toLowerCase(), path).not.toMatch(/^x-injected/m);
    }
  });
  // Last: the walk includes signing out, which ends the admin session the other tests use.
  it('answers every route with CR/LF in its path parameters and query without a 5xx or an injected header', async () => {
    const routes = apiRoutes(v).filter((r) => !r.url.startsWith('/assets/') && r.access !== 'intake');
    expect(routes.length).toBeGreaterThan(20);
    // Signing out last, so every other route is reached with a live session, past access control.
    routes.sort((a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')));
    for (const route of routes) {
      for (const evil of [CRLF, CR, LF, UNICODE_NEWLINE]) {
        const path = route.url.replace(/:\w+/g, `x${evil}`).replace(/\*/g, `x${evil}`);
        const headers: Record<string, string> = { cookie: v.admin.cookieHeader, 'x-vigil-csrf': '1' };
        const body = STATE_CHANGING.has(route.method) ? '{}' : undefined;
        if (body) headers['content-type'] = 'application/json';
        for (const url of [path, `${path}?format=csv${evil}&next=${evil}&redirect=${evil}`]) {
          const response = await fetch(`${v.url}${url}`, { method: route.method, headers, body, redirect: 'manual' });
          expectNoInjectedHeader(response, `${route.method} ${url}`);
        }
      }
    }
  });
});
