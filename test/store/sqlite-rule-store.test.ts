import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { ruleStoreConformance } from './rule-store-conformance.ts';

ruleStoreConformance('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rule-store-'));
  return {
    open: () => openSqliteStateStore({ path: join(dir, 'state.sqlite') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
