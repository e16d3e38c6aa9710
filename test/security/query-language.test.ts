/**
 * Query-language injection: whatever a client writes into a query, it can only ask for what the
 * language means, never change the query's structure or widen it. Table-driven: each case is a query
 * string and the exact events (by message) it must return, or the 4xx it must get.
 *
 * Today the event query takes filter parameters (`field.<name>=`, `source=`, `sourceType=`), where
 * every value is a literal. The search language (issue 4) adds its own describe block below, with
 * its cases in the same shape (`q=` with operators, quoting, wildcards, field names), reusing
 * `runCases`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSecurityVigil, type SecurityVigil } from './security-harness.ts';

/** A query and what it must give: the messages of the matching events (any order), or a status. */
export interface QueryCase {
  query: string;
  expect: { messages: string[] } | { status: 400 };
}

const EVENTS = [
  { message: 'first', host: { name: 'web-1' }, user: { name: 'alice' }, tags: ['a', 'b'] },
  { message: 'second', host: { name: 'web-2' }, user: { name: 'bob' } },
  { message: 'third', host: { name: 'db-1' }, user: { name: 'alice' } },
];
const OTHER_SOURCE_MESSAGE = 'belongs to another source';

let v: SecurityVigil;

beforeAll(async () => {
  v = await startSecurityVigil();
  // The other source's event claims to come from ql-events: a body cannot choose its source.
  const other = [{ message: OTHER_SOURCE_MESSAGE, host: { name: 'web-1' }, source: 'ql-events', sourceType: 'syslog' }];
  for (const [name, events] of [['ql-events', EVENTS], ['ql-other', other]] as const) {
    const token = await v.admin.createSource(name, 'http');
    const response = await fetch(`${v.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(events),
    });
    expect(response.status).toBe(200);
  }
  await v.vigil.pipeline.drain();
});
afterAll(async () => v?.close());

/** Runs each case against `GET /api/v1/events` and checks the exact result. */
async function runCases(cases: readonly QueryCase[]): Promise<void> {
  for (const c of cases) {
    const response = await v.admin.request('GET', `/api/v1/events?${c.query}`);
    if ('status' in c.expect) {
      expect(response.status, c.query).toBe(c.expect.status);
      continue;
    }
    expect(response.status, `${c.query}: ${await response.clone().text()}`).toBe(200);
    const { events } = (await response.json()) as { events: { fields: Record<string, unknown> }[] };
    expect(events.map((e) => e.fields.message).sort(), c.query).toEqual([...c.expect.messages].sort());
  }
}

const q = (params: Record<string, string>): string => new URLSearchParams(params).toString();

describe('query language injection', () => {
  describe('event filter parameters (field.<name>=, source=, sourceType=)', () => {
    it('matches literally: what looks like an operator in a value is part of the value', async () => {
      const none = { messages: [] };
      await runCases([
        { query: q({ source: 'ql-events', 'field.host.name': 'web-1' }), expect: { messages: ['first'] } },
        { query: q({ source: 'ql-events', 'field.user.name': 'alice' }), expect: { messages: ['first', 'third'] } },
        { query: q({ source: 'ql-events', 'field.tags': 'b' }), expect: { messages: ['first'] } },
        ...['web-*', 'web-?', 'web-%', 'web-_', '*', '%', '.*', '/web-.*/', 'web-1 OR host.name:web-2', 'web-1 || true', 'NOT db-1', '!db-1',
          'host.name:web-1', 'web-1 | stats count', '{"$ne":null}', '{"$gt":""}', '[web-1,web-2]', 'web-1,web-2', '${host.name}', 'web-1\u0000',
          ' web-1', 'web-1 ', 'WEB-1', 'web\u20111'].map((value) => ({ query: q({ source: 'ql-events', 'field.host.name': value }), expect: none })),
        { query: q({ source: 'ql-events', 'field.tags': 'a,b' }), expect: none },
      ]);
    });

    it('never widens the source: a source filter cannot be escaped to reach another source', async () => {
      await runCases([
        { query: q({ source: 'ql-events', 'field.message': OTHER_SOURCE_MESSAGE }), expect: { messages: [] } },
        { query: q({ source: 'ql-other' }), expect: { messages: [OTHER_SOURCE_MESSAGE] } },
        { query: q({ sourceType: 'syslog' }), expect: { messages: [] } },
        ...["ql-events' OR source='ql-other", 'ql-events OR ql-other', 'ql-*', 'ql-events,ql-other', '*'].map((source) => ({
          query: q({ source }), expect: { messages: [] },
        })),
        // `field.source` would name the same store key as `source=` and replace it (the last one won): refused.
        { query: q({ source: 'ql-events', 'field.source': 'ql-other' }), expect: { status: 400 } },
        { query: q({ sourceType: 'json', 'field.sourceType': 'syslog' }), expect: { status: 400 } },
      ]);
    });

    it('refuses field names with operator or structure characters, bracket and nested-object notations, and repeats', async () => {
      const names = ['host.name:', 'host.name!', 'host.name>', 'host.name<', 'host.name~', 'host.name=', 'host.name*', 'host.name[$ne]', 'host[name]',
        'host.name[]', 'host.name|x', 'host.name&x', '(host.name)', 'host.name,user.name', 'host.name ', ' host.name', '$where'];
      await runCases([
        ...names.map((name) => ({ query: `${encodeURIComponent(`field.${name}`)}=web-1`, expect: { status: 400 as const } })),
        { query: 'field.host.name=web-1&field.host.name=web-2', expect: { status: 400 } },
        { query: 'field[host.name]=web-1', expect: { status: 400 } },
        { query: 'q=*', expect: { status: 400 } },
        { query: 'where=1%3D1', expect: { status: 400 } },
        { query: 'limit=-1', expect: { status: 400 } },
      ]);
    });
  });
});
