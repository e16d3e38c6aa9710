/**
 * The free-text word index (src/store/duckdb/duckdb-text-index.ts) against real DuckDB stores: a
 * search gives the same events with the index, without it and by a plain JavaScript scan, whatever
 * the events and terms; the index is built in the background, catches up on older stores and goes
 * with its day.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query-parser.ts';
import { lowerCase } from '../../src/search/sql/word-pattern.ts';
import type { DuckDbTestHooks } from '../../src/store/duckdb/duckdb-config.ts';
import { openDuckDbEventStore } from '../../src/store/duckdb/duckdb-event-store.ts';
import { mergeRanges } from '../../src/store/duckdb/duckdb-text-index.ts';
import type { EventStore, StoredEvent } from '../../src/store/event-store.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20);
const RANGE = { from: T0 - DAY, to: T0 + 10 * DAY };

const dirs: string[] = [];
const stores: EventStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-text-index-'));
  dirs.push(dir);
  return dir;
}

/** A store whose indexer reports when it is idle and can be held back (`paused`). */
async function openStore(dir: string, textIndex: NonNullable<DuckDbTestHooks['textIndex']> = {}) {
  let idleCount = 0;
  let wake: (() => void) | undefined;
  const control = { paused: false };
  const store = await openDuckDbEventStore({
    dir, memoryLimit: '256MB',
    hooks: {
      textIndex: {
        blockRows: 4, chunkRows: 7, ...textIndex,
        paused: () => control.paused,
        idle: () => {
          idleCount++;
          wake?.();
        },
      },
    },
  });
  stores.push(store);
  /** Appends, then waits until every event is indexed (unless paused or off). */
  const append = async (events: StoredEvent[], wait = !control.paused && textIndex.off !== true) => {
    const before = idleCount;
    await store.append(events);
    while (wait && idleCount === before) await new Promise<void>((resolve) => { wake = resolve; });
  };
  /** Waits until the indexer was idle more than `times` times since the store opened. */
  const waitIdle = async (times = 0) => {
    while (idleCount <= times) await new Promise<void>((resolve) => { wake = resolve; });
  };
  return { store, append, control, waitIdle };
}

function makeEvents(originals: string[], firstSeq = 1): StoredEvent[] {
  return originals.map((original, i) => {
    const seq = firstSeq + i;
    // Three days of receipt, so several day tables with their own index.
    const timestamp = T0 + (seq % 3) * DAY + seq;
    return { seq, timestamp, receivedAt: T0 + Math.floor((3 * i) / originals.length) * DAY + seq, source: 't', sourceType: 'json', fields: {}, original };
  });
}

async function seqs(store: EventStore, query: string): Promise<number[]> {
  const result = await store.search({ query: parseQuery(query), ...RANGE, limit: 10_000, timeoutMs: 20_000 });
  return result.events!.map((e) => e.seq).sort((a, b) => a - b);
}

/** Reference for a plain term: the lowercased term occurs with no word character glued to its word ends. */
function containsTerm(text: string, term: string): boolean {
  const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
  const t = [...lowerCase(term)];
  const s = [...lowerCase(text)];
  for (let i = 0; i + t.length <= s.length; i++) {
    if (!t.every((c, k) => s[i + k] === c)) continue;
    if ((isWord(t[0]) && isWord(s[i - 1])) || (isWord(t[t.length - 1]) && isWord(s[i + t.length]))) continue;
    return true;
  }
  return false;
}

const quote = (term: string) => `"${term.replace(/[\\"]/g, '\\$&')}"`;

const PIECES = [
  'alpha', 'Beta', 'GAMMA', 'ΣΑΣ', 'σας', 'straße', 'İd', 'id', '漢字', '٣٤', 'x_y', '10', '0', '1', 'qz7vigil', 'k3y', 'é',
  ' ', ' ', '.', '-', '/', '\\', ':', '"', '=', '\n', '€', '😀', ', ', '_',
];
const original = fc.array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 14 }).map((p) => p.join(''));

