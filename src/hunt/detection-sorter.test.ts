import { readdir } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareDetections, DetectionSorter } from './detection-sorter.ts';
import type { SequencedDetection } from './hunt-detector.ts';

function item(seq: number, eventTime: number, ruleId = 'r'): SequencedDetection {
  return {
    seq,
    detection: { ruleId, ruleTitle: `rule ${ruleId}`, level: 'high', tags: [], eventSeqs: [], eventTime, detectedAt: 0, why: { selections: ['selection'], fields: [{ selection: 'selection', field: 'Image', value: `v${seq}\n"` }] } },
  };
}

async function drain(sorter: DetectionSorter): Promise<SequencedDetection['detection'][]> {
  const out = [];
  for await (const d of sorter.sorted()) out.push(d);
  return out;
}

describe('DetectionSorter', () => {
  it('orders by event time, then input order, then rule', async () => {
    const sorter = new DetectionSorter();
    for (const x of [item(3, 20, 'b'), item(2, 10), item(3, 20, 'a'), item(1, 20), item(0, 30)]) await sorter.add(x);
    const out = await drain(sorter);
    expect(out.map((d) => [d.eventTime, d.ruleId, d.why.fields[0]!.value])).toEqual([
      [10, 'r', 'v2\n"'], [20, 'r', 'v1\n"'], [20, 'a', 'v3\n"'], [20, 'b', 'v3\n"'], [30, 'r', 'v0\n"'],
    ]);
    await sorter.close();
  });

  it('spills runs to disk past its buffer and merges them to the same order, then removes them', async () => {
    const tempDir = await mkdtemp(join(tmpdir(), 'vigil-sorter-test-'));
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), async (entries, maxBuffered) => {
      const items = entries.map(([time, rule], seq) => item(seq, time, rule));
      const sorter = new DetectionSorter({ maxBuffered, tempDir });
      for (const x of items) await sorter.add(x);
      expect(sorter.spilled).toBe(Math.floor(items.length / maxBuffered));
      const out = await drain(sorter);
      expect(out).toEqual([...items].sort(compareDetections).map((x) => x.detection));
      await sorter.close();
      expect(await readdir(tempDir)).toEqual([]);
    }), { numRuns: 40 });
  });
});
