/**
 * Latency streaming detection adds: `npm run bench -- sigma-latency [events/s] [seconds]`.
 * The real pipeline (journal with fsync, the ingest worker thread normalizing, detecting and storing
 * in DuckDB, SQLite state) with
 * the 2,407 Windows rules of ../shared/sigma/rules enabled, fed OTRF Windows events at a steady rate
 * (default 2,000 events/s for 20 s). Reads `vigil_detection_latency_seconds` (an upper bound of what
 * detection adds to an event's stored-to-detected time: the batch's detection time, which overlaps
 * the store's commit, plus the time to save) and prints p50 / p99 per detection, with the store's
 * batch write latency beside it. Target (issue 5): ≤ 100 ms at the p99.
 */
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawRecord } from '../src/core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../src/core/limits.ts';
import { validateRuleText } from '../src/detect/rule-validation.ts';
import { createMetrics } from '../src/ops/metrics.ts';
import { Pipeline } from '../src/pipeline/pipeline.ts';
import { SourceStatsTracker } from '../src/pipeline/source-stats.ts';
import { StreamingDetections } from '../src/pipeline/streaming-detections.ts';
import { WorkerIngestBackend } from '../src/pipeline/worker-ingest-backend.ts';
import { openSqliteStateStore } from '../src/store/sqlite/sqlite-state-store.ts';
import { otrfArchives, readOtrfLines } from '../test/otrf-reader.ts';
import { machineLine, revisionLine } from './_report.ts';

const rate = Number(process.argv[2] ?? 2_000);
const seconds = Number(process.argv[3] ?? 20);
const archives = otrfArchives();
if (archives.length === 0) {
  console.log('OTRF datasets not found under /work/shared/datasets/otrf; nothing to measure');
  process.exit(0);
}
console.log(machineLine());
console.log(revisionLine());

const dir = mkdtempSync(join(tmpdir(), 'vigil-sigma-latency-'));
const state = openSqliteStateStore({ path: join(dir, 'state.sqlite') });
const walk = (folder: string): string[] => readdirSync(folder).sort().flatMap((name) => {
  const path = join(folder, name);
  return statSync(path).isDirectory() ? walk(path) : name.endsWith('.yml') ? [path] : [];
});
const windows = walk(fileURLToPath(new URL('../../shared/sigma/rules/windows', import.meta.url))).flatMap((path) => validateRuleText(readFileSync(path, 'utf8'), path));
state.rules.upsert(windows.map((rule) => ({
  id: rule.id, yaml: rule.yaml, enabled: true, title: rule.title, level: rule.level, tags: rule.tags, origin: 'bench', state: rule.state,
  ...(rule.reason === undefined ? {} : { reason: rule.reason }), updatedAt: 0,
})));
const metrics = createMetrics();
const detections = new StreamingDetections(state, metrics);
const rules = detections.enabledRules();
const buildStart = performance.now();
const backend = await WorkerIngestBackend.start({ storeDir: join(dir, 'events'), limits: DEFAULT_INPUT_LIMITS, rules, onWorkerError: (err) => console.error(err) });
const events = backend.store;
console.log(`rules: ${rules.length} enabled (Windows folder of the corpus); ingest worker started with its engine in ${((performance.now() - buildStart) / 1000).toFixed(1)} s`);
const { pipeline } = await Pipeline.start({
  journalDir: join(dir, 'journal'), journalSegmentBytes: 64 << 20, batchSize: 1000, maxPendingRecords: 200_000, maxPendingBytes: 512 << 20,
  backend, store: events, stats: new SourceStatsTracker(state), metrics, log: { info() {}, warn() {}, error() {} }, detections,
});

const wanted = rate * seconds;
const perArchive = archives.map((archive) => readOtrfLines(archive, Math.ceil((wanted / archives.length) * 4)));
const lines: string[] = [];
for (let i = 0; lines.length < wanted; i++) {
  let took = false;
  for (const chunk of perArchive) {
    if (chunk[i] !== undefined && lines.length < wanted) {
      lines.push(chunk[i]!);
      took = true;
    }
  }
  if (!took) break;
}
console.log(`feeding ${lines.length.toLocaleString('en')} OTRF events at ${rate.toLocaleString('en')} events/s in 100 ms slices`);

const slice = Math.max(1, Math.round(rate / 10));
const started = performance.now();
for (let sent = 0; sent < lines.length; sent += slice) {
  const records: RawRecord[] = lines.slice(sent, sent + slice).map((text) => ({ source: 'otrf', sourceType: 'auto', receivedAt: Date.now(), text }));
  await pipeline.submit(records);
  const due = started + ((sent + slice) / rate) * 1000;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await pipeline.drain();
const elapsed = (performance.now() - started) / 1000;

/** A quantile from a prom-client histogram's cumulative buckets (upper bound of the bucket it falls in). */
async function quantile(name: string, q: number): Promise<string> {
  const metric = (await metrics.registry.getSingleMetric(name)?.get())!;
  const buckets = (metric.values as { value: number; labels: { le?: string | number }; metricName?: string }[]).filter((v) => v.metricName === `${name}_bucket`);
  const total = buckets.at(-1)?.value ?? 0;
  if (total === 0) return 'no observations';
  const bound = buckets.find((b) => b.value >= q * total)?.labels.le;
  return bound === '+Inf' ? `> ${String(buckets.at(-2)?.labels.le)} s` : `≤ ${Number(bound) * 1000} ms`;
}
const count = state.detections.list({ limit: 1_000_000 }).length;
console.log(`stored ${lines.length.toLocaleString('en')} events in ${elapsed.toFixed(1)} s; ${count.toLocaleString('en')} detections saved`);
console.log(`detection latency per detection: p50 ${await quantile('vigil_detection_latency_seconds', 0.5)}, p99 ${await quantile('vigil_detection_latency_seconds', 0.99)}`);
console.log(`store batch write (for comparison): p50 ${await quantile('vigil_store_write_seconds', 0.5)}, p99 ${await quantile('vigil_store_write_seconds', 0.99)}`);
console.log(`machine load average at the end: ${loadavg()[0]!.toFixed(1)} (shared machine)`);
await pipeline.close();
await events.close();
state.close();
rmSync(dir, { recursive: true, force: true });
