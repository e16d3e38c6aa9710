/**
 * The Parquet archive of a real DuckDB store: days received in the past are archived, searched with
 * and without the archive (the same answers as before archiving), survive a crash at each step
 * without loss or duplicates, and expire by archive retention.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/query-parser.ts';
import { openDuckDbEventStore, type DuckDbEventStoreOptions } from '../../src/store/duckdb/duckdb-event-store.ts';
import type { EventStore, SearchRequest, SearchResult, StoredEvent } from '../../src/store/event-store.ts';
import { StoreQueryError, StoreWriteError } from '../../src/store/store-errors.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
/** "Now" for archiving: days 0-2 are older than a 3-day hot window, day 8 is not. */
const NOW = T0 + 10 * DAY + 3_600_000;
const POLICY = { hotDays: 3, retentionDays: 0 };
const RANGE = { from: T0 - DAY, to: T0 + 12 * DAY };
const FILES = ['events-2026-10-01.parquet', 'events-2026-10-02.parquet', 'events-2026-10-03.parquet'];

/** Event `seq` received on day `day` (after T0), with an event time one second per seq into that day. */
function event(seq: number, day: number, host: string): StoredEvent {
  const timestamp = T0 + day * DAY + seq * 1000;
  const fields = { message: `login ${seq} on ${host}`, 'host.name': host, 'user.name': seq % 2 ? 'alice' : 'bob', 'event.code': String(4624 + (seq % 3)) };
  return { seq, timestamp, receivedAt: timestamp + 10, source: 'test', sourceType: 'json', fields, original: JSON.stringify(fields) };
}

const EVENTS: StoredEvent[] = [
  ...[1, 2, 3, 4].map((seq) => event(seq, 0, 'web-1')),
  ...[5, 6, 7].map((seq) => event(seq, 1, 'db-1')),
  ...[8, 9].map((seq) => event(seq, 2, 'web-2')),
  ...[10, 11, 12].map((seq) => event(seq, 8, 'web-1')),
];

const QUERIES = ['', 'host.name:web*', 'alice', '| stats count() by host.name, event.code | sort host.name, event.code', '| timechart span=1d count()'];

let dir: string;
let archiveDir: string;
const open: EventStore[] = [];

async function openStore(options: Partial<DuckDbEventStoreOptions> = {}): Promise<EventStore> {
  const store = await openDuckDbEventStore({ dir, archiveDir, memoryLimit: '256MB', ...options });
  open.push(store);
  return store;
}

function search(store: EventStore, query: string, options: Partial<SearchRequest> = {}): Promise<SearchResult> {
  return store.search({ query: parseQuery(query), ...RANGE, limit: 100, histogram: true, timeoutMs: 10_000, ...options });
}

/** What a search answers, without the parts that differ between runs or by design (time taken, partitions read). */
function answer(result: SearchResult): unknown {
  return { kind: result.kind, events: result.events, columns: result.columns, rows: result.rows, histogram: result.histogram, truncated: result.meta.truncated };
}

async function answers(store: EventStore, options: Partial<SearchRequest> = {}): Promise<unknown[]> {
  return Promise.all(QUERIES.map(async (q) => answer(await search(store, q, options))));
}

