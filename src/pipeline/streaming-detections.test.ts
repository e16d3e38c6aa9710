/**
 * Streaming detection through the real pipeline (journal, normalize, DuckDB store, SQLite state):
 * exactly the matching events give detections, saved with their stored seq; a rule change reaches
 * the engine; detections of a batch stored before a crash but not saved come back at the next start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawRecord } from '../core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import type { RuleSource } from '../detect/detection.ts';
import { createMetrics } from '../ops/metrics.ts';
import { openDuckDbEventStore } from '../store/duckdb/duckdb-event-store.ts';
import { openSqliteStateStore } from '../store/sqlite/sqlite-state-store.ts';
import type { StoredRule } from '../store/rule-store.ts';
import { InlineIngestBackend } from './ingest-backend.ts';
import { Pipeline } from './pipeline.ts';
import { SourceStatsTracker } from './source-stats.ts';
import { StreamingDetections } from './streaming-detections.ts';

const silent = { info() {}, warn() {}, error() {} };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const whoami: StoredRule = {
  id: '5a0b2c1e-0000-4000-8000-00000000000a', enabled: true, title: 'Whoami run', level: 'high', tags: ['attack.discovery'], origin: 'custom', state: 'active', updatedAt: 0,
  yaml: `title: Whoami run
level: high
tags: [attack.discovery]
logsource: { product: windows, category: process_creation }
detection:
  selection: { Image|endswith: '\\whoami.exe' }
  condition: selection
`,
};
const logon: StoredRule = {
  ...whoami, id: '5a0b2c1e-0000-4000-8000-00000000000b', title: 'Network logon', level: 'low', tags: [],
  yaml: `title: Network logon
level: low
logsource: { product: windows, service: security }
detection:
  selection: { EventID: 4624, LogonType: 3 }
  condition: selection
`,
};

const sysmon = (image: string, i: number): RawRecord => ({
  source: 'win', sourceType: 'auto', receivedAt: Date.now(),
  text: JSON.stringify({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'WS01', '@timestamp': '2024-01-01T10:00:00Z', Image: image, CommandLine: `${image} ${i}`, User: 'CORP\\alice' }),
});
const logonRecord: RawRecord = {
  source: 'win', sourceType: 'auto', receivedAt: Date.now(),
  text: JSON.stringify({ EventID: 4624, Channel: 'Security', Hostname: 'DC01', '@timestamp': '2024-01-01T10:00:00Z', LogonType: '3', TargetUserName: 'bob' }),
};

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-detect-'));
  const events = await openDuckDbEventStore({ dir: join(dir, 'events') });
  const state = openSqliteStateStore({ path: join(dir, 'state.sqlite') });
  closers.push(async () => {
    await events.close();
    state.close();
  });
  const start = async (sink: StreamingDetections, rules: readonly RuleSource[]) => {
    const backend = new InlineIngestBackend(events, DEFAULT_INPUT_LIMITS, rules);
    const { pipeline } = await Pipeline.start({
      journalDir: join(dir, 'journal'), journalSegmentBytes: 1 << 20, batchSize: 4, maxPendingRecords: 10_000, maxPendingBytes: 64 << 20,
      backend, store: events, stats: new SourceStatsTracker(state), metrics: createMetrics(), log: silent, detections: sink,
    });
    return { pipeline, backend };
  };
  return { events, state, start };
}

describe('streaming detection in the pipeline', () => {
  it('saves a detection for exactly each matching event, with its stored seq, and counts them', async () => {
    const { events, state, start } = await setup();
    state.rules.upsert([whoami, logon]);
    const metrics = createMetrics();
    const sink = new StreamingDetections(state, metrics);
    const { pipeline } = await start(sink, sink.enabledRules());
    const receipt = await pipeline.submit([sysmon('C:\\Windows\\System32\\whoami.exe', 1), sysmon('C:\\Windows\\System32\\cmd.exe', 2), logonRecord,
      sysmon('C:\\Windows\\notepad.exe', 3), sysmon('C:\\Windows\\System32\\whoami.exe', 4)]);
    await pipeline.drain();
    const saved = state.detections.list({ limit: 10 }).sort((a, b) => a.eventSeqs[0]! - b.eventSeqs[0]!);
    expect(saved.map((d) => [d.ruleId, d.eventSeqs, d.level, d.host])).toEqual([
      [whoami.id, [receipt.firstSeq], 'high', 'WS01'],
      [logon.id, [receipt.firstSeq + 2], 'low', 'DC01'],
      [whoami.id, [receipt.firstSeq + 4], 'high', 'WS01'],
    ]);
    const stored = await events.query({ limit: 10 });
    expect(stored.find((e) => e.seq === receipt.firstSeq + 2)?.sourceType).toBe('windows');
    expect(sink.savedSeq()).toBe(receipt.lastSeq);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/vigil_detections_total\{level="high"\} 2/);
    expect(text).toMatch(/vigil_detection_latency_seconds_count 3/);
    await pipeline.close();
  });

  it('runs the new rules once they are set', async () => {
    const { state, start } = await setup();
    const sink = new StreamingDetections(state, createMetrics());
    const { pipeline, backend } = await start(sink, []);
    await pipeline.submit([sysmon('C:\\Windows\\System32\\whoami.exe', 1)]);
    await pipeline.drain();
    expect(state.detections.list({ limit: 10 })).toEqual([]);
    state.rules.upsert([whoami]);
    backend.setRules(sink.enabledRules());
    await pipeline.submit([sysmon('C:\\Windows\\System32\\whoami.exe', 2)]);
    await pipeline.drain();
    expect(state.detections.list({ limit: 10 }).map((d) => d.ruleId)).toEqual([whoami.id]);
    await pipeline.close();
  });

  it('after a crash between storing a batch and saving its detections, finds them again at the next start', async () => {
    const { events, state, start } = await setup();
    state.rules.upsert([whoami]);
    // First run: every batch is stored, and the process "dies" at the first detection to save:
    // nothing is saved after that.
    const crashing = new StreamingDetections(state, createMetrics());
    const save = crashing.save.bind(crashing);
    let dead = false;
    crashing.save = (detections, lastSeq, startedAt) => {
      dead ||= detections.length > 0;
      if (dead) throw new Error('killed');
      save(detections, lastSeq, startedAt);
    };
    const first = await start(crashing, crashing.enabledRules());
    const records = Array.from({ length: 10 }, (_, i) => sysmon(i % 3 === 0 ? 'C:\\Windows\\System32\\whoami.exe' : 'C:\\Windows\\explorer.exe', i));
    await first.pipeline.submit(records);
    await first.pipeline.drain();
    await first.pipeline.close();
    expect(await events.lastSeq()).toBe(10);
    expect(state.detections.list({ limit: 10 })).toEqual([]);

    const sink = new StreamingDetections(state, createMetrics());
    const second = await start(sink, sink.enabledRules());
    await second.pipeline.drain();
    expect(state.detections.list({ limit: 10 }).map((d) => d.eventSeqs[0]).sort((a, b) => a! - b!)).toEqual([1, 4, 7, 10]);
    expect(await events.query({ limit: 100 })).toHaveLength(10);
    expect(sink.savedSeq()).toBe(10);
    await second.pipeline.close();
  });
});
