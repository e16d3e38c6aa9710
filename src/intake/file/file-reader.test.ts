import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Zip, ZipDeflate, zipSync, strToU8 } from 'fflate';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawRecord } from '../../core/event.ts';
import { readPaths, type FileBatch, type FileReadIssue, type ReadPathsOptions } from './file-reader.ts';

let dir: string;

async function read(paths: string[], options: Partial<ReadPathsOptions> = {}) {
  const records: RawRecord[] = [];
  const issues: FileReadIssue[] = [];
  const batches: FileBatch[] = [];
  for await (const batch of readPaths(paths, { sourceName: 'files', sourceType: 'auto', maxRecordBytes: 1024, ...options })) {
    records.push(...batch.records);
    issues.push(...batch.issues);
    batches.push(batch);
  }
  return { records, issues, batches, last: batches.at(-1)! };
}

const texts = (records: RawRecord[]) => records.map((r) => r.text);
const where = (records: RawRecord[]) => records.map((r) => `${r.meta?.file}:${r.meta?.line}`);
const p = (name: string) => join(dir, name);

/** A zip written by fflate's streaming writer: members use data descriptors, like macOS and Java tools. */
function streamingZip(files: Record<string, string>): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((err, chunk, final) => {
      if (err) return reject(err);
      parts.push(chunk);
      if (final) resolve(Buffer.concat(parts));
    });
    for (const [name, text] of Object.entries(files)) {
      const f = new ZipDeflate(name);
      zip.add(f);
      f.push(strToU8(text), true);
    }
    zip.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-file-reader-'));
  await writeFile(p('plain.log'), 'first\nsecond\n\nfourth');
  await writeFile(p('crlf.txt'), 'one\r\ntwo\r\n');
  await writeFile(p('empty.log'), '');
  await writeFile(p('events.ndjson'), '{"a":1}\n{"a":2}\n');
  await writeFile(p('app.log.gz'), gzipSync('g1\ng2\ng3\n'));
  await writeFile(p('array.json.gz'), gzipSync('[{"x":1},{"x":2}]'));
  const full = gzipSync(Array.from({ length: 2000 }, (_, i) => `line ${i} ${'z'.repeat(50)}`).join('\n'));
  await writeFile(p('truncated.log.gz'), full.subarray(0, Math.floor(full.length * 0.6)));
  await writeFile(p('rotated.1'), gzipSync('sniffed as gzip\n'));
  await writeFile(p('huge.log'), `before\n${'h'.repeat(5000)}\nafter\n`);
  await writeFile(p('bad-utf8.log'), Buffer.from([0x6f, 0x6b, 0x0a, 0x62, 0xff, 0x61, 0x64, 0x0a]));
  await writeFile(p('cloudtrail.json'), JSON.stringify({ Records: [{ eventName: 'A' }, { eventName: 'B' }, { eventName: 'C' }] }));
  await writeFile(p('bigdoc.json'), JSON.stringify({ blob: 'b'.repeat(3000) }));
  await writeFile(p('broken.json'), '[{"ok":1},\n{"cut":');
  await writeFile(p('logs.7z'), Buffer.from('7z\xbc\xaf'));

  const inner = zipSync({ 'deep.log': strToU8('from nested zip\n') });
  await writeFile(p('multi.zip'), zipSync({
    'a.log': strToU8('a1\na2\n'),
    'dir/': new Uint8Array(0),
    'dir/b.ndjson': strToU8('{"b":1}\n'),
    'dir/c.log.gz': gzipSync('c1\n'),
    '__MACOSX/dir/._b.ndjson': strToU8('resource fork'),
    '.hidden.log': strToU8('secret\n'),
    'inner.zip': inner,
  }));
  await writeFile(p('dd.zip'), await streamingZip({ 'x.log': 'x1\nx2\n', 'y.log': 'y1\n' }));
  await writeFile(p('garbage.zip'), Buffer.from('this is not a zip archive at all, just text'));
  // Corrupt the deflated data of the first member; the second must still be read.
  const damaged = zipSync({ 'bad.log': strToU8('q'.repeat(4000)), 'good.log': strToU8('fine\n') });
  const at = Buffer.from(damaged).indexOf('bad.log') + 'bad.log'.length + 5;
  for (let i = at; i < at + 8; i++) damaged[i]! ^= 0xff;
  await writeFile(p('damaged.zip'), damaged);

  await mkdir(p('tarsrc/sub'), { recursive: true });
  await writeFile(p('tarsrc/t1.log'), 't1a\nt1b\n');
  await writeFile(p('tarsrc/sub/t2.json'), '[{"t":2}]');
  await writeFile(p('tarsrc/nested.zip'), zipSync({ 'n.log': strToU8('n1\nn2\n') }));
  await tarCreate({ gzip: true, file: p('bundle.tar.gz'), cwd: p('tarsrc') }, ['t1.log', 'sub', 'nested.zip']);

  const zipBytes = await readFile(p('multi.zip'));
  await writeFile(p('cut.zip'), zipBytes.subarray(0, zipBytes.length - 40));
  await writeFile(p('three-deep.zip'), zipSync({ 'level1.zip': zipSync({ 'level2.zip': zipSync({ 'x.log': strToU8('too deep\n') }), 'ok.log': strToU8('ok\n') }) }));
  await writeFile(p('garbage.tar'), Buffer.alloc(3000, 0x41));
  // A tar.gz cut in the middle of its only member's data.
  await writeFile(p('tarsrc2.log'), Array.from({ length: 3000 }, (_, i) => `event ${i} ${'w'.repeat(40)}`).join('\n'));
  await tarCreate({ gzip: true, file: p('cut-src.tar.gz'), cwd: dir }, ['tarsrc2.log']);
  const tgzBytes = await readFile(p('cut-src.tar.gz'));
  await writeFile(p('cut.tar.gz'), tgzBytes.subarray(0, Math.floor(tgzBytes.length / 2)));

  await mkdir(p('tree/b/c'), { recursive: true });
  await mkdir(p('tree/.git'), { recursive: true });
  await writeFile(p('tree/z.log'), 'z\n');
  await writeFile(p('tree/a.log'), 'a\n');
  await writeFile(p('tree/b/c/deep.log'), 'deep\n');
  await writeFile(p('tree/.git/config'), 'x\n');
  await writeFile(p('tree/.env'), 'SECRET=1\n');
  await writeFile(p('outside.log'), 'outside\n');
  await symlink(p('outside.log'), p('tree/link-out.log'));
  await symlink(p('tree/a.log'), p('tree/b/link-in.log'));
  await symlink(p('tree/b'), p('tree/b/c/loop'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readPaths: plain files', () => {
  it('reads lines with file and line numbers, skipping blank lines', async () => {
    const { records, last } = await read([p('plain.log')]);
    expect(texts(records)).toEqual(['first', 'second', 'fourth']);
    expect(where(records)).toEqual([`${p('plain.log')}:1`, `${p('plain.log')}:2`, `${p('plain.log')}:4`]);
    expect(records[0]).toMatchObject({ source: 'files', sourceType: 'auto' });
    expect(typeof records[0]!.receivedAt).toBe('number');
    expect(last.counts).toMatchObject({ records: 3, rejected: 0, errors: 0 });
  });

  it('strips CRLF endings; an empty file yields nothing and no issue', async () => {
    const { records, issues } = await read([p('crlf.txt'), p('empty.log')]);
    expect(texts(records)).toEqual(['one', 'two']);
    expect(issues).toEqual([]);
  });

  it('reports a line over the limit as rejected with its size and reads on', async () => {
    const { records, issues, last } = await read([p('huge.log')]);
    expect(texts(records)).toEqual(['before', 'after']);
    expect(issues).toEqual([{ kind: 'rejected', file: p('huge.log'), line: 2, reason: 'line of 5000 bytes exceeds the 1024-byte record limit' }]);
    expect(last.counts.rejected).toBe(1);
  });

  it('decodes invalid UTF-8 with replacement characters, marks and counts it', async () => {
    const { records, last } = await read([p('bad-utf8.log')]);
    expect(texts(records)).toEqual(['ok', 'b\ufffdad']);
    expect(records[1]!.meta?.encoding).toBe('invalid-utf8-replaced');
    expect(records[0]!.meta?.encoding).toBeUndefined();
    expect(last.counts.invalidUtf8).toBe(1);
  });

  it('reports a missing path and an unsupported format, and still reads the rest', async () => {
    const { records, issues, last } = await read([p('nope.log'), p('logs.7z'), p('crlf.txt')]);
    expect(texts(records)).toEqual(['one', 'two']);
    expect(issues).toEqual([
      { kind: 'error', file: p('nope.log'), reason: 'no such file or directory' },
      { kind: 'error', file: p('logs.7z'), reason: expect.stringMatching(/7-Zip.*not supported/) },
    ]);
    expect(last.counts.errors).toBe(2);
  });

  it('rejects a bad maxRecordBytes up front', async () => {
    await expect(read([p('plain.log')], { maxRecordBytes: 0 })).rejects.toThrow(RangeError);
  });
});

