/**
 * Prototype pollution through JSON: `__proto__` and `constructor.prototype` in request bodies, query
 * strings and ingested events. The server runs in this process, so a polluted Object.prototype would
 * be visible here. Bodies of the API's own routes are refused (Fastify's secure JSON parser);
 * events keep such keys as ordinary, namespaced field names that cannot stand in for a real field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, concretePath, startSecurityVigil, STATE_CHANGING, type SecurityVigil } from './security-harness.ts';

const POISONED_BODIES = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"name":"x","permissions":[],"kind":"http","username":"u","password":"p","__proto__":{"polluted":"yes","role":"admin"}}',
  '{"a":{"__proto__":{"polluted":"yes"}}}',
];

let v: SecurityVigil;

beforeAll(async () => {
  v = await startSecurityVigil();
});
afterAll(async () => v?.close());

function expectUnpolluted(what: string): void {
  expect(({} as Record<string, unknown>).polluted, what).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), what).toBe(false);
}

describe('prototype pollution', () => {
  it('refuses poisoned JSON bodies on every API route that takes one, without a 5xx', async () => {
    const routes = apiRoutes(v).filter((r) => STATE_CHANGING.has(r.method) && r.access !== 'intake');
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      for (const body of POISONED_BODIES) {
        const response = await fetch(`${v.url}${concretePath(route.url)}`, {
          method: route.method, headers: { cookie: v.admin.cookieHeader, 'x-vigil-csrf': '1', 'content-type': 'application/json' }, body,
        });
        const what = `${route.method} ${route.url} ${body}`;
        // The body is parsed (and refused) before any handler runs, whether the route reads a body or not.
        expect(response.status, what).toBe(400);
        expectUnpolluted(what);
      }
    }
  });

  it('ignores pollution attempts in query strings', async () => {
    for (const route of apiRoutes(v).filter((r) => r.method === 'GET' && r.access !== 'intake' && !r.url.startsWith('/assets/'))) {
      for (const query of ['__proto__[polluted]=yes', '__proto__.polluted=yes', 'constructor[prototype][polluted]=yes', 'constructor.prototype.polluted=yes']) {
        const response = await fetch(`${v.url}${concretePath(route.url)}?${query}`, { headers: { cookie: v.admin.cookieHeader } });
        expect(response.status, `${route.url}?${query}`).toBeLessThan(500);
        expectUnpolluted(`${route.url}?${query}`);
      }
    }
  });

  it('keeps __proto__ in ingested events as a namespaced field name that cannot pose as a real field', async () => {
    const token = await v.admin.createSource('proto-events', 'http');
    const events = [
      '{"message":"nested","__proto__":{"host":{"name":"spoofed-host"},"polluted":"yes"}}',
      '{"message":"constructor","constructor":{"prototype":{"polluted":"yes"}}}',
      '{"message":"inner","user":{"__proto__":{"name":"spoofed-user"}}}',
    ];
    const response = await fetch(`${v.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: `${events.join('\n')}\n`,
    });
    expect(response.status).toBe(200);
    await v.vigil.pipeline.drain();
    expectUnpolluted('ingest');
    const get = async (query: string) => (await v.admin.json<{ events: { fields: Record<string, unknown> }[] }>('GET', `/api/v1/events?${query}`)).events;
    expect(await get('field.host.name=spoofed-host')).toEqual([]);
    expect(await get('field.user.name=spoofed-user')).toEqual([]);
    const stored = await get('source=proto-events');
    expect(stored).toHaveLength(3);
    for (const event of stored) {
      expect(Object.getPrototypeOf(event.fields)).toBe(Object.prototype);
      expect(event.fields['host.name']).toBeUndefined();
      expect(event.fields['user.name']).toBeUndefined();
    }
    expect(stored.find((e) => e.fields.message === 'nested')!.fields['__proto__.host.name']).toBe('spoofed-host');
  });
});
