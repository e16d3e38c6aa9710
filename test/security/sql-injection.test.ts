/**
 * SQL injection through every API input that reaches a database: the event query (DuckDB, compiled
 * in src/store/duckdb/duckdb-query.ts) and the state store (SQLite: sign-in, sources). Hostile input
 * must give a clean 4xx or a correct (usually empty) result, and the data must be intact afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startSecurityVigil, type SecurityVigil } from './security-harness.ts';
import { ApiSession } from '../helpers/api-session.ts';

interface EventView {
  source: string;
  fields: Record<string, unknown>;
}

const SOURCE = 'sqli-events';
/** Stored values that themselves look like SQL: they must be found verbatim, as data. */
const QUOTED_HOST = "O'Brien";
const SQL_USER = 'bob"; DROP TABLE events; --';
const EVENTS = [
  { message: 'first', host: { name: 'web-1' }, user: { name: 'alice' } },
  { message: 'second', host: { name: QUOTED_HOST }, user: { name: SQL_USER } },
  { message: 'third', host: { name: 'web-2' }, user: { name: 'carol' } },
];

const HOSTILE_VALUES = [
  "' OR '1'='1", "' OR 1=1 --", "web-1' --", "web-1'; DROP TABLE event_partitions; --", '"; DELETE FROM store_meta; --',
  '\u2019 OR \u20191\u2019=\u20191', '\u02bc OR 1=1', 'web-1\u0000', '\u0000', '%', '_', 'web-%', '*', '\\', "\\'", '$v0', '$limit',
  '?', ':name', '/* comment */', '-- comment', 'web-1) OR (1=1', "$$ OR 1=1 $$", 'x'.repeat(4096), '\u202eweb-1', '\ud83d\ude00',
];

const HOSTILE_FIELD_NAMES = [
  "a'b", 'a"b', 'a;b', 'a b', 'host.name)--', "host.name') OR ('1'='1", 'a\u2019b', 'a\u0000b', 'x'.repeat(300), '',
  '$.a', 'a[0]', 'a\\b', 'a/*c*/', '.hidden', '-dash', 'a`b', 'a\nb',
];

let v: SecurityVigil;
let admin: ApiSession;

async function query(params: Record<string, string>): Promise<Response> {
  return admin.request('GET', `/api/v1/events?${new URLSearchParams(params)}`);
}

async function events(params: Record<string, string>): Promise<EventView[]> {
  const response = await query(params);
  expect(response.status, `${JSON.stringify(params).slice(0, 200)}: ${await response.clone().text()}`).toBe(200);
  return ((await response.json()) as { events: EventView[] }).events;
}

/** Everything stored is still there and nothing else: a destructive statement did not run. */
async function expectEventsIntact(): Promise<void> {
  const all = await events({ source: SOURCE });
  expect(all.map((e) => e.fields.message).sort()).toEqual(['first', 'second', 'third']);
}

beforeAll(async () => {
  v = await startSecurityVigil();
  admin = v.admin;
  const token = await admin.createSource(SOURCE, 'http');
  const ingest = await fetch(`${v.url}/api/v1/ingest`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(EVENTS),
  });
  expect(ingest.status).toBe(200);
  await v.vigil.pipeline.drain();
});
afterAll(async () => v?.close());

