import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDbEventStore } from '../../src/store/duckdb/duckdb-event-store.ts';
import { createPartitionSql, storageSupportsZstd } from '../../src/store/duckdb/duckdb-schema.ts';
import { makeEvent } from './event-store-conformance.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-duckdb-storage-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Compression method per column of the one day table, after a checkpoint. */
async function compressionByColumn(file: string): Promise<Map<string, Set<string>>> {
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  try {
    const table = (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'events_%'")).getRows()[0]![0] as string;
    const rows = (await conn.runAndReadAll(`SELECT column_name, compression FROM pragma_storage_info('${table}') WHERE compression <> 'Constant'`)).getRows();
    const out = new Map<string, Set<string>>();
    for (const [column, compression] of rows) {
      const set = out.get(String(column)) ?? new Set<string>();
      set.add(String(compression));
      out.set(String(column), set);
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const STORAGE_TAG_SQL = "SELECT map_extract_value(tags, 'storage_version') FROM duckdb_databases() WHERE database_name = current_database()";

const manyEvents = (count: number) => Array.from({ length: count }, (_, i) => makeEvent(i + 1, {
  original: `<13>Nov 23 10:00:00 host-${i % 7} sshd[${1000 + i}]: Accepted publickey for user${i % 3} from 10.0.0.${i % 250} port ${40000 + i}`,
}));

describe('DuckDB event store storage format', () => {
  it('reads the storage version tag', () => {
    expect(storageSupportsZstd('v1.2.0+')).toBe(true);
    expect(storageSupportsZstd('v1.5.6')).toBe(true);
    expect(storageSupportsZstd('v2.0.0')).toBe(true);
    expect(storageSupportsZstd('v1.0.0+')).toBe(false);
    expect(storageSupportsZstd('v0.10.2')).toBe(false);
    expect(storageSupportsZstd(undefined)).toBe(false);
    expect(storageSupportsZstd('garbage')).toBe(false);
    expect(createPartitionSql('events_20261123', { zstd: true })).toContain('original VARCHAR NOT NULL USING COMPRESSION zstd');
    expect(createPartitionSql('events_20261123')).not.toContain('zstd');
  });

  it('stores the long text columns of a new database with zstd', async () => {
    const dir = await tempDir();
    const store = await openDuckDbEventStore({ dir });
    await store.append(manyEvents(3000));
    await store.close();
    const compression = await compressionByColumn(join(dir, 'events.duckdb'));
    for (const column of ['fields', 'original', 'message']) expect([...compression.get(column) ?? []]).toEqual(['ZSTD']);
    expect(compression.get('host_name')?.has('ZSTD')).toBe(false);
  });

  it('upgrades a database file created in the old format and never stores text uncompressed', async () => {
    const dir = await tempDir();
    // A file as the first version of the store created it: DuckDB's default (old) storage format, in
    // which a zstd column would silently be stored uncompressed.
    const file = join(dir, 'events.duckdb');
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    expect((await conn.runAndReadAll(STORAGE_TAG_SQL)).getRows()[0]?.[0]).toBe('v1.0.0+');
    conn.closeSync();
    instance.closeSync();
    const store = await openDuckDbEventStore({ dir });
    await store.append(manyEvents(3000));
    expect(await store.query({ equals: { 'host.name': 'host-3' }, limit: 1 })).toHaveLength(1);
    await store.close();
    const compression = await compressionByColumn(file);
    for (const column of ['fields', 'original']) {
      expect([...compression.get(column) ?? []]).toEqual(['ZSTD']);
    }
    const reopened = await DuckDBInstance.create(file);
    const check = await reopened.connect();
    expect((await check.runAndReadAll(STORAGE_TAG_SQL)).getRows()[0]?.[0]).toBe('v1.2.0+');
    check.closeSync();
    reopened.closeSync();
  });

  it('writes row groups of the configured size', async () => {
    const dir = await tempDir();
    const store = await openDuckDbEventStore({ dir, rowGroupSize: 2048 });
    await store.append(manyEvents(5000));
    await store.close();
    const instance = await DuckDBInstance.create(join(dir, 'events.duckdb'));
    const conn = await instance.connect();
    const table = (await conn.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'events_%'")).getRows()[0]![0] as string;
    const groups = (await conn.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('${table}')`)).getRows()[0]?.[0];
    conn.closeSync();
    instance.closeSync();
    expect(Number(groups)).toBe(3);
    await expect(openDuckDbEventStore({ dir, rowGroupSize: 1000 })).rejects.toThrow(/rowGroupSize/);
  });
});
