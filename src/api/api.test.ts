import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';
import { API_ERRORS } from './errors.ts';

let vigil: RunningVigil;

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-api-')), server: { port: 0 },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
    },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
});
afterAll(async () => vigil?.close());

describe('REST API', () => {
  it('lists every error code in docs/api.md', () => {
    const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(API_ERRORS)) expect(doc).toContain(`| \`${code}\` | ${status} |`);
  });

  it('serves an OpenAPI document that lists the routes', async () => {
    const doc = (await (await fetch(`${vigil.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/auth/login', '/api/v1/sources', '/api/v1/events', '/healthz', '/readyz']) expect(doc.paths).toHaveProperty([path]);
    const sources = (doc.paths['/api/v1/sources'] as { get: { description: string; security: unknown[] } }).get;
    expect(sources.description).toContain('`sources:read`');
    expect(sources.security).toEqual([{ session: [] }, { bearer: [] }]);
  });

  it('denies by default: no session, no data', async () => {
    for (const path of ['/api/v1/sources', '/api/v1/events', '/api/v1/status', '/api/v1/auth/me']) {
      const response = await fetch(`${vigil.url}${path}`);
      expect(response.status, path).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('forces the one-time password to be changed before anything else', async () => {
    const session = await fetch(`${vigil.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: vigil.initialAdminPassword }),
    });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const sources = await fetch(`${vigil.url}/api/v1/sources`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(sources.status).toBe(403);
    expect(((await sources.json()) as { error: { code: string } }).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('requires the CSRF header on state-changing requests', async () => {
    const session = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, 'a much better passphrase 1');
    const response = await fetch(`${vigil.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: session.cookieHeader } });
    expect(response.status).toBe(403);
  });

  it('creates a source whose token ingests events that the event query returns, and revokes it', async () => {
    const session = await ApiSession.signIn(vigil.url, 'a much better passphrase 1');
    const created = await session.json<{ source: { id: string }; token: string }>('POST', '/api/v1/sources', { name: 'api-test', kind: 'http', sourceType: 'auto' });
    expect(created.token).toMatch(/^vgi_/);
    const duplicate = await session.request('POST', '/api/v1/sources', { name: 'api-test', kind: 'http' });
    expect(duplicate.status).toBe(409);

    const ingest = await fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello', host: 'api-host', user: 'mallory' }),
    });
    expect(ingest.status).toBe(200);
    await vigil.pipeline.drain();
    const found = await session.json<{ events: { source: string; fields: Record<string, unknown> }[] }>('GET', '/api/v1/events?source=api-test&field.host.name=api-host');
    expect(found.events).toHaveLength(1);
    expect(found.events[0]!.fields.message).toBe('hello');

    const bad = await session.request('GET', '/api/v1/events?field.a%27%3B%20drop=1');
    expect(bad.status).toBe(400);

    expect((await fetch(`${vigil.url}/metrics`)).status).toBe(401);
    const metrics = await (await session.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/vigil_intake_records_total\{source="api-test"\} 1/);
    expect(metrics).toMatch(/vigil_stored_events_total\{source="api-test"\} 1/);
    expect(metrics).toContain('vigil_pipeline_pending_records 0');
    expect(metrics).toContain('vigil_store_write_seconds_bucket');
    expect(await (await fetch(`${vigil.url}/readyz`)).json()).toEqual({ status: 'ready', pendingRecords: 0 });

    const { sources } = await session.json<{ sources: { name: string; stats: { eventsTotal: number; lastEventAt?: number } }[] }>('GET', '/api/v1/sources');
    const stats = sources.find((s) => s.name === 'api-test')!.stats;
    expect(stats.eventsTotal).toBe(1);
    expect(stats.lastEventAt).toBeGreaterThan(0);

    expect((await session.request('DELETE', `/api/v1/sources/${created.source.id}`)).status).toBe(204);
    const refused = await fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' }, body: '{"message":"x"}',
    });
    expect(refused.status).toBe(401);
  });

  it('throttles repeated failed sign-ins', async () => {
    let last = 0;
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${vigil.url}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'wrong password' }),
      });
      last = response.status;
    }
    expect(last).toBe(429);
  });

  it('serves the console for its routes, never HTML in place of a missing script', async () => {
    for (const path of ['/', '/sources', '/events?range=1h']) {
      const page = await fetch(`${vigil.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
    expect((await fetch(`${vigil.url}/assets/missing-0000.js`)).status).toBe(404);
    expect((await fetch(`${vigil.url}/api/v1/nope`)).status).toBe(404);
  });

  it('sends security headers', async () => {
    const response = await fetch(`${vigil.url}/healthz`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
