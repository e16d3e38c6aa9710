import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiSession } from '../helpers/api-session.ts';
import { startVigilProcess, waitForExit, type VigilProcess } from '../helpers/vigil-process.ts';

let running: VigilProcess | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGKILL');
    await waitForExit(running.child);
  }
  running = undefined;
});

describe('durability', () => {
  it('keeps every acknowledged event when the server is killed with SIGKILL right after acknowledging', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-durability-'));
    running = await startVigilProcess(dataDir);
    const session = await ApiSession.signIn(running.url, running.adminPassword!);
    const token = await session.createSource('crash-test', 'http');

    // Many concurrent requests, so some are acknowledged while others are still being processed.
    const batches = 40;
    const perBatch = 500;
    const acknowledged = new Set<string>();
    await Promise.all(Array.from({ length: batches }, async (_, b) => {
      const lines = Array.from({ length: perBatch }, (_, i) => JSON.stringify({ message: `event ${b}-${i}`, marker: `m-${b}-${i}`, host: 'crash-host' }));
      const response = await fetch(`${running!.url}/api/v1/ingest`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n'),
      });
      if (response.status === 200) for (let i = 0; i < perBatch; i++) acknowledged.add(`m-${b}-${i}`);
    }));
    running.child.kill('SIGKILL');
    await waitForExit(running.child);
    expect(acknowledged.size).toBeGreaterThan(0);

    running = await startVigilProcess(dataDir);
    const again = await ApiSession.signIn(running.url, 'correct horse battery staple');
    // Replay runs at start; wait until everything acknowledged is queryable.
    let count = 0;
    for (let attempt = 0; attempt < 50 && count < acknowledged.size; attempt++) {
      const status = await again.json<{ events: { total: number } }>('GET', '/api/v1/status');
      count = status.events.total;
      if (count < acknowledged.size) await new Promise((r) => setTimeout(r, 200));
    }
    // Nothing acknowledged is missing, nothing is stored twice (at most every event sent, once).
    expect(count).toBeGreaterThanOrEqual(acknowledged.size);
    expect(count).toBeLessThanOrEqual(batches * perBatch);
    const markers = [...acknowledged];
    for (const marker of [markers[0]!, markers.at(-1)!, ...Array.from({ length: 8 }, (_, i) => markers[Math.floor((i * markers.length) / 8)]!)]) {
      const found = await again.json<{ events: unknown[] }>('GET', `/api/v1/events?source=crash-test&field.marker=${marker}&limit=5`);
      expect(found.events, marker).toHaveLength(1);
    }

    running.child.kill('SIGTERM');
    expect(await waitForExit(running.child)).toBe(0);
  });
});