describe('free-text search with the word index', () => {
  // Searches also run after compaction: the property test's stores span three days.
  it('finds exactly what the unindexed search and a plain scan find, for any events and terms', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(original, { minLength: 1, maxLength: 60 }),
      fc.array(fc.oneof(
        fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 3 }).map((p) => p.join('')),
        // Slices of the events themselves: whole words, parts of words, text at the start or end.
        fc.tuple(fc.nat(), fc.nat(), fc.nat(6)).map(([e, at, len]) => ({ e, at, len })),
      ), { minLength: 1, maxLength: 8 }),
      fc.boolean(),
      async (originals, termSpecs, tailUnindexed) => {
        const events = makeEvents(originals);
        const terms = termSpecs.map((spec) => {
          if (typeof spec === 'string') return spec;
          const chars = [...originals[spec.e % originals.length]!];
          const at = chars.length === 0 ? 0 : spec.at % chars.length;
          return chars.slice(at, at + spec.len).join('');
        }).filter((t) => t.trim() !== '');
        const indexed = await openStore(await tempDir());
        const baseline = await openStore(await tempDir(), { off: true });
        // The first part indexed; the rest appended with indexing held back (an unindexed tail) or not.
        const split = Math.ceil(events.length / 2);
        await indexed.append(events.slice(0, split));
        indexed.control.paused = tailUnindexed;
        await indexed.append(events.slice(split));
        await baseline.append(events);
        const queries: [string, (text: string) => boolean][] = [];
        for (const [i, term] of terms.entries()) {
          queries.push([quote(term), (s) => containsTerm(s, term)]);
          const other = terms[(i + 1) % terms.length]!;
          queries.push([`${quote(term)} ${quote(other)}`, (s) => containsTerm(s, term) && containsTerm(s, other)]);
          queries.push([`${quote(term)} OR ${quote(other)}`, (s) => containsTerm(s, term) || containsTerm(s, other)]);
          queries.push([`NOT ${quote(term)}`, (s) => !containsTerm(s, term)]);
        }
        for (const [query, matches] of queries) {
          const expected = events.filter((e) => matches(e.original)).map((e) => e.seq);
          expect(await seqs(indexed.store, query), `indexed: ${query}`).toEqual(expected);
          expect(await seqs(baseline.store, query), `unindexed: ${query}`).toEqual(expected);
        }
        await Promise.all(stores.splice(0).map((s) => s.close()));
      },
    ), { numRuns: 10, endOnFailure: true });
  }, 120_000);

  it('narrows a search to the blocks holding its words, catching up on stores written without the index', async () => {
    const dir = await tempDir();
    const text = (seq: number) => `event ${seq} from host-${seq % 5} ${seq === 77 ? 'qz7vigil-rare-k3y' : 'common'}`;
    const events = makeEvents(Array.from({ length: 200 }, (_, i) => text(i + 1)));
    // Written with the index off, as by a Vigil before it existed.
    const old = await openStore(dir, { off: true });
    await old.append(events);
    await old.store.close();
    stores.length = 0;

    const reopened = await openStore(dir, { blockRows: 8 });
    await reopened.waitIdle();
    expect(await seqs(reopened.store, '"qz7vigil-rare-k3y"')).toEqual([77]);
    expect(await seqs(reopened.store, 'qz7vigil rare')).toEqual([77]);
    expect((await seqs(reopened.store, 'host')).length).toBe(200);
    expect(await seqs(reopened.store, '"host-3" common event')).toEqual(events.filter((e) => e.seq % 5 === 3).map((e) => e.seq));
    await reopened.store.close();
    stores.length = 0;

    const db = await DuckDBInstance.create(join(dir, 'events.duckdb'));
    try {
      const conn = await db.connect();
      const state = (await conn.runAndReadAll(`SELECT sum(indexed_rows), max(indexed_seq), min(block_rows), count(*),
        count(*) FILTER (WHERE compacted_seq = indexed_seq) FROM text_index_state`)).getRowsJS()[0]!;
      // The two days before the newest are compacted (sorted by hash); the newest may still grow.
      expect(state.map(Number)).toEqual([200, 200, 8, 3, 2]);
      const sorted = await conn.runAndReadAll('SELECT count(*) FROM (SELECT token_hash < lag(token_hash) OVER () AS down FROM text_index_20261120) WHERE down');
      expect(Number(sorted.getRowsJS()[0]![0])).toBe(0);
      // The rare word is in exactly one block of one day.
      const blocks = await conn.runAndReadAll(`SELECT block FROM text_index_20261121 WHERE token_hash = (hash('qz7vigil') >> 32)::UINTEGER
        UNION ALL SELECT block FROM text_index_20261120 WHERE token_hash = (hash('qz7vigil') >> 32)::UINTEGER
        UNION ALL SELECT block FROM text_index_20261122 WHERE token_hash = (hash('qz7vigil') >> 32)::UINTEGER`);
      expect(blocks.getRowsJS().map(([b]) => Number(b))).toEqual([Math.floor(77 / 8)]);
      conn.closeSync();
    } finally {
      db.closeSync();
    }
  });

  it('drops a day\'s index with the day', async () => {
    const dir = await tempDir();
    const s = await openStore(dir);
    await s.append(makeEvents(Array.from({ length: 30 }, (_, i) => `line ${i} alpha`)));
    expect((await seqs(s.store, 'alpha')).length).toBe(30);
    // The first two days are past a one-day retention at the third day's end.
    await s.store.enforceRetention({ maxAgeDays: 1, maxBytes: 0 }, T0 + 3 * DAY);
    expect((await seqs(s.store, 'alpha')).length).toBe(10);
    // Late events for a dropped day start a fresh table and index.
    await s.append([{ ...makeEvents(['late alpha'], 31)[0]!, receivedAt: T0 + 1000 }]);
    expect(await seqs(s.store, '"late alpha"')).toEqual([31]);
    await s.store.close();
    stores.length = 0;
    const db = await DuckDBInstance.create(join(dir, 'events.duckdb'));
    try {
      const conn = await db.connect();
      const tables = (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'text_index_%' ORDER BY 1")).getRowsJS().map(([t]) => t);
      expect(tables).toEqual(['text_index_20261120', 'text_index_20261122', 'text_index_state']);
      const state = (await conn.runAndReadAll('SELECT day, indexed_rows FROM text_index_state ORDER BY day')).getRowsJS().map((r) => r.map(Number));
      expect(state).toEqual([[Math.floor(T0 / DAY), 1], [Math.floor(T0 / DAY) + 2, 10]]);
      conn.closeSync();
    } finally {
      db.closeSync();
    }
  });
});

