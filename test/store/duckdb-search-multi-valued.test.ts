/**
 * Multi-valued fields in grouping, against a real DuckDB store: `by`, top, rare, timechart, dc() and
 * values() treat each value of a list apart (as SPL does for multivalue fields), for promoted fields
 * (user.name: the column holds the list) and JSON-only ones (related.ip), next to single and missing
 * values. docs/query-language.md promises these results.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventFields } from '../../src/core/event.ts';
import { parseQuery } from '../../src/search/query-parser.ts';
import { openDuckDbEventStore } from '../../src/store/duckdb/duckdb-event-store.ts';
import type { EventStore, StoredEvent } from '../../src/store/event-store.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 23);
const RANGE = { from: T0, to: T0 + 2 * DAY };

function event(seq: number, day: number, fields: EventFields): StoredEvent {
  const timestamp = T0 + day * DAY + seq * 1000;
  return { seq, timestamp, receivedAt: timestamp + 5, source: 'test', sourceType: 'json', fields, original: JSON.stringify(fields) };
}

const EVENTS: StoredEvent[] = [
  event(1, 0, { 'host.name': 'web-1', 'user.name': 'alice', 'related.ip': ['10.0.0.1', '10.0.0.2'], bytes: 100 }),
  event(2, 0, { 'host.name': 'web-1', 'user.name': ['alice', 'bob'], 'related.ip': ['10.0.0.2'], bytes: 200 }),
  event(3, 1, { 'host.name': 'web-2', 'user.name': ['bob', 'alice'], 'related.ip': '10.0.0.3', bytes: 300 }),
  // No user.name or related.ip; a text that looks like a list is one value.
  event(4, 1, { 'host.name': 'web-2', note: '["x","y"]', bytes: 400 }),
  // A value repeated in one event counts once.
  event(5, 1, { 'related.user': ['eve', 'eve', 'mallory'] }),
];

let dir: string;
let store: EventStore;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-search-mv-'));
  store = await openDuckDbEventStore({ dir, memoryLimit: '256MB' });
  await store.append(EVENTS);
});
afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function rows(query: string): Promise<unknown[][]> {
  const result = await store.search({ query: parseQuery(query), ...RANGE, limit: 100, timeoutMs: 10_000 });
  expect(result.kind, query).toBe('table');
  return result.rows!;
}

describe('grouping on multi-valued fields', () => {
  it('counts an event once under each value of a `by` field; events without one are left out', async () => {
    expect(await rows('| stats count() by user.name')).toEqual([['alice', 3], ['bob', 2]]);
    expect(await rows('| stats count() by related.ip')).toEqual([['10.0.0.1', 1], ['10.0.0.2', 2], ['10.0.0.3', 1]]);
    expect(await rows('| stats count() by note')).toEqual([['["x","y"]', 1]]);
    expect(await rows('| stats count() by related.user')).toEqual([['eve', 1], ['mallory', 1]]);
  });

  it('gives every combination of the values of several `by` fields', async () => {
    expect(await rows('| stats count() by user.name, related.ip')).toEqual([
      ['alice', '10.0.0.1', 1], ['alice', '10.0.0.2', 2], ['alice', '10.0.0.3', 1], ['bob', '10.0.0.2', 1], ['bob', '10.0.0.3', 1],
    ]);
  });

  it('counts distinct values, not distinct lists, and lists values one by one, without counting events twice', async () => {
    // Distinct lists of user.name would be 3: "alice", ["alice","bob"], ["bob","alice"].
    expect(await rows('| stats count(), dc(user.name), values(user.name), dc(related.ip), values(related.ip)')).toEqual([
      [5, 2, '["alice","bob"]', 3, '["10.0.0.1","10.0.0.2","10.0.0.3"]'],
    ]);
    expect(await rows('user.name:nobody | stats count(), dc(related.ip), values(related.ip)')).toEqual([[0, 0, null]]);
    expect(await rows('| stats count(), sum(bytes), dc(related.ip), values(user.name) by host.name')).toEqual([
      ['web-1', 2, 300, 2, '["alice","bob"]'], ['web-2', 2, 700, 1, '["alice","bob"]'],
    ]);
  });

  it('aggregates each event under every value it is grouped by', async () => {
    expect(await rows('| stats count(), avg(bytes), min(bytes), max(bytes) by user.name')).toEqual([['alice', 3, 200, 100, 300], ['bob', 2, 250, 200, 300]]);
    // The filter picks events; grouping then shows all their values.
    expect(await rows('user.name:bob | stats count() by user.name')).toEqual([['alice', 2], ['bob', 2]]);
  });

  it('ranks values in top and rare, percentages of all values counted', async () => {
    expect(await rows('| top user.name')).toEqual([['alice', 3, 60], ['bob', 2, 40]]);
    expect(await rows('| rare 1 related.ip')).toEqual([['10.0.0.1', 1, 25]]);
    expect(await rows('| top 1 related.ip by user.name')).toEqual([['alice', '10.0.0.2', 2, 50], ['bob', '10.0.0.2', 1, 50]]);
  });

  it('charts each value as its own series', async () => {
    expect(await rows('| timechart span=1d count() by user.name')).toEqual([
      [T0, 'alice', 2], [T0, 'bob', 1], [T0 + DAY, 'alice', 1], [T0 + DAY, 'bob', 1],
    ]);
    expect(await rows('| timechart span=1d dc(related.ip), dc(related.user)')).toEqual([[T0, 2, 0], [T0 + DAY, 1, 2]]);
  });
});