describe('readPaths: JSON', () => {
  it('reads .ndjson line by line and splits CloudTrail Records', async () => {
    const { records } = await read([p('events.ndjson'), p('cloudtrail.json')]);
    expect(texts(records)).toEqual(['{"a":1}', '{"a":2}', '{"eventName":"A"}', '{"eventName":"B"}', '{"eventName":"C"}']);
  });

  it('rejects a single JSON document over the limit, saying why', async () => {
    const { records, issues } = await read([p('bigdoc.json')]);
    expect(records).toEqual([]);
    expect(issues[0]).toMatchObject({ kind: 'rejected', line: 1, reason: expect.stringMatching(/JSON value of 3011 bytes exceeds the 1024-byte record limit/) });
  });

  it('keeps the values before a truncated end and reports the file', async () => {
    const { records, issues } = await read([p('broken.json')]);
    expect(texts(records)).toEqual(['{"ok":1}']);
    expect(issues).toEqual([{ kind: 'error', file: p('broken.json'), reason: expect.stringMatching(/ends inside a value that began at line 2/) }]);
  });
});

describe('readPaths: gzip', () => {
  it('gunzips and dispatches by the inner name', async () => {
    const { records } = await read([p('app.log.gz'), p('array.json.gz')]);
    expect(texts(records)).toEqual(['g1', 'g2', 'g3', '{"x":1}', '{"x":2}']);
    expect(records[0]!.meta?.file).toBe(p('app.log.gz'));
  });

  it('recognises gzip by its magic bytes when the name does not say so', async () => {
    const { records } = await read([p('rotated.1')]);
    expect(texts(records)).toEqual(['sniffed as gzip']);
  });

  it('keeps whole lines of a truncated gzip, rejects the cut line, and reports the file', async () => {
    const { records, issues, last } = await read([p('truncated.log.gz')]);
    expect(records.length).toBeGreaterThan(100);
    expect(records.length).toBeLessThan(2000);
    records.forEach((r, i) => expect(r.text).toBe(`line ${i} ${'z'.repeat(50)}`));
    expect(issues.map((i) => [i.kind, i.line])).toEqual([['rejected', records.length + 1], ['error', undefined]]);
    expect(issues[1]!.reason).toBe('gzip data is truncated (unexpected end of file)');
    expect(last.counts).toMatchObject({ rejected: 1, errors: 1 });
  });
});

