import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { ApiSession } from '../helpers/api-session.ts';

const BIN = fileURLToPath(new URL('../../bin/vigil.ts', import.meta.url));

function vigil(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const syslogLines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `<38>Nov 23 10:00:${String(i % 60).padStart(2, '0')} bastion sshd[42]: Failed password for root from 203.0.113.${i % 250} port 4000${i % 10} ssh2 ${tag}`).join('\n');

describe('vigil CLI', () => {
  it('explains itself: --help for the CLI and each command, exit 2 on unknown commands and options', async () => {
    const help = await vigil(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('start');
    expect(help.stdout).toContain('ingest');
    const startHelp = await vigil(['start', '--help']);
    expect(startHelp.stdout).toContain('--data-dir');
    const ingestHelp = await vigil(['ingest', '--help']);
    expect(ingestHelp.stdout).toContain('.tar.gz');
    expect((await vigil(['frobnicate'])).code).toBe(2);
    const badOption = await vigil(['start', '--prot', '80']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain('--prot');
  });

  it('refuses a bad configuration with the setting named', async () => {
    const result = await vigil(['start', '--data-dir', mkdtempSync(join(tmpdir(), 'vigil-cli-')), '--port', 'eighty']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.port');
  });

  it('ingests files and archives into the data folder with a summary, and exits 1 when a record was rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-ingest-'));
    const dataDir = join(dir, 'data');
    writeFileSync(join(dir, 'auth.log'), `${syslogLines(300, 'plain')}\n`);
    writeFileSync(join(dir, 'old.log.gz'), gzipSync(`${syslogLines(200, 'gz')}\n`));
    const ok = await vigil(['ingest', '--data-dir', dataDir, '--source', 'imports', join(dir, 'auth.log'), join(dir, 'old.log.gz')]);
    expect(ok.stderr).toMatch(/read:\s+500 records/);
    expect(ok.stderr).toMatch(/stored:\s+500/);
    expect(ok.code).toBe(0);

    writeFileSync(join(dir, 'huge.log'), `${'x'.repeat(2_000_000)}\nshort line\n`);
    const rejected = await vigil(['ingest', '--data-dir', dataDir, join(dir, 'huge.log')]);
    expect(rejected.stderr).toMatch(/rejected:\s+1/);
    expect(rejected.code).toBe(1);

    const missing = await vigil(['ingest', '--data-dir', dataDir, join(dir, 'nope.log')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.log');

    // What was ingested is there, parsed, when the server starts on the same folder.
    const running = await startVigil({
      config: loadConfig({ overrides: { dataDir, server: { port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } } } }),
      log: createLogger('silent'),
    });
    try {
      const session = await ApiSession.signIn(running.url, running.initialAdminPassword!);
      const found = await session.json<{ events: { sourceType: string; fields: Record<string, unknown> }[] }>('GET', `/api/v1/events?source=imports&from=0&limit=1000`);
      expect(found.events).toHaveLength(500);
      expect(found.events.every((e) => e.sourceType === 'syslog' && e.fields['event.outcome'] === 'failure')).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('sends to a running server with --url and a token', async () => {
    const running = await startVigil({
      config: loadConfig({ overrides: { dataDir: mkdtempSync(join(tmpdir(), 'vigil-cli-remote-')), server: { port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } } } }),
      log: createLogger('silent'),
    });
    try {
      const session = await ApiSession.signIn(running.url, running.initialAdminPassword!);
      const token = await session.createSource('uploads', 'http');
      const file = join(mkdtempSync(join(tmpdir(), 'vigil-cli-remote-files-')), 'auth.log');
      writeFileSync(file, `${syslogLines(120, 'remote')}\n`);
      const result = await vigil(['ingest', '--url', running.url, file], { VIGIL_TOKEN: token });
      expect(result.stderr).toMatch(/stored:\s+120/);
      expect(result.code).toBe(0);
      await running.pipeline.drain();
      const found = await session.json<{ events: unknown[] }>('GET', '/api/v1/events?source=uploads&from=0&limit=1000');
      expect(found.events).toHaveLength(120);
      const noToken = await vigil(['ingest', '--url', running.url, file], { VIGIL_TOKEN: '' });
      expect(noToken.code).toBe(2);
    } finally {
      await running.close();
    }
  });
});
