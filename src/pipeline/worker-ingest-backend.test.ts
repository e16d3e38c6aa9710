import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { QuerySyntaxError } from '../search/query-error.ts';
import { parseQuery } from '../search/query-parser.ts';
import { StoreQueryError } from '../store/store-errors.ts';
import { WorkerIngestBackend } from './worker-ingest-backend.ts';

const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({
  source: i % 2 ? 'odd' : 'even', sourceType: 'auto', receivedAt: 1_795_000_000_000 + i,
  text: i % 10 === 9 ? `garbage ${from + i}` : `<38>Nov 23 10:00:00 bastion sshd[${from + i}]: Failed password for root from 203.0.113.9 port 4000 ssh2`,
}));
const start = (storeDir: string, errors: Error[] = []) =>
  WorkerIngestBackend.start({ storeDir, limits: DEFAULT_INPUT_LIMITS, onWorkerError: (err) => errors.push(err) });

describe('WorkerIngestBackend', () => {
  it('normalizes and stores on the worker, and answers store queries from other threads', async () => {
    const backend = await start(join(mkdtempSync(join(tmpdir(), 'vigil-worker-')), 'events'));
    const result = await backend.ingest({ seqs: Array.from({ length: 20 }, (_, i) => i + 1), records: records(20), after: 0 });
    expect(result.lastSeq).toBe(20);
    expect(result.sources.map((s) => [s.source, s.events, s.parseErrors]).sort()).toEqual([['even', 10, 0], ['odd', 10, 2]]);
    expect(result.samples.map((s) => s.reason)).toEqual(['no parser recognised this record', 'no parser recognised this record']);
    expect(await backend.store.lastSeq()).toBe(20);
    const stored = await backend.store.query({ equals: { 'source.ip': '203.0.113.9' }, from: 0, limit: 100 });
    expect(stored).toHaveLength(18);
    expect((await backend.store.stats()).events).toBe(20);
    // Idempotent by seq: replaying the same batch (after a crash) stores nothing twice.
    await backend.ingest({ seqs: Array.from({ length: 20 }, (_, i) => i + 1), records: records(20), after: 0 });
    expect((await backend.store.stats()).events).toBe(20);
    // A batch that follows one the store does not hold yet is refused, not stored ahead of it.
    const refused = await backend.ingest({ seqs: [40], records: records(1), after: 30 }).catch((err: unknown) => err as Error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).name).toBe('OutOfOrderError');
    expect(await backend.store.lastSeq()).toBe(20);
    await backend.close();
    await expect(backend.store.stats()).rejects.toThrow(/closed/);
  });

  it('searches and streams exports across the thread boundary, with typed errors', async () => {
    const backend = await start(join(mkdtempSync(join(tmpdir(), 'vigil-worker-')), 'events'));
    try {
      await backend.ingest({ seqs: Array.from({ length: 50 }, (_, i) => i + 1), records: records(50), after: 0 });
      const range = { from: 0, to: 2_000_000_000_000 };
      const result = await backend.store.search({ query: parseQuery('source.ip:203.0.113.0/24 | stats count()'), ...range, limit: 10, timeoutMs: 10_000 });
      expect(result.rows).toEqual([[45]]);
      const seen: number[] = [];
      for await (const batch of backend.store.exportSearch({ query: parseQuery(''), ...range, limit: 50, timeoutMs: 10_000 })) {
        if (batch.kind === 'events') seen.push(...batch.events.map((e) => e.seq));
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      // Leaving early closes the worker's stream; the store keeps answering.
      for await (const batch of backend.store.exportSearch({ query: parseQuery(''), ...range, limit: 50, timeoutMs: 10_000 })) {
        expect(batch.kind).toBe('events');
        break;
      }
      const error = await backend.store.search({ query: parseQuery('a:1'), ...range, limit: 10, timeoutMs: 10_000, maxRows: 1, histogram: true })
        .then(() => backend.store.search({ query: { ...parseQuery('| timechart span=1s count()') }, from: 0, to: 1e12, limit: 1, timeoutMs: 10_000 }))
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(QuerySyntaxError);
      expect((error as QuerySyntaxError).position).toEqual({ start: 2, end: 27 });
      const refused = await backend.store.search({ query: parseQuery(''), from: 10, to: 5, limit: 1, timeoutMs: 1000 }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(StoreQueryError);
      expect((refused as StoreQueryError).failure).toBe('invalid-input');
    } finally {
      await backend.close();
    }
  });

  it('reports why the store cannot open instead of starting half-way', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vigil-worker-')), 'events');
    const first = await start(dir);
    await expect(start(dir)).rejects.toThrow(/already open/);
    await first.close();
  });
});
