import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { ApiSession } from '../../test/helpers/api-session.ts';

interface RuleView { id: string; title: string; state: string; reason?: string; enabled: boolean; origin: string; yaml?: string; hits24h: number; level: string; tags: string[] }
interface ImportAnswer { added: number; updated: number; skipped: number; errors: { name: string; reason: string }[]; rules: { id: string; title: string; state: string; reason?: string; source: string }[] }
interface TestAnswer { state: string; reason?: string; results: { event: { sourceType: string; fields: Record<string, unknown> }; matched: boolean; why?: { selections: string[]; fields: { selection: string; field: string | null; value: string }[] }; note?: string }[] }

const ENCODED_ID = '6d0e7c35-2a1d-4d5e-9a41-0f3c7f0b1a01';
const ENCODED = `title: Encoded PowerShell (test)
id: ${ENCODED_ID}
level: high
tags: [attack.execution, attack.t1059.001]
logsource: {product: windows, category: process_creation}
detection:
  selection:
    Image|endswith: '\\powershell.exe'
    CommandLine|contains: ' -enc '
  condition: selection
`;
const UNSUPPORTED = `title: Unknown modifier (test)
id: 6d0e7c35-2a1d-4d5e-9a41-0f3c7f0b1a02
logsource: {product: windows, category: process_creation}
detection:
  selection: {CommandLine|frobnicate: x}
  condition: selection
`;
const NO_ID = `title: Rule without id (test)
logsource: {product: linux, service: sshd}
detection:
  keywords: ['Failed password for']
  condition: keywords
`;

let vigil: RunningVigil;
let admin: ApiSession;
let engineer: ApiSession;
let viewer: ApiSession;

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-rules-api-')), server: { port: 0, rateLimits: { signInPerMinute: 1000 } },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
    },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
  admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
  engineer = await admin.createUserSession('eng', 'engineer');
  viewer = await admin.createUserSession('vic', 'viewer');
}, 60_000);
afterAll(async () => vigil?.close());

