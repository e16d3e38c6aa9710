import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/audit/audit-entry.ts';
import { openSqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { auditStoreConformance } from './audit-store-conformance.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vigil-audit-'));
}

const RECORD: AuditRecord = { at: 1000, actorKind: 'system', action: 'test.append', outcome: 'success', details: {} };

auditStoreConformance('SQLite', async () => {
  // Every append syncs the database and the anchor to disk; on tmpfs the suite's thousands of appends take a second, not twenty.
  const dir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'vigil-audit-'));
  return {
    open: () => openSqliteStateStore({ path: join(dir, 'state.sqlite') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

auditStoreConformance('SQLite in memory', async () => {
  // One in-memory store lives as long as the harness, so "reopening" hands out a wrapper that ignores close.
  const store = openSqliteStateStore({ path: ':memory:' });
  return {
    open: () => Object.assign(Object.create(store) as typeof store, { close() {} }),
    cleanup: async () => store.close(),
  };
});

describe('SQLite audit store specifics', () => {
  it('keeps the head in audit.head beside the database', async () => {
    const dir = await tempDir();
    try {
      const store = openSqliteStateStore({ path: join(dir, 'state.sqlite') });
      const entry = store.audit.append(RECORD);
      store.close();
      expect(JSON.parse(readFileSync(join(dir, 'audit.head'), 'utf8'))).toEqual({ seq: 1, hash: entry.hash });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses UPDATE and DELETE through SQL (triggers)', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'state.sqlite');
      const store = openSqliteStateStore({ path });
      store.audit.append(RECORD);
      store.close();
      const db = new DatabaseSync(path);
      expect(() => db.exec("UPDATE audit_log SET outcome = 'failure'")).toThrow(/append-only/);
      expect(() => db.exec('DELETE FROM audit_log')).toThrow(/append-only/);
      db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports an anchor it cannot write, with the entry kept', async () => {
    const dir = await tempDir();
    try {
      // A folder that does not exist: fails for root too, unlike file permissions.
      const store = openSqliteStateStore({ path: join(dir, 'state.sqlite'), auditAnchorPath: join(dir, 'missing', 'audit.head') });
      expect(() => store.audit.append(RECORD)).toThrow(/audit entry 1 was stored, but the head anchor could not be written/);
      expect([...store.audit.entries()]).toHaveLength(1);
      store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an anchor file that does not hold a head', async () => {
    const dir = await tempDir();
    try {
      const store = openSqliteStateStore({ path: join(dir, 'state.sqlite') });
      writeFileSync(join(dir, 'audit.head'), 'garbage');
      expect(() => store.audit.readAnchor()).toThrow(/not valid JSON/);
      writeFileSync(join(dir, 'audit.head'), '{"seq":0,"hash":"x"}');
      expect(() => store.audit.readAnchor()).toThrow(/does not hold a sequence number and a hash/);
      store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
