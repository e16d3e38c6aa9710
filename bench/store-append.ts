/**
 * DuckDB event store throughput: `npm run bench -- store-append [events] [batchSize] [option=value ...]`.
 * Options are DuckDbEventStoreOptions (`threads=2`, `checkpointThreshold=128MB`, `memoryLimit=1GB`)
 * and `data=otrf`.
 *
 * Appends synthetic Windows-like events (~22 ECS fields, ~600-byte original) in batches, as the
 * pipeline does; with `data=otrf`, real OTRF Windows events (Sysmon, Security, PowerShell; up to
 * 20,000 distinct ones, normalized before timing and cycled with fresh sequence numbers), whose
 * text compresses far less than the synthetic events' does. It prints events/s, batch latencies (p50/p99/max, batches over 1 s: checkpoint
 * stalls), CPU per event split into the calling thread and DuckDB's threads, peak RSS, MB on disk per
 * million events and a few query latencies. Batches are generated just before they are appended (not
 * timed), so the RSS figure is the store's and not a pre-built data set's.
 *
 * The machine is shared: run it several times and take the best; the CPU figures vary much less than
 * the wall-clock ones under load.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INPUT_LIMITS } from '../src/core/limits.ts';
import type { NormalizedEvent } from '../src/core/event.ts';
import { normalizeRecord } from '../src/normalize/normalize-record.ts';
import type { StoredEvent } from '../src/store/event-store.ts';
import { openDuckDbEventStore, type DuckDbEventStoreOptions } from '../src/store/duckdb/duckdb-event-store.ts';
import { otrfArchives, readOtrfLines } from '../test/otrf-reader.ts';

const total = Number(process.argv[2] ?? 500_000);
const batchSize = Number(process.argv[3] ?? 5_000);
const extra: Partial<DuckDbEventStoreOptions> = {};
let data = 'synthetic';
for (const arg of process.argv.slice(4)) {
  const [key, value = ''] = arg.split('=', 2);
  if (key === 'data') data = value;
  else (extra as Record<string, unknown>)[key!] = /^\d+$/.test(value) ? Number(value) : value;
}
const T0 = Date.UTC(2026, 10, 23);
const hosts = Array.from({ length: 50 }, (_, i) => `ws-${String(i).padStart(3, '0')}`);
const users = Array.from({ length: 200 }, (_, i) => `user${i}`);
const images = ['cmd.exe', 'powershell.exe', 'svchost.exe', 'chrome.exe', 'explorer.exe', 'rundll32.exe'];

function event(seq: number): StoredEvent {
  const timestamp = T0 + seq * 3;
  const host = hosts[seq % hosts.length]!;
  const user = users[(seq * 7) % users.length]!;
  const image = images[seq % images.length]!;
  const commandLine = `C:\\Windows\\System32\\${image} /c "echo ${seq.toString(36)} && whoami /all"`;
  const raw = {
    EventID: 4688, Channel: 'Security', Hostname: `${host}.corp.example.com`, TimeCreated: new Date(timestamp).toISOString(),
    SubjectUserName: user, SubjectDomainName: 'CORP', NewProcessName: `C:\\Windows\\System32\\${image}`, NewProcessId: `0x${(seq % 65536).toString(16)}`,
    CommandLine: commandLine, ParentProcessName: 'C:\\Windows\\explorer.exe', TokenElevationType: '%%1938', MandatoryLabel: 'S-1-16-8192',
    Message: `A new process has been created.\r\n\r\nCreator Subject:\r\n\tSecurity ID:\t\tS-1-5-21-1004336348-1177238915-682003330-${1000 + (seq % 200)}\r\n\tAccount Name:\t\t${user}`,
  };
  return {
    seq, timestamp, receivedAt: timestamp + 50, source: 'winlog', sourceType: 'windows',
    original: JSON.stringify(raw),
    fields: {
      '@timestamp': new Date(timestamp).toISOString(), 'event.code': '4688', 'event.category': ['process'], 'event.type': ['start'],
      'event.action': 'created-process', 'event.outcome': 'success', 'event.module': 'windows', 'host.name': host,
      'user.name': user, 'user.domain': 'CORP', 'process.name': image, 'process.pid': seq % 65536,
      'process.executable': raw.NewProcessName, 'process.command_line': commandLine, 'process.parent.executable': raw.ParentProcessName,
      'process.parent.name': 'explorer.exe', 'winlog.channel': 'Security', 'winlog.event_id': 4688, 'winlog.computer_name': raw.Hostname,
      'winlog.event_data.TokenElevationType': '%%1938', 'winlog.event_data.MandatoryLabel': 'S-1-16-8192', message: raw.Message,
    },
  };
}

/** Real events: OTRF lines drawn round-robin from every archive, normalized once. */
function loadOtrf(wanted: number): NormalizedEvent[] {
  const archives = otrfArchives();
  if (archives.length === 0) throw new Error('data=otrf: OTRF datasets not found under /work/shared/datasets/otrf');
  const perArchive = archives.map((a) => readOtrfLines(a, Math.ceil(wanted / archives.length)));
  const out: NormalizedEvent[] = [];
  for (let i = 0; out.length < wanted; i++) {
    let took = false;
    for (const lines of perArchive) {
      const text = lines[i];
      if (text === undefined || out.length >= wanted) continue;
      // A copy, not a slice: a slice would keep the whole decompressed archive alive.
      const copy = Buffer.from(text, 'utf8').toString('utf8');
      out.push(normalizeRecord({ source: 'otrf', sourceType: 'auto', receivedAt: T0, text: copy }, DEFAULT_INPUT_LIMITS));
      took = true;
    }
    if (!took) break;
  }
  return out;
}
const otrf = data === 'otrf' ? loadOtrf(Math.min(total, 20_000)) : [];
(globalThis as { gc?: () => void }).gc?.();
const makeEvent = otrf.length === 0 ? event : (seq: number): StoredEvent => {
  const e = otrf[(seq - 1) % otrf.length]!;
  return { ...e, seq, receivedAt: T0 + seq * 3 };
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const cpuMicros = (c: NodeJS.CpuUsage) => c.user + c.system;

const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-store-'));
try {
  let store = await openDuckDbEventStore({ dir, ...extra });
  const latencies: number[] = [];
  let originalBytes = 0;
  let appendMs = 0;
  let threadCpu = 0;
  let processCpu = 0;
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  for (let seq = 1; seq <= total; seq += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, total - seq + 1) }, (_, i) => makeEvent(seq + i));
    for (const e of batch) originalBytes += e.original.length;
    const thread0 = process.threadCpuUsage();
    const process0 = process.cpuUsage();
    const t = performance.now();
    await store.append(batch);
    const elapsed = performance.now() - t;
    threadCpu += cpuMicros(process.threadCpuUsage(thread0));
    processCpu += cpuMicros(process.cpuUsage(process0));
    appendMs += elapsed;
    latencies.push(elapsed);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  const seconds = appendMs / 1000;
  const closeStart = performance.now();
  await store.close();
  const closeSeconds = (performance.now() - closeStart) / 1000;
  const file = (await stat(join(dir, 'events.duckdb'))).size;
  store = await openDuckDbEventStore({ dir, ...extra });
  const stats = await store.stats();
  const timeQuery = async (label: string, run: () => Promise<unknown[]>) => {
    await run();
    const t = performance.now();
    const rows = await run();
    console.log(`  query ${label.padEnd(38)} ${(performance.now() - t).toFixed(1).padStart(8)} ms  (${rows.length} rows)`);
  };
  latencies.sort((a, b) => a - b);
  const options = Object.entries(extra).map(([k, v]) => `${k}=${String(v)}`).join(' ') || 'default options';
  const fieldCount = otrf.length === 0 ? 22 : otrf.reduce((n, e) => n + Object.keys(e.fields).length, 0) / otrf.length;
  const kind = otrf.length === 0 ? 'synthetic' : `OTRF (${otrf.length.toLocaleString()} distinct)`;
  console.log(`store-append: ${total.toLocaleString()} ${kind} events in batches of ${batchSize.toLocaleString()} (avg original ${(originalBytes / total).toFixed(0)} B, ${fieldCount.toFixed(0)} fields), ${options}`);
  console.log(`  machine load average          ${loadavg()[0]!.toFixed(1).padStart(10)} on ${availableParallelism()} cores`);
  console.log(`  append throughput             ${Math.round(total / seconds).toLocaleString().padStart(10)} events/s  (${seconds.toFixed(2)} s in append())`);
  console.log(`  batch latency ms              p50 ${percentile(latencies, 0.5).toFixed(0)}, p99 ${percentile(latencies, 0.99).toFixed(0)}, max ${latencies.at(-1)!.toFixed(0)}; ${latencies.filter((l) => l > 1000).length} batch(es) over 1 s`);
  console.log(`  CPU per event                 ${(threadCpu / total).toFixed(1)} µs calling thread + ${((processCpu - threadCpu) / total).toFixed(1)} µs DuckDB/libuv threads`);
  console.log(`  peak RSS                      ${(peakRss / 2 ** 20).toFixed(0).padStart(10)} MiB (${(startRss / 2 ** 20).toFixed(0)} MiB after opening the store, test data included)`);
  console.log(`  close (final checkpoint)      ${closeSeconds.toFixed(2).padStart(10)} s`);
  console.log(`  database file                 ${(file / 1e6).toFixed(1).padStart(10)} MB = ${((file / 1e6) * (1e6 / total)).toFixed(0)} MB per million events`);
  console.log(`  used bytes (stats)            ${(stats.bytes / 1e6).toFixed(1).padStart(10)} MB, ${stats.events.toLocaleString()} events, ${stats.partitions} partition(s)`);
  await timeQuery('latest 100', () => store.query({ limit: 100 }));
  await timeQuery('host.name = ws-007 (promoted)', () => store.query({ equals: { 'host.name': 'ws-007' }, limit: 100 }));
  await timeQuery('user.domain = CORP (JSON field)', () => store.query({ equals: { 'user.domain': 'CORP' }, limit: 100 }));
  await timeQuery('rare JSON value (full scan)', () => store.query({ equals: { 'process.pid': '12345' }, limit: 100 }));
  await timeQuery('1-minute window', () => store.query({ from: T0 + 60_000, to: T0 + 120_000, limit: 10_000 }));
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
