import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';
import { normalizeRecord } from '../../normalize/normalize-record.ts';
import { writeEvtx } from '../../../test/helpers/evtx-writer.ts';
import { windowsEvent, str, sid, hex32 } from '../../../test/helpers/evtx-events.ts';
import { readPaths, type FileBatch, type FileReadIssue } from './file-reader.ts';

let dir: string;
const p = (name: string) => join(dir, name);

const evtx = (count: number, recordsPerChunk?: number) => writeEvtx(Array.from({ length: count }, (_, i) => ({
  recordId: i + 1,
  event: windowsEvent({ provider: 'Microsoft-Windows-Security-Auditing', eventId: 4688, time: new Date(Date.UTC(2024, 0, 1, 0, 0, i)), recordId: i + 1,
    channel: 'Security', computer: 'ws1.corp.local', data: [['SubjectUserSid', sid('S-1-5-18')], ['SubjectUserName', str('WS1$')], ['NewProcessId', hex32(0x100 + i)],
      ['NewProcessName', str('C:\\Windows\\System32\\cmd.exe')], ['CommandLine', str(`cmd.exe /c echo ${i}`)]] }),
})), { recordsPerChunk });

async function read(paths: string[], sourceType = 'auto') {
  const records: RawRecord[] = [];
  const issues: FileReadIssue[] = [];
  let last: FileBatch | undefined;
  for await (const batch of readPaths(paths, { sourceName: 'files', sourceType, maxRecordBytes: 1 << 20, batchRecords: 50 })) {
    records.push(...batch.records);
    issues.push(...batch.issues);
    last = batch;
  }
  return { records, issues, last: last! };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-evtx-intake-'));
  await writeFile(p('Security.evtx'), evtx(120, 40));
  const damaged = evtx(30, 10);
  damaged[0x1000 + 0x10000 + 0x400]! ^= 0x55;
  await writeFile(p('damaged.evtx'), damaged);
  await writeFile(p('renamed.bak'), evtx(3));
  await writeFile(p('logs.zip'), zipSync({ 'host1/System.evtx': evtx(5) }));
  await writeFile(p('Security.evtx.gz'), gzipSync(evtx(4)));
  await writeFile(p('fake.evtx'), 'not an event log\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('file intake of EVTX logs', () => {
  it('sends every event as evtx_dump JSON with source type windows, normalized to ECS', async () => {
    const { records, issues, last } = await read([p('Security.evtx')]);
    expect(issues).toEqual([]);
    expect(records).toHaveLength(120);
    expect(last.counts.records).toBe(120);
    expect(last.progress.bytesRead).toBe(last.progress.bytesTotal);
    const first = records[0]!;
    expect(first.sourceType).toBe('windows');
    expect(first.meta).toEqual({ file: p('Security.evtx'), record: '1' });
    const event = normalizeRecord(first, DEFAULT_INPUT_LIMITS);
    expect(event.parseError).toBeUndefined();
    expect(event.timestamp).toBe(Date.UTC(2024, 0, 1));
    expect(event.fields).toMatchObject({
      'event.code': '4688', 'event.module': 'security', 'host.name': 'ws1.corp.local', 'process.pid': 0x100,
      'process.command_line': 'cmd.exe /c echo 0', 'process.executable': 'C:\\Windows\\System32\\cmd.exe', 'log.file.path': p('Security.evtx'),
    });
  });

  it('keeps a source type the user chose', async () => {
    const { records } = await read([p('renamed.bak')], 'json');
    expect(records.map((r) => r.sourceType)).toEqual(['json', 'json', 'json']);
  });

  it('reads EVTX by its signature under another name, inside zip archives and gzipped', async () => {
    const { records, issues } = await read([p('renamed.bak'), p('logs.zip'), p('Security.evtx.gz')]);
    expect(issues).toEqual([]);
    expect(records.map((r) => r.meta?.file)).toEqual([
      ...Array(3).fill(p('renamed.bak')), ...Array(5).fill(`${p('logs.zip')}!host1/System.evtx`), ...Array(4).fill(p('Security.evtx.gz')),
    ]);
  });

  it('skips a chunk with a bad CRC32 as a warning counted in the summary, and a non-EVTX .evtx file as an error', async () => {
    const { records, issues, last } = await read([p('damaged.evtx'), p('fake.evtx')]);
    expect(records).toHaveLength(20);
    expect(issues).toEqual([
      { kind: 'warning', file: p('damaged.evtx'), reason: 'chunk 1 skipped: record data CRC32 mismatch (dirty or corrupt chunk)' },
      { kind: 'error', file: p('fake.evtx'), reason: 'not an EVTX file (no "ElfFile" signature)' },
    ]);
    expect(last.counts).toMatchObject({ records: 20, warnings: 1, errors: 1 });
  });
});
