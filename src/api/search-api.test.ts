import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import type { VigilConfigInput } from '../config/config-schema.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';

interface Running {
  vigil: RunningVigil;
  admin: ApiSession;
}

async function start(overrides: VigilConfigInput = {}): Promise<Running> {
  const config = loadConfig({
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-search-api-')), server: { port: 0 },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
      ...overrides,
    },
  });
  const vigil = await startVigil({ config, log: createLogger('silent') });
  const admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
  return { vigil, admin };
}

async function ingest(running: Running, source: string, events: unknown[]): Promise<void> {
  const { token } = await running.admin.json<{ token: string }>('POST', '/api/v1/sources', { name: source, kind: 'http', sourceType: 'auto' });
  for (let i = 0; i < events.length; i += 5_000) {
    const response = await fetch(`${running.vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(events.slice(i, i + 5_000)),
    });
    expect(response.status).toBe(200);
  }
  await running.vigil.pipeline.drain();
}

describe('POST /api/v1/search', () => {
  let r: Running;

  beforeAll(async () => {
    r = await start();
    await ingest(r, 'search-api', [
      { message: 'Failed password for alice', host: { name: 'web-1' }, user: { name: 'alice' }, source: { ip: '10.0.0.5' } },
      { message: 'Accepted password for bob', host: { name: 'web-2' }, user: { name: 'bob' }, source: { ip: '192.168.0.9' } },
      { message: 'disk full', host: { name: 'db-1' } },
    ]);
  });
  afterAll(async () => r?.vigil.close());

  it('answers events with a histogram of all matches and field statistics', async () => {
    const response = await r.admin.request('POST', '/api/v1/search', { query: 'password source.ip:10.0.0.0/8', from: '-1h' });
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as {
      kind: string; events: { fields: Record<string, unknown> }[]; histogram: { intervalMs: number; buckets: { count: number }[] };
      fields: { name: string; count: number; top: { value: string; count: number }[] }[]; meta: { truncated: boolean; partitions: number; from: number; to: number };
    };
    expect(body.kind).toBe('events');
    expect(body.events.map((e) => e.fields['user.name'])).toEqual(['alice']);
    expect(body.histogram.intervalMs).toBe(60_000);
    expect(body.histogram.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(1);
    expect(body.fields.find((f) => f.name === 'host.name')).toMatchObject({ count: 1, top: [{ value: 'web-1', count: 1 }] });
    expect(body.meta).toMatchObject({ truncated: false, partitions: 1 });
    expect(body.meta.to - body.meta.from).toBe(3_600_000);
  });

  it('answers a table for stats, and leaves out the histogram and fields when asked', async () => {
    const body = await r.admin.json<Record<string, unknown>>('POST', '/api/v1/search', {
      query: '| stats count() by host.name', histogram: false, fields: false,
    });
    expect(body).toMatchObject({ kind: 'table', columns: ['host.name', 'count'], rows: [['db-1', 1], ['web-1', 1], ['web-2', 1]] });
    expect(body).not.toHaveProperty('histogram');
    expect(body).not.toHaveProperty('fields');
  });

  it('marks a result cut at the limit as truncated', async () => {
    const body = await r.admin.json<{ events: unknown[]; meta: { truncated: boolean } }>('POST', '/api/v1/search', { query: '', limit: 2 });
    expect(body.events).toHaveLength(2);
    expect(body.meta.truncated).toBe(true);
  });

  it('points at the error in the query with QUERY_SYNTAX', async () => {
    const response = await r.admin.request('POST', '/api/v1/search', { query: 'host.name:web-1 | stats bogus()' });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string; position: { start: number; end: number } } };
    expect(error.code).toBe('QUERY_SYNTAX');
    expect(error.message).toMatch(/bogus/);
    expect(error.position).toEqual({ start: 24, end: 29 });
  });

  it('refuses bad time ranges and bodies with VALIDATION', async () => {
    for (const body of [
      { query: '', from: 'yesterday' },
      { query: '', from: '-1h', to: '-2h' },
      { query: '', limit: 0 },
      { query: '', limit: 10_001 },
      { query: '', extra: true },
      { query: 'x'.repeat(10_001) },
    ]) {
      const response = await r.admin.request('POST', '/api/v1/search', body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
  });
});

describe('search time limit', () => {
  let r: Running;

  beforeAll(async () => {
    // A limit no real search meets, so the search below is reliably stopped part-way.
    r = await start({ search: { timeoutSeconds: 0.001 } });
    const events = Array.from({ length: 20_000 }, (_, i) => ({ message: `event ${i}`, source: { ip: `2001:db8::${i.toString(16)}` }, user: { name: `u${i % 500}` } }));
    await ingest(r, 'slow', events);
  }, 120_000);
  afterAll(async () => r?.vigil.close());

  it('stops a slow search with QUERY_TIMEOUT and keeps serving', async () => {
    const started = Date.now();
    const response = await r.admin.request('POST', '/api/v1/search', { query: 'source.ip:2001:db8::/64 | stats dc(message), values(user.name) by source.ip' });
    expect(response.status).toBe(504);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('QUERY_TIMEOUT');
    expect(error.message).toMatch(/longer than/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await fetch(`${r.vigil.url}/healthz`)).status).toBe(200);
    const events = await r.admin.json<{ events: unknown[] }>('GET', '/api/v1/events?limit=5');
    expect(events.events).toHaveLength(5);
  });
});
