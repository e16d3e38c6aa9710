import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDbEventStore } from '../../src/store/duckdb/duckdb-event-store.ts';
import { fieldEqualsSql, jsonPath, partitionTable } from '../../src/store/duckdb/duckdb-schema.ts';
import { eventStoreConformance, makeEvent, T0 } from './event-store-conformance.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vigil-duckdb-'));
}

eventStoreConformance('DuckDB', async () => {
  const dir = await tempDir();
  return {
    open: () => openDuckDbEventStore({ dir, memoryLimit: '256MB' }),
    openFailingBeforeCommit: () => openDuckDbEventStore({
      dir, memoryLimit: '256MB', hooks: { beforeCommit: () => { throw new Error('injected failure'); } },
    }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('DuckDB event store specifics', () => {
  it('names day tables by UTC day of receipt and creates them on demand', async () => {
    const dir = await tempDir();
    try {
      const store = await openDuckDbEventStore({ dir });
      await store.append([makeEvent(1, { receivedAt: T0 + 1 }), makeEvent(2, { receivedAt: T0 + 86_400_000 - 1 }), makeEvent(3, { receivedAt: T0 + 86_400_000 })]);
      expect((await store.stats()).partitions).toBe(2);
      await store.close();
      const instance = await DuckDBInstance.create(join(dir, 'events.duckdb'));
      const conn = await instance.connect();
      const tables = (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'events_%' ORDER BY 1")).getRows().flat();
      expect(tables).toEqual(['events_20261123', 'events_20261124']);
      const rows = (await conn.runAndReadAll('SELECT seq, host_name, event_code, message, fields->>\'$."host.name"\', fields->>\'$."process.pid"\' FROM events_20261123 ORDER BY seq')).getRows();
      // Promoted string fields live in their column only; other fields stay in the JSON.
      expect(rows[0]).toEqual([1n, 'host-1', '4688', 'A new process has been created (1).', null, '1001']);
      conn.closeSync();
      instance.closeSync();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds JSON paths only from validated names', () => {
    expect(partitionTable(Math.floor(T0 / 86_400_000))).toBe('events_20261123');
    expect(jsonPath('winlog.event_data.CommandLine')).toBe('$."winlog.event_data.CommandLine"');
    expect(() => jsonPath('a"] || 1')).toThrow(/invalid field name/);
    expect(fieldEqualsSql('host.name', '$v0')).toContain('host_name = $v0');
  });

  it('refuses bad options with a message naming them', async () => {
    await expect(openDuckDbEventStore({ dir: '' })).rejects.toThrow(/dir/);
    await expect(openDuckDbEventStore({ dir: '/tmp/x', memoryLimit: "1GB'; DROP" })).rejects.toThrow(/memoryLimit/);
    await expect(openDuckDbEventStore({ dir: '/tmp/x', threads: 0 })).rejects.toThrow(/threads/);
  });

  it('reports an unusable directory as a StoreWriteError', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir, 'a-file'), 'x');
      await expect(openDuckDbEventStore({ dir: join(dir, 'a-file', 'store') })).rejects.toMatchObject({ name: 'StoreWriteError' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second store on the same directory while the first is open', async () => {
    const dir = await tempDir();
    try {
      const first = await openDuckDbEventStore({ dir });
      // Same process: DuckDB allows only one instance per file; the second open must fail cleanly.
      const second = openDuckDbEventStore({ dir }).then(async (s) => { await s.close(); return 'opened'; }, (err: Error) => err.name);
      expect(['StoreWriteError', 'opened']).toContain(await second);
      await first.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Needs a tiny filesystem, e.g. `mount -t tmpfs -o size=4m tmpfs /mnt/small` (root only), then
  // TEST_SMALL_FS_DIR=/mnt/small npx vitest run test/store/duckdb-event-store.test.ts
  const smallFs = process.env.TEST_SMALL_FS_DIR;
  it.skipIf(!smallFs)('turns a full disk into StoreWriteError(disk-full) and recovers once space is back', async () => {
    const dir = await mkdtemp(join(smallFs!, 'vigil-'));
    const filler = join(smallFs!, `filler-${process.pid}`);
    await writeFile(filler, Buffer.alloc(1024 * 1024));
    const store = await openDuckDbEventStore({ dir, checkpointThreshold: '1MB', memoryLimit: '128MB' });
    let seq = 0;
    let failure: unknown;
    let failed: ReturnType<typeof makeEvent>[] = [];
    for (let batch = 0; batch < 500 && failure === undefined; batch++) {
      const events = Array.from({ length: 200 }, () => makeEvent(++seq, { original: `${Math.random().toString(36).repeat(40)}` }));
      try {
        await store.append(events);
      } catch (err) {
        failure = err;
        failed = events;
      }
    }
    expect(failure).toMatchObject({ name: 'StoreWriteError', failure: 'disk-full' });
    expect((failure as Error).message).toMatch(/disk full/);
    // Space comes back: the same batch is accepted (after an automatic reopen if DuckDB needed one)
    // and nothing is stored twice.
    await rm(filler);
    const before = await store.lastSeq();
    expect(before).toBeLessThan(failed[0]!.seq + failed.length);
    await store.append(failed);
    expect(await store.lastSeq()).toBe(failed[failed.length - 1]!.seq);
    expect((await store.stats()).events).toBe(failed[failed.length - 1]!.seq);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});
