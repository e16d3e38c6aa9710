import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';

interface SavedSearchView {
  id: string; name: string; query: string; from?: string; to?: string; shared: boolean; ownerId: string; ownerName?: string; editable: boolean;
  createdAt: number; updatedAt: number;
}

let vigil: RunningVigil;
let admin: ApiSession;
let ann: ApiSession;
let bob: ApiSession;

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-saved-')), server: { port: 0, rateLimits: { signInPerMinute: 1000 } },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
    },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
  admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
  ann = await admin.createUserSession('ann', 'analyst');
  bob = await admin.createUserSession('bob', 'viewer');
}, 60_000);
afterAll(async () => vigil?.close());

async function create(session: ApiSession, body: Record<string, unknown>): Promise<SavedSearchView> {
  return (await session.json<{ savedSearch: SavedSearchView }>('POST', '/api/v1/saved-searches', body)).savedSearch;
}

async function list(session: ApiSession): Promise<SavedSearchView[]> {
  return (await session.json<{ savedSearches: SavedSearchView[] }>('GET', '/api/v1/saved-searches')).savedSearches;
}

async function errorOf(response: Response): Promise<{ code: string; message: string; position?: { start: number; end: number } }> {
  return ((await response.json()) as { error: { code: string; message: string; position?: { start: number; end: number } } }).error;
}

describe('saved searches API', () => {
  it('saves a search with its time range and lists own and shared searches, never others\' private ones', async () => {
    const failed = await create(ann, { name: 'Failed logons', query: 'event.code:4625 | stats count() by user.name', from: '-7d', to: 'now', shared: true });
    expect(failed).toMatchObject({ name: 'Failed logons', from: '-7d', to: 'now', shared: true, ownerName: 'ann', editable: true });
    const secret = await create(ann, { name: 'My private hunt', query: 'process.name:powershell.exe' });
    expect(secret.shared).toBe(false);
    expect(secret.from).toBeUndefined();
    const bobs = await create(bob, { name: 'bob sees', query: 'host.name:web-*', from: 1_700_000_000_000 });
    expect(bobs.from).toBe('1700000000000');

    expect((await list(ann)).map((s) => s.name)).toEqual(expect.arrayContaining(['Failed logons', 'My private hunt']));
    expect((await list(ann)).map((s) => s.name)).not.toContain('bob sees');
    const seenByBob = await list(bob);
    expect(seenByBob.map((s) => s.name).sort()).toEqual(['Failed logons', 'bob sees']);
    expect(seenByBob.find((s) => s.name === 'Failed logons')).toMatchObject({ ownerName: 'ann', editable: false });
  });

  it('refuses a query that does not parse, with the syntax error and its position', async () => {
    const response = await ann.request('POST', '/api/v1/saved-searches', { name: 'broken', query: 'user.name:admin | stats nope(x)' });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('QUERY_SYNTAX');
    expect(error.position!.start).toBeGreaterThanOrEqual('user.name:admin | stats '.length);
    expect((await list(ann)).map((s) => s.name)).not.toContain('broken');

    const badTime = await ann.request('POST', '/api/v1/saved-searches', { name: 'bad time', query: 'a:b', from: 'yesterday-ish' });
    expect(badTime.status).toBe(400);
    expect((await errorOf(badTime)).message).toMatch(/^from: /);
    const badUpdate = await ann.request('PUT', `/api/v1/saved-searches/${(await list(ann))[0]!.id}`, { query: '(' });
    expect((await errorOf(badUpdate)).code).toBe('QUERY_SYNTAX');
  });

  it('refuses a second search of the same name (any case) for one owner, not for another', async () => {
    await create(ann, { name: 'Dup', query: 'a:1' });
    const again = await ann.request('POST', '/api/v1/saved-searches', { name: 'DUP', query: 'a:2' });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toContain('DUP');
    await create(bob, { name: 'Dup', query: 'a:3' });
  });

  it('lets the owner change and delete; others get 403 for shared searches and 404 for private ones', async () => {
    const shared = await create(ann, { name: 'Shared edit', query: 'a:1', shared: true, from: '-24h' });
    const hidden = await create(ann, { name: 'Hidden edit', query: 'a:1' });

    const updated = await ann.json<{ savedSearch: SavedSearchView }>('PUT', `/api/v1/saved-searches/${shared.id}`, { query: 'a:2', from: null });
    expect(updated.savedSearch).toMatchObject({ name: 'Shared edit', query: 'a:2', shared: true });
    expect(updated.savedSearch.from).toBeUndefined();
    expect(updated.savedSearch.updatedAt).toBeGreaterThanOrEqual(shared.updatedAt);

    const forbidden = await bob.request('PUT', `/api/v1/saved-searches/${shared.id}`, { name: 'taken over' });
    expect(forbidden.status).toBe(403);
    expect((await bob.request('DELETE', `/api/v1/saved-searches/${shared.id}`)).status).toBe(403);
    const notFound = await bob.request('PUT', `/api/v1/saved-searches/${hidden.id}`, { shared: true });
    expect(notFound.status).toBe(404);
    const missing = await bob.request('DELETE', '/api/v1/saved-searches/00000000-0000-4000-8000-000000000000');
    expect(await errorOf(missing)).toEqual(await errorOf(await bob.request('DELETE', `/api/v1/saved-searches/${hidden.id}`)));

    const renameClash = await ann.request('PUT', `/api/v1/saved-searches/${shared.id}`, { name: 'hidden EDIT' });
    expect(renameClash.status).toBe(409);

    expect((await ann.request('DELETE', `/api/v1/saved-searches/${shared.id}`)).status).toBe(204);
    expect((await list(bob)).map((s) => s.id)).not.toContain(shared.id);
  });

  it('lets a user administrator change and delete anyone\'s searches', async () => {
    const hidden = await create(ann, { name: 'Admin cleans up', query: 'a:1' });
    const changed = await admin.json<{ savedSearch: SavedSearchView }>('PUT', `/api/v1/saved-searches/${hidden.id}`, { shared: true });
    expect(changed.savedSearch).toMatchObject({ shared: true, ownerName: 'ann', editable: true });
    expect((await admin.request('DELETE', `/api/v1/saved-searches/${hidden.id}`)).status).toBe(204);
  });

  it('records creations, changes and deletions in the audit log', async () => {
    const saved = await create(ann, { name: 'Audited', query: 'user.name:root' });
    await ann.json('PUT', `/api/v1/saved-searches/${saved.id}`, { name: 'Audited 2' });
    expect((await ann.request('DELETE', `/api/v1/saved-searches/${saved.id}`)).status).toBe(204);
    const { entries } = vigil.core.state.audit.search({ targetId: saved.id, limit: 10 });
    expect(entries.map((e) => e.action).reverse()).toEqual(['search.saved.create', 'search.saved.update', 'search.saved.delete']);
    expect(entries.every((e) => e.actorName === 'ann' && e.outcome === 'success')).toBe(true);
    expect(JSON.stringify(entries[1]!.details.after)).toContain('Audited 2');
  });
});