describe('readPaths: zip', () => {
  it('reads every member by name, one nested archive level, and skips metadata members', async () => {
    const { records, issues } = await read([p('multi.zip')]);
    const zip = p('multi.zip');
    expect(where(records).sort()).toEqual([
      `${zip}!a.log:1`, `${zip}!a.log:2`, `${zip}!dir/b.ndjson:1`, `${zip}!dir/c.log.gz:1`, `${zip}!inner.zip!deep.log:1`,
    ].sort());
    expect(texts(records).sort()).toEqual(['a1', 'a2', 'c1', 'from nested zip', '{"b":1}'].sort());
    expect(issues.map((i) => [i.kind, i.file])).toEqual([
      ['skipped', `${zip}!__MACOSX/dir/._b.ndjson`],
      ['skipped', `${zip}!.hidden.log`],
    ]);
  });

  it('reads members written with data descriptors', async () => {
    const { records, issues } = await read([p('dd.zip')]);
    expect(texts(records)).toEqual(['x1', 'x2', 'y1']);
    expect(issues).toEqual([]);
  });

  it('reports a file that is not a zip', async () => {
    const { records, issues } = await read([p('garbage.zip')]);
    expect(records).toEqual([]);
    expect(issues).toEqual([{ kind: 'error', file: p('garbage.zip'), reason: expect.stringMatching(/not a zip archive/) }]);
  });

  it('reports a corrupt member and still reads the next one', async () => {
    const { records, issues } = await read([p('damaged.zip')]);
    expect(texts(records)).toEqual(['fine']);
    expect(issues.filter((i) => i.kind === 'error').map((i) => i.file)).toEqual([`${p('damaged.zip')}!bad.log`]);
    expect(issues.find((i) => i.kind === 'error')!.reason).toMatch(/corrupt|CRC/);
  });
});

