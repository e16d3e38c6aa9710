import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawRecord } from '../core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { BackpressureError } from '../intake/intake-sink.ts';
import { createMetrics } from '../ops/metrics.ts';
import { openDuckDbEventStore } from '../store/duckdb/duckdb-event-store.ts';
import type { EventStore, StoredEvent } from '../store/event-store.ts';
import { openSqliteStateStore } from '../store/sqlite/sqlite-state-store.ts';
import { InlineIngestBackend } from './ingest-backend.ts';
import { Pipeline } from './pipeline.ts';
import { SourceStatsTracker } from './source-stats.ts';

const silent = { info() {}, warn() {}, error() {} };
const record = (i: number): RawRecord => ({ source: 'test', sourceType: 'auto', receivedAt: Date.now(), text: `<13>Nov 23 10:00:00 host app: line ${i}` });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * The real DuckDB store behind a gate: appends wait while the gate is shut and fail while `failures`
 * is positive, to play a slow or full disk without mocking the store itself.
 */
function gated(store: EventStore) {
  let open: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const control = {
    failures: 0,
    shut() {
      gate = new Promise((resolve) => (open = resolve));
    },
    open: () => open(),
  };
  const wrapped: EventStore = Object.create(store) as EventStore;
  wrapped.append = async (events: StoredEvent[]) => {
    await gate;
    if (control.failures > 0) {
      control.failures--;
      throw new Error('No space left on device');
    }
    return store.append(events);
  };
  return { store: wrapped, control };
}

async function setup(maxPendingRecords: number, maxPendingBytes = 64 * 1024 * 1024) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pipeline-'));
  const events = await openDuckDbEventStore({ dir: join(dir, 'events') });
  const state = openSqliteStateStore({ path: join(dir, 'state.sqlite') });
  const { store, control } = gated(events);
  const start = () => Pipeline.start({
    journalDir: join(dir, 'journal'), journalSegmentBytes: 1 << 20, batchSize: 100, maxPendingRecords, maxPendingBytes,
    backend: new InlineIngestBackend(store, DEFAULT_INPUT_LIMITS), store, stats: new SourceStatsTracker(state), metrics: createMetrics(), log: silent,
  });
  closers.push(async () => {
    await events.close();
    state.close();
  });
  return { events, control, start };
}

describe('Pipeline', () => {
  it('stores every submitted record once, in order, normalized', async () => {
    const { events, start } = await setup(10_000);
    const { pipeline } = await start();
    const receipts = await Promise.all(Array.from({ length: 10 }, (_, b) => pipeline.submit(Array.from({ length: 50 }, (_, i) => record(b * 50 + i)))));
    expect(receipts.map((r) => r.lastSeq - r.firstSeq + 1)).toEqual(new Array(10).fill(50));
    await pipeline.drain();
    expect(pipeline.isStored(receipts.at(-1)!.lastSeq)).toBe(true);
    const stored = await events.query({ limit: 1000 });
    expect(stored).toHaveLength(500);
    expect(new Set(stored.map((e) => e.seq)).size).toBe(500);
    expect(stored.every((e) => e.sourceType === 'syslog')).toBe(true);
    await pipeline.close();
  });

  it('refuses with BackpressureError past the limit, reports saturation, and recovers when the store catches up', async () => {
    const { events, control, start } = await setup(1000);
    const { pipeline } = await start();
    control.shut();
    await pipeline.submit(Array.from({ length: 800 }, (_, i) => record(i)));
    expect(pipeline.saturated).toBe(true);
    await expect(pipeline.submit(Array.from({ length: 300 }, (_, i) => record(i)))).rejects.toBeInstanceOf(BackpressureError);
    let woke = false;
    const waiting = pipeline.waitForCapacity().then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(woke).toBe(false);
    control.open();
    await waiting;
    await pipeline.drain();
    expect(pipeline.saturated).toBe(false);
    expect((await events.stats()).events).toBe(800);
    await pipeline.close();
  });

  it('bounds memory by bytes too: large records are refused before the record limit is near', async () => {
    const { control, start } = await setup(100_000, 50_000);
    const { pipeline } = await start();
    control.shut();
    const big = (i: number): RawRecord => ({ ...record(i), text: `${record(i).text} ${'x'.repeat(5000)}` });
    let accepted = 0;
    let refusal: unknown;
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      try {
        await pipeline.submit([big(i)]);
        accepted++;
      } catch (err) {
        refusal = err;
      }
    }
    expect(refusal).toBeInstanceOf(BackpressureError);
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(15);
    expect(pipeline.saturated).toBe(true);
    control.open();
    await pipeline.drain();
    expect(pipeline.saturated).toBe(false);
    await pipeline.close();
  });

  it('retries failing store writes (disk full) without losing or duplicating records', async () => {
    const { events, control, start } = await setup(10_000);
    const { pipeline } = await start();
    control.failures = 3;
    await pipeline.submit(Array.from({ length: 250 }, (_, i) => record(i)));
    await pipeline.drain();
    expect(control.failures).toBe(0);
    expect((await events.stats()).events).toBe(250);
    await pipeline.close();
  });

  it('stops within its time limit when the store keeps failing, leaving the records to the journal', async () => {
    const { events, control, start } = await setup(10_000);
    const first = await start();
    control.failures = Number.POSITIVE_INFINITY;
    await first.pipeline.submit(Array.from({ length: 50 }, (_, i) => record(i)));
    const started = Date.now();
    await first.pipeline.close(300);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await events.stats()).events).toBe(0);
    control.failures = 0;
    const second = await start();
    await second.pipeline.drain();
    expect((await events.stats()).events).toBe(50);
    await second.pipeline.close();
  });

  it('replays journaled records the store never got after a crash', async () => {
    const { events, control, start } = await setup(10_000);
    const first = await start();
    control.shut(); // the store hangs: records are journaled (acknowledged) but not stored
    await first.pipeline.submit(Array.from({ length: 120 }, (_, i) => record(i)));
    expect((await events.stats()).events).toBe(0);
    // Simulate the crash: abandon the first pipeline without closing it, then start over.
    control.open();
    const second = await start();
    expect(second.recovery.entries.reduce((n, e) => n + e.records.length, 0)).toBeGreaterThan(0);
    await second.pipeline.drain();
    await first.pipeline.drain();
    expect((await events.stats()).events).toBe(120);
    await second.pipeline.close();
  });
});