async function exported(store: EventStore, includeArchive: boolean): Promise<number[]> {
  const seqs: number[] = [];
  for await (const batch of store.exportSearch({ query: parseQuery(''), ...RANGE, limit: 1000, timeoutMs: 10_000, includeArchive })) {
    if (batch.kind === 'events') seqs.push(...batch.events.map((e) => e.seq));
  }
  return seqs.sort((a, b) => a - b);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-archive-'));
  archiveDir = join(dir, 'archive');
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('archive', () => {
  it('moves old days to verified Parquet files that searches read only when asked, with the same answers', async () => {
    const store = await openStore();
    await store.append(EVENTS);
    const before = await answers(store);

    const report = await store.archive(POLICY, NOW);
    expect(report.dryRun).toBe(false);
    expect(report.archived.map((a) => [a.day, a.file, a.events])).toEqual([
      ['2026-10-01', FILES[0], 4], ['2026-10-02', FILES[1], 3], ['2026-10-03', FILES[2], 2],
    ]);
    expect(report.deleted).toEqual([]);
    expect((await readdir(archiveDir)).sort()).toEqual(FILES);

    const stats = await store.stats();
    expect(stats.events).toBe(3);
    expect(stats.partitions).toBe(1);
    expect(stats.archive).toMatchObject({ days: 3, files: 3, events: 9, oldest: EVENTS[0]!.timestamp, newest: EVENTS[8]!.timestamp });
    expect(stats.archive.bytes).toBe(report.archived.reduce((sum, a) => sum + a.bytes!, 0));

    // Without the archive: only the live day, and the answer says how many days it left out.
    const live = await search(store, '');
    expect(live.events!.map((e) => e.seq)).toEqual([12, 11, 10]);
    expect(live.meta.archivedDays).toBe(3);
    expect(live.histogram!.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(3);
    // A range of the live day only has no archived days.
    expect((await search(store, '', { from: T0 + 8 * DAY, to: T0 + 9 * DAY })).meta.archivedDays).toBeUndefined();

    // With the archive: exactly the answers of before.
    expect(await answers(store, { includeArchive: true })).toEqual(before);
    const withArchive = await search(store, 'host.name:web*', { includeArchive: true });
    expect(withArchive.meta.archivedDays).toBe(3);
    // Every partition of the range: three archive files and the live day.
    expect(withArchive.meta.partitions).toBe(4);
    expect(await exported(store, true)).toEqual(EVENTS.map((e) => e.seq));
    expect(await exported(store, false)).toEqual([10, 11, 12]);

    // Nothing left to archive; the tables are gone from the database file, the catalog holds the hashes.
    expect((await store.archive(POLICY, NOW)).archived).toEqual([]);
    await store.close();
    const db = await DuckDBInstance.create(join(dir, 'events.duckdb'), { access_mode: 'READ_ONLY' });
    try {
      const conn = await db.connect();
      const tables = (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'events_%' ORDER BY 1")).getRows().flat();
      expect(tables).toEqual(['events_20261009']);
      const catalog = (await conn.runAndReadAll('SELECT file, rows, bytes, sha256 FROM archived_partitions ORDER BY file')).getRows();
      for (const [file, rows, bytes, sha256] of catalog) {
        const content = await readFile(join(archiveDir, String(file)));
        expect(Number(bytes)).toBe(content.length);
        expect(sha256).toBe(createHash('sha256').update(content).digest('hex'));
        const count = (await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${join(archiveDir, String(file))}')`)).getRows()[0]![0];
        expect(Number(count)).toBe(Number(rows));
      }
      expect(catalog.map((row) => [row[0], Number(row[1])])).toEqual([[FILES[0], 4], [FILES[1], 3], [FILES[2], 2]]);
      conn.closeSync();
    } finally {
      db.closeSync();
    }
  });

  it('reports without changing anything on a dry run', async () => {
    const store = await openStore();
    await store.append(EVENTS);
    const report = await store.archive(POLICY, NOW, { dryRun: true });
    expect(report).toEqual({
      dryRun: true, deleted: [],
      archived: [{ day: '2026-10-01', file: FILES[0], events: 4 }, { day: '2026-10-02', file: FILES[1], events: 3 }, { day: '2026-10-03', file: FILES[2], events: 2 }],
    });
    expect(existsSync(archiveDir)).toBe(false);
    expect((await store.stats()).events).toBe(EVENTS.length);
  });

  it('archives a day again after a crash before its catalog commit: no loss, no duplicates', async () => {
    const crashing = await openStore({
      hooks: { archiveStep: (step, day) => { if (step === 'renamed' && day === Math.floor(T0 / DAY) + 1) throw new Error('power cut'); } },
    });
    await crashing.append(EVENTS);
    const before = await answers(crashing);
    await expect(crashing.archive(POLICY, NOW)).rejects.toThrow(/archiving 2026-10-02 failed \(its events stay in the event store\): power cut/);
    // Day 0 was committed; day 1's file was renamed into place but is not recorded, and its table stays.
    expect((await readdir(archiveDir)).sort()).toEqual([FILES[0], FILES[1]]);
    expect((await crashing.stats()).archive.files).toBe(1);
    expect(await answers(crashing, { includeArchive: true })).toEqual(before);
    await crashing.close();

    const store = await openStore();
    expect(await answers(store, { includeArchive: true })).toEqual(before);
    const report = await store.archive(POLICY, NOW);
    // The unrecorded file is overwritten under the same name, not added as a second file of its day.
    expect(report.archived.map((a) => a.file)).toEqual([FILES[1], FILES[2]]);
    expect((await readdir(archiveDir)).sort()).toEqual(FILES);
    expect(await answers(store, { includeArchive: true })).toEqual(before);
    expect((await store.stats()).archive).toMatchObject({ files: 3, events: 9 });
  });

  it('removes the temporary file of a crash before the rename and archives the day again', async () => {
    const crashing = await openStore({ hooks: { archiveStep: (step) => { if (step === 'copied') throw new Error('killed'); } } });
    await crashing.append(EVENTS);
    const before = await answers(crashing);
    await expect(crashing.archive(POLICY, NOW)).rejects.toThrow(StoreWriteError);
    expect(await readdir(archiveDir)).toEqual([`${FILES[0]}.tmp`]);
    await crashing.close();

    const store = await openStore();
    expect((await store.stats()).events).toBe(EVENTS.length);
    await store.archive(POLICY, NOW);
    expect((await readdir(archiveDir)).sort()).toEqual(FILES);
    expect(await answers(store, { includeArchive: true })).toEqual(before);
  });

  it('gives late events of an archived day a second file', async () => {
    const store = await openStore();
    await store.append(EVENTS);
    await store.archive(POLICY, NOW);
    // A journal replay after a long outage stores events under their original day of receipt.
    await store.append([event(13, 0, 'late-1')]);
    const report = await store.archive(POLICY, NOW);
    expect(report.archived).toMatchObject([{ day: '2026-10-01', file: 'events-2026-10-01-2.parquet', events: 1 }]);
    expect(await exported(store, true)).toEqual([...EVENTS.map((e) => e.seq), 13]);
    expect((await store.stats()).archive).toMatchObject({ days: 3, files: 4, events: 10 });
  });

  it('deletes archive files past their retention, and files a crash left unrecorded', async () => {
    const store = await openStore();
    await store.append(EVENTS);
    await store.archive(POLICY, NOW);
    // A file whose catalog row was deleted before a crash stopped its deletion.
    await writeFile(join(archiveDir, 'events-2026-09-30.parquet'), 'orphan');
    // Two days later with 10 days of archive retention: days 0 and 1 (ending before NOW + 2d - 10d) go.
    const later = NOW + 2 * DAY;
    const dry = await store.archive({ hotDays: 3, retentionDays: 10 }, later, { dryRun: true });
    expect(dry.deleted.map((d) => d.file)).toEqual([FILES[0], FILES[1]]);
    expect((await readdir(archiveDir)).length).toBe(4);

    const report = await store.archive({ hotDays: 3, retentionDays: 10 }, later);
    expect(report.deleted).toMatchObject([{ day: '2026-10-01', file: FILES[0], events: 4 }, { day: '2026-10-02', file: FILES[1], events: 3 }]);
    // Day 8 was archived in the same run (now older than 3 days), day 2 is kept.
    expect(report.archived.map((a) => a.file)).toEqual(['events-2026-10-09.parquet']);
    expect((await readdir(archiveDir)).sort()).toEqual([FILES[2], 'events-2026-10-09.parquet']);
    expect(await exported(store, true)).toEqual([8, 9, 10, 11, 12]);
    expect((await store.stats()).archive).toMatchObject({ days: 2, files: 2, events: 5 });
  });

  it('says which archive file is missing instead of failing obscurely', async () => {
    const store = await openStore();
    await store.append(EVENTS);
    await store.archive(POLICY, NOW);
    await rm(join(archiveDir, FILES[1]!));
    const error = await search(store, '', { includeArchive: true }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StoreQueryError);
    expect((error as StoreQueryError).failure).toBe('unavailable');
    expect((error as Error).message).toContain(`archive file ${join(archiveDir, FILES[1]!)} is missing`);
    // Without the archive, and over ranges without that day, searches still work.
    expect((await search(store, '')).events).toHaveLength(3);
    expect((await search(store, '', { includeArchive: true, from: T0, to: T0 + DAY })).events).toHaveLength(4);
  });

  it('refuses an invalid policy', async () => {
    const store = await openStore();
    await expect(store.archive({ hotDays: -1, retentionDays: 0 }, NOW)).rejects.toThrow(/hotDays/);
    await expect(store.archive({ hotDays: 1, retentionDays: Number.NaN }, NOW)).rejects.toThrow(/retentionDays/);
  });
});
