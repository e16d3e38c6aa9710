import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStateStore } from '../../src/store/sqlite/sqlite-state-store.ts';
import { savedSearchStoreConformance } from './saved-search-store-conformance.ts';

savedSearchStoreConformance('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-saved-search-'));
  return {
    open: () => openSqliteStateStore({ path: join(dir, 'state.sqlite') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});