describe('SQL injection: event query (DuckDB)', () => {
  it('finds stored values that look like SQL verbatim, as data', async () => {
    expect((await events({ 'field.host.name': QUOTED_HOST })).map((e) => e.fields.message)).toEqual(['second']);
    expect((await events({ 'field.user.name': SQL_USER })).map((e) => e.fields.message)).toEqual(['second']);
    await expectEventsIntact();
  });

  it('answers hostile values with an exact (here empty) result, never an error or a wider match', async () => {
    for (const value of HOSTILE_VALUES) {
      for (const key of ['field.host.name', 'field.message', 'source', 'sourceType', 'field.user.name']) {
        if (key.startsWith('source') && value.length > 64) continue; // longer than a source name can be: refused (below)
        const found = await events({ [key]: value });
        expect(found, `${key}=${JSON.stringify(value.slice(0, 60))}`).toEqual([]);
      }
    }
    await expectEventsIntact();
  });

  it('refuses hostile field names with 400 VALIDATION', async () => {
    for (const name of HOSTILE_FIELD_NAMES) {
      const response = await query({ [`field.${name}`]: 'web-1' });
      expect(response.status, JSON.stringify(name.slice(0, 60))).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
    await expectEventsIntact();
  });

  it('refuses unknown parameters, repeated parameters, oversized values and out-of-range times with 400', async () => {
    const cases = [
      "unknown=1", "field.host.name=web-1&field.host.name=web-2", "source=a&source=b", `field.message=${'x'.repeat(4097)}`,
      "from=1e400", "from=99999999999999999", "to=-99999999999999999", "limit=0", "limit=1;DROP", "limit=1e3000",
      `source=${'s'.repeat(257)}`, 'from=NaN', 'to=Infinity',
    ];
    for (const q of cases) {
      const response = await admin.request('GET', `/api/v1/events?${q}`);
      expect(response.status, q.slice(0, 80)).toBe(400);
    }
    await expectEventsIntact();
  });

  it('does not drop a filter whose name is an Object.prototype key (the filter must still apply)', async () => {
    // `equals.__proto__ = value` on a plain object sets nothing: the filter would silently vanish
    // and every event would match.
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__']) {
      expect(await events({ [`field.${name}`]: 'nothing has this value', source: SOURCE }), name).toEqual([]);
    }
  });

  it('decodes broken percent-encoding into a clean 4xx or an exact result, never a 500', async () => {
    for (const q of ['field.host.name=%', 'field.host.name=%zz', 'field.host.name=%ED%A0%80', 'field.host.name=%FF%FE', 'field.host.name=%00', 'field.host%2Ename=web-1', '%66ield.host.name=web-1']) {
      const response = await admin.request('GET', `/api/v1/events?${q}`);
      expect(response.status, q).toBeLessThan(500);
      if (response.status === 200) {
        for (const e of ((await response.json()) as { events: EventView[] }).events) expect(e.fields['host.name'], q).toBe('web-1');
      }
    }
    await expectEventsIntact();
  });

  it('property: any string as a filter value answers 200 with only events whose field equals it', async () => {
    const stored = EVENTS.map((e) => e.user.name);
    const value = fc.oneof(
      fc.constantFrom(...stored),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom("'", '"', ';', '-', '/', '*', '\\', '%', '_', '$', '\u0000', '\u2019', 'a', ' ', '(', ')'), maxLength: 30 }),
      fc.tuple(fc.constantFrom(...stored), fc.constantFrom("'", '%', '_', '\u0000', ' ', '--')).map(([s, x]) => `${s}${x}`),
    );
    let matched = 0;
    await fc.assert(fc.asyncProperty(value, fc.constantFrom('field.user.name', 'field.host.name', 'field.message'), async (wanted, key) => {
      const found = await events({ [key]: wanted });
      const field = key.slice('field.'.length);
      for (const e of found) expect(e.fields[field]).toBe(wanted);
      const expected = EVENTS.filter((e) => (field === 'user.name' ? e.user.name : field === 'host.name' ? e.host.name : e.message) === wanted).length;
      expect(found).toHaveLength(expected);
      matched += found.length;
    }), { numRuns: 60 });
    expect(matched, 'the generator also produced values that match').toBeGreaterThan(0);
    await expectEventsIntact();
  });
});

