/**
 * A large search export streams: rows reach the client while the store is still producing them, a
 * client that stops reading holds the query back (backpressure from the socket through the HTTP
 * stream and the worker to DuckDB), and the server's memory does not grow with the export's size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { RawRecord } from '../../src/core/event.ts';
import { BackpressureError } from '../../src/intake/intake-sink.ts';
import { createLogger } from '../../src/ops/logger.ts';
import type { SearchBatch } from '../../src/store/event-store.ts';
import { ApiSession } from '../helpers/api-session.ts';

const EVENTS = 200_000;
/** Live heap after a full collection: without it, uncollected garbage would swamp what the export keeps. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
function liveHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-export-stream-'));
let vigil: RunningVigil;
let admin: ApiSession;

async function ingest(count: number): Promise<void> {
  const now = Date.now();
  const batch = 5_000;
  for (let start = 0; start < count; start += batch) {
    const records: RawRecord[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      records.push({
        source: 'bulk', sourceType: 'json', receivedAt: now,
        text: JSON.stringify({ '@timestamp': new Date(now - 3_600_000 + i).toISOString(), message: `request ${i} served in ${i % 997} ms`, host: { name: `web-${i % 20}` }, user: { name: `user-${i % 300}` } }),
      });
    }
    for (;;) {
      try {
        await vigil.pipeline.submit(records);
        break;
      } catch (err) {
        if (!(err instanceof BackpressureError)) throw err;
        await vigil.pipeline.waitForCapacity();
      }
    }
  }
  await vigil.pipeline.drain();
}

beforeAll(async () => {
  const config = loadConfig({
    overrides: { dataDir, server: { port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } } },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
  admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
  await ingest(EVENTS);
}, 240_000);
afterAll(async () => {
  await vigil?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('search export of 200,000 events', () => {
  it('streams with backpressure: rows arrive before the query ends, a paused client holds it back, memory stays flat', async () => {
    const events = vigil.core.events;
    const original = events.exportSearch.bind(events);
    let rowsPulled = 0;
    let storeDoneAt = 0;
    events.exportSearch = (request) => (async function* (): AsyncGenerator<SearchBatch> {
      for await (const batch of original(request)) {
        rowsPulled += batch.kind === 'events' ? batch.events.length : batch.rows.length;
        yield batch;
      }
      storeDoneAt = performance.now();
    })();
    try {
      const response = await fetch(`${vigil.url}/api/v1/search/export?query=&from=-2h&format=ndjson`, { headers: { cookie: admin.cookieHeader } });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const first = await reader.read();
      const firstRowsAt = performance.now();
      expect(first.done).toBe(false);

      // The client stops reading: once the socket and stream buffers are full, nothing more is pulled.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const pulledWhilePaused = rowsPulled;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(rowsPulled).toBe(pulledWhilePaused);
      expect(pulledWhilePaused).toBeLessThan(EVENTS / 8);

      const heapBefore = liveHeap();
      let heapPeak = heapBefore;
      let nextSample = EVENTS / 10;
      let bytes = first.value!.byteLength;
      let lines = countNewlines(first.value!);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        lines += countNewlines(value);
        if (lines >= nextSample) {
          heapPeak = Math.max(heapPeak, liveHeap());
          nextSample += EVENTS / 10;
        }
      }
      expect(lines).toBe(EVENTS);
      expect(rowsPulled).toBe(EVENTS);
      expect(firstRowsAt).toBeLessThan(storeDoneAt);
      // The whole export is tens of megabytes (twice that as JS strings); the live heap of this process
      // (server and client) must not grow by more than a few buffered batches.
      expect(bytes).toBeGreaterThan(30 * 1024 * 1024);
      expect(heapPeak - heapBefore).toBeLessThan(16 * 1024 * 1024);
    } finally {
      events.exportSearch = original;
    }
  }, 120_000);
});

function countNewlines(chunk: Uint8Array): number {
  let n = 0;
  for (const byte of chunk) if (byte === 10) n++;
  return n;
}