describe('readPaths: damaged and deep archives', () => {
  it('reports a truncated zip', async () => {
    const { records, issues } = await read([p('cut.zip')]);
    expect(records).toEqual([]);
    expect(issues).toEqual([{ kind: 'error', file: p('cut.zip'), reason: expect.stringMatching(/truncated/) }]);
  });

  it('reads one nested archive level and skips deeper ones, saying so', async () => {
    const { records, issues } = await read([p('three-deep.zip')]);
    expect(texts(records)).toEqual(['ok']);
    expect(issues).toEqual([
      { kind: 'skipped', file: `${p('three-deep.zip')}!level1.zip!level2.zip`, reason: 'archive nested more than one level deep' },
    ]);
  });

  it('reports a .tar that is not a tar archive', async () => {
    const { records, issues, last } = await read([p('garbage.tar')]);
    expect(records).toEqual([]);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.kind === 'error' && i.file === p('garbage.tar'))).toBe(true);
    expect(last.counts.errors).toBeGreaterThan(0);
  });

  it('keeps the lines of a tar.gz cut inside a member, rejects the cut line, reports the archive', async () => {
    const { records, issues } = await read([p('cut.tar.gz')]);
    expect(records.length).toBeGreaterThan(10);
    expect(records.length).toBeLessThan(3000);
    records.forEach((r, i) => expect(r.text).toBe(`event ${i} ${'w'.repeat(40)}`));
    expect(issues).toEqual([
      { kind: 'rejected', file: `${p('cut.tar.gz')}!tarsrc2.log`, line: records.length + 1, reason: expect.stringMatching(/cut off/) },
      { kind: 'error', file: p('cut.tar.gz'), reason: 'gzip data is truncated (unexpected end of file)' },
    ]);
  });
});

describe('readPaths: tar.gz', () => {
  it('reads regular members, nested folders and a nested zip', async () => {
    const { records, issues } = await read([p('bundle.tar.gz')]);
    const tgz = p('bundle.tar.gz');
    // Member order is the archive's (tar adds folder contents asynchronously).
    expect(where(records).sort()).toEqual([
      `${tgz}!nested.zip!n.log:1`, `${tgz}!nested.zip!n.log:2`, `${tgz}!sub/t2.json:1`, `${tgz}!t1.log:1`, `${tgz}!t1.log:2`,
    ]);
    expect(texts(records).sort()).toEqual(['n1', 'n2', 't1a', 't1b', '{"t":2}']);
    expect(issues).toEqual([]);
  });
});

describe('readPaths: folders', () => {
  it('walks recursively in sorted order, skips hidden entries and symlinks leaving the tree', async () => {
    const { records, issues, last } = await read([p('tree')]);
    // b/link-in.log points at a.log inside the tree: followed, but a.log is read only once.
    expect(where(records)).toEqual([`${p('tree/a.log')}:1`, `${p('tree/b/c/deep.log')}:1`, `${p('tree/z.log')}:1`]);
    const skipped = issues.filter((i) => i.kind === 'skipped').map((i) => [i.file, i.reason]);
    expect(skipped).toEqual(expect.arrayContaining([
      [p('tree/.env'), 'hidden'],
      [p('tree/.git'), 'hidden'],
      [p('tree/link-out.log'), 'symbolic link points outside the folder'],
      [p('tree/b/c/loop'), 'symbolic link loop'],
    ]));
    expect(issues.filter((i) => i.kind === 'error')).toEqual([]);
    expect(last.progress).toMatchObject({ files: 3, filesTotal: 3, bytesTotal: 9, bytesRead: 9 });
  });
});

describe('readPaths: progress and control', () => {
  it('reports totals up front and counts files and bytes', async () => {
    const { batches, last } = await read([p('plain.log'), p('app.log.gz')], { batchRecords: 1 });
    expect(batches.length).toBeGreaterThan(2);
    expect(batches[0]!.progress.bytesTotal).toBe(last.progress.bytesTotal);
    expect(last.progress.filesTotal).toBe(2);
    expect(last.progress.files).toBe(2);
    expect(last.progress.bytesRead).toBe(last.progress.bytesTotal);
    const sizes = batches.map((b) => b.records.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1);
  });

  it('cleans up when the consumer stops early, even inside a spooled nested zip', async () => {
    const spools = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('vigil-zip-')).length;
    const before = await spools();
    let brokeInside = false;
    for await (const batch of readPaths([p('bundle.tar.gz')], { sourceName: 's', sourceType: 'auto', maxRecordBytes: 1024, batchRecords: 1 })) {
      if (batch.records[0]?.meta?.file?.includes('nested.zip!')) {
        brokeInside = true;
        break;
      }
    }
    expect(brokeInside).toBe(true);
    expect(await spools()).toBe(before);
  });

  it('stops with the abort reason when the signal fires', async () => {
    const controller = new AbortController();
    const run = async () => {
      for await (const _batch of readPaths([p('truncated.log.gz'), p('plain.log')], {
        sourceName: 's', sourceType: 'auto', maxRecordBytes: 1024, batchRecords: 10, signal: controller.signal,
      })) controller.abort(new Error('user interrupted'));
    };
    await expect(run()).rejects.toThrow('user interrupted');
  });
});
