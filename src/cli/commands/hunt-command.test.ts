import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { windowsEvent, str, type EventSpec } from '../../../test/helpers/evtx-events.ts';
import { writeEvtx } from '../../../test/helpers/evtx-writer.ts';
import { storedZip } from '../zip-writer.ts';

const BIN = fileURLToPath(new URL('../../../bin/vigil.ts', import.meta.url));

function vigil(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'hunt', ...args], { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const EVIL_RULE = `title: Evil Tool Started
id: 6a4b7c1e-0f2d-4e5a-9b8c-7d6e5f4a3b2c
status: test
tags: [attack.execution]
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\evil.exe'
  condition: selection
level: high
`;

const WHOAMI_RULE = `title: Whoami Run
id: 1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d
status: test
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    CommandLine|contains: whoami
  condition: selection
level: low
`;

// A logsource Vigil cannot route: runs only with --all-rules, on field names alone.
const ACME_RULE = `title: Acme Mass Delete
id: 3f0e8a52-7d3b-4a8e-9a4a-0c1d2e3f4a5b
status: test
logsource:
  product: acme
  service: app
detection:
  selection:
    action: delete_all
  condition: selection
level: critical
`;

const INVALID_RULE = `title: Broken
date: yesterday
logsource: {product: windows}
detection:
  selection: {Image: x}
  condition: selection
`;

const T = (minute: number) => new Date(Date.UTC(2024, 2, 1, 10, minute, 0));

function sysmon(recordId: number, minute: number, image: string, commandLine: string): { recordId: number; event: ReturnType<typeof windowsEvent> } {
  const spec: EventSpec = {
    provider: 'Microsoft-Windows-Sysmon', eventId: 1, time: T(minute), recordId, channel: 'Microsoft-Windows-Sysmon/Operational', computer: 'ws1.corp.local',
    data: [['Image', str(image)], ['CommandLine', str(commandLine)], ['User', str('CORP\\alice')]],
  };
  return { recordId, event: windowsEvent(spec) };
}

/** A Sysmon process creation as NDJSON (the shape of an EVTX export: Event.System / Event.EventData). */
function sysmonJson(minute: number, image: string, commandLine: string, computer: string): string {
  return JSON.stringify({
    Event: {
      System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational',
        Computer: computer, TimeCreated: { '#attributes': { SystemTime: T(minute).toISOString() } } },
      EventData: { Image: image, CommandLine: commandLine, User: 'CORP\\bob' },
    },
  });
}

let dir: string;
let rules: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-hunt-'));
  rules = join(dir, 'rules');
  await mkdir(join(rules, 'windows'), { recursive: true });
  await writeFile(join(rules, 'windows', 'evil.yml'), EVIL_RULE);
  await writeFile(join(rules, 'windows', 'whoami.yml'), WHOAMI_RULE);
  await writeFile(join(rules, 'acme.yml'), ACME_RULE);
  await writeFile(join(rules, 'broken.yml'), INVALID_RULE);
  await writeFile(join(rules, 'README.md'), 'not a rule');
  // EVTX: evil at 10:05, benign at 10:01, whoami at 10:07.
  await writeFile(join(dir, 'sysmon.evtx'), writeEvtx([
    sysmon(1, 1, 'C:\\Windows\\System32\\notepad.exe', 'notepad.exe'),
    sysmon(2, 5, 'C:\\Users\\alice\\evil.exe', 'evil.exe --steal'),
    sysmon(3, 7, 'C:\\Windows\\System32\\whoami.exe', 'whoami /all'),
  ]));
  // A zip holding NDJSON: evil at 10:03 (between the EVTX events), nothing at 10:09.
  const ndjson = [sysmonJson(3, 'D:\\tools\\evil.exe', 'evil.exe', 'ws2.corp.local'), sysmonJson(9, 'C:\\Windows\\explorer.exe', 'explorer.exe', 'ws2.corp.local')].join('\n');
  await writeFile(join(dir, 'export.zip'), storedZip([{ name: 'logs/sysmon.ndjson', data: Buffer.from(`${ndjson}\n`) }]));
  // Plain JSON with no log-source information; the host value is a spreadsheet formula.
  await writeFile(join(dir, 'app.ndjson'), [
    JSON.stringify({ time: '2024-03-01T10:02:00Z', action: 'delete_all', host: '=HYPERLINK("http://evil.example")' }),
    JSON.stringify({ time: '2024-03-01T10:04:00Z', action: 'read', host: 'app1' }),
  ].join('\n'));
});

