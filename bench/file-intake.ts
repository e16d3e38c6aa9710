/**
 * File intake throughput and memory: `npm run bench -- file-intake [PATH...]`.
 * Without paths it reads the OTRF Windows datasets in place (zip + tar.gz, ~1.6 GB of NDJSON when
 * unpacked) and a generated 300 MB plain log with one 5 MB line. Prints records/s, MB/s and peak RSS.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPaths } from '../src/intake/file/file-reader.ts';

const OTRF = fileURLToPath(new URL('../../shared/datasets/otrf/datasets/atomic/windows', import.meta.url));

async function run(label: string, paths: string[]): Promise<void> {
  let peakRss = process.memoryUsage().rss;
  let textBytes = 0;
  let last;
  const start = performance.now();
  for await (const batch of readPaths(paths, { sourceName: 'bench', sourceType: 'auto', maxRecordBytes: 1024 * 1024 })) {
    for (const r of batch.records) textBytes += r.text?.length ?? 0;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    last = batch;
  }
  const seconds = (performance.now() - start) / 1000;
  const c = last!.counts;
  console.log(
    `${label}: ${c.records.toLocaleString('en')} records in ${seconds.toFixed(2)} s = ${Math.round(c.records / seconds).toLocaleString('en')} records/s, ` +
    `${(textBytes / 1e6 / seconds).toFixed(0)} MB/s of record text, ${(last!.progress.bytesTotal / 1e6).toFixed(0)} MB on disk, ` +
    `peak RSS ${(peakRss / 1048576).toFixed(0)} MiB (rejected ${c.rejected}, errors ${c.errors}, warnings ${c.warnings})`,
  );
}

const given = process.argv.slice(2);
if (given.length > 0) {
  await run(given.join(' '), given);
} else {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
  try {
    const big = join(dir, 'big.log');
    const fh = await open(big, 'w');
    const line = `<134>1 2024-05-01T12:00:00Z host app 1234 - - user=alice action=login src=10.0.0.1 ${'x'.repeat(80)}\n`;
    const block = line.repeat(10_000);
    for (let i = 0; i < 200; i++) {
      await fh.write(block);
      if (i === 100) await fh.write(`${'L'.repeat(5 * 1024 * 1024)}\n`);
    }
    await fh.close();
    await run('plain 300 MB log', [big]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (existsSync(OTRF)) await run('OTRF windows (zip + tar.gz)', [OTRF]);
  else console.log(`OTRF datasets not found at ${OTRF}; skipped`);
}
