/**
 * End-to-end HTTP bulk ingest into a real Vigil:
 *   npm run bench -- ingest-http [events=1000000] [--batch 2000] [--connections 4]
 *                                [--windows-share 0.2] [--max-retry-after S] [--pipeline-batch N]
 *                                [--cpu-prof] [--no-calibrate]
 *
 * Requests of `--batch` events to `POST /api/v1/ingest` over `--connections` keep-alive connections:
 * syslog batches (sshd, sudo, kernel, cron, PAM, nginx lines) as text/plain to a source of type
 * `syslog`, and with probability `--windows-share` Windows batches (OTRF events, NDJSON) to a
 * source of type `windows`. A 429/503 is retried after its Retry-After (capped by --max-retry-after).
 * A 2xx means the records are fsynced to the journal; the run is timed
 * from the first byte until `GET /api/v1/status` reports every event stored and nothing pending.
 * The same bodies are first sent to a null HTTP server to show what the sender alone can do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedHttpBodies } from './_ingest-data.ts';
import { startNullServer } from './_receivers.ts';
import { cpuCells, cpuSnapshot, loadLine, machineLine, revisionLine, mib, printTable, rate, secs, summarizeProfiles } from './_report.ts';
import { sendHttpBulk, type BulkBody } from './_senders.ts';
import { formatTimeline, pipelineMetrics, procStats, recordTimeline, startVigil, waitStored } from './_vigil.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '4' },
    'windows-share': { type: 'string', default: '0.2' },
    'max-retry-after': { type: 'string' },
    'pipeline-batch': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'no-calibrate': { type: 'boolean', default: false },
  },
});
const total = Number(positionals[0] ?? 1_000_000);
const batch = Number(values.batch);
const connections = Number(values.connections);
const windowsShare = Number(values['windows-share']);
if (!Number.isInteger(total) || total < 1) throw new Error(`events must be a positive integer, got ${positionals[0]}`);
if (!Number.isInteger(batch) || batch < 1 || batch > 50_000) throw new Error(`--batch must be 1 to 50000, got ${values.batch}`);
if (!Number.isInteger(connections) || connections < 1 || connections > 64) throw new Error(`--connections must be 1 to 64, got ${values.connections}`);
const maxRetryAfter = values['max-retry-after'] === undefined ? Infinity : Number(values['max-retry-after']);
if (!(maxRetryAfter >= 0)) throw new Error(`--max-retry-after must be a number of seconds, got ${values['max-retry-after']}`);
if (!(windowsShare >= 0 && windowsShare <= 1)) throw new Error(`--windows-share must be 0 to 1, got ${values['windows-share']}`);

console.log(machineLine());
console.log(revisionLine());
console.log(loadLine());
let t = performance.now();
const { bodies, origin, cached } = cachedHttpBodies(total, batch, windowsShare);
const windowsEvents = bodies.filter((b) => b.contentType === 'application/x-ndjson').reduce((n, b) => n + b.events, 0);
const bytes = bodies.reduce((n, b) => n + b.body.length, 0);
console.log(`load: ${total.toLocaleString('en')} events in ${bodies.length} requests of ${batch} over ${connections} connections; `
  + `${windowsEvents.toLocaleString('en')} Windows (${origin}), ${(total - windowsEvents).toLocaleString('en')} syslog; `
  + `${mib(bytes)} (avg ${(bytes / total).toFixed(0)} B/event); ${cached ? 'read from cache' : 'generated'} in ${secs(performance.now() - t)}`);

const rows: string[][] = [];
const withToken = (syslog: string, windows: string): BulkBody[] =>
  bodies.map((b) => ({ ...b, token: b.contentType === 'text/plain' ? syslog : windows }));

if (!values['no-calibrate']) {
  const sink = await startNullServer('http');
  const cpu0 = procStats(sink.pid).cpuSeconds;
  const before = cpuSnapshot();
  t = performance.now();
  const result = await sendHttpBulk(new URL(`http://127.0.0.1:${sink.port}/api/v1/ingest`), withToken('x', 'x'), connections);
  const cpu = cpuCells(before, procStats(sink.pid).cpuSeconds - cpu0);
  rows.push(['null receiver (sender only)', secs(result.lastAckAt - t), rate(total, (result.lastAckAt - t) / 1000), '-', '-', ...cpu, '-']);
  await sink.stop();
}

const profileDir = values['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'vigil-bench-prof-')) : undefined;
const vigil = await startVigil({
  VIGIL_INTAKE__SYSLOG__TCP__ENABLED: 'false',
  VIGIL_INTAKE__SYSLOG__UDP__ENABLED: 'false',
  ...(values['pipeline-batch'] ? { VIGIL_PIPELINE__BATCH_SIZE: values['pipeline-batch'] } : {}),
  ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
});
try {
  const syslogToken = await vigil.session.createSource('bench-linux', 'http', 'syslog');
  const windowsToken = await vigil.session.createSource('bench-windows', 'http', 'windows');
  const tokens = withToken(syslogToken, windowsToken);
  const { cpuSeconds: cpu0, rss: startRss } = procStats(vigil.pid);
  const before = cpuSnapshot();
  const stopTimeline = recordTimeline(vigil);
  t = performance.now();
  const sent = await sendHttpBulk(new URL('/api/v1/ingest', vigil.proc.url), tokens, connections, maxRetryAfter);
  const stored = await waitStored(vigil, total);
  const stats = procStats(vigil.pid);
  const cpu = cpuCells(before, stats.cpuSeconds - cpu0);
  const timeline = stopTimeline();
  const metrics = await pipelineMetrics(vigil);
  rows.push(['Vigil → journal + DuckDB', secs(sent.lastAckAt - t), rate(total, (sent.lastAckAt - t) / 1000), secs(stored.storedAt - t),
    rate(total, (stored.storedAt - t) / 1000), ...cpu, mib(stats.peakRss)]);
  console.log(`Vigil: ${stored.total.toLocaleString('en')} events stored, ${metrics.parseFailures} stored raw (parse failures); `
    + `${sent.busyReplies} busy replies (429/503; ${sent.busyWaitSeconds} s Retry-After waited over all connections${Number.isFinite(maxRetryAfter) ? `, capped at ${maxRetryAfter} s` : ''}); `
    + `peak pending ${stored.peakPending.toLocaleString('en')}; ${metrics.storeWrites} store writes, ${metrics.storeWriteSeconds.toFixed(1)} s in store.append; `
    + `${metrics.journalWrites} journal appends, ${metrics.journalWriteSeconds.toFixed(1)} s submit→fsync`
    + `${values['pipeline-batch'] ? `; pipeline batch ${values['pipeline-batch']}` : ''}`);
  console.log(`Vigil RSS at start ${mib(startRss)}, peak (VmHWM) ${mib(stats.peakRss)}; every 2 s (time, stored, stored rate, pending, RSS):\n${formatTimeline(timeline)}`);
} finally {
  const code = await vigil.stop();
  if (code !== 0) console.log(`Vigil exited with ${code}`);
}

console.log('');
printTable(['receiver', 'last ack', 'ack rate', 'stored', 'end-to-end rate', 'receiver CPU', 'sender CPU', 'other CPU', 'peak RSS'], rows);
console.log(loadLine());
if (profileDir) {
  summarizeProfiles(profileDir);
  rmSync(profileDir, { recursive: true, force: true });
}
