import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/sqlite/sqlite-migrations.ts';
import { openSqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { stateStoreConformance } from './state-store-conformance.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vigil-sqlite-'));
}

stateStoreConformance('SQLite', async () => {
  const dir = await tempDir();
  return {
    open: () => openSqliteStateStore({ path: join(dir, 'nested', 'state.sqlite') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('SQLite state store specifics', () => {
  it('uses WAL and records the schema version once', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'state.sqlite');
      openSqliteStateStore({ path }).close();
      const db = new DatabaseSync(path);
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: MIGRATIONS.length }]);
      db.close();
      // Reopening an up-to-date database applies nothing and keeps one version row.
      openSqliteStateStore({ path }).close();
      const again = new DatabaseSync(path);
      expect(again.prepare('SELECT count(*) AS n FROM schema_version').get()).toEqual({ n: 1 });
      again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database from a newer Vigil', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'state.sqlite');
      openSqliteStateStore({ path }).close();
      const db = new DatabaseSync(path);
      db.exec('UPDATE schema_version SET version = 999');
      db.close();
      expect(() => openSqliteStateStore({ path })).toThrow(/newer than this Vigil/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a file that is not a database as a StoreWriteError', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'state.sqlite');
      await writeFile(path, 'this is not a database, just some text that is long enough'.repeat(20));
      expect(() => openSqliteStateStore({ path })).toThrow(expect.objectContaining({ name: 'StoreWriteError' }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('throws after close instead of crashing', () => {
    const store = openSqliteStateStore({ path: ':memory:' });
    store.close();
    store.close();
    expect(() => store.countUsers()).toThrow(/closed/);
  });
});
