/**
 * Windows parse + normalize throughput: `npm run bench -- parse-windows [lines]`.
 * Loads OTRF Windows events (default 200,000 lines drawn from every archive) into memory, then runs
 * normalizeRecord() with `sourceType: 'auto'` on each NDJSON line in this one thread.
 * Target (issue): at least 100,000 events/s per core.
 */
import { DEFAULT_INPUT_LIMITS } from '../src/core/limits.ts';
import { normalizeRecord } from '../src/normalize/normalize-record.ts';
import { otrfArchives, readOtrfLines } from '../test/otrf-reader.ts';

const wanted = Number(process.argv[2] ?? 200_000);
const archives = otrfArchives();
if (archives.length === 0) {
  console.log('OTRF datasets not found under /work/shared/datasets/otrf; nothing to measure');
  process.exit(0);
}

// Draw round-robin from every archive so the sample mixes Sysmon, Security, PowerShell and the shapes.
const perArchive = archives.map((a) => readOtrfLines(a, Math.ceil((wanted / archives.length) * 4)));
const lines: string[] = [];
for (let i = 0; lines.length < wanted; i++) {
  let took = false;
  for (const chunk of perArchive) {
    const line = chunk[i];
    if (line !== undefined && lines.length < wanted) { lines.push(line); took = true; }
  }
  if (!took) break;
}
const bytes = lines.reduce((n, l) => n + l.length, 0);
console.log(`sample: ${lines.length} lines, ${(bytes / 1e6).toFixed(1)} MB from ${archives.length} archives`);

interface Run { wallMs: number; cpuMs: number; raw: number; bySource: Map<string, number> }

function runOnce(): Run {
  const bySource = new Map<string, number>();
  let raw = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const text of lines) {
    const ev = normalizeRecord({ source: 'bench', sourceType: 'auto', receivedAt: 1_700_000_000_000, text }, DEFAULT_INPUT_LIMITS);
    if (ev.parseError) raw++;
    bySource.set(ev.sourceType, (bySource.get(ev.sourceType) ?? 0) + 1);
  }
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, raw, bySource };
}

const perSecond = (ms: number): string => Math.round(lines.length / (ms / 1000)).toLocaleString('en-US');

runOnce(); // warm-up: let V8 optimise before measuring
const runs = [runOnce(), runOnce(), runOnce()];
const best = runs.reduce((a, b) => (a.wallMs < b.wallMs ? a : b));
const bestCpu = Math.min(...runs.map((r) => r.cpuMs));
const rate = lines.length / (best.wallMs / 1000);
console.log(`source types: ${[...best.bySource].map(([k, v]) => `${k}=${v}`).join(' ')}; with parseError: ${best.raw}`);
console.log(`normalizeRecord: ${perSecond(best.wallMs)} events/s wall, ${perSecond(bestCpu)} events/s per CPU-second, ${(bytes / 1e6 / (best.wallMs / 1000)).toFixed(0)} MB/s (best of 3, one thread)`);

// JSON.parse alone is the floor any JSON source type sits on: print it for context.
const parseCpu = process.cpuUsage();
for (const text of lines) JSON.parse(text);
const parsed = process.cpuUsage(parseCpu);
console.log(`JSON.parse alone: ${perSecond((parsed.user + parsed.system) / 1000)} lines per CPU-second`);
console.log(`machine load average: ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores`);
console.log(rate >= 100_000 ? 'target of 100,000 events/s met' : 'BELOW the 100,000 events/s target');
