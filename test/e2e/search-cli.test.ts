/**
 * `vigil search` end to end: the real binary against a Vigil started here, with an API token made
 * through the API, in every output format, and its errors (syntax, token, connection).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { ApiSession } from '../helpers/api-session.ts';

const BIN = fileURLToPath(new URL('../../bin/vigil.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-search-cli-'));
let server: RunningVigil;
let token: string;

/** Runs the CLI asynchronously: the server answering it lives in this process. */
function vigil(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, COLUMNS: '100', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const withToken = () => ({ VIGIL_URL: server.url, VIGIL_TOKEN: token });

beforeAll(async () => {
  const config = loadConfig({
    overrides: { dataDir: join(dir, 'data'), server: { port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } } },
  });
  server = await startVigil({ config, log: createLogger('silent') });
  const admin = await ApiSession.signIn(server.url, server.initialAdminPassword!);
  token = (await admin.json<{ secret: string }>('POST', '/api/v1/tokens', { name: 'cli test', permissions: ['events:read'] })).secret;
  const now = Date.now();
  await server.pipeline.submit(Array.from({ length: 30 }, (_, i) => ({
    source: 'cli', sourceType: 'json', receivedAt: now,
    text: JSON.stringify({
      '@timestamp': new Date(now - 600_000 + i * 1000).toISOString(), labels: { test: 'cli' }, host: { name: i < 20 ? 'web-1' : 'db-1' },
      user: { name: i === 29 ? '\u001b[31mred\u001b[0m' : 'ann' },
      message: i === 28 ? `Failed password for invalid user admin from 203.0.113.9 ${'port 22 '.repeat(40)}` : `login ${i}`,
    }),
  })));
  await server.pipeline.drain();
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigil search', () => {
  it('prints events as a table that fits the terminal, with control characters escaped', async () => {
    const result = await vigil(['search', 'labels.test:cli', '--from', '-7d'], withToken());
    expect(result.stderr).toBe('30 events\n');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^time {2,}source {2,}host\.name {2,}user\.name {2,}message$/);
    expect(lines).toHaveLength(32);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(100);
    expect(result.stdout).toMatch(/ Failed password for invalid.*…\n/);
    expect(result.stdout).toContain('\\u{1b}[31mred');
    expect(result.stdout).not.toContain('\u001b');
  });

  it('prints a stats table with its columns and the kept fields of | fields', async () => {
    const stats = await vigil(['search', 'labels.test:cli | stats count() by host.name | sort host.name', '--from=-1h'], withToken());
    expect(stats.code).toBe(0);
    expect(stats.stdout).toBe('host.name  count\n---------  -----\ndb-1          10\nweb-1         20\n');
    const kept = await vigil(['search', 'labels.test:cli host.name:db-1 | fields user.name | head 1', '--from', '-1h'], withToken());
    expect(kept.stdout.split('\n')[0]).toMatch(/^time {2,}user\.name$/);
  });

  it('prints the API answer as JSON, honouring --limit', async () => {
    const result = await vigil(['search', 'labels.test:cli', '--from', '-1h', '--limit', '5', '--format', 'json'], withToken());
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as { kind: string; events: unknown[]; meta: { truncated: boolean }; histogram: unknown };
    expect(answer.kind).toBe('events');
    expect(answer.events).toHaveLength(5);
    expect(answer.meta.truncated).toBe(true);
    expect(answer.histogram).toBeDefined();
  });

  it('asks for archived days with --archive, in search and export alike', async () => {
    const json = await vigil(['search', 'labels.test:cli', '--from', '-1h', '--archive', '--format', 'json'], withToken());
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { events: unknown[] }).events).toHaveLength(30);
    const ndjson = await vigil(['search', 'labels.test:cli', '--from', '-1h', '--archive', '--format', 'ndjson', '--limit', '2'], withToken());
    expect(ndjson.code).toBe(0);
    expect(ndjson.stdout.trimEnd().split('\n')).toHaveLength(2);
  });

  it('streams CSV and NDJSON through the export route, with the token from a file', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const env = { VIGIL_URL: server.url };
    const csv = await vigil(['search', 'labels.test:cli user.name:ann', '--from', '-1h', '--format', 'csv', '--token-file', tokenFile], env);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]!.startsWith('time,source,host.name,user.name,message,')).toBe(true);
    expect(lines).toHaveLength(30);
    const ndjson = await vigil(['search', 'labels.test:cli', '--from', '-1h', '--format', 'ndjson', '--limit', '3', '--token-file', tokenFile], env);
    expect(ndjson.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as { source: string }).source)).toEqual(['cli', 'cli', 'cli']);
  });

  it('shows a syntax error with a caret under it and exits 2', async () => {
    const query = 'labels.test:cli | stats count() by';
    const result = await vigil(['search', query], withToken());
    expect(result.code).toBe(2);
    const [message, line, carets] = result.stderr.split('\n');
    expect(message).toMatch(/^vigil search: syntax error: /);
    expect(line).toBe(`  ${query}`);
    expect(carets).toMatch(/^ +\^+$/);
    expect(carets!.indexOf('^')).toBeGreaterThanOrEqual(2 + 'labels.test:cli | stats count() '.length);
    const exportError = await vigil(['search', 'user.name:(', '--format', 'csv'], withToken());
    expect(exportError.code).toBe(2);
    expect(exportError.stderr).toContain('  user.name:(\n');
  });

  it('exits 1 with a clear message when the token is refused, missing, or Vigil is unreachable', async () => {
    const refused = await vigil(['search', 'x'], { VIGIL_URL: server.url, VIGIL_TOKEN: 'vgt_not-a-real-token' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the API token/);
    const missing = await vigil(['search', 'x'], { VIGIL_URL: server.url, VIGIL_TOKEN: '' });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/VIGIL_TOKEN or use --token-file/);
    const port = await closedPort();
    const unreachable = await vigil(['search', 'x'], { VIGIL_URL: `http://127.0.0.1:${port}`, VIGIL_TOKEN: token });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(`vigil search: cannot reach Vigil at http://127.0.0.1:${port}: ECONNREFUSED (is it running? set VIGIL_URL or --url)\n`);
  });

  it('explains itself and refuses usage errors with exit 2', async () => {
    const help = await vigil(['search', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--token-file');
    expect((await vigil(['--help'])).stdout).toMatch(/search +Search stored events/);
    expect((await vigil(['search'], withToken())).code).toBe(2);
    expect((await vigil(['search', 'x', '--format', 'xml'], withToken())).code).toBe(2);
    expect((await vigil(['search', 'x', '--limit', '0'], withToken())).code).toBe(2);
    const token = await vigil(['search', 'x', '--token', 'vgt_secret'], withToken());
    expect(token.code).toBe(2);
    const badTime = await vigil(['search', 'x', '--from', 'last week'], withToken());
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/^vigil search: from: /);
  });
});
