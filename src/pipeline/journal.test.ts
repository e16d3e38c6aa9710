import { mkdtempSync, readdirSync, appendFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../core/event.ts';
import { Journal } from './journal.ts';

const rec = (text: string): RawRecord => ({ source: 's', sourceType: 'auto', receivedAt: 1, text });
const tempDir = () => mkdtempSync(join(tmpdir(), 'vigil-journal-'));

describe('Journal', () => {
  it('assigns consecutive sequence numbers and replays everything newer than the stored seq', async () => {
    const dir = tempDir();
    const { journal } = await Journal.open({ dir, segmentBytes: 1 << 20 }, 0);
    const [a, b] = await Promise.all([journal.append([rec('a'), rec('b')]), journal.append([rec('c')])]);
    expect([a, b]).toEqual([1, 3]);
    await journal.close();

    const { journal: again, recovery } = await Journal.open({ dir, segmentBytes: 1 << 20 }, 1);
    expect(recovery.entries.map(({ firstSeq, records }) => ({ firstSeq, records }))).toEqual([
      { firstSeq: 2, records: [rec('b')] },
      { firstSeq: 3, records: [rec('c')] },
    ]);
    expect(recovery.entries.every((e) => e.bytes > 0)).toBe(true);
    expect(again.nextSequence).toBe(4);
    await again.close();
  });

  it('cuts a torn final write and keeps every complete entry', async () => {
    const dir = tempDir();
    const { journal } = await Journal.open({ dir, segmentBytes: 1 << 20 }, 0);
    await journal.append([rec('kept')]);
    await journal.close();
    const segment = readdirSync(dir).map((f) => join(dir, f)).find((f) => statSync(f).size > 0)!;
    appendFileSync(segment, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5])); // header promising 200 bytes, 1 present

    const { recovery } = await Journal.open({ dir, segmentBytes: 1 << 20 }, 0);
    expect(recovery.truncatedBytes).toBe(9);
    expect(recovery.entries.map((e) => e.records[0]!.text)).toEqual(['kept']);
  });

  it('sets aside a segment corrupted in the middle instead of replaying garbage', async () => {
    const dir = tempDir();
    const { journal } = await Journal.open({ dir, segmentBytes: 64 }, 0);
    await journal.append([rec('first segment entry that is long enough to rotate')]);
    await journal.append([rec('second')]);
    await journal.close();
    const first = readdirSync(dir).sort()[0]!;
    writeFileSync(join(dir, first), Buffer.alloc(statSync(join(dir, first)).size, 7));

    const { recovery } = await Journal.open({ dir, segmentBytes: 64 }, 0);
    expect(recovery.corruptSegments).toHaveLength(1);
    expect(recovery.entries.map((e) => e.records[0]!.text)).toEqual(['second']);
  });

  it('deletes segments once everything in them is stored, never the open one', async () => {
    const dir = tempDir();
    const { journal } = await Journal.open({ dir, segmentBytes: 32 }, 0);
    for (let i = 0; i < 5; i++) await journal.append([rec(`record number ${i} padded to rotate`)]);
    const before = readdirSync(dir).length;
    journal.release(3);
    const after = readdirSync(dir).length;
    expect(after).toBeLessThan(before);
    journal.release(1_000);
    expect(readdirSync(dir).length).toBe(1);
    await journal.close();
    const { recovery } = await Journal.open({ dir, segmentBytes: 32 }, 5);
    expect(recovery.entries).toEqual([]);
  });
});
