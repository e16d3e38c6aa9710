/**
 * Reads real OTRF Security-Datasets archives in place (never copied into the repository) and checks
 * that every line of the archive member becomes exactly one record.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPaths } from './file-reader.ts';
import { zipEntries, zipEntryData } from './zip-reader.ts';
import { tarMembers } from './tar-reader.ts';

const ROOT = fileURLToPath(new URL('../../../../shared/datasets/otrf/datasets/atomic/windows', import.meta.url));
const ZIP = `${ROOT}/collection/host/msf_record_mic.zip`;
const TGZ = `${ROOT}/defense_evasion/host/empire_wdigest_downgrade.tar.gz`;
const present = existsSync(ZIP) && existsSync(TGZ);

/** Counts non-empty lines in a byte stream, independently of the code under test. */
async function countLines(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  let lines = 0;
  let lineHasBytes = false;
  for await (const chunk of chunks) {
    for (const b of chunk) {
      if (b === 0x0a) {
        if (lineHasBytes) lines++;
        lineHasBytes = false;
      } else if (b !== 0x0d) {
        lineHasBytes = true;
      }
    }
  }
  return lineHasBytes ? lines + 1 : lines;
}

async function readAll(path: string) {
  let records = 0;
  let last;
  const files = new Set<string>();
  for await (const batch of readPaths([path], { sourceName: 'otrf', sourceType: 'auto', maxRecordBytes: 1024 * 1024 })) {
    records += batch.records.length;
    for (const r of batch.records) files.add(r.meta!.file!);
    last = batch;
  }
  return { records, files, last: last! };
}

describe.skipIf(!present)('OTRF datasets read in place (skipped: /work/shared/datasets/otrf not present)', () => {
  it('zip: one record per line of the JSON member', async () => {
    const fh = await open(ZIP, 'r');
    let expected = 0;
    let members = 0;
    try {
      const size = (await fh.stat()).size;
      for await (const entry of zipEntries(fh, size)) {
        if (entry.name.startsWith('__MACOSX/') || entry.name.endsWith('/')) continue;
        members++;
        expected += await countLines(zipEntryData(fh, size, entry, () => {}));
      }
    } finally {
      await fh.close();
    }
    const { records, files, last } = await readAll(ZIP);
    expect(members).toBe(1);
    expect(expected).toBeGreaterThan(1000);
    expect(records).toBe(expected);
    expect([...files]).toEqual([`${ZIP}!msf_record_mic_2020-06-09225055.json`]);
    expect(last.counts).toMatchObject({ rejected: 0, errors: 0, invalidUtf8: 0 });
  });

  it('tar.gz (its gzip stream is cut inside the tar padding): every line read, damage reported as a warning', async () => {
    const tgz = pipeline(Readable.from((await open(TGZ, 'r')).createReadStream()), createGunzip(), () => {});
    let expected = 0;
    try {
      for await (const m of tarMembers(tgz, () => {}, () => {}, () => {})) expected += await countLines(m.data);
    } catch {
      // The archive's gzip stream is truncated after the tar end marker; members were all read above.
    }
    const { records, last } = await readAll(TGZ);
    expect(expected).toBeGreaterThan(1000);
    expect(records).toBe(expected);
    expect(last.counts).toMatchObject({ rejected: 0, errors: 0, warnings: 1 });
  });
});