describe('SQL injection: state store (SQLite)', () => {
  const HOSTILE_USERNAMES = ["admin' --", "' OR '1'='1", "admin'; DELETE FROM users; --", 'admin\u0000'];

  it('refuses hostile usernames at sign-in as wrong credentials, and the admin still signs in', async () => {
    // At most 4 failures before the next success: the throttle allows 5 per address.
    for (const username of HOSTILE_USERNAMES) {
      const response = await fetch(`${v.url}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: "' OR '1'='1" }),
      });
      expect(response.status, username).toBe(401);
      expect(response.headers.get('set-cookie'), username).toBeNull();
    }
    await ApiSession.signIn(v.url, ADMIN_PASSWORD, undefined, 'admin');
    expect(v.vigil.core.state.countUsers()).toBe(1);
  });

  it('refuses hostile source names, kinds, types and ids with 400, and the sources are intact', async () => {
    const before = v.vigil.core.state.listSources().map((s) => s.name).sort();
    const names = ["x'); DROP TABLE sources; --", "a' OR '1'='1", 'a;b', 'a"b', 'a\u0000', '../etc', 'a b', '<img src=x>', 'a\u2019b', 'x'.repeat(65)];
    for (const name of names) {
      const response = await admin.request('POST', '/api/v1/sources', { name, kind: 'http' });
      expect(response.status, name).toBe(400);
    }
    for (const body of [{ name: 'ok-name', kind: "http'--" }, { name: 'ok-name', kind: 'http', sourceType: "auto' OR 1=1" }]) {
      expect((await admin.request('POST', '/api/v1/sources', body)).status).toBe(400);
    }
    for (const id of ["' OR 1=1 --", '00000000-0000-0000-0000-000000000000%27--', '*']) {
      expect((await admin.request('DELETE', `/api/v1/sources/${encodeURIComponent(id)}`)).status, id).toBeGreaterThanOrEqual(400);
      expect((await admin.request('DELETE', `/api/v1/sources/${encodeURIComponent(id)}`)).status, id).toBeLessThan(500);
    }
    expect(v.vigil.core.state.listSources().map((s) => s.name).sort()).toEqual(before);
    expect(v.vigil.core.state.listSources().every((s) => s.revokedAt === undefined)).toBe(true);
  });

  it('refuses hostile usernames and role names, and stores SQL-looking free text verbatim', async () => {
    for (const username of ["x' OR '1'='1", 'x"; DROP TABLE users; --', 'a b', 'a\u0000', "admin'--"]) {
      expect((await admin.request('POST', '/api/v1/users', { username, role: 'viewer' })).status, username).toBe(400);
    }
    for (const role of ["viewer' --", "admin' OR '1'='1"]) {
      expect((await admin.request('POST', '/api/v1/users', { username: 'role-probe', role })).status, role).toBe(400);
    }
    for (const name of ["r'--", 'r; DROP TABLE roles', 'R']) {
      expect((await admin.request('POST', '/api/v1/roles', { name, description: 'x', permissions: [] })).status, name).toBe(400);
      expect((await admin.request('DELETE', `/api/v1/roles/${encodeURIComponent(name)}`)).status, name).toBeLessThan(500);
    }
    const text = "Robert'); DROP TABLE users; -- \u2019 \"quoted\" /* c */";
    const created = await admin.json<{ user: { id: string } }>('POST', '/api/v1/users', { username: 'bobby-tables', role: 'viewer', displayName: text });
    await admin.json('POST', '/api/v1/roles', { name: 'sql-role', description: text, permissions: ['events:read'] });
    const token = await admin.json<{ token: { id: string } }>('POST', '/api/v1/tokens', { name: text, permissions: ['events:read'] });
    expect((await admin.json<{ user: { displayName: string } }>('GET', `/api/v1/users/${created.user.id}`)).user.displayName).toBe(text);
    expect(v.vigil.core.state.findRole('sql-role')?.description).toBe(text);
    expect(v.vigil.core.state.listApiTokens().find((t) => t.id === token.token.id)?.name).toBe(text);
    expect(v.vigil.core.state.listUsers().map((u) => u.username).sort()).toEqual(['admin', 'bobby-tables']);
  });
});
