/**
 * The query language against a real DuckDB store: a crafted event set over three day partitions and
 * the exact result of every construct (docs/query-language.md promises these semantics).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFields } from '../../src/core/event.ts';
import { parseQuery } from '../../src/search/query-parser.ts';
import { ipv4ToInteger, ipv6ToHex } from '../../src/search/sql/ip-address.ts';
import { DUCKDB_SEARCH_SETUP } from '../../src/store/duckdb/duckdb-dialect.ts';
import { openDuckDbEventStore } from '../../src/store/duckdb/duckdb-event-store.ts';
import type { EventStore, SearchRequest, SearchResult, StoredEvent } from '../../src/store/event-store.ts';
import { StoreQueryError } from '../../src/store/store-errors.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 23);
const RANGE = { from: T0, to: T0 + 3 * DAY };

function event(seq: number, day: number, fields: EventFields): StoredEvent {
  const timestamp = T0 + day * DAY + seq * 1000;
  return { seq, timestamp, receivedAt: timestamp + 5, source: 'test', sourceType: 'json', fields, original: JSON.stringify(fields) };
}

const EVENTS: StoredEvent[] = [
  event(1, 0, { message: 'Failed password for alice', 'host.name': 'web-1', 'user.name': 'Alice', 'source.ip': '10.1.2.3', 'http.response.status_code': 404, tags: ['ssh', 'auth'] }),
  event(2, 0, { message: 'Accepted password for bob', 'host.name': 'web-2', 'user.name': ['bob', 'carol'], 'source.ip': '2001:db8::5', 'http.response.status_code': '500' }),
  event(3, 0, { message: 'connection reset 100% done_ok', 'host.name': 'db-1', 'source.ip': '192.168.1.10', 'http.response.status_code': 'n/a' }),
  event(4, 1, { message: 'GET /index.html', 'host.name': 'web-1', 'user.name': 'alice', 'source.ip': '10.255.255.255', 'http.response.status_code': 200 }),
  event(5, 1, { message: 'redirect', 'host.name': 'WEB-1', 'user.name': 'root', 'source.ip': '11.0.0.0', 'http.response.status_code': 301, 'related.ip': ['10.0.0.7', 'fe80::1'] }),
  event(6, 2, { message: 'Service unavailable', 'host.name': 'db-1', 'user.name': 'admin', 'source.ip': '9.255.255.255', 'http.response.status_code': 503 }),
];

let dir: string;
let store: EventStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-search-'));
  store = await openDuckDbEventStore({ dir, memoryLimit: '256MB' });
  await store.append(EVENTS);
});
afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

function search(query: string, options: Partial<Omit<SearchRequest, 'query'>> = {}): Promise<SearchResult> {
  return store.search({ query: parseQuery(query), ...RANGE, limit: 100, timeoutMs: 10_000, ...options });
}

async function seqs(query: string, options: Partial<Omit<SearchRequest, 'query'>> = {}): Promise<number[]> {
  const result = await search(query, options);
  expect(result.kind, query).toBe('events');
  return result.events!.map((e) => e.seq);
}

describe('filters', () => {
  it.each([
    ['', [6, 5, 4, 3, 2, 1]],
    // Free text: whole words of the original record, ignoring case; several words as their exact
    // sequence; `*` at an end lifts the word boundary there; LIKE characters literal.
    ['password', [2, 1]],
    ['FAILED', [1]],
    ['pass', []],
    ['*pass*', [2, 1]],
    ['alic*', [4, 1]],
    ['web', [5, 4, 2, 1]],
    ['10.1.2', [1]],
    ['10.1.2.30', []],
    ['"failed password"', [1]],
    ['"failed  password"', []],
    ['pass*for', [2, 1]],
    ['"100% done_ok"', [3]],
    ['done?ok', [3]],
    ['done', []],
    ['connection_reset', []],
    ['"100%done"', []],
    // field:value: the whole value, ignoring case; multi-valued fields match on any element.
    ['user.name:alice', [4, 1]],
    ['user.name:carol', [2]],
    ['user.name:bob*', [2]],
    ['user.name:ali', []],
    ['host.name:web-1', [5, 4, 1]],
    ['host.name:web*', [5, 4, 2, 1]],
    ['host.name:?b-1', [6, 3]],
    ['tags:ssh', [1]],
    ['tags:ss', []],
    // Exists and NOT: an absent field does not match, so NOT matches events without it (as KQL).
    ['user.name:*', [6, 5, 4, 2, 1]],
    ['NOT user.name:*', [3]],
    ['NOT user.name:alice', [6, 5, 3, 2]],
    ['(host.name:web-1 OR host.name:db-1) AND NOT user.name:root', [6, 4, 3, 1]],
    // Ranges compare numbers and numeric strings alike; other text never matches a number.
    ['http.response.status_code:>=400', [6, 2, 1]],
    ['http.response.status_code:<300', [4]],
    ['http.response.status_code:>500', [6]],
    ['http.response.status_code:<=500', [5, 4, 2, 1]],
    // CIDR: parsed addresses, edges included, other families and non-addresses never match.
    ['source.ip:10.0.0.0/8', [4, 1]],
    ['source.ip:192.168.1.10/32', [3]],
    ['source.ip:0.0.0.0/0', [6, 5, 4, 3, 1]],
    ['source.ip:2001:db8::/32', [2]],
    ['source.ip:2001:db9::/32', []],
    ['related.ip:10.0.0.0/24', [5]],
    ['related.ip:fe80::/10', [5]],
    ['message:10.0.0.0/8', []],
  ])('%j', async (query, expected) => {
    expect(await seqs(query)).toEqual(expected);
  });

  it('addresses the intake source and parser as vigil.source and vigil.source_type', async () => {
    expect(await seqs('vigil.source:test vigil.source_type:json')).toEqual([6, 5, 4, 3, 2, 1]);
    expect(await seqs('vigil.source:other')).toEqual([]);
    expect(await seqs('vigil.source:TE*')).toEqual([6, 5, 4, 3, 2, 1]);
    const grouped = await search('| stats count() by vigil.source');
    expect(grouped.rows).toEqual([['test', 6]]);
  });

  it('filters on @timestamp with ISO times and ms', async () => {
    expect(await seqs(`@timestamp:>="${new Date(T0 + DAY).toISOString()}"`)).toEqual([6, 5, 4]);
    expect(await seqs(`@timestamp:<${T0 + 3000}`)).toEqual([2, 1]);
  });

  it('reads only the partitions the range overlaps', async () => {
    const result = await search('', { from: T0 + DAY, to: T0 + 2 * DAY });
    expect(result.events!.map((e) => e.seq)).toEqual([5, 4]);
    expect(result.meta.partitions).toBe(1);
  });

  it('returns the newest events first and says when more matched than the limit', async () => {
    const result = await search('', { limit: 2 });
    expect(result.events!.map((e) => e.seq)).toEqual([6, 5]);
    expect(result.meta.truncated).toBe(true);
    expect((await search('', { limit: 6 })).meta.truncated).toBe(false);
  });
});

describe('address parsing for CIDR', () => {
  it('parses addresses in SQL exactly as the compiler does in JS', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      for (const sql of DUCKDB_SEARCH_SETUP) await conn.run(sql);
      const edgeCases = ['', ':', '::', '1::', '::1', ':::1', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::',
        '::ffff:10.0.0.1', '::ffff:300.0.0.1', '1:2:3:4:5:6:1.2.3.4', 'fe80::1%eth0', '01.2.3.4', '256.1.1.1', '1.2.3', '0.0.0.0', '255.255.255.255'];
      const address = fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), fc.string({ maxLength: 45 }), fc.constantFrom(...edgeCases));
      await fc.assert(fc.asyncProperty(address, async (text) => {
        const [v4, v6] = (await conn.runAndReadAll('SELECT memory.main.vigil_ipv4($t), memory.main.vigil_ipv6($t)', { t: text })).getRows()[0]!;
        const expectedV4 = ipv4ToInteger(text);
        expect(v4 === null ? undefined : Number(v4)).toBe(expectedV4);
        expect(v6 ?? undefined).toBe(ipv6ToHex(text));
      }), { numRuns: 150 });
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});

describe('event stages', () => {
  it.each([
    ['| where http.response.status_code > 400', [6, 2, 1]],
    ['| where host.name = "web-1"', [4, 1]],
    ['| where host.name != "web-1"', [6, 5, 3, 2]],
    ['| where host.name like "WEB*"', [5]],
    ['| where NOT user.name = "root"', [6, 4, 3, 2, 1]],
    ['| sort http.response.status_code | head 3', [4, 5, 1]],
    ['| sort -http.response.status_code | head 2', [6, 2]],
    ['| head 2', [6, 5]],
    ['| head 3 | where host.name = "web-1"', [4]],
    ['| head 4 | where host.name = "db-1"', [6, 3]],
  ])('%j', async (query, expected) => {
    expect(await seqs(query)).toEqual(expected);
  });

  it('keeps or drops fields of the returned events', async () => {
    const kept = await search('user.name:root | fields host.name, user.name');
    expect(kept.events![0]!.fields).toEqual({ 'host.name': 'WEB-1', 'user.name': 'root' });
    const dropped = await search('user.name:root | fields - related.ip, message');
    expect(Object.keys(dropped.events![0]!.fields).sort()).toEqual(['host.name', 'http.response.status_code', 'source.ip', 'user.name']);
  });
});

describe('tables', () => {
  async function table(query: string, options: Partial<Omit<SearchRequest, 'query'>> = {}) {
    const result = await search(query, options);
    expect(result.kind, query).toBe('table');
    return { columns: result.columns, rows: result.rows, truncated: result.meta.truncated };
  }

  it('stats by fields, sorted by the groups, events without a group field left out', async () => {
    expect(await table('| stats count() by host.name')).toEqual({
      columns: ['host.name', 'count'], rows: [['WEB-1', 1], ['db-1', 2], ['web-1', 2], ['web-2', 1]], truncated: false,
    });
    expect((await table('| stats count() by host.name, user.name')).rows).toEqual([
      ['WEB-1', 'root', 1], ['db-1', 'admin', 1], ['web-1', 'Alice', 1], ['web-1', 'alice', 1], ['web-2', 'bob', 1], ['web-2', 'carol', 1],
    ]);
  });

  it('computes every aggregation, numbers and numeric strings alike', async () => {
    const result = await table('| stats count() as n, dc(host.name) as hosts, min(http.response.status_code) as lo, max(http.response.status_code) as hi, sum(http.response.status_code) as total, avg(http.response.status_code) as mean, values(host.name) as names');
    expect(result).toEqual({
      columns: ['n', 'hosts', 'lo', 'hi', 'total', 'mean', 'names'],
      rows: [[6, 4, 200, 503, 1908, 381.6, '["WEB-1","db-1","web-1","web-2"]']],
      truncated: false,
    });
  });

  it('counts 0 over no events', async () => {
    expect((await table('user.name:nobody | stats count()')).rows).toEqual([[0]]);
    expect((await table('| stats count()', { from: T0 + 10 * DAY, to: T0 + 11 * DAY })).rows).toEqual([[0]]);
  });

  it('top and rare, with counts and percentages', async () => {
    expect(await table('| top 2 host.name')).toEqual({
      columns: ['host.name', 'count', 'percent'], rows: [['db-1', 2, 100 * 2 / 6], ['web-1', 2, 100 * 2 / 6]], truncated: false,
    });
    expect((await table('| rare 1 host.name')).rows).toEqual([['WEB-1', 1, 100 / 6]]);
    expect((await table('| top 1 user.name by host.name')).rows).toEqual([
      ['WEB-1', 'root', 1, 100], ['db-1', 'admin', 1, 100], ['web-1', 'Alice', 1, 50], ['web-2', 'bob', 1, 50],
    ]);
  });

  it('timechart fills every bucket of the range, per group too', async () => {
    expect((await table('| timechart span=1d count()')).rows).toEqual([[T0, 3], [T0 + DAY, 2], [T0 + 2 * DAY, 1]]);
    const byHost = await table('host.name:db-1 OR host.name:web-2 | timechart span=1d count() by host.name');
    expect(byHost.columns).toEqual(['_time', 'host.name', 'count']);
    expect(byHost.rows).toEqual([
      [T0, 'db-1', 1], [T0, 'web-2', 1], [T0 + DAY, 'db-1', 0], [T0 + DAY, 'web-2', 0], [T0 + 2 * DAY, 'db-1', 1], [T0 + 2 * DAY, 'web-2', 0],
    ]);
  });

  it('runs where, sort, head and fields on the table', async () => {
    expect((await table('| stats count() by host.name | where count > 1 | sort -count, host.name')).rows).toEqual([['db-1', 2], ['web-1', 2]]);
    expect((await table('| stats count() by host.name | sort -count, -host.name | head 1 | fields host.name')))
      .toEqual({ columns: ['host.name'], rows: [['web-1']], truncated: false });
  });

  it('cuts tables at maxRows and says so', async () => {
    expect(await table('| stats count() by host.name', { maxRows: 2 })).toMatchObject({ rows: [['WEB-1', 1], ['db-1', 2]], truncated: true });
  });
});

describe('histogram and field statistics', () => {
  it('counts every matching event over the range in round buckets', async () => {
    const result = await search('host.name:web*', { limit: 1, histogram: true });
    const histogram = result.histogram!;
    expect(histogram.intervalMs).toBe(3_600_000);
    expect(histogram.buckets).toHaveLength(72);
    expect(histogram.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(4);
    expect(histogram.buckets.filter((b) => b.count > 0)).toEqual([{ t: T0, count: 2 }, { t: T0 + DAY, count: 2 }]);
  });

  it('summarizes the fields of the returned events', async () => {
    const result = await search('host.name:web*', { fieldStats: true });
    expect(result.fields!.find((f) => f.name === 'host.name')).toEqual({
      name: 'host.name', count: 4, distinct: 3, top: [{ value: 'web-1', count: 2 }, { value: 'WEB-1', count: 1 }, { value: 'web-2', count: 1 }],
    });
    expect(result.fields!.find((f) => f.name === 'user.name')).toMatchObject({ count: 4, distinct: 5 });
  });
});

describe('export', () => {
  it('streams every result in order, and stops cleanly when the consumer leaves', async () => {
    const seen: number[] = [];
    for await (const batch of store.exportSearch({ query: parseQuery('host.name:web*'), ...RANGE, limit: 1000, timeoutMs: 10_000 })) {
      if (batch.kind === 'events') seen.push(...batch.events.map((e) => e.seq));
    }
    expect(seen).toEqual([5, 4, 2, 1]);
    for await (const batch of store.exportSearch({ query: parseQuery(''), ...RANGE, limit: 3, timeoutMs: 10_000 })) {
      expect(batch).toMatchObject({ kind: 'events' });
      break;
    }
    const rows = [];
    for await (const batch of store.exportSearch({ query: parseQuery('| stats count() by host.name'), ...RANGE, limit: 3, timeoutMs: 10_000 })) {
      expect(batch.kind === 'table' && batch.columns).toEqual(['host.name', 'count']);
      if (batch.kind === 'table') rows.push(...batch.rows);
    }
    expect(rows).toEqual([['WEB-1', 1], ['db-1', 2], ['web-1', 2]]);
  });
});

describe('time limit', () => {
  it('interrupts a slow search, which fails with a timeout, and the store keeps answering', async () => {
    const bigDir = await mkdtemp(join(tmpdir(), 'vigil-search-slow-'));
    const big = await openDuckDbEventStore({ dir: bigDir, memoryLimit: '256MB' });
    try {
      const batch: StoredEvent[] = [];
      for (let seq = 1; seq <= 200_000; seq++) {
        batch.push(event(seq, 0, { message: `line ${seq} of many`, 'source.ip': `2001:db8::${(seq % 65536).toString(16)}`, 'user.name': `user${seq % 1000}` }));
      }
      await big.append(batch);
      const slow = parseQuery('source.ip:2001:db8::/48 OR source.ip:10.0.0.0/8 | stats dc(message) as d, values(user.name) by source.ip | sort -d');
      const started = Date.now();
      const error = await big.search({ query: slow, from: T0, to: T0 + DAY, limit: 10, timeoutMs: 100 }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StoreQueryError);
      expect((error as StoreQueryError).failure).toBe('timeout');
      expect((error as Error).message).toMatch(/longer than 0.1 s/);
      expect(Date.now() - started).toBeLessThan(2_000);
      const after = await big.search({ query: parseQuery('"line 7 of"'), from: T0, to: T0 + DAY, limit: 1, timeoutMs: 10_000 });
      expect(after.events!.map((e) => e.seq)).toEqual([7]);
    } finally {
      await big.close();
      await rm(bigDir, { recursive: true, force: true });
    }
  });
});

describe('a store written before promoted columns held multi-valued fields', () => {
  it('gets them copied from the JSON when it opens, so searches and grouping still find them', async () => {
    const oldDir = await mkdtemp(join(tmpdir(), 'vigil-search-old-'));
    try {
      const written = await openDuckDbEventStore({ dir: oldDir, memoryLimit: '256MB' });
      await written.append([event(1, 0, { message: 'x', 'user.name': ['bob', 'carol'] }), event(2, 0, { message: 'y', 'user.name': 'dave' })]);
      await written.close();
      // Make the file look like one of an older Vigil: NULL in the column, no backfill marker.
      const instance = await DuckDBInstance.create(join(oldDir, 'events.duckdb'));
      const conn = await instance.connect();
      const table = (await conn.runAndReadAll('SELECT table_name FROM event_partitions')).getRows()[0]![0] as string;
      await conn.run(`UPDATE "${table}" SET user_name = NULL WHERE multi_valued`);
      await conn.run("DELETE FROM store_meta WHERE key = 'multi_valued_columns'");
      conn.closeSync();
      instance.closeSync();

      const reopened = await openDuckDbEventStore({ dir: oldDir, memoryLimit: '256MB' });
      try {
        const found = await reopened.search({ query: parseQuery('user.name:carol'), ...RANGE, limit: 10, timeoutMs: 10_000 });
        expect(found.events?.map((e) => e.seq)).toEqual([1]);
        expect(found.events?.[0]?.fields['user.name']).toEqual(['bob', 'carol']);
        const grouped = await reopened.search({ query: parseQuery('| stats count() by user.name'), ...RANGE, limit: 10, timeoutMs: 10_000 });
        expect(grouped.rows).toEqual([['bob', 1], ['carol', 1], ['dave', 1]]);
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(oldDir, { recursive: true, force: true });
    }
  });
});