async function upload(session: ApiSession, body: Uint8Array<ArrayBuffer> | string, type: string, name?: string): Promise<Response> {
  return fetch(new URL(`/api/v1/rules/import${name ? `?name=${encodeURIComponent(name)}` : ''}`, session.baseUrl), {
    method: 'POST', headers: { cookie: session.cookieHeader, 'x-vigil-csrf': '1', 'content-type': type }, body,
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe('rules API', () => {
  it('imports a zip archive: every document reported with its state and reason, non-YAML members skipped', async () => {
    const archive: Zippable = {
      'rules/windows/encoded.yml': strToU8(ENCODED),
      'rules/windows/unsupported.yml': strToU8(UNSUPPORTED),
      'rules/linux/two.yaml': strToU8(`${NO_ID}---\ntitle: [broken\n`),
      'rules/README.md': strToU8('# not a rule'),
      'rules/windows/encoded.tests.yml': strToU8('match: []\n'),
    };
    const response = await upload(engineer, zipSync(archive), 'application/zip', 'team-rules.zip');
    expect(response.status).toBe(200);
    const answer = (await response.json()) as ImportAnswer;
    // README.md is skipped; the rule's .tests.yml file holds test events, not rules.
    expect(answer).toMatchObject({ added: 4, updated: 0, skipped: 1, errors: [] });
    const bySource = new Map(answer.rules.map((r) => [r.source, r]));
    expect(bySource.get('team-rules.zip:rules/windows/encoded.yml')).toMatchObject({ id: ENCODED_ID, state: 'active' });
    expect(bySource.get('team-rules.zip:rules/windows/unsupported.yml')).toMatchObject({ state: 'unsupported', reason: expect.stringContaining('frobnicate') });
    expect(bySource.get('team-rules.zip:rules/linux/two.yaml#1')).toMatchObject({ state: 'active', id: expect.stringMatching(/^yaml-[0-9a-f]{32}$/) });
    expect(bySource.get('team-rules.zip:rules/linux/two.yaml#2')).toMatchObject({ state: 'invalid', reason: expect.stringContaining('YAML') });

    const stored = await viewer.json<RuleView>('GET', `/api/v1/rules/${ENCODED_ID}`);
    expect(stored).toMatchObject({ title: 'Encoded PowerShell (test)', level: 'high', tags: ['attack.execution', 'attack.t1059.001'], origin: 'import:team-rules.zip', enabled: true, hits24h: 0 });
    expect(stored.yaml).toBe(ENCODED);
    const listed = (await viewer.json<{ rules: RuleView[] }>('GET', '/api/v1/rules')).rules;
    expect(listed.find((r) => r.id === ENCODED_ID)).toMatchObject({ state: 'active' });
    expect(listed.every((r) => r.yaml === undefined)).toBe(true);
  });

  it('imports YAML text and JSON, keeps a disabled rule disabled on re-import, and reports duplicate ids', async () => {
    const disabled = await engineer.json<RuleView>('PUT', `/api/v1/rules/${ENCODED_ID}`, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, state: 'disabled' });
    const again = await upload(engineer, `${ENCODED}---\n${ENCODED}`, 'text/yaml');
    const answer = (await again.json()) as ImportAnswer;
    expect(answer).toMatchObject({ added: 0, updated: 1 });
    expect(answer.rules.map((r) => r.state)).toEqual(['disabled', 'invalid']);
    expect(answer.rules[1]!.reason).toMatch(/duplicate id/);
    expect((await viewer.json<RuleView>('GET', `/api/v1/rules/${ENCODED_ID}`)).enabled).toBe(false);

    const json = await engineer.json<ImportAnswer>('POST', '/api/v1/rules/import', { yaml: 'title: only a title\n' });
    expect(json.rules).toEqual([expect.objectContaining({ state: 'invalid', reason: expect.stringMatching(/logsource|detection/) })]);
    expect((await engineer.request('POST', '/api/v1/rules/import', { nothing: 1 })).status).toBe(400);
    expect((await engineer.json<RuleView>('PUT', `/api/v1/rules/${ENCODED_ID}`, { enabled: true })).state).toBe('active');
  });

  it('refuses zip bombs and unreadable archives before storing anything', async () => {
    // Archives built first: an idle keep-alive connection may close while they are written.
    const many: Zippable = {};
    for (let i = 0; i <= 20_000; i++) many[`r${i}.yml`] = strToU8(NO_ID.replace('Rule without id', `Rule ${i}`));
    const manyZip = zipSync(many, { level: 0 });
    const big: Zippable = {};
    for (let i = 0; i < 70; i++) big[`big${i}.yml`] = new Uint8Array(1024 * 1024 - 1).fill(0x20);
    const bigZip = zipSync(big, { level: 9 });
    const before = (await viewer.json<{ rules: RuleView[] }>('GET', '/api/v1/rules')).rules.length;
    const tooMany = await upload(engineer, manyZip, 'application/zip');
    expect(tooMany.status).toBe(422);
    expect(await errorOf(tooMany)).toMatchObject({ code: 'IMPORT_REFUSED', message: expect.stringContaining('20000 members') });

    const bomb = await upload(engineer, bigZip, 'application/zip');
    expect(bomb.status).toBe(422);
    expect((await errorOf(bomb)).message).toMatch(/uncompressed/);

    const garbage = await upload(engineer, strToU8('PK this is not a zip at all'), 'application/zip');
    expect(await errorOf(garbage)).toMatchObject({ code: 'IMPORT_REFUSED' });
    expect((await viewer.json<{ rules: RuleView[] }>('GET', '/api/v1/rules')).rules.length).toBe(before);
  }, 60_000);

  it('tests a rule against a raw event, a field map and a stored rule, with why it matched', async () => {
    const sysmon = {
      System: { Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } }, EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Computer: 'ws1' },
      EventData: { Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', CommandLine: 'powershell.exe -nop -enc SQBFAFgA' },
    };
    const raw = await viewer.json<TestAnswer>('POST', '/api/v1/rules/test', { yaml: ENCODED, event: { Event: sysmon } });
    expect(raw.state).toBe('active');
    expect(raw.results[0]).toMatchObject({ matched: true, event: { sourceType: 'windows' } });
    expect(raw.results[0]!.why!.selections).toEqual(['selection']);
    expect(raw.results[0]!.why!.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'CommandLine', value: expect.stringContaining('-enc') })]));

    const byId = await viewer.json<TestAnswer>('POST', '/api/v1/rules/test', { ruleId: ENCODED_ID, event: { Image: 'C:\\x\\powershell.exe', CommandLine: 'a -enc b' } });
    expect(byId.results[0]).toMatchObject({ matched: true, event: { sourceType: 'fields' } });
    const elsewhere = await viewer.json<TestAnswer>('POST', '/api/v1/rules/test', {
      yaml: NO_ID, event: { Event: { ...sysmon, EventData: { ...sysmon.EventData, CommandLine: 'echo Failed password for root' } } },
    });
    expect(elsewhere.results[0]).toMatchObject({ matched: false, note: expect.stringContaining('logsource (product: linux, service: sshd)') });

    const sshd = await viewer.json<TestAnswer>('POST', '/api/v1/rules/test', {
      yaml: NO_ID, event: '<38>Nov 23 10:00:00 host1 sshd[811]: Failed password for root from 203.0.113.9 port 4242 ssh2',
    });
    expect(sshd.results[0]).toMatchObject({ matched: true, why: { fields: [expect.objectContaining({ field: null })] } });

    const unsupported = await viewer.json<TestAnswer>('POST', '/api/v1/rules/test', { yaml: UNSUPPORTED, event: { CommandLine: 'x' } });
    expect(unsupported).toMatchObject({ state: 'unsupported', reason: expect.stringContaining('frobnicate'), results: [{ matched: false }] });
    const invalid = await viewer.json<TestAnswer>('POST', '/api/v1/rules/test', { yaml: 'title: [', event: { a: 1 } });
    expect(invalid.state).toBe('invalid');
    expect((await viewer.request('POST', '/api/v1/rules/test', { yaml: ENCODED })).status).toBe(400);
    expect((await viewer.request('POST', '/api/v1/rules/test', { ruleId: 'no-such-rule', event: { a: 1 } })).status).toBe(404);
  });

  it('tests a rule against the events of a search', async () => {
    const answer = await viewer.json<TestAnswer>('POST', '/api/v1/rules/test', { yaml: NO_ID, query: '', from: '-1h', limit: 10 });
    expect(answer.state).toBe('active');
    expect(Array.isArray(answer.results)).toBe(true);
    const table = await viewer.request('POST', '/api/v1/rules/test', { yaml: NO_ID, query: '| stats count()', from: '-1h' });
    expect(await errorOf(table)).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('table') });
  });

  it('lets viewers read and test but not change rules; a role without events:read cannot test', async () => {
    expect((await viewer.request('PUT', `/api/v1/rules/${ENCODED_ID}`, { enabled: false })).status).toBe(403);
    expect((await viewer.request('DELETE', `/api/v1/rules/${ENCODED_ID}`)).status).toBe(403);
    expect((await upload(viewer, ENCODED, 'text/yaml')).status).toBe(403);
    await admin.json('POST', '/api/v1/roles', { name: 'rule-reader', description: 'rules only', permissions: ['rules:read'] });
    const reader = await admin.createUserSession('rita', 'rule-reader');
    expect((await reader.request('GET', '/api/v1/rules')).status).toBe(200);
    const test = await reader.request('POST', '/api/v1/rules/test', { yaml: ENCODED, event: { a: 1 } });
    expect(test.status).toBe(403);
    expect((await errorOf(test)).message).toMatch(/events:read/);
    expect((await reader.request('GET', '/api/v1/detections')).status).toBe(403);
  });

  it('deletes a rule, and audits enable, disable, import and delete', async () => {
    const response = await engineer.request('DELETE', `/api/v1/rules/${ENCODED_ID}`);
    expect(response.status).toBe(204);
    expect((await viewer.request('GET', `/api/v1/rules/${ENCODED_ID}`)).status).toBe(404);
    expect((await engineer.request('DELETE', `/api/v1/rules/${ENCODED_ID}`)).status).toBe(404);
    const { entries } = await admin.json<{ entries: { action: string; actorName?: string; targetId?: string; details: Record<string, unknown> }[] }>('GET', '/api/v1/audit?action=rule.&limit=100');
    const actions = entries.map((e) => e.action);
    for (const action of ['rule.import', 'rule.enable', 'rule.disable', 'rule.delete', 'rule.test']) expect(actions).toContain(action);
    const imported = entries.find((e) => e.action === 'rule.import' && e.targetId === 'team-rules.zip');
    expect(imported).toMatchObject({ actorName: 'eng', details: { after: { added: 4, active: 2, unsupported: 1, invalid: 1 } } });
    expect(entries.find((e) => e.action === 'rule.delete')).toMatchObject({ targetId: ENCODED_ID, details: { before: { title: 'Encoded PowerShell (test)' } } });
  });
});

