/**
 * Output helpers of the end-to-end ingest benchmarks: the machine description recorded with every
 * figure, aligned tables, and a summary of V8 CPU profiles (`--cpu-prof`) by self time.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** One line naming the machine: cores, CPU model, memory, Node version. */
export function machineLine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `machine: nproc ${availableParallelism()}, ${model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}

/**
 * The code measured: commit, and whether src/ or bin/ had uncommitted changes (other engineers may
 * be editing the working tree the benchmark runs from).
 */
export function revisionLine(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('log', '-1', '--format=%h %cI %s').slice(0, 100);
    const dirty = git('status', '--porcelain', '--', 'src', 'bin').split('\n').filter(Boolean).length;
    return `code: ${commit}${dirty ? ` + ${dirty} uncommitted file(s) in src/ or bin/` : ''}`;
  } catch {
    return 'code: (not a git checkout)';
  }
}

export const rate = (events: number, seconds: number): string => `${Math.round(events / seconds).toLocaleString('en')}/s`;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Prints rows as a left-aligned text table under a header row. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Shortens a script URL to a repository-relative path or a package name. */
function place(url: string): string {
  if (url === '') return '(native/VM)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return `npm:${rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  const src = url.indexOf('/work/main/');
  if (src >= 0) return url.slice(src + '/work/main/'.length);
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

/**
 * Prints, for every `.cpuprofile` in `dir` (one per thread), the total sampled time, the `top`
 * functions by self time and the self time per file or package.
 */
export function summarizeProfiles(dir: string, top = 15): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) {
    console.log(`no .cpuprofile files in ${dir}`);
    return;
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const selfUs = new Map<number, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
      total += dt;
    });
    const byFunction = new Map<string, number>();
    const byPlace = new Map<string, number>();
    let idle = 0;
    for (const [id, us] of selfUs) {
      const frame = byId.get(id)!.callFrame;
      if (frame.functionName === '(idle)') idle += us;
      const where = place(frame.url);
      const key = `${frame.functionName || '(anonymous)'}  ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
      byPlace.set(where, (byPlace.get(where) ?? 0) + us);
    }
    const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
    console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${pct(idle).trim()} idle`);
    console.log('  top functions by self time:');
    for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`   ${pct(us)}  ${key}`);
    console.log('  self time by file/package:');
    for (const [key, us] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`   ${pct(us)}  ${key}`);
  }
}

/** Busy CPU seconds of the whole machine (all cores, from /proc/stat) and of this process. */
export interface CpuSnapshot {
  machineBusy: number;
  self: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  // cpu user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = ticks.reduce((a, b) => a + b, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0);
  const usage = process.cpuUsage();
  return { machineBusy: busy / 100, self: (usage.user + usage.system) / 1e6 };
}

/**
 * CPU seconds used between two snapshots by the sender (this process) and by everything else
 * except the receiver (`receiverCpu`): other work on the machine that competed with the run.
 * /proc/stat counts in USER_HZ (100 per second on Linux).
 */
export function cpuSplit(before: CpuSnapshot, after: CpuSnapshot, receiverCpu: number): { sender: number; other: number } {
  const sender = after.self - before.self;
  return { sender, other: Math.max(0, after.machineBusy - before.machineBusy - sender - receiverCpu) };
}

/** Table cells: receiver, sender and other CPU seconds since `before` (call right when the run ends). */
export function cpuCells(before: CpuSnapshot, receiverCpu: number): string[] {
  const split = cpuSplit(before, cpuSnapshot(), receiverCpu);
  return [`${receiverCpu.toFixed(1)} s`, `${split.sender.toFixed(1)} s`, `${split.other.toFixed(1)} s`];
}

/** The 1-minute load average, with a warning when other work is likely to distort the figures. */
export function loadLine(): string {
  const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ', 1)[0]);
  const busy = load > availableParallelism() * 0.5;
  return `load average (1 min) ${load.toFixed(2)}${busy ? ' — WARNING: the machine is busy with other work; figures will be low and noisy' : ''}`;
}
