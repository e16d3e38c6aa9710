/**
 * Search speed over a week of stored events, side by side with grep/zgrep over the same events as
 * NDJSON files, and ingest under search load:
 *   npm run bench -- search [events=10000000] [extra=1000000] [runs=10] [grep-runs=3] [budget=60]
 *                           [markers=7] [memoryLimit=512MB] [--rebuild] [--no-grep] [--no-load]
 *
 * 1. Data set (cached in $TMPDIR/vigil-bench-cache/search-<events>; `--rebuild` makes it again):
 *    `events` events from bench/_search-data.ts (30% OTRF Windows, 40% Linux syslog, 30% nginx access
 *    lines through syslog; 200 hosts, ~2,000 users; a week), a rare marker in `markers` of them.
 *    Each batch (the pipeline's size: 32,768 records or 16 MiB) goes through the product's
 *    normalizeRecord and the DuckDB store's append, timed; the same events are written as NDJSON,
 *    one file per day, plain and gzipped. What the answers must be is counted from the normalized
 *    events and kept in manifest.json.
 * 2. The word index (free text) is brought up to date first, as a running Vigil does in the background
 *    after ingest; its build time is printed (a cached store written before the index existed gets
 *    its whole index built here, once).
 *    Then three searches through `store.search()` with the product's parser, on a freshly opened store:
 *    the first run is reported as cold, then warm runs (up to `runs` in all, within `budget` seconds
 *    per search, at least 3) give median and p95. Every answer is checked. The same questions go to
 *    grep, zgrep and a Node script (bench/_search-grep-stats.ts) for the stats; their answers are
 *    checked against Vigil's.
 * 3. Ingest under load, on a copy of the store: `extra` more events through InlineIngestBackend (the
 *    ingest worker's code) alone, then `extra` more while the three searches run in a loop.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream, existsSync, statfsSync, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGzip, type Gzip } from 'node:zlib';
import { configSchema } from '../src/config/config-schema.ts';
import type { RawRecord } from '../src/core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../src/core/limits.ts';
import { normalizeRecord } from '../src/normalize/normalize-record.ts';
import { InlineIngestBackend } from '../src/pipeline/ingest-backend.ts';
import { parseQuery } from '../src/search/query-parser.ts';
import type { EventStore, SearchRequest, SearchResult, StoredEvent } from '../src/store/event-store.ts';
import { openDuckDbEventStore } from '../src/store/duckdb/duckdb-event-store.ts';
import { loadLine, machineLine, mib, printTable, rate, revisionLine, secs } from './_report.ts';
import { HOST_COUNT, MARKER, USER_COUNT, WEEK_MS, WEEK_START, eventSource, searchWindowsPool, type BenchEvent } from './_search-data.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rebuild: { type: 'boolean', default: false },
    'no-grep': { type: 'boolean', default: false },
    'no-load': { type: 'boolean', default: false },
  },
});
const settings = new Map<string, string>();
for (const arg of positionals) {
  const match = /^([a-zA-Z-]+)=(.+)$/.exec(arg);
  if (!match) throw new Error(`unknown argument ${JSON.stringify(arg)}: use key=value (events=, extra=, runs=, grep-runs=, budget=, markers=, memoryLimit=)`);
  settings.set(match[1]!, match[2]!);
}
function intSetting(name: string, fallback: number, min: number): number {
  const raw = settings.get(name);
  settings.delete(name);
  const value = raw === undefined ? fallback : Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}, got ${raw}`);
  return value;
}
const total = intSetting('events', 10_000_000, 10_000);
const extra = intSetting('extra', 1_000_000, 1_000);
const runs = intSetting('runs', 10, 2);
const grepRuns = intSetting('grep-runs', 3, 1);
const budgetMs = intSetting('budget', 60, 1) * 1000;
const markerCount = intSetting('markers', 7, 1);
const defaults = configSchema.parse({});
const memoryLimit = settings.get('memoryLimit') ?? defaults.storage.memoryLimit;
settings.delete('memoryLimit');
if (settings.size > 0) throw new Error(`unknown setting(s): ${[...settings.keys()].join(', ')}`);

/** The pipeline's batch: up to pipeline.batchSize records and maxPendingBytes / 8 bytes (src/pipeline/pipeline.ts). */
const BATCH_RECORDS = defaults.pipeline.batchSize;
const BATCH_BYTES = defaults.pipeline.maxPendingBytes / 8;
const MAX_ROWS = defaults.search.maxRows;
/** Bumped when the data set changes shape, so an older cache is rebuilt. */
const DATA_VERSION = 1;
const STEP_MS = WEEK_MS / total;
const RANGE = { from: WEEK_START, to: WEEK_START + WEEK_MS };
const SEARCH_TIMEOUT_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