describe('OpenAPI', () => {
  it('describes the rules and detections routes', async () => {
    const doc = (await (await fetch(`${vigil.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/v1/rules', '/api/v1/rules/{id}', '/api/v1/rules/import', '/api/v1/rules/test', '/api/v1/detections', '/api/v1/detections/{id}']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
  });
});

describe('detections API', () => {
  it('lists detections newest first with filters and gets one by id', async () => {
    const now = Date.now();
    vigil.core.state.detections.add([
      { ruleId: 'r1', ruleTitle: 'One', level: 'high', tags: ['attack.t1110'], eventSeqs: [1], eventTime: now - 2000, detectedAt: now, host: 'h1', why: { selections: ['sel'], fields: [] } },
      { ruleId: 'r2', ruleTitle: 'Two', level: 'low', tags: [], eventSeqs: [2], eventTime: now - 1000, detectedAt: now, why: { selections: ['sel'], fields: [{ selection: 'sel', field: 'x', value: '<script>' }] } },
    ]);
    const all = (await viewer.json<{ detections: { id: number; ruleId: string }[] }>('GET', '/api/v1/detections?from=-1h')).detections;
    expect(all.map((d) => d.ruleId)).toEqual(['r2', 'r1']);
    const high = (await viewer.json<{ detections: { ruleId: string }[] }>('GET', '/api/v1/detections?level=high,critical')).detections;
    expect(high.map((d) => d.ruleId)).toEqual(['r1']);
    const page = (await viewer.json<{ detections: { ruleId: string }[] }>('GET', `/api/v1/detections?before=${all[0]!.id}`)).detections;
    expect(page.map((d) => d.ruleId)).toEqual(['r1']);
    expect(await viewer.json('GET', `/api/v1/detections/${all[0]!.id}`)).toMatchObject({ ruleId: 'r2', why: { fields: [{ value: '<script>' }] } });
    expect((await viewer.request('GET', '/api/v1/detections/999999')).status).toBe(404);
    expect(await errorOf(await viewer.request('GET', '/api/v1/detections?level=severe'))).toMatchObject({ code: 'VALIDATION' });
    const rules = (await viewer.json<{ rules: RuleView[] }>('GET', '/api/v1/rules')).rules;
    expect(rules.every((r) => typeof r.hits24h === 'number')).toBe(true);
  });
});
