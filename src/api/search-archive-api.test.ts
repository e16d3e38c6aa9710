import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';

const DAY = 86_400_000;

interface SearchAnswer {
  events: { fields: Record<string, unknown> }[];
  histogram: { buckets: { count: number }[] };
  meta: { partitions: number; archivedDays?: number };
}

describe('searching the archive through the API', () => {
  let vigil: RunningVigil;
  let admin: ApiSession;
  let archiveDir: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-archive-api-'));
    archiveDir = join(dataDir, 'cold');
    const config = loadConfig({
      overrides: {
        dataDir, server: { port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
        storage: { archive: { dir: archiveDir } },
      },
    });
    vigil = await startVigil({ config, log: createLogger('silent') });
    admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
    const { token } = await admin.json<{ token: string }>('POST', '/api/v1/sources', { name: 'archive-api', kind: 'http', sourceType: 'auto' });
    const response = await fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ message: 'Failed password for alice', host: { name: 'web-1' } }, { message: 'disk full', host: { name: 'db-1' } }]),
    });
    expect(response.status).toBe(200);
    await vigil.pipeline.drain();
    // Ten days from now, today is past a 7-day hot window: archived through the worker.
    const report = await vigil.core.events.archive({ hotDays: 7, retentionDays: 0 }, Date.now() + 10 * DAY);
    expect(report.archived).toHaveLength(1);
    expect(readdirSync(archiveDir)).toEqual([report.archived[0]!.file]);
  });
  afterAll(async () => vigil?.close());

  it('leaves archived days out unless asked, and says how many there are', async () => {
    const without = await admin.json<SearchAnswer>('POST', '/api/v1/search', { query: 'host.name:*', from: '-1h' });
    expect(without.events).toEqual([]);
    expect(without.meta).toMatchObject({ partitions: 0, archivedDays: 1 });

    const withArchive = await admin.json<SearchAnswer>('POST', '/api/v1/search', { query: 'host.name:*', from: '-1h', archive: true });
    expect(withArchive.events.map((e) => e.fields['host.name']).sort()).toEqual(['db-1', 'web-1']);
    expect(withArchive.meta).toMatchObject({ partitions: 1, archivedDays: 1 });
    expect(withArchive.histogram.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(2);
  });

  it('exports archived days with archive=true only', async () => {
    const lines = async (archive: string) => {
      const response = await admin.request('GET', `/api/v1/search/export?${new URLSearchParams({ query: 'password', from: '-1h', format: 'ndjson', archive })}`);
      expect(response.status).toBe(200);
      return (await response.text()).split('\n').filter(Boolean);
    };
    expect(await lines('false')).toEqual([]);
    expect(await lines('true')).toHaveLength(1);
  });

  it('reports archived events apart in the status', async () => {
    const status = await admin.json<{ events: { total: number }; archive: { days: number; files: number; events: number; bytes: number } }>('GET', '/api/v1/status');
    expect(status.events.total).toBe(0);
    expect(status.archive).toMatchObject({ days: 1, files: 1, events: 2 });
    expect(status.archive.bytes).toBeGreaterThan(0);
  });
});
