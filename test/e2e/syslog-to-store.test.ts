import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { ApiSession } from '../helpers/api-session.ts';

const run = promisify(execFile);
const LOGGER = '/usr/bin/logger';
let vigil: RunningVigil;
let session: ApiSession;

beforeAll(async () => {
  vigil = await startVigil({
    config: loadConfig({
      overrides: { dataDir: mkdtempSync(join(tmpdir(), 'vigil-syslog-e2e-')), server: { port: 0 }, intake: { syslog: { udp: { port: 0 }, tcp: { port: 0 } } } },
    }),
    log: createLogger('silent'),
  });
  session = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
});
afterAll(async () => vigil?.close());

type Found = { events: { sourceType: string; source: string; fields: Record<string, unknown>; original: string }[] };

async function waitFor(query: string, count: number): Promise<Found> {
  for (let i = 0; i < 100; i++) {
    const found = await session.json<Found>('GET', `/api/v1/events?${query}`);
    if (found.events.length >= count) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return session.json<Found>('GET', `/api/v1/events?${query}`);
}

describe.skipIf(!existsSync(LOGGER))('syslog from util-linux logger to the event store', () => {
  it('stores sshd lines sent over TCP (RFC 5424, octet counting) parsed to ECS', async () => {
    const port = vigil.syslog.tcp!.port;
    await run(LOGGER, ['--tcp', '--octet-count', '--rfc5424', '-n', '127.0.0.1', '-P', String(port), '-t', 'sshd', '--id=4242',
      '--sd-id', 'origin@32473', '--sd-param', 'software="e2e"', 'Failed password for invalid user oracle from 198.51.100.77 port 50022 ssh2']);
    const found = await waitFor('source=syslog&field.source.ip=198.51.100.77', 1);
    expect(found.events).toHaveLength(1);
    const event = found.events[0]!;
    expect(event.sourceType).toBe('syslog');
    expect(event.fields['user.name']).toBe('oracle');
    expect(event.fields['event.outcome']).toBe('failure');
    expect(event.fields['process.pid']).toBe(4242);
    expect(JSON.stringify(event.fields)).toContain('e2e');
  });

  it('stores RFC 3164 lines sent over UDP', async () => {
    const port = vigil.syslog.udp!.port;
    await run(LOGGER, ['--udp', '--rfc3164', '-n', '127.0.0.1', '-P', String(port), '-t', 'sudo',
      'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id']);
    const found = await waitFor('source=syslog&field.user.name=alice', 1);
    expect(found.events[0]?.fields['process.command_line']).toBe('/usr/bin/id');
    const metrics = await (await session.request('GET', '/metrics')).text();
    expect(metrics).toMatch(/vigil_syslog_received\{transport="udp"\} [1-9]/);
  });
});
