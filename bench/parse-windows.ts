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

// Take an even share of every archive so the sample mixes Sysmon, Security, PowerShell and shapes.
const lines: string[] = [];
const perArchive = Math.ceil(wanted / archives.length);
let pass = 0;
while (lines.length < wanted && pass < 20) {
  const before = lines.length;
  for (const archive of archives) {
    const chunk = readOtrfLines(archive, perArchive * (pass + 1)).slice(perArchive * pass);
    for (const line of chunk) if (lines.length < wanted) lines.push(line);
  }
  if (lines.length === before) break;
  pass++;
}
const bytes = lines.reduce((n, l) => n + l.length, 0);
console.log(`sample: ${lines.length} lines, ${(bytes / 1e6).toFixed(1)} MB from ${archives.length} archives`);

function runOnce(): { ms: number; raw: number; bySource: Map<string, number> } {
  const bySource = new Map<string, number>();
  let raw = 0;
  const start = performance.now();
  for (const text of lines) {
    const ev = normalizeRecord({ source: 'bench', sourceType: 'auto', receivedAt: 1_700_000_000_000, text }, DEFAULT_INPUT_LIMITS);
    if (ev.parseError) raw++;
    bySource.set(ev.sourceType, (bySource.get(ev.sourceType) ?? 0) + 1);
  }
  return { ms: performance.now() - start, raw, bySource };
}

runOnce(); // warm-up: let V8 optimise before measuring
const runs = [runOnce(), runOnce(), runOnce()];
const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
const rate = lines.length / (best.ms / 1000);
console.log(`source types: ${[...best.bySource].map(([k, v]) => `${k}=${v}`).join(' ')}; with parseError: ${best.raw}`);
console.log(`normalizeRecord: ${Math.round(rate).toLocaleString('en-US')} events/s, ${(bytes / 1e6 / (best.ms / 1000)).toFixed(0)} MB/s (best of 3, one thread)`);

// The share of that time JSON.parse alone takes, for context.
const parseStart = performance.now();
for (const text of lines) JSON.parse(text);
const parseMs = performance.now() - parseStart;
console.log(`JSON.parse alone: ${Math.round(lines.length / (parseMs / 1000)).toLocaleString('en-US')} lines/s`);
console.log(rate >= 100_000 ? 'target of 100,000 events/s met' : 'BELOW the 100,000 events/s target');
