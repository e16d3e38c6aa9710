/**
 * Puts a hunt's detections in time order without holding them all: up to `maxBuffered` are kept in
 * memory; beyond that each full buffer is sorted and written to a private temporary file (a run), and
 * the runs are merged at the end, reading one detection per run at a time. Events are never kept,
 * so memory stays bounded whatever the input size; most hunts never touch the disk.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { HuntDetection, SequencedDetection } from './hunt-detector.ts';

export interface DetectionSorterOptions {
  /** Detections held in memory before a run is written (default 50,000: tens of MB). */
  maxBuffered?: number;
  /** Where the temporary folder for runs is made (default: the system's). */
  tempDir?: string;
}

/** Event time, then the event's place in the input, then the rule: the same order for any thread count. */
export function compareDetections(a: SequencedDetection, b: SequencedDetection): number {
  return a.detection.eventTime - b.detection.eventTime || a.seq - b.seq || (a.detection.ruleId < b.detection.ruleId ? -1 : a.detection.ruleId > b.detection.ruleId ? 1 : 0);
}

/**
 * @example
 * const sorter = new DetectionSorter();
 * for (const d of found) await sorter.add(d);
 * for await (const detection of sorter.sorted()) print(detection);
 * await sorter.close();
 */
export class DetectionSorter {
  readonly #maxBuffered: number;
  readonly #tempDir: string;
  #buffer: SequencedDetection[] = [];
  #dir: string | undefined;
  readonly #runs: string[] = [];
  #count = 0;

  constructor(options: DetectionSorterOptions = {}) {
    this.#maxBuffered = Math.max(1, options.maxBuffered ?? 50_000);
    this.#tempDir = options.tempDir ?? tmpdir();
  }

  /** Detections added so far. */
  get count(): number {
    return this.#count;
  }

  /** Runs written to disk so far. */
  get spilled(): number {
    return this.#runs.length;
  }

  async add(item: SequencedDetection): Promise<void> {
    this.#buffer.push(item);
    this.#count++;
    if (this.#buffer.length >= this.#maxBuffered) await this.#spill();
  }

  /** Every detection added, in time order. Call once, after the last `add`. */
  async *sorted(): AsyncGenerator<HuntDetection> {
    this.#buffer.sort(compareDetections);
    if (this.#runs.length === 0) {
      for (const item of this.#buffer) yield item.detection;
      return;
    }
    yield* this.#merge();
  }

  /** Removes the temporary runs. */
  async close(): Promise<void> {
    this.#buffer = [];
    if (this.#dir !== undefined) await rm(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }

  async #spill(): Promise<void> {
    this.#buffer.sort(compareDetections);
    this.#dir ??= await mkdtemp(join(this.#tempDir, 'vigil-hunt-'));
    const path = join(this.#dir, `run-${this.#runs.length}.ndjson`);
    // Written in pieces: one string of 50,000 detections could pass V8's string length limit.
    const lines: string[] = [];
    for (const item of this.#buffer) lines.push(JSON.stringify(item));
    await writeFile(path, '', { mode: 0o600 });
    for (let i = 0; i < lines.length; i += 5_000) await writeFile(path, `${lines.slice(i, i + 5_000).join('\n')}\n`, { flag: 'a' });
    this.#runs.push(path);
    this.#buffer = [];
  }

  /** k-way merge of the runs and the in-memory rest, with a binary heap of each source's next item. */
  async *#merge(): AsyncGenerator<HuntDetection> {
    const sources: AsyncIterator<SequencedDetection>[] = this.#runs.map((path) => readRun(path));
    sources.push(fromArray(this.#buffer));
    const heap: { item: SequencedDetection; source: number }[] = [];
    const push = (entry: { item: SequencedDetection; source: number }) => {
      heap.push(entry);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (compareDetections(heap[parent]!.item, heap[i]!.item) <= 0) break;
        [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
        i = parent;
      }
    };
    const pop = () => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ; ) {
          const left = 2 * i + 1;
          const right = left + 1;
          let least = i;
          if (left < heap.length && compareDetections(heap[left]!.item, heap[least]!.item) < 0) least = left;
          if (right < heap.length && compareDetections(heap[right]!.item, heap[least]!.item) < 0) least = right;
          if (least === i) break;
          [heap[least], heap[i]] = [heap[i]!, heap[least]!];
          i = least;
        }
      }
      return top;
    };
    for (let source = 0; source < sources.length; source++) {
      const next = await sources[source]!.next();
      if (!next.done) push({ item: next.value, source });
    }
    while (heap.length > 0) {
      const { item, source } = pop();
      yield item.detection;
      const next = await sources[source]!.next();
      if (!next.done) push({ item: next.value, source });
    }
  }
}

async function* fromArray(items: readonly SequencedDetection[]): AsyncGenerator<SequencedDetection> {
  yield* items;
}

async function* readRun(path: string): AsyncGenerator<SequencedDetection> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) if (line !== '') yield JSON.parse(line) as SequencedDetection;
}