describe('an index left behind by a Vigil without it', () => {
  it('is dropped and built again when its day was dropped and written again meanwhile', async () => {
    const dir = await tempDir();
    const s = await openStore(dir);
    await s.append(makeEvents(Array.from({ length: 30 }, (_, i) => `line ${i} alpha`)));
    await s.store.close();
    stores.length = 0;
    // What an older Vigil's retention does: the day goes, its index and index state stay.
    const db = await DuckDBInstance.create(join(dir, 'events.duckdb'));
    const conn = await db.connect();
    await conn.run('DROP TABLE events_20261120');
    await conn.run(`DELETE FROM event_partitions WHERE day = ${Math.floor(T0 / DAY)}`);
    conn.closeSync();
    db.closeSync();

    const reopened = await openStore(dir);
    await reopened.waitIdle();
    await reopened.append([{ ...makeEvents(['late alpha'], 31)[0]!, receivedAt: T0 + 1000 }]);
    expect(await seqs(reopened.store, 'alpha')).toEqual([...Array.from({ length: 20 }, (_, i) => i + 11), 31]);
    expect(await seqs(reopened.store, '"late alpha"')).toEqual([31]);
  });
});

describe('mergeRanges', () => {
  it('joins adjacent blocks, stops at what is indexed, and merges across the smallest gaps beyond 16 ranges', () => {
    expect(mergeRanges([0, 1, 3], 10, 1000)).toEqual([[0, 19], [30, 39]]);
    expect(mergeRanges([0, 5], 10, 52)).toEqual([[0, 9], [50, 52]]);
    expect(mergeRanges([0, 9], 10, 52)).toEqual([[0, 9]]);
    const many = Array.from({ length: 20 }, (_, i) => i * 3 + (i >= 10 ? 100 : 0));
    const merged = mergeRanges(many, 1, 1e9);
    expect(merged.length).toBe(16);
    for (const b of many) expect(merged.some(([lo, hi]) => b >= lo && b <= hi)).toBe(true);
    // The largest gap stays a gap.
    expect(merged.some(([lo, hi]) => lo <= 100 && hi >= 100)).toBe(false);
  });
});
