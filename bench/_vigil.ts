/**
 * Runs a real Vigil child process for the end-to-end benchmarks: start on a fresh data folder, sign
 * in, wait until events are stored and queryable, read the process's peak RSS and CPU time from /proc.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiSession } from '../test/helpers/api-session.ts';
import { startVigilProcess, waitForExit, type VigilProcess } from '../test/helpers/vigil-process.ts';

/** A free TCP port on 127.0.0.1 (closed again; the caller binds it right away). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Memory and CPU figures of a running process, from /proc. */
export interface ProcStats {
  /** Peak resident set size so far (VmHWM), bytes. */
  peakRss: number;
  /** Current resident set size (VmRSS), bytes. */
  rss: number;
  /** User plus system CPU time of all its threads, seconds. */
  cpuSeconds: number;
}

/** Reads {@link ProcStats} of `pid`; throws when the process is gone. */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => {
    const at = status.indexOf(`${name}:`);
    return at < 0 ? 0 : Number.parseInt(status.slice(at + name.length + 1).trimStart(), 10) * 1024;
  };
  // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return { peakRss: kb('VmHWM'), rss: kb('VmRSS'), cpuSeconds: ticks / CLK_TCK };
}

export interface RunningVigil {
  proc: VigilProcess;
  pid: number;
  session: ApiSession;
  dataDir: string;
  /** SIGTERM, wait for a clean exit (which also writes CPU profiles), remove the data folder. */
  stop(): Promise<number | null>;
}

/** Starts Vigil on a new temporary data folder with `env` settings and signs in as admin. */
export async function startVigil(env: Record<string, string>): Promise<RunningVigil> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-e2e-'));
  const proc = await startVigilProcess(dataDir, env);
  const session = await ApiSession.signIn(proc.url, proc.adminPassword!);
  return {
    proc, pid: proc.child.pid!, session, dataDir,
    async stop() {
      proc.child.kill('SIGTERM');
      const code = await waitForExit(proc.child);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

interface Status {
  events: { total: number };
  pipeline: { pendingRecords: number };
}

/** What {@link waitStored} observed. */
export interface StoredResult {
  /** performance.now() of the status poll that first saw everything stored. */
  storedAt: number;
  total: number;
  /** Largest VmRSS seen while polling, bytes. */
  sampledPeakRss: number;
  /** Largest pipeline.pendingRecords seen. */
  peakPending: number;
}

/**
 * Polls `GET /api/v1/status` every `intervalMs` until `events.total` ≥ `target` and
 * `pipeline.pendingRecords` = 0. Fails when the count stops growing for `stallMs`, or Vigil exits.
 */
export async function waitStored(vigil: RunningVigil, target: number, intervalMs = 100, stallMs = 60_000): Promise<StoredResult> {
  let sampledPeakRss = 0;
  let peakPending = 0;
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    if (vigil.proc.child.exitCode !== null) throw new Error(`Vigil exited with ${vigil.proc.child.exitCode} while ingesting:\n${vigil.proc.output().slice(-2000)}`);
    const status = await vigil.session.json<Status>('GET', '/api/v1/status');
    const now = performance.now();
    sampledPeakRss = Math.max(sampledPeakRss, procStats(vigil.pid).rss);
    peakPending = Math.max(peakPending, status.pipeline.pendingRecords);
    if (status.events.total >= target && status.pipeline.pendingRecords === 0) {
      return { storedAt: now, total: status.events.total, sampledPeakRss, peakPending };
    }
    if (status.events.total !== last) {
      last = status.events.total;
      lastChange = now;
    } else if (now - lastChange > stallMs) {
      throw new Error(`stored events stuck at ${last} of ${target} for ${stallMs / 1000} s (pending ${status.pipeline.pendingRecords})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Samples a process's VmRSS every `intervalMs` until stopped; returns the largest value seen. */
export function sampleRss(pid: number, intervalMs = 100): () => number {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, procStats(pid).rss);
    } catch {
      // The process exited; the last samples stand.
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** Pipeline figures from Vigil's Prometheus metrics. */
export interface PipelineMetrics {
  parseFailures: number;
  intakeRejected: number;
  storeWrites: number;
  storeWriteSeconds: number;
  journalWrites: number;
  journalWriteSeconds: number;
}

/** Reads `GET /metrics` and sums the series the benchmark reports (over all label values). */
export async function pipelineMetrics(vigil: RunningVigil): Promise<PipelineMetrics> {
  const text = await (await fetch(new URL('/metrics', vigil.proc.url))).text();
  const sum = (name: string): number => {
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
    return total;
  };
  return {
    parseFailures: sum('vigil_parse_failures_total'),
    intakeRejected: sum('vigil_intake_rejected_total'),
    storeWrites: sum('vigil_store_write_seconds_count'),
    storeWriteSeconds: sum('vigil_store_write_seconds_sum'),
    journalWrites: sum('vigil_journal_write_seconds_count'),
    journalWriteSeconds: sum('vigil_journal_write_seconds_sum'),
  };
}

/** One point of {@link recordTimeline}. */
export interface TimelinePoint {
  /** Seconds since the timeline started. */
  at: number;
  stored: number;
  pending: number;
  rss: number;
}

/**
 * Polls status and RSS every `everyMs` in the background, to show whether the stored rate is steady
 * or bursty and how memory follows the queue. Call the returned function to stop and get the points.
 */
export function recordTimeline(vigil: RunningVigil, everyMs = 2000): () => TimelinePoint[] {
  const started = performance.now();
  const points: TimelinePoint[] = [];
  let stopped = false;
  const tick = async (): Promise<void> => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      if (stopped || vigil.proc.child.exitCode !== null) return;
      try {
        const status = await vigil.session.json<Status>('GET', '/api/v1/status');
        points.push({ at: (performance.now() - started) / 1000, stored: status.events.total, pending: status.pipeline.pendingRecords, rss: procStats(vigil.pid).rss });
      } catch {
        return; // Vigil went away; waitStored reports that.
      }
    }
  };
  void tick();
  return () => {
    stopped = true;
    return points;
  };
}

/** Formats timeline points as `t stored pending rss` rows of a few per line. */
export function formatTimeline(points: readonly TimelinePoint[]): string {
  let previous = { at: 0, stored: 0 };
  const cells = points.map((p) => {
    const rate = (p.stored - previous.stored) / (p.at - previous.at);
    previous = p;
    return `${p.at.toFixed(0).padStart(3)}s ${(p.stored / 1000).toFixed(0).padStart(5)}k stored ${(rate / 1000).toFixed(1).padStart(5)}k/s `
      + `${(p.pending / 1000).toFixed(0).padStart(4)}k pending ${(p.rss / 2 ** 20).toFixed(0).padStart(5)} MiB`;
  });
  const lines: string[] = [];
  for (let i = 0; i < cells.length; i += 2) lines.push(`  ${cells.slice(i, i + 2).join('   |   ')}`);
  return lines.join('\n');
}