interface JsonDetection { timestamp: string; ruleTitle: string; level: string; host?: string; user?: string; file?: string; record?: string; why: { fields: { field: string | null; value: string }[] } }

describe('vigil hunt', { timeout: 120_000 }, () => {
  it('finds exactly the matching events across EVTX and a zip of NDJSON, in time order', async () => {
    const { code, stdout, stderr } = await vigil(['--rules', rules, '--format', 'ndjson', join(dir, 'sysmon.evtx'), join(dir, 'export.zip')]);
    expect(stderr).toContain('rules: 2 active, 1 unsupported, 1 invalid');
    expect(code).toBe(0);
    const found = stdout.trim().split('\n').map((line) => JSON.parse(line) as JsonDetection);
    expect(found.map((d) => [d.timestamp, d.ruleTitle, d.level, d.host])).toEqual([
      ['2024-03-01T10:03:00.000Z', 'Evil Tool Started', 'high', 'ws2.corp.local'],
      ['2024-03-01T10:05:00.000Z', 'Evil Tool Started', 'high', 'ws1.corp.local'],
      ['2024-03-01T10:07:00.000Z', 'Whoami Run', 'low', 'ws1.corp.local'],
    ]);
    expect(found[1]!.why.fields).toContainEqual(expect.objectContaining({ field: 'Image', value: 'C:\\Users\\alice\\evil.exe' }));
    expect(found[0]!.file).toMatch(/export\.zip.*logs\/sysmon\.ndjson$/);
    expect(found[1]).toMatchObject({ file: join(dir, 'sysmon.evtx'), record: '2' });
    expect(stderr).toMatch(/detections: 3 \(critical 0, high 2, medium 0, low 1, info 0\)/);
    expect(stderr).toMatch(/events: 5 from 2 files/);
  });

  it('gives the same detections in the same order on worker threads', async () => {
    const args = ['--rules', rules, '--format', 'ndjson', join(dir, 'export.zip'), join(dir, 'sysmon.evtx')];
    const [inline, pooled] = await Promise.all([vigil([...args, '--threads', '1']), vigil([...args, '--threads', '2'])]);
    expect(pooled.stderr).toContain('2 threads');
    const strip = (out: string) => out.trim().split('\n').map((line) => {
      const { detectedAt: _at, ...rest } = JSON.parse(line) as { detectedAt: number };
      return rest;
    });
    expect(strip(pooled.stdout)).toEqual(strip(inline.stdout));
    expect(strip(pooled.stdout)).toHaveLength(3);
  });

  it('prints a time-ordered table with level, rule, host, user and the matched values', async () => {
    const { code, stdout } = await vigil(['--rules', rules, join(dir, 'sysmon.evtx')]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^timestamp\s+level\s+rule\s+host\s+user\s+details$/);
    expect(lines[2]).toMatch(/^2024-03-01T10:05:00\.000Z\s+high\s+Evil Tool Started\s+ws1\.corp\.local\s+alice\s+Image: C:\\Users\\alice\\evil\.exe$/);
    expect(lines[3]).toMatch(/^2024-03-01T10:07:00\.000Z\s+low\s+Whoami Run\s+/);
    expect(lines).toHaveLength(4);
    expect(stdout).not.toContain('\x1b[');
  });

  it('applies rules regardless of logsource with --all-rules', async () => {
    const without = await vigil(['--rules', rules, '--format', 'ndjson', join(dir, 'app.ndjson')]);
    expect(without.stdout).toBe('');
    const all = await vigil(['--rules', rules, '--all-rules', '--format', 'ndjson', join(dir, 'app.ndjson')]);
    expect(all.stderr).toContain('rules: 3 active, 0 unsupported, 1 invalid');
    const found = all.stdout.trim().split('\n').map((line) => JSON.parse(line) as JsonDetection);
    expect(found.map((d) => [d.ruleTitle, d.timestamp])).toEqual([['Acme Mass Delete', '2024-03-01T10:02:00.000Z']]);
  });

  it('writes CSV with formula-like values neutralized, to --output', async () => {
    const out = join(dir, 'hits.csv');
    const { code, stdout } = await vigil(['--rules', rules, '--all-rules', '--format', 'csv', '--output', out, join(dir, 'app.ndjson')]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,level,rule,rule_id,host,user,details,tags,file,record');
    expect(lines[1]).toBe(`2024-03-01T10:02:00.000Z,critical,Acme Mass Delete,3f0e8a52-7d3b-4a8e-9a4a-0c1d2e3f4a5b,"'=HYPERLINK(""http://evil.example"")",,action: delete_all,,${join(dir, 'app.ndjson')},1`);
    expect(lines).toHaveLength(2);
  });

  it('writes one JSON document with detections, summary and the rules that did not run', async () => {
    const { code, stdout } = await vigil(['--rules', rules, '--format', 'json', '--min-level', 'medium', join(dir, 'sysmon.evtx')]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { detections: JsonDetection[]; summary: { detections: number; events: number; rules: Record<string, number> }; rulesNotRunning: { title: string; state: string; reason: string }[] };
    expect(doc.detections.map((d) => d.ruleTitle)).toEqual(['Evil Tool Started']);
    expect(doc.summary).toMatchObject({ detections: 1, events: 3, rules: { active: 1, unsupported: 1, invalid: 1, belowMinLevel: 1 } });
    expect(doc.rulesNotRunning).toEqual(expect.arrayContaining([
      expect.objectContaining({ title: 'Broken', state: 'invalid', reason: expect.stringContaining('date') }),
      expect.objectContaining({ title: 'Acme Mass Delete', state: 'unsupported', reason: expect.stringContaining('logsource') }),
      expect.objectContaining({ title: 'Whoami Run', state: 'disabled', reason: 'level low is below --min-level medium' }),
    ]));
  });

  it('exits 1 for a detection at or above --fail-level, 0 below it', async () => {
    const files = [join(dir, 'sysmon.evtx')];
    expect((await vigil(['--rules', rules, '--fail-level', 'high', ...files])).code).toBe(1);
    expect((await vigil(['--rules', rules, '--fail-level', 'critical', ...files])).code).toBe(0);
  });

  it('exits 2 for a missing or damaged input, after hunting the rest', async () => {
    await writeFile(join(dir, 'garbage.evtx'), Buffer.alloc(8192, 0x41));
    const { code, stdout, stderr } = await vigil(['--rules', rules, '--format', 'ndjson', join(dir, 'missing.evtx'), join(dir, 'garbage.evtx'), join(dir, 'sysmon.evtx')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/error: \S*missing\.evtx: /);
    expect(stderr).toMatch(/error: \S*garbage\.evtx: /);
    expect(stderr).toMatch(/not \(fully\) readable/);
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('exits 2 on usage errors and without rules that can run', async () => {
    const input = join(dir, 'sysmon.evtx');
    const cases: [string[], RegExp][] = [
      [[input], /--rules PATH/],
      [['--rules', rules], /at least one file/],
      [['--rules', rules, '--format', 'xml', input], /--format must be one of/],
      [['--rules', rules, '--min-level', 'severe', input], /--min-level must be one of/],
      [['--rules', rules, '--threads', '0', input], /--threads/],
      [['--rules', join(dir, 'nowhere'), input], /could not be read/],
      [['--rules', join(rules, 'README.md'), input], /no Sigma rules found/],
      [['--rules', join(rules, 'broken.yml'), input], /none of the 1 rules can run/],
      [['--rules', rules, '--bogus', input], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await vigil(args);
      expect([args, code]).toEqual([args, 2]);
      expect(stderr).toMatch(message);
    }
  });

  it('lists the rules that do not run with --verbose', async () => {
    const { stderr } = await vigil(['--rules', rules, '--verbose', join(dir, 'sysmon.evtx')]);
    expect(stderr).toMatch(/invalid\s+\S*broken\.yml\s+Broken\s+.*date/);
    expect(stderr).toMatch(/unsupported\s+\S*acme\.yml\s+Acme Mass Delete\s+logsource/);
  });
});