const cacheDir = join(tmpdir(), 'vigil-bench-cache', `search-${total}`);
const storeDir = join(cacheDir, 'store');
const ndjsonDir = join(cacheDir, 'ndjson');
const manifestPath = join(cacheDir, 'manifest.json');
const grepStatsScript = fileURLToPath(new URL('./_search-grep-stats.ts', import.meta.url));

/** What the answers must be (counted from the normalized events) and how the set was built. */
interface Manifest {
  version: number;
  events: number;
  markerSeqs: number[];
  /** The filtered search: the most frequent user of the failed logons (lower case, as `field:value` ignores case). */
  filter: { user: string; matches: number; newestSeqs: number[] };
  /** `stats count() by host.name, event.code`: every group with both fields. */
  stats: [string, string, number][];
  build: {
    origin: string;
    kinds: Record<string, number>;
    seconds: number;
    normalizeSeconds: number;
    appendSeconds: number;
    originalBytes: number;
    batches: number;
  };
}

// ---------------------------------------------------------------------------------------------------

interface SummaryEntry {
  label: string;
  vigil: Timing;
  grep?: number;
  zgrep?: number;
  targetMs?: number;
}

interface Timing {
  cold: number;
  warm: number[];
  median: number;
  p95: number;
  note: string;
}

interface BenchSearch {
  label: string;
  text: string;
  limit: number;
  histogram?: boolean;
  fieldStats?: boolean;
  targetMs?: number;
  /** Throws when the answer is wrong; returns a short description of it. */
  check: (result: SearchResult) => string;
}

function searches(m: Manifest): BenchSearch[] {
  const user = /^[a-z0-9._-]+$/.test(m.filter.user) ? m.filter.user : `"${m.filter.user.replace(/["\\]/g, '\\$&')}"`;
  const newest = Math.min(100, m.filter.matches);
  const checkFiltered = (result: SearchResult): string => {
    const events = result.events ?? [];
    expect(result.kind === 'events' && events.length === newest, `filtered: ${events.length} events, expected ${newest}`);
    for (const e of events) {
      expect(e.fields['event.code'] === '4625' && String(e.fields['user.name']).toLowerCase() === m.filter.user, `filtered: event ${e.seq} does not match`);
    }
    expect(events.map((e) => e.seq).join() === m.filter.newestSeqs.slice(0, newest).join(), 'filtered: not the newest matching events, newest first');
    return `${events.length} newest of ${m.filter.matches.toLocaleString('en')}`;
  };
  const expectedRows = [...m.stats].sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]));
  return [
    { label: 'filtered, newest 100', text: `event.code:4625 user.name:${user}`, limit: 100, targetMs: 300, check: checkFiltered },
    {
      label: 'stats by host, code', text: '| stats count() by host.name, event.code', limit: 100, targetMs: 1000,
      check: (result) => {
        const rows = result.rows ?? [];
        const wanted = expectedRows.slice(0, MAX_ROWS);
        expect(result.kind === 'table' && rows.length === wanted.length, `stats: ${rows.length} rows, expected ${wanted.length}`);
        rows.forEach((row, i) => {
          const [host, code, count] = wanted[i]!;
          expect(row[0] === host && row[1] === code && row[2] === count, `stats: row ${i} is ${JSON.stringify(row)}, expected ${JSON.stringify(wanted[i])}`);
        });
        expect(result.meta.truncated === expectedRows.length > MAX_ROWS, 'stats: truncated flag wrong');
        const counted = rows.reduce((sum, row) => sum + Number(row[2]), 0);
        return `${rows.length.toLocaleString('en')} groups${result.meta.truncated ? ` (first ${MAX_ROWS.toLocaleString('en')} of ${expectedRows.length.toLocaleString('en')}: search.maxRows)` : ''}, ${counted.toLocaleString('en')} events`;
      },
    },
    {
      label: 'free text, rare string', text: `"${MARKER}"`, limit: 100, targetMs: 1000,
      check: (result) => {
        const seqs = (result.events ?? []).map((e) => e.seq).sort((a, b) => a - b);
        expect(seqs.join() === m.markerSeqs.join(), `free text: found events ${seqs.join()}, expected ${m.markerSeqs.join()}`);
        return `${seqs.length} of ${m.markerSeqs.length} planted`;
      },
    },
    {
      label: 'filtered + histogram + fields', text: `event.code:4625 user.name:${user}`, limit: 100, histogram: true, fieldStats: true,
      check: (result) => {
        checkFiltered(result);
        const counted = (result.histogram?.buckets ?? []).reduce((sum, b) => sum + b.count, 0);
        expect(counted === m.filter.matches, `histogram counts ${counted}, expected ${m.filter.matches}`);
        expect((result.fields?.length ?? 0) > 0, 'no field statistics');
        return `as the console asks; histogram ${counted.toLocaleString('en')}`;
      },
    },
  ];
}

