/**
 * `vigil rules` end to end: the real binary validating and testing rules offline (the bundled
 * content included), and importing and listing them on a Vigil started here with an API token.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { ApiSession } from '../helpers/api-session.ts';

const BIN = fileURLToPath(new URL('../../bin/vigil.ts', import.meta.url));
const CONTENT = fileURLToPath(new URL('../../content/rules', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-rules-cli-'));
let server: RunningVigil;
let writer: string;
let reader: string;

function vigil(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, COLUMNS: '160', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const RULE = `title: Whoami Run (cli test)
id: 0f6a9a52-9d7e-4c1e-8f57-6a0d8e1c2b01
logsource: {product: windows, category: process_creation}
detection:
  selection: {Image|endswith: '\\whoami.exe'}
  condition: selection
level: low
`;

function writeRules(): string {
  const rules = join(dir, 'rules');
  mkdirSync(join(rules, 'nested'), { recursive: true });
  writeFileSync(join(rules, 'whoami.yml'), RULE);
  writeFileSync(join(rules, 'whoami.tests.yml'), 'match:\n  - {Image: "C:\\\\Windows\\\\System32\\\\whoami.exe"}\nno_match:\n  - {Image: "C:\\\\Windows\\\\System32\\\\cmd.exe"}\n');
  writeFileSync(join(rules, 'nested', 'unsupported.yml'), 'title: Unknown modifier\nlogsource: {product: windows}\ndetection: {sel: {A|nosuch: x}, condition: sel}\n');
  writeFileSync(join(rules, 'notes.txt'), 'not a rule');
  return rules;
}

beforeAll(async () => {
  const config = loadConfig({
    overrides: { dataDir: join(dir, 'data'), server: { port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } } },
  });
  server = await startVigil({ config, log: createLogger('silent') });
  const admin = await ApiSession.signIn(server.url, server.initialAdminPassword!);
  writer = (await admin.json<{ secret: string }>('POST', '/api/v1/tokens', { name: 'rules writer', permissions: ['rules:read', 'rules:write'] })).secret;
  reader = (await admin.json<{ secret: string }>('POST', '/api/v1/tokens', { name: 'rules reader', permissions: ['rules:read'] })).secret;
}, 60_000);
afterAll(async () => server?.close());

describe('vigil rules (offline)', () => {
  it('validates a folder: lists rules that would not run with the reason, exit 0 without invalid rules', async () => {
    const rules = writeRules();
    const { code, stdout } = await vigil(['rules', 'validate', rules]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/unsupported\s+\S*nested\/unsupported\.yml\s+Unknown modifier\s+.*nosuch/);
    expect(stdout).toContain('2 rules: 1 active, 1 unsupported, 0 invalid; 1 other files skipped');
  });

  it('exits 1 on invalid rules and gives JSON with every rule', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'broken.yml'), 'title: [unclosed\n');
    writeFileSync(join(bad, 'good.yml'), RULE);
    const { code, stdout } = await vigil(['rules', 'validate', '--format', 'json', bad]);
    expect(code).toBe(1);
    const answer = JSON.parse(stdout) as { summary: { invalid: number; active: number }; rules: { state: string; reason?: string; source: string }[] };
    expect(answer.summary).toMatchObject({ invalid: 1, active: 1 });
    expect(answer.rules.find((r) => r.source.endsWith('broken.yml'))).toMatchObject({ state: 'invalid', reason: expect.stringContaining('YAML') });
  });

  it('validates a zip archive and refuses a path that does not exist', async () => {
    const archive = join(dir, 'rules.zip');
    writeFileSync(archive, zipSync({ 'a/whoami.yml': strToU8(RULE), 'a/readme.md': strToU8('#') }));
    const ok = await vigil(['rules', 'validate', archive]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1 rules: 1 active');
    const missing = await vigil(['rules', 'validate', join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or directory');
  });

  it('runs the tests beside rules: PASS, FAIL with the case, exit codes', async () => {
    const rules = writeRules();
    const pass = await vigil(['rules', 'test', rules]);
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/PASS\s+\S*whoami\.yml\s+\(2 events\)/);
    expect(pass.stdout).toContain('1 passed, 0 failed, 1 rule files without tests');

    writeFileSync(join(rules, 'whoami.tests.yml'), 'match:\n  - {Image: "C:\\\\x\\\\cmd.exe"}\nno_match:\n  - {Image: "C:\\\\x\\\\whoami.exe"}\n');
    writeFileSync(join(rules, 'orphan.tests.yml'), 'match: [{a: 1}]\n');
    const fail = await vigil(['rules', 'test', rules]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('match[0]: did not match');
    expect(fail.stdout).toMatch(/no_match\[0\]: matched \(Image=.*whoami\.exe\)/);
    expect(fail.stdout).toMatch(/FAIL\s+\S*orphan\.tests\.yml[\s\S]*no rule file beside it/);
  });

  it('passes every test of the bundled content', async () => {
    const { code, stdout } = await vigil(['rules', 'test', CONTENT]);
    expect(stdout).toMatch(/\d+ passed, 0 failed, 0 rule files without tests/);
    expect(code).toBe(0);
    expect(Number(/(\d+) passed/.exec(stdout)![1])).toBeGreaterThanOrEqual(8);
  });

  it('prints help and refuses usage errors with exit 2', async () => {
    const help = await vigil(['rules', 'test', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('<rule>.tests.yml');
    expect((await vigil(['rules'])).code).toBe(2);
    expect((await vigil(['rules', 'frobnicate'])).code).toBe(2);
    expect((await vigil(['rules', 'validate'])).code).toBe(2);
    expect((await vigil(['rules', 'validate', '--format', 'xml', dir])).code).toBe(2);
  });
});

describe('vigil rules (through the API)', () => {
  it('imports a folder and a zip, then lists the rules with their state', async () => {
    const rules = writeRules();
    const imported = await vigil(['rules', 'import', rules], { VIGIL_URL: server.url, VIGIL_TOKEN: writer });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/unsupported\s+\S*unsupported\.yml/);
    expect(imported.stdout).toContain('2 rules imported (2 new, 0 updated): 1 active, 1 not running');

    const listed = await vigil(['rules', 'list', '--format', 'json'], { VIGIL_URL: server.url, VIGIL_TOKEN: reader });
    expect(listed.code).toBe(0);
    const all = JSON.parse(listed.stdout) as { id: string; state: string; origin: string }[];
    expect(all.find((r) => r.id === '0f6a9a52-9d7e-4c1e-8f57-6a0d8e1c2b01')).toMatchObject({ state: 'active', origin: 'import:rules' });
    expect(all.filter((r) => r.origin === 'bundled').length).toBeGreaterThanOrEqual(8);
    const table = await vigil(['rules', 'list'], { VIGIL_URL: server.url, VIGIL_TOKEN: reader });
    expect(table.stdout).toMatch(/active\s+low\s+0\s+Whoami Run \(cli test\)/);

    const archive = join(dir, 'more.zip');
    writeFileSync(archive, zipSync({ 'x/whoami.yml': strToU8(RULE.replace('level: low', 'level: medium')) }));
    const again = await vigil(['rules', 'import', archive], { VIGIL_URL: server.url, VIGIL_TOKEN: writer });
    expect(again.stdout).toContain('1 rules imported (0 new, 1 updated)');
  });

  it('exits 1 when the token may not import, or Vigil is unreachable', async () => {
    const refused = await vigil(['rules', 'import', writeRules()], { VIGIL_URL: server.url, VIGIL_TOKEN: reader });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not allowed');
    const noToken = await vigil(['rules', 'list'], { VIGIL_URL: server.url, VIGIL_TOKEN: '' });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('VIGIL_TOKEN');
  });
});
