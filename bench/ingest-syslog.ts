/**
 * End-to-end syslog TCP ingest, side by side with rsyslog:
 *   npm run bench -- ingest-syslog [events=1000000] [--connections 1] [--pipeline-batch N]
 *                                  [--cpu-prof] [--no-rsyslog] [--rsyslog-sync] [--no-calibrate]
 *
 * One deterministic LF-framed byte stream (sshd, sudo, kernel, cron, PAM, nginx lines) is sent with
 * the same sender code to (1) a null receiver, to show what the sender alone can push, (2) rsyslogd
 * with imtcp writing every message to a file (no fsync; `--rsyslog-sync` sets omfile sync="on"), timed
 * until the file holds every byte, and (3) a real
 * Vigil child process, timed from the first byte until `GET /api/v1/status` reports every event
 * stored and nothing pending (journal fsynced, parsed, normalized, in DuckDB, queryable).
 * Sender and receiver share the machine's cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedSyslogStream } from './_ingest-data.ts';
import { countFileLines, findRsyslogd, startNullServer, startRsyslog, waitForFileBytes } from './_receivers.ts';
import { cpuCells, cpuSnapshot, loadLine, machineLine, revisionLine, mib, printTable, rate, secs, summarizeProfiles } from './_report.ts';
import { sendTcpStream } from './_senders.ts';
import { formatTimeline, freePort, pipelineMetrics, procStats, recordTimeline, startVigil, waitStored } from './_vigil.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    connections: { type: 'string', default: '1' },
    'pipeline-batch': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'no-rsyslog': { type: 'boolean', default: false },
    'rsyslog-sync': { type: 'boolean', default: false },
    'no-calibrate': { type: 'boolean', default: false },
  },
});
const total = Number(positionals[0] ?? 1_000_000);
const connections = Number(values.connections);
if (!Number.isInteger(total) || total < 1) throw new Error(`events must be a positive integer, got ${positionals[0]}`);
if (!Number.isInteger(connections) || connections < 1 || connections > 64) throw new Error(`--connections must be 1 to 64, got ${values.connections}`);

console.log(machineLine());
console.log(revisionLine());
console.log(loadLine());
let t = performance.now();
const { data, cached } = cachedSyslogStream(total);
console.log(`stream: ${total.toLocaleString('en')} syslog lines, ${mib(data.length)} (avg ${(data.length / total).toFixed(0)} B/line), `
  + `LF framing over ${connections} TCP connection(s); ${cached ? 'read from cache' : 'generated'} in ${secs(performance.now() - t)}`);

const rows: string[][] = [];
let rsyslogSeconds: number | undefined;
let vigilSeconds: number | undefined;

if (!values['no-calibrate']) {
  const sink = await startNullServer('tcp');
  const cpu0 = procStats(sink.pid).cpuSeconds;
  const before = cpuSnapshot();
  t = performance.now();
  const done = await sendTcpStream('127.0.0.1', sink.port, data, connections);
  const cpu = procStats(sink.pid).cpuSeconds - cpu0;
  rows.push(['null receiver (sender only)', secs(done - t), rate(total, (done - t) / 1000), '-', '-', ...cpuCells(before, cpu), '-']);
  await sink.stop();
}

if (!values['no-rsyslog']) {
  const found = findRsyslogd();
  if ('missing' in found) {
    console.log(`rsyslog skipped: ${found.missing}`);
  } else {
    const rsyslog = await startRsyslog(found.path, found.version, await freePort(), values['rsyslog-sync']);
    try {
      const cpu0 = procStats(rsyslog.pid).cpuSeconds;
      const before = cpuSnapshot();
      t = performance.now();
      const sent = await sendTcpStream('127.0.0.1', rsyslog.port, data, connections);
      const written = await waitForFileBytes(rsyslog.file, data.length);
      const stats = procStats(rsyslog.pid);
      const cpu = cpuCells(before, stats.cpuSeconds - cpu0);
      const lines = countFileLines(rsyslog.file);
      if (lines !== total) throw new Error(`rsyslog wrote ${lines} lines, expected ${total}`);
      rsyslogSeconds = (written - t) / 1000;
      rows.push([`rsyslog ${found.version} → file${values['rsyslog-sync'] ? ' (sync="on")' : ''}`, secs(sent - t), rate(total, (sent - t) / 1000),
        secs(written - t), rate(total, rsyslogSeconds), ...cpu, mib(stats.peakRss)]);
    } finally {
      await rsyslog.stop();
    }
  }
}

const port = await freePort();
const profileDir = values['cpu-prof'] ? mkdtempSync(join(tmpdir(), 'vigil-bench-prof-')) : undefined;
const vigil = await startVigil({
  VIGIL_INTAKE__SYSLOG__TCP__PORT: String(port),
  VIGIL_INTAKE__SYSLOG__UDP__ENABLED: 'false',
  ...(values['pipeline-batch'] ? { VIGIL_PIPELINE__BATCH_SIZE: values['pipeline-batch'] } : {}),
  ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
});
try {
  const { cpuSeconds: cpu0, rss: startRss } = procStats(vigil.pid);
  const before = cpuSnapshot();
  const stopTimeline = recordTimeline(vigil);
  t = performance.now();
  const sent = await sendTcpStream('127.0.0.1', port, data, connections);
  const stored = await waitStored(vigil, total);
  const stats = procStats(vigil.pid);
  const cpu = cpuCells(before, stats.cpuSeconds - cpu0);
  const timeline = stopTimeline();
  const metrics = await pipelineMetrics(vigil);
  vigilSeconds = (stored.storedAt - t) / 1000;
  rows.push(['Vigil → journal + DuckDB', secs(sent - t), rate(total, (sent - t) / 1000), secs(stored.storedAt - t), rate(total, vigilSeconds),
    ...cpu, mib(stats.peakRss)]);
  console.log(`Vigil: ${stored.total.toLocaleString('en')} events stored, ${metrics.parseFailures} stored raw (parse failures), `
    + `${metrics.intakeRejected} rejected; peak pending ${stored.peakPending.toLocaleString('en')}; `
    + `${metrics.storeWrites} store writes, ${metrics.storeWriteSeconds.toFixed(1)} s in store.append; `
    + `${metrics.journalWrites} journal appends, ${metrics.journalWriteSeconds.toFixed(1)} s submit→fsync`
    + `${values['pipeline-batch'] ? `; pipeline batch ${values['pipeline-batch']}` : ''}`);
  console.log(`Vigil RSS at start ${mib(startRss)}, peak (VmHWM) ${mib(stats.peakRss)}; every 2 s (time, stored, stored rate, pending, RSS):\n${formatTimeline(timeline)}`);
} finally {
  const code = await vigil.stop();
  if (code !== 0) console.log(`Vigil exited with ${code}`);
}

console.log('');
printTable(['receiver', 'sender done', 'sender rate', 'stored/written', 'end-to-end rate', 'receiver CPU', 'sender CPU', 'other CPU', 'peak RSS'], rows);
console.log(loadLine());
if (vigilSeconds !== undefined && rsyslogSeconds !== undefined) {
  console.log(`\nVigil / rsyslog end-to-end rate: ${(rsyslogSeconds / vigilSeconds).toFixed(2)}`);
}
if (profileDir) {
  summarizeProfiles(profileDir);
  rmSync(profileDir, { recursive: true, force: true });
}
