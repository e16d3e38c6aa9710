import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { ApiSession } from '../helpers/api-session.ts';

/** A real full disk: a small tmpfs of our own (needs root, as in CI); skipped with the reason otherwise. */
const mountPoint = mkdtempSync(join(tmpdir(), 'vigil-smallfs-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint], { stdio: 'ignore' });
  mounted = true;
} catch {
  // not root, or no mount in this sandbox
}

let vigil: RunningVigil;
let session: ApiSession;
let token: string;
const filler = join(mountPoint, 'filler');

beforeAll(async () => {
  if (!mounted) return;
  vigil = await startVigil({
    config: loadConfig({
      overrides: {
        dataDir: join(mountPoint, 'data'), server: { port: 0 }, pipeline: { journalSegmentBytes: 1024 * 1024 },
        intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
      },
    }),
    log: createLogger('silent'),
  });
  session = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
  token = await session.createSource('disk-test', 'http');
});
afterAll(async () => {
  if (!mounted) return;
  await vigil?.close();
  execFileSync('umount', ['-l', mountPoint]);
});

/** Writes 1 MiB chunks until the filesystem refuses more. */
function fillDisk(): void {
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

const send = (marker: string) => fetch(`${vigil.url}/api/v1/ingest`, {
  method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
  body: Array.from({ length: 200 }, (_, i) => JSON.stringify({ message: `${marker} ${i} ${'x'.repeat(300)}`, marker })).join('\n'),
});

describe.skipIf(!mounted)('a full disk', () => {
  it('refuses intake with Retry-After instead of failing or crashing, and accepts again once space returns', async () => {
    expect((await send('before')).status).toBe(200);
    fillDisk();

    let refused: Response | undefined;
    for (let i = 0; i < 50 && !refused; i++) {
      const response = await send(`during-${i}`);
      if (response.status !== 200) refused = response;
    }
    expect(refused?.status).toBe(429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await fetch(`${vigil.url}/healthz`)).status).toBe(200);

    rmSync(filler);
    let accepted = 0;
    for (let i = 0; i < 50 && accepted === 0; i++) {
      if ((await send('after')).status === 200) accepted++;
      else await new Promise((r) => setTimeout(r, 200));
    }
    expect(accepted).toBe(1);
    await vigil.pipeline.drain();
    const found = await session.json<{ events: unknown[] }>('GET', '/api/v1/events?source=disk-test&field.marker=after&limit=1000');
    expect(found.events).toHaveLength(200);
  });
});