function request(q: BenchSearch, range = RANGE): SearchRequest {
  return {
    query: parseQuery(q.text), from: range.from, to: range.to, limit: q.limit, maxRows: MAX_ROWS,
    histogram: q.histogram ?? false, fieldStats: q.fieldStats ?? false, timeoutMs: SEARCH_TIMEOUT_MS,
  };
}

async function timeSearch(s: EventStore, q: BenchSearch): Promise<Timing> {
  const runOnce = async (): Promise<{ ms: number; note: string }> => {
    const started = performance.now();
    const result = await s.search(request(q));
    const elapsed = performance.now() - started;
    return { ms: elapsed, note: q.check(result) };
  };
  const cold = await runOnce();
  const warm: number[] = [];
  const started = performance.now();
  while (warm.length < runs - 1 && (warm.length < 3 || performance.now() - started < budgetMs)) warm.push((await runOnce()).ms);
  const sorted = [...warm].sort((a, b) => a - b);
  return { cold: cold.ms, warm, median: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), note: cold.note };
}

// ---------------------------------------------------------------------------------------------------
// Data set

async function dataSet(): Promise<Manifest> {
  if (!values.rebuild && existsSync(manifestPath)) {
    const cached = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    if (cached.version === DATA_VERSION && cached.events === total) {
      console.log(`data set: cached in ${cacheDir} (built in ${secs(cached.build.seconds * 1000)}; --rebuild to build it again)`);
      printBuild(cached);
      return cached;
    }
  }
  await rm(cacheDir, { recursive: true, force: true });
  await mkdir(ndjsonDir, { recursive: true });
  // About 0.93 KB of NDJSON, 0.1 KB gzipped and 0.2 KB of store per event, plus the load test's copy.
  const needed = total * 1400 + extra * 2 * 300;
  const fs = statfsSync(tmpdir());
  const free = fs.bavail * fs.bsize;
  if (free < needed) throw new Error(`about ${mib(needed)} of disk needed under ${tmpdir()}, ${mib(free)} free: set TMPDIR to a larger disk`);

  console.log('data set: building (reading the OTRF pool first) ...');
  const started = performance.now();
  const pool = searchWindowsPool();
  console.log(`  Windows pool: ${pool.origin}`);
  const markerIndexes = new Set(Array.from({ length: markerCount }, (_, j) => Math.floor((total * (j + 0.5)) / markerCount)));
  const next = eventSource({ templates: pool.templates, start: 0, stepMs: STEP_MS, seed: 1, markers: markerIndexes });
  const kinds: Record<string, number> = { windows: 0, linux: 0, web: 0 };
  const statsTally = new Map<string, number>();
  const failedLogons = new Map<string, { count: number; newest: number[] }>();
  const markerSeqs: number[] = [];
  let normalizeMs = 0;
  let appendMs = 0;
  let originalBytes = 0;
  let batches = 0;
  const files = new DayFiles(ndjsonDir);
  const store = await openDuckDbEventStore({ dir: storeDir, memoryLimit });
  let lastReport = performance.now();
  try {
    for (let seq = 1; seq <= total;) {
      const batch = takeBatch(next, total - seq + 1);
      const t0 = performance.now();
      const events: StoredEvent[] = batch.map((e, i) => ({
        ...normalizeRecord({ source: e.kind, sourceType: 'auto', receivedAt: e.receivedAt, text: e.line }, DEFAULT_INPUT_LIMITS), seq: seq + i,
      }));
      const t1 = performance.now();
      await store.append(events);
      appendMs += performance.now() - t1;
      normalizeMs += t1 - t0;
      batches++;
      for (let i = 0; i < events.length; i++) {
        const e = events[i]!;
        const source = batch[i]!;
        kinds[source.kind]!++;
        originalBytes += e.original.length;
        if (source.marked) markerSeqs.push(e.seq);
        const host = e.fields['host.name'];
        const code = e.fields['event.code'];
        if (typeof host === 'string' && typeof code === 'string') statsTally.set(`${host}\t${code}`, (statsTally.get(`${host}\t${code}`) ?? 0) + 1);
        const user = e.fields['user.name'];
        if (code === '4625' && typeof user === 'string') {
          const key = user.toLowerCase();
          const entry = failedLogons.get(key) ?? { count: 0, newest: [] };
          entry.count++;
          entry.newest.unshift(e.seq);
          if (entry.newest.length > 100) entry.newest.pop();
          failedLogons.set(key, entry);
        }
      }
      await files.write(batch);
      seq += batch.length;
      if (performance.now() - lastReport > 5000 || seq > total) {
        lastReport = performance.now();
        const elapsed = (lastReport - started) / 1000;
        const done = seq - 1;
        console.log(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} events (${((100 * done) / total).toFixed(0)}%) in ${elapsed.toFixed(0)} s, `
          + `ingest ${rate(done, (normalizeMs + appendMs) / 1000)} (normalize + append), ETA ${Math.round((elapsed / done) * (total - done))} s, `
          + `RSS ${mib(process.memoryUsage.rss())}`);
      }
    }
  } finally {
    await store.close();
    await files.close();
  }
  const [user, logons] = [...failedLogons].sort((a, b) => b[1].count - a[1].count)[0] ?? [];
  if (!user || !logons) throw new Error('no failed logon (4625) in the data set: the OTRF pool lacks them');
  if (markerSeqs.length !== markerCount) throw new Error(`planted ${markerSeqs.length} markers, expected ${markerCount}`);
  const manifest: Manifest = {
    version: DATA_VERSION, events: total, markerSeqs,
    filter: { user, matches: logons.count, newestSeqs: logons.newest },
    stats: [...statsTally].map(([key, count]) => {
      const [host, code] = key.split('\t') as [string, string];
      return [host, code, count];
    }),
    build: {
      origin: pool.origin, kinds, seconds: (performance.now() - started) / 1000, normalizeSeconds: normalizeMs / 1000, appendSeconds: appendMs / 1000,
      originalBytes, batches,
    },
  };
  // Written last: a build cut short leaves no manifest and is made again.
  await writeFile(`${manifestPath}.tmp`, JSON.stringify(manifest));
  await rename(`${manifestPath}.tmp`, manifestPath);
  printBuild(manifest);
  return manifest;
}

function printBuild(m: Manifest): void {
  const b = m.build;
  const share = (n: number | undefined): string => `${((100 * (n ?? 0)) / m.events).toFixed(0)}%`;
  console.log(`  ${m.events.toLocaleString('en')} events: Windows ${share(b.kinds.windows)} (${b.origin}), Linux ${share(b.kinds.linux)}, web ${share(b.kinds.web)}; `
    + `original ${(b.originalBytes / m.events).toFixed(0)} B/event; ${b.batches.toLocaleString('en')} batches`);
  console.log(`  ingest while building: ${rate(m.events, b.normalizeSeconds + b.appendSeconds)} (normalize ${secs(b.normalizeSeconds * 1000)} + append ${secs(b.appendSeconds * 1000)}; `
    + `NDJSON writing and gzip ran alongside); whole build ${secs(b.seconds * 1000)}`);
  console.log(`  answers: failed logons of "${m.filter.user}": ${m.filter.matches.toLocaleString('en')}; marker "${MARKER}" in events ${m.markerSeqs.join(', ')}; `
    + `${m.stats.length.toLocaleString('en')} (host.name, event.code) groups`);
}

/** Takes the next batch as the pipeline would: up to BATCH_RECORDS records and about BATCH_BYTES bytes. */
function takeBatch(next: () => BenchEvent, left: number): BenchEvent[] {
  const batch: BenchEvent[] = [];
  let bytes = 0;
  while (batch.length < Math.min(BATCH_RECORDS, left) && bytes < BATCH_BYTES) {
    const e = next();
    batch.push(e);
    bytes += e.line.length;
  }
  return batch;
}

/** The NDJSON copy: one plain and one gzipped file per UTC day of event time, written in order with backpressure. */
class DayFiles {
  private readonly dir: string;
  private day = -1;
  private plain: WriteStream | undefined;
  private gzip: Gzip | undefined;
  private gzipFile: WriteStream | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  async write(events: readonly BenchEvent[]): Promise<void> {
    let start = 0;
    while (start < events.length) {
      const day = Math.floor(events[start]!.time / DAY_MS);
      let end = start;
      while (end < events.length && Math.floor(events[end]!.time / DAY_MS) === day) end++;
      if (day !== this.day) await this.open(day);
      const text = `${events.slice(start, end).map((e) => e.ndjson).join('\n')}\n`;
      const waits: Promise<unknown>[] = [];
      if (!this.plain!.write(text)) waits.push(once(this.plain!, 'drain'));
      if (!this.gzip!.write(text)) waits.push(once(this.gzip!, 'drain'));
      await Promise.all(waits);
      start = end;
    }
  }

  private async open(day: number): Promise<void> {
    await this.close();
    const name = `day-${new Date(day * DAY_MS).toISOString().slice(0, 10)}.ndjson`;
    this.day = day;
    this.plain = createWriteStream(join(this.dir, name));
    this.gzip = createGzip();
    this.gzipFile = createWriteStream(join(this.dir, `${name}.gz`));
    this.gzip.pipe(this.gzipFile);
  }

  async close(): Promise<void> {
    if (!this.plain || !this.gzip || !this.gzipFile) return;
    this.plain.end();
    this.gzip.end();
    await Promise.all([finished(this.plain), finished(this.gzipFile)]);
    this.plain = this.gzip = this.gzipFile = undefined;
  }
}

async function diskSizes(): Promise<{ store: number; plain: number; gz: number; days: number }> {
  let plain = 0;
  let gz = 0;
  let days = 0;
  for (const name of await readdir(ndjsonDir)) {
    const size = (await stat(join(ndjsonDir, name))).size;
    if (name.endsWith('.gz')) gz += size;
    else {
      plain += size;
      days++;
    }
  }
  let storeBytes = 0;
  for (const entry of await readdir(storeDir, { withFileTypes: true })) {
    if (entry.isFile()) storeBytes += (await stat(join(storeDir, entry.name))).size;
  }
  return { store: storeBytes, plain, gz, days };
}

// ---------------------------------------------------------------------------------------------------
// grep side

async function grepSide(m: Manifest, queries: readonly BenchSearch[], summary: SummaryEntry[]): Promise<void> {
  const names = (await readdir(ndjsonDir)).sort();
  const plainFiles = names.filter((n) => n.endsWith('.ndjson'));
  const gzFiles = names.filter((n) => n.endsWith('.ndjson.gz'));
  console.log(`\ngrep side: GNU grep with LC_ALL=C over ${plainFiles.length} NDJSON files (in the page cache when memory allows), zgrep over the gzipped ones; `
    + `the stats by a Node script (bench/_search-grep-stats.ts: JSON.parse per line, count by Hostname, EventID)`);
  // The same questions: a 4625 for the user, newest 100 (the files are in time order); the marker in
  // any case (Vigil's free text and field:value ignore case too).
  const env = { BENCH_CODE: '"EventID":4625,', BENCH_USER: `"TargetUserName":"${m.filter.user}"`, BENCH_MARKER: MARKER };
  const filtered = (cat: string, files: string[]): string[] => ['sh', '-c', `${cat} -h -F -e "$BENCH_CODE" ${files.join(' ')} | grep -i -F -e "$BENCH_USER" | tail -n 100`];
  const marker = (cmd: string, files: string[]): string[] => ['sh', '-c', `${cmd} -h -i -F -e "$BENCH_MARKER" ${files.join(' ')} || true`];
  const node = (files: string[]): string[] => [process.execPath, grepStatsScript, ...files];

  const vigilNewest = await vigilAnswers(queries);
  const checkFiltered = (out: string): string => {
    const lines = out.split('\n').filter(Boolean);
    const same = lines.length === vigilNewest.filtered.length && lines.reverse().every((l, i) => l === vigilNewest.filtered[i]);
    return `${lines.length} lines, ${same ? 'the same events as Vigil' : 'NOT the events Vigil found'}`;
  };
  const checkMarker = (out: string): string => {
    const found = out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { message: string }).message).sort();
    const same = found.join('\n') === [...vigilNewest.marker].sort().join('\n');
    return `${found.length} lines, ${same ? 'the same events as Vigil' : 'NOT the events Vigil found'}`;
  };
  const checkStats = (out: string): string => {
    const { lines, groups } = JSON.parse(out) as { lines: number; groups: [string, string, number][] };
    const expected = new Map(m.stats.map(([h, c, n]) => [`${h}\t${c}`, n]));
    const same = groups.length === expected.size && groups.every(([h, c, n]) => expected.get(`${h}\t${c}`) === n);
    return `${lines.toLocaleString('en')} lines read, ${groups.length.toLocaleString('en')} groups, ${same ? 'the same counts as Vigil' : 'NOT the counts Vigil found'}`;
  };
  const jobs: { label: string; plain: string[]; gz: string[]; check: (out: string) => string }[] = [
    { label: 'filtered, newest 100', plain: filtered('grep', plainFiles), gz: filtered('zgrep', gzFiles), check: checkFiltered },
    { label: 'stats by host, code', plain: node(plainFiles), gz: node(gzFiles), check: checkStats },
    { label: 'free text, rare string', plain: marker('grep', plainFiles), gz: marker('zgrep', gzFiles), check: checkMarker },
  ];
  const rows: string[][] = [];
  for (const job of jobs) {
    const entry = summary.find((s) => s.label === job.label)!;
    for (const [kind, argv] of [['grep', job.plain], ['zgrep', job.gz]] as const) {
      const times: number[] = [];
      let note = '';
      const started = performance.now();
      while (times.length < grepRuns && (times.length === 0 || performance.now() - started < budgetMs * 2)) {
        const result = await run(argv, env);
        times.push(result.ms);
        note = job.check(result.stdout);
      }
      const median = percentile([...times].sort((a, b) => a - b), 0.5);
      if (kind === 'grep') entry.grep = median;
      else entry.zgrep = median;
      const command = argv[0] === 'sh' ? argv[2]!.replace(/ day-\S+/g, '').replace(' || true', '') + ` <${argv === job.gz ? 'gz' : 'plain'} files>`
        : `node bench/_search-grep-stats.ts <${kind === 'grep' ? 'plain' : 'gz'} files>`;
      rows.push([job.label, command, ms(median), String(times.length), note]);
    }
  }
  printTable(['search', 'command', 'median', 'runs', 'answer'], rows);
}

/** The originals Vigil returns for the filtered and free-text searches, to compare grep's lines with. */
async function vigilAnswers(queries: readonly BenchSearch[]): Promise<{ filtered: string[]; marker: string[] }> {
  const s = await openDuckDbEventStore({ dir: storeDir, memoryLimit });
  try {
    const [filtered, marker] = [queries[0]!, queries[2]!];
    return {
      filtered: ((await s.search(request(filtered))).events ?? []).map((e) => e.original),
      marker: ((await s.search(request(marker))).events ?? []).map((e) => e.original),
    };
  } finally {
    await s.close();
  }
}

function run(argv: string[], env: Record<string, string>): Promise<{ stdout: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ndjsonDir, env: { ...process.env, ...env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0) reject(new Error(`${argv.slice(0, 3).join(' ')} exited with ${code}: ${Buffer.concat(err).toString().slice(0, 500)}`));
      else resolve({ stdout: Buffer.concat(out).toString(), ms });
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Ingest under search load

async function ingestUnderLoad(queries: readonly BenchSearch[]): Promise<{ alone: number; loaded: number }> {
  const scratch = await mkdtemp(join(tmpdir(), 'vigil-bench-search-load-'));
  try {
    console.log(`\ningest under search load: ${extra.toLocaleString('en')} more events through InlineIngestBackend (the ingest worker's normalize + append), `
      + `alone, then ${extra.toLocaleString('en')} more while the three searches run in a loop; on a copy of the store (${scratch})`);
    const copyStarted = performance.now();
    // The database file (and a WAL, if any); an archive folder holds nothing of a store this young.
    for (const entry of await readdir(storeDir, { withFileTypes: true })) {
      if (entry.isFile()) await copyFile(join(storeDir, entry.name), join(scratch, entry.name));
    }
    console.log(`  store copied in ${secs(performance.now() - copyStarted)}`);
    const copy = await openDuckDbEventStore({ dir: scratch, memoryLimit });
    try {
      const alone = await ingest(copy, total + 1, extra, 11);
      console.log(`  alone: ${rate(extra, alone)} (${secs(alone * 1000)})`);
      // The range covers the new events too; answers change as they arrive, so only errors are checked.
      const range = { from: WEEK_START, to: WEEK_START + 4 * WEEK_MS };
      const latencies = new Map<string, number[]>();
      let stop = false;
      const loop = (async () => {
        while (!stop) {
          for (const q of queries.slice(0, 3)) {
            if (stop) break;
            const started = performance.now();
            await copy.search(request(q, range));
            const list = latencies.get(q.label) ?? [];
            list.push(performance.now() - started);
            latencies.set(q.label, list);
          }
        }
      })();
      let loaded: number;
      try {
        loaded = await ingest(copy, total + extra + 1, extra, 12);
      } finally {
        stop = true;
        await loop;
      }
      console.log(`  under search load: ${rate(extra, loaded)} (${secs(loaded * 1000)}); slowdown ${(loaded / alone).toFixed(2)}x (target ≤ 2x)`);
      printTable(['search during ingest', 'runs', 'median', 'max'], [...latencies].map(([label, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return [label, String(list.length), ms(percentile(sorted, 0.5)), ms(sorted.at(-1) ?? 0)];
      }));
      return { alone, loaded };
    } finally {
      await copy.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Ingests `count` events from `firstSeq` as the ingest worker does: batches handed to
 * InlineIngestBackend, which normalizes each at once and appends in order; up to two in flight, like
 * a pipeline that keeps the worker busy. Returns the seconds taken, line generation included (a few
 * percent of the work).
 */
async function ingest(s: EventStore, firstSeq: number, count: number, seed: number): Promise<number> {
  const backend = new InlineIngestBackend(s, DEFAULT_INPUT_LIMITS);
  const next = eventSource({ templates: windowsTemplates(), start: firstSeq - 1, stepMs: STEP_MS, seed });
  const inFlight: Promise<unknown>[] = [];
  const started = performance.now();
  let after = firstSeq - 1;
  for (let seq = firstSeq; seq < firstSeq + count;) {
    const batch = takeBatch(next, firstSeq + count - seq);
    const records: RawRecord[] = batch.map((e) => ({ source: e.kind, sourceType: 'auto', receivedAt: e.receivedAt, text: e.line }));
    const seqs = batch.map((_, i) => seq + i);
    inFlight.push(backend.ingest({ seqs, records, after }));
    after = seq + batch.length - 1;
    seq += batch.length;
    if (inFlight.length >= 2) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await backend.close();
  return (performance.now() - started) / 1000;
}

let pool: ReturnType<typeof searchWindowsPool> | undefined;
function windowsTemplates(): ReturnType<typeof searchWindowsPool>['templates'] {
  pool ??= searchWindowsPool();
  return pool.templates;
}

// ---------------------------------------------------------------------------------------------------

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`wrong answer: ${message}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]!;
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

function ratio(vigil: number, other: number | undefined): string {
  if (other === undefined) return '-';
  const r = vigil / other;
  return r < 1 ? `1/${(1 / r).toFixed(r > 0.1 ? 1 : 0)}` : r.toFixed(2);
}

// ---------------------------------------------------------------------------------------------------

/**
 * Opens the store and waits until its background word indexing has nothing left to do, so the
 * searches time the indexed path and do not compete with indexing for the CPU.
 */
async function indexWords(): Promise<void> {
  const t0 = performance.now();
  let done!: () => void;
  const idle = new Promise<void>((resolve) => { done = resolve; });
  const s = await openDuckDbEventStore({ dir: storeDir, memoryLimit, hooks: { textIndex: { idle: () => done() } } });
  try {
    await idle;
  } finally {
    await s.close();
  }
  console.log(`word index up to date after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  console.log(machineLine());
  console.log(revisionLine());
  console.log(loadLine());
  console.log(`search: ${total.toLocaleString('en')} events over 7 days, ${HOST_COUNT} hosts, ~${USER_COUNT.toLocaleString('en')} users; `
    + `DuckDB memoryLimit ${memoryLimit}, batches of ${BATCH_RECORDS.toLocaleString('en')} records or ${mib(BATCH_BYTES)}`);

  const manifest = await dataSet();
  const sizes = await diskSizes();
  console.log(`on disk: store ${mib(sizes.store)}, NDJSON ${mib(sizes.plain)} in ${sizes.days} daily files, gzipped ${mib(sizes.gz)} (${cacheDir})`);

  await indexWords();
  const queries = searches(manifest);
  const vigilRows: string[][] = [];
  const summary: SummaryEntry[] = [];

  const store = await openDuckDbEventStore({ dir: storeDir, memoryLimit });
  try {
    const stats = await store.stats();
    if (stats.events !== total) throw new Error(`the cached store holds ${stats.events} events, expected ${total}: run again with --rebuild`);
    console.log(`\nVigil: store.search() on the store just opened (DuckDB's cache empty, the OS page cache as the build or last run left it)`);
    for (const q of queries) {
      const timing = await timeSearch(store, q);
      summary.push({ label: q.label, vigil: timing, targetMs: q.targetMs });
      vigilRows.push([q.label, q.text.length > 48 ? `${q.text.slice(0, 45)}...` : q.text, ms(timing.cold), ms(timing.median), ms(timing.p95), String(timing.warm.length), timing.note]);
    }
  } finally {
    await store.close();
  }
  printTable(['search', 'query', 'cold', 'warm median', 'warm p95', 'warm runs', 'answer'], vigilRows);

  if (!values['no-grep']) await grepSide(manifest, queries, summary);
  const load = values['no-load'] ? undefined : await ingestUnderLoad(queries);

  console.log(`\nSummary (${total.toLocaleString('en')} events; Vigil: median of warm runs; grep/zgrep/Node: median of runs; ratio = Vigil time / grep time)`);
  const summaryRows = summary.map((s) => [
    s.label, ms(s.vigil.cold), ms(s.vigil.median), s.grep === undefined ? '-' : ms(s.grep), s.zgrep === undefined ? '-' : ms(s.zgrep),
    ratio(s.vigil.median, s.grep), ratio(s.vigil.median, s.zgrep), s.targetMs === undefined ? '-' : `< ${ms(s.targetMs)}`,
    s.targetMs === undefined ? '-' : s.vigil.median < s.targetMs ? 'met' : 'NOT MET',
  ]);
  if (load) {
    summaryRows.push(['ingest: alone → under search load', '-', `${rate(extra, load.alone)} → ${rate(extra, load.loaded)}`, '-', '-', '-', '-',
      'slowdown ≤ 2x', `${(load.loaded / load.alone).toFixed(2)}x ${load.loaded / load.alone <= 2 ? 'met' : 'NOT MET'}`]);
  }
  printTable(['measure', 'Vigil cold', 'Vigil', 'grep', 'zgrep', 'Vigil/grep', 'Vigil/zgrep', 'target', 'result'], summaryRows);
  console.log(`peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}; ${loadLine()}`);
}

await main();
