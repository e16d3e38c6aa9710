import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import type { RawRecord } from '../core/event.ts';
import { createLogger } from '../ops/logger.ts';
import type { SearchBatch } from '../store/event-store.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';

let vigil: RunningVigil;
let admin: ApiSession;
const NOW = Date.now();

function record(i: number, fields: Record<string, unknown>): RawRecord {
  return { source: 'export-test', sourceType: 'json', receivedAt: NOW, data: { '@timestamp': new Date(NOW - 60_000 + i).toISOString(), labels: { test: 'export' }, ...fields } };
}

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-export-')), server: { port: 0 },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
    },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
  admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
  const records = Array.from({ length: 50 }, (_, i) => record(i, { message: `login ${i}`, host: { name: i % 2 ? 'web-1' : 'db-1' }, user: { name: 'ann' } }));
  records.push(record(60, { message: 'evil', host: { name: 'web-1' }, user: { name: '=HYPERLINK("http://evil.example")' }, extra: { note: '+1' } }));
  await vigil.pipeline.submit(records);
  await vigil.pipeline.drain();
}, 60_000);
afterAll(async () => vigil?.close());

function exportUrl(params: Record<string, string>): string {
  return `/api/v1/search/export?${new URLSearchParams({ from: '-1h', ...params }).toString()}`;
}

describe('search export API', () => {
  it('streams events as a CSV attachment with the leading columns, the other fields and formulas neutralized', async () => {
    const response = await admin.request('GET', exportUrl({ query: 'labels.test:export', format: 'csv' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="vigil-search-\d{8}T\d{6}Z\.csv"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const lines = (await response.text()).trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 5)).toEqual(['time', 'source', 'host.name', 'user.name', 'message']);
    expect(header).toContain('extra.note');
    expect(lines).toHaveLength(52);
    const evil = lines.find((line) => line.includes('evil'))!;
    expect(evil).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(evil).toContain(`'+1`);
  });

  it('streams NDJSON events and tables, honouring the limit', async () => {
    const events = await admin.request('GET', exportUrl({ query: 'host.name:web-1', format: 'ndjson', limit: '5' }));
    expect(events.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const rows = (await events.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { fields: Record<string, unknown>; seq: number });
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.fields['host.name'] === 'web-1')).toBe(true);

    const table = await admin.request('GET', exportUrl({ query: 'labels.test:export | stats count() by host.name | sort host.name', format: 'ndjson' }));
    expect((await table.text()).trimEnd().split('\n').map((line) => JSON.parse(line))).toEqual([
      { 'host.name': 'db-1', count: 25 }, { 'host.name': 'web-1', count: 26 },
    ]);
    const csv = await admin.request('GET', exportUrl({ query: 'labels.test:export | stats count() by host.name | sort host.name', format: 'csv' }));
    expect(await csv.text()).toBe('host.name,count\ndb-1,25\nweb-1,26\n');
  });

  it('answers a syntax error with its position before any data, and a bad format or time as a validation error', async () => {
    const syntax = await admin.request('GET', exportUrl({ query: 'user.name:ann | head x' }));
    expect(syntax.status).toBe(400);
    expect(syntax.headers.get('content-disposition')).toBeNull();
    const body = (await syntax.json()) as { error: { code: string; position: { start: number; end: number } } };
    expect(body.error.code).toBe('QUERY_SYNTAX');
    expect(body.error.position.start).toBe('user.name:ann | head '.length);
    expect((await admin.request('GET', exportUrl({ query: 'a', format: 'xlsx' }))).status).toBe(400);
    const time = await admin.request('GET', exportUrl({ query: 'a', from: 'last tuesday' }));
    expect(((await time.json()) as { error: { message: string } }).error.message).toMatch(/^from: /);
  });

  it('records who exported what and how many rows in the audit log', async () => {
    const response = await admin.request('GET', exportUrl({ query: 'labels.test:export user.name:ann', format: 'csv' }));
    await response.text();
    // The entry is written once the response has gone out.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { entries } = vigil.core.state.audit.search({ action: 'search.export', limit: 1 });
    expect(entries[0]).toMatchObject({ action: 'search.export', actorName: 'admin', outcome: 'success' });
    expect(entries[0]!.details.note).toMatch(/^csv, 50 rows, .* to .*: labels.test:export user\.name:ann$/);
  });

  it('stops the store\'s query when the client goes away', async () => {
    const events = vigil.core.events;
    const original = events.exportSearch.bind(events);
    let finished: (how: string) => void = () => {};
    const outcome = new Promise<string>((resolve) => (finished = resolve));
    events.exportSearch = (request) => (async function* (): AsyncGenerator<SearchBatch> {
      try {
        // An endless result: only the client's departure ends it.
        for (;;) for await (const batch of original({ ...request })) yield batch;
      } finally {
        finished('stopped');
      }
    })();
    try {
      const controller = new AbortController();
      const response = await fetch(`${vigil.url}${exportUrl({ query: '', format: 'ndjson' })}`, { headers: { cookie: admin.cookieHeader }, signal: controller.signal });
      const reader = response.body!.getReader();
      expect((await reader.read()).done).toBe(false);
      const before = vigil.core.state.audit.search({ action: 'search.export', limit: 500 }).entries.length;
      controller.abort();
      expect(await Promise.race([outcome, new Promise((resolve) => setTimeout(() => resolve('still running'), 5000))])).toBe('stopped');
      // Leaving early is recorded too, with the rows sent so far.
      const exports = () => vigil.core.state.audit.search({ action: 'search.export', limit: 500 }).entries;
      for (let i = 0; i < 40 && exports().length === before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const after = exports();
      expect(after).toHaveLength(before + 1);
      expect(after[0]).toMatchObject({ outcome: 'failure', details: { status: 499 } });
      expect(after[0]!.details.note).toMatch(/^ndjson, \d+ rows, .*\(the client closed the connection before the answer was complete\)$/);
    } finally {
      events.exportSearch = original;
    }
  });
});
