/**
 * Streaming detection end to end: a running Vigil, a rule imported through the API, Windows events
 * sent to HTTP intake; exactly the matching events give detections, read back through the API, and
 * /metrics counts them with the latency they added.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredDetection } from '../../src/store/detection-store.ts';
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

const RULE = `title: Encoded PowerShell from an e2e test
id: 7d3f8a52-5a4b-4c2e-9d1f-0e2a7b6c5d41
level: high
tags: [attack.execution, attack.t1059.001]
logsource: { product: windows, category: process_creation }
detection:
  selection:
    Image|endswith: '\\powershell.exe'
    CommandLine|contains: ' -enc '
  condition: selection
`;

const processStart = (host: string, commandLine: string) => JSON.stringify({
  EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: host, '@timestamp': new Date().toISOString(),
  Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', CommandLine: commandLine, User: 'CORP\\alice',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('streaming detection', () => {
  it('detects exactly the matching events with a rule imported while running', async () => {
    running = await startVigilProcess(mkdtempSync(join(tmpdir(), 'vigil-detect-e2e-')));
    const session = await ApiSession.signIn(running.url, running.adminPassword!);
    const token = await session.createSource('windows-e2e', 'http');
    const send = async (lines: string[]) => {
      const response = await fetch(`${running!.url}/api/v1/ingest`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body: lines.join('\n'),
      });
      expect(response.status).toBe(200);
    };
    const RULE_ID = '7d3f8a52-5a4b-4c2e-9d1f-0e2a7b6c5d41';
    // The bundled rules run too (one of them finds encoded PowerShell as well): look at the imported rule's.
    const all = async () => (await session.json<{ detections: StoredDetection[] }>('GET', '/api/v1/detections?limit=500')).detections;
    const detections = async () => (await session.json<{ detections: StoredDetection[] }>('GET', `/api/v1/detections?limit=500&ruleId=${RULE_ID}`)).detections;

    const imported = await session.json<{ rules: { id: string; state: string }[] }>('POST', '/api/v1/rules/import', { yaml: RULE });
    expect(imported.rules).toEqual([expect.objectContaining({ id: RULE_ID, state: 'active' })]);

    // The engine picks rule changes up within seconds: probe until the rule runs.
    let ready = false;
    for (let attempt = 0; attempt < 60 && !ready; attempt++) {
      await send([processStart('probe', 'powershell.exe -enc ZQBjAGgAbwA=')]);
      await sleep(250);
      ready = (await detections()).length > 0;
    }
    expect(ready).toBe(true);

    await send([
      processStart('WS-E2E', 'powershell.exe -nop -enc SQBFAFgA'),
      processStart('WS-E2E', 'powershell.exe -File backup.ps1'),
      JSON.stringify({ EventID: 4624, Channel: 'Security', Hostname: 'WS-E2E', LogonType: '3', CommandLine: 'powershell.exe -enc x' }),
      processStart('WS-E2E', 'powershell.exe -w hidden -enc SQBFAFgA'),
    ]);
    let found: StoredDetection[] = [];
    for (let attempt = 0; attempt < 40 && found.length < 2; attempt++) {
      await sleep(100);
      found = (await detections()).filter((d) => d.host === 'WS-E2E');
    }
    await sleep(500); // nothing more must come
    found = (await detections()).filter((d) => d.host === 'WS-E2E');
    expect(found.map((d) => d.why.fields.find((f) => f.field === 'CommandLine')?.value).sort()).toEqual([
      'powershell.exe -nop -enc SQBFAFgA', 'powershell.exe -w hidden -enc SQBFAFgA',
    ]);
    expect(found[0]).toMatchObject({
      ruleId: RULE_ID, ruleTitle: 'Encoded PowerShell from an e2e test', level: 'high',
      tags: ['attack.execution', 'attack.t1059.001'], user: expect.any(String), why: { selections: ['selection'] },
    });
    // Each detection names its stored event.
    const stored = await session.json<{ events: { seq: number; fields: Record<string, unknown> }[] }>('GET', '/api/v1/events?source=windows-e2e&limit=100');
    const event = stored.events.find((e) => e.seq === found[0]!.eventSeqs[0]);
    expect(event?.fields['process.command_line']).toBe(found[0]!.why.fields.find((f) => f.field === 'CommandLine')?.value);

    const metrics = await (await session.request('GET', '/metrics')).text();
    const high = Number(/vigil_detections_total\{level="high"\} (\d+)/.exec(metrics)?.[1]);
    expect(high).toBe((await all()).filter((d) => d.level === 'high').length);
    expect(metrics).toMatch(/vigil_detection_latency_seconds_bucket\{le="0.1"\} \d+/);

    running.child.kill('SIGTERM');
    expect(await waitForExit(running.child)).toBe(0);
  });
});
