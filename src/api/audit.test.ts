import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';

const NEW_PASSWORD = 'audit test passphrase 1';
let vigil: RunningVigil;
let dataDir: string;
let admin: ApiSession;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigil-audit-api-'));
  const config = loadConfig({
    overrides: { dataDir, server: { port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } } },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
  admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, NEW_PASSWORD);
});
afterAll(async () => vigil?.close());

async function search(query: Record<string, string> = {}): Promise<{ entries: AuditEntry[]; nextCursor?: number }> {
  return admin.json('GET', `/api/v1/audit?${new URLSearchParams(query)}`);
}

const login = (username: string, password: string) => fetch(`${vigil.url}/api/v1/auth/login`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
});

describe('audit log over the API', () => {
  it('records sign-ins: the first one, the forced password change, and a failure with the name tried', async () => {
    const failed = await login('=cmd|evil', 'wrong password');
    expect(failed.status).toBe(401);
    const { entries } = await search({ action: 'auth.login' });
    const [newest, first] = entries;
    expect(newest).toMatchObject({ actorKind: 'anonymous', actorName: '=cmd|evil', outcome: 'denied', address: '127.0.0.1', details: { status: 401, method: 'POST' } });
    expect(newest).not.toHaveProperty('actorId');
    expect(first).toMatchObject({ actorKind: 'session', actorName: 'admin', actorId: expect.any(String), outcome: 'success', details: { status: 200 } });
    const change = (await search({ action: 'POST /api/v1/auth/password' })).entries;
    expect(change).toEqual([expect.objectContaining({ actorName: 'admin', outcome: 'success', details: expect.objectContaining({ status: 204 }) })]);
  });

  it('never records request bodies: no password appears anywhere', async () => {
    const everything = JSON.stringify((await search({ limit: '500' })).entries);
    expect(everything).not.toContain(NEW_PASSWORD);
    expect(everything).not.toContain('wrong password');
    expect(everything).not.toContain(vigil.initialAdminPassword!);
    expect((await search({ text: 'passphrase' })).entries).toEqual([]);
  });

  it('records actions with their route details and refusals as denied, not reads or intake', async () => {
    const created = await admin.json<{ source: { id: string }; token: string }>('POST', '/api/v1/sources', { name: 'audited', kind: 'http' });
    const missing = await admin.request('DELETE', '/api/v1/sources/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    const anonymous = await fetch(`${vigil.url}/api/v1/sources`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    const ingest = await fetch(`${vigil.url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${created.token}` }, body: 'one line' });
    expect(ingest.status).toBe(200);
    await admin.json('GET', '/api/v1/sources');

    const entries = (await search({ limit: '3' })).entries;
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['POST /api/v1/sources', 'denied'],
      ['DELETE /api/v1/sources/:id', 'failure'],
      ['source.create', 'success'],
    ]);
    expect(entries[0]).toMatchObject({ actorKind: 'anonymous', details: { status: 401 } });
    expect(entries[1]).toMatchObject({ actorName: 'admin', details: { status: 404, params: { id: '00000000-0000-4000-8000-000000000000' } } });
    expect(entries[2]).toMatchObject({ targetType: 'source', targetId: created.source.id, details: { after: { name: 'audited', kind: 'http' } } });
    expect(JSON.stringify(entries)).not.toContain(created.token);
    expect((await search({ text: '/api/v1/ingest' })).entries).toEqual([]);
  });

  it('records who acted with an API token, and which token', async () => {
    const created = await admin.json<{ token: { id: string }; secret: string }>('POST', '/api/v1/tokens', { name: 'ci', permissions: ['sources:write'], expiresInDays: 1 });
    const response = await fetch(`${vigil.url}/api/v1/sources`, {
      method: 'POST', headers: { authorization: `Bearer ${created.secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'by-token', kind: 'hec' }),
    });
    expect(response.status).toBe(201);
    const [entry, tokenEntry] = (await search({ limit: '2' })).entries;
    expect(entry).toMatchObject({ actorKind: 'token', actorName: 'admin', action: 'source.create', details: { tokenId: created.token.id } });
    expect(tokenEntry).toMatchObject({ actorKind: 'session', action: 'token.create', targetId: created.token.id });
    expect(JSON.stringify(tokenEntry)).not.toContain(created.secret);
  });

  it('searches with filters and pages with the cursor; refuses unknown parameters', async () => {
    expect((await search({ actor: 'ADMIN', outcome: 'failure' })).entries.every((e) => e.actorName === 'admin' && e.outcome === 'failure')).toBe(true);
    const page = await search({ limit: '2' });
    expect(page.entries).toHaveLength(2);
    const next = await search({ limit: '2', before: String(page.nextCursor) });
    expect(next.entries[0]!.seq).toBe(page.entries[1]!.seq - 1);
    expect((await admin.request('GET', '/api/v1/audit?colour=red')).status).toBe(400);
    expect((await admin.request('GET', '/api/v1/audit?limit=100000')).status).toBe(400);
  });

  it('is closed to users without audit:read', async () => {
    const viewer = await admin.createUserSession('auditviewer', 'viewer');
    for (const path of ['/api/v1/audit', '/api/v1/audit/export', '/api/v1/audit/verify']) {
      expect((await viewer.request('GET', path)).status, path).toBe(403);
    }
    expect((await fetch(`${vigil.url}/api/v1/audit`)).status).toBe(401);
  });

  it('exports NDJSON and CSV as attachments, and records who exported', async () => {
    const ndjson = await admin.request('GET', '/api/v1/audit/export');
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(ndjson.headers.get('content-disposition')).toMatch(/^attachment; filename="vigil-audit-\d{8}T\d{6}Z\.ndjson"$/);
    const lines = (await ndjson.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEntry);
    expect(lines.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
    const csv = await admin.request('GET', `/api/v1/audit/export?format=csv&from=0&to=${Date.now() + 60_000}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('seq,at,actor_kind,actor_id,actor_name,action,target_type,target_id,outcome,address,details,prev_hash,hash');
    expect(text).toContain(",'=cmd|evil,");
    expect((await search({ action: 'audit.export' })).entries.map((e) => e.details.note)).toEqual([expect.stringMatching(/^csv from 0 to \d+$/), 'ndjson']);
    expect((await admin.request('GET', '/api/v1/audit/export?format=xml')).status).toBe(400);
  });

  it('verifies the chain, and reports an audit write failure in the metrics without failing the request', async () => {
    const intact = await admin.json<{ ok: boolean; checked: number }>('GET', '/api/v1/audit/verify');
    expect(intact).toMatchObject({ ok: true });
    expect(intact.checked).toBeGreaterThan(10);
    expect((await search({ limit: '1' })).entries[0]).toMatchObject({ action: 'audit.verify', details: { note: `intact: ${intact.checked} entries` } });

    // A folder where the anchor file goes: the entry is stored, the anchor cannot be renamed into place.
    rmSync(join(dataDir, 'audit.head'));
    mkdirSync(join(dataDir, 'audit.head'));
    try {
      const response = await admin.request('POST', '/api/v1/sources', { name: 'while-broken', kind: 'http' });
      expect(response.status).toBe(201);
    } finally {
      rmSync(join(dataDir, 'audit.head'), { recursive: true });
    }
    const metrics = await (await admin.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/^vigil_audit_write_errors_total 1$/m);
    // The next entry writes the anchor again and the chain is whole.
    await admin.request('POST', '/api/v1/auth/logout');
    admin = await ApiSession.signIn(vigil.url, NEW_PASSWORD);
    expect(await admin.json('GET', '/api/v1/audit/verify')).toMatchObject({ ok: true });
  });
});
