/**
 * File intake for `vigil ingest PATH...`: reads files, folders and archives as a stream of record
 * batches. Everything is streamed (memory does not grow with file size); a problem with one file,
 * member or record is reported in the batch's `issues` and reading goes on with the next one.
 */
import { open, mkdtemp, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchCollector, type FileBatch } from './batch-collector.ts';
import { formatOf, gunzip, isHiddenMember, sniffFormat, type FormatChoice } from './file-formats.ts';
import { JsonSplitter } from './json-splitter.ts';
import { LineSplitter } from './line-splitter.ts';
import { tarMembers } from './tar-reader.ts';
import { describeFsError, planFiles } from './walk-paths.ts';
import { zipEntries, zipEntryData } from './zip-reader.ts';
import { readEvtx } from '../../parse/evtx/evtx-reader.ts';
import { windowsSourceType } from '../../normalize/windows/windows.ts';

export type { FileBatch, FileReadCounts, FileReadIssue, FileReadProgress } from './batch-collector.ts';

export interface ReadPathsOptions {
  /** Name of the source the records are attributed to. */
  sourceName: string;
  /** Source type for every record (`auto` to detect per record). */
  sourceType: string;
  /** Longest line or JSON value accepted, in bytes; longer ones are rejected with a reason. */
  maxRecordBytes: number;
  /** Stops reading; the iterator then throws the signal's reason. */
  signal?: AbortSignal;
  /** Most records per batch (default 1000). */
  batchRecords?: number;
  /** Most record text bytes per batch (default 4 MiB). */
  batchBytes?: number;
}

const READ_CHUNK = 64 * 1024;
/** Archives nest one level: a zip inside a tar.gz is read, a zip inside that is not. */
const MAX_ARCHIVE_DEPTH = 2;

interface Ctx {
  c: BatchCollector;
  max: number;
  signal: AbortSignal | undefined;
}

/**
 * Reads `paths` (files, folders recursively, archives) and yields batches of records with progress.
 * The last batch carries the final counts. Stop early by breaking out of the loop or via `signal`.
 */
export async function* readPaths(paths: readonly string[], options: ReadPathsOptions): AsyncGenerator<FileBatch> {
  const max = options.maxRecordBytes;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`maxRecordBytes must be a positive integer, got ${max}`);
  const c = new BatchCollector(options.sourceName, options.sourceType, {
    records: options.batchRecords ?? 1000,
    textBytes: options.batchBytes ?? 4 * 1024 * 1024,
    readBytes: 8 * 1024 * 1024,
  });
  const ctx: Ctx = { c, max, signal: options.signal };
  const plan = await planFiles(paths, { error: (f, r) => c.error(f, r), skip: (f, r) => c.skip(f, r) }, options.signal);
  c.progress.filesTotal = plan.length;
  c.progress.bytesTotal = plan.reduce((sum, f) => sum + f.size, 0);

  let done = 0;
  for (const file of plan) {
    options.signal?.throwIfAborted();
    c.progress.currentFile = file.path;
    try {
      yield* readTopFile(file.path, ctx);
    } catch (err) {
      options.signal?.throwIfAborted();
      c.error(file.path, describe(err));
    }
    // Archives are not read end to end (zip) and files may grow while read: count the planned size.
    done += file.size;
    c.progress.bytesRead = done;
    c.progress.files++;
    while (c.full) yield c.take();
  }
  c.progress.currentFile = '';
  yield c.take();
}

function describe(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof (err as NodeJS.ErrnoException).syscall === 'string') return describeFsError(err);
  return err instanceof Error ? err.message : String(err);
}

async function* readTopFile(path: string, ctx: Ctx): AsyncGenerator<FileBatch> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new Error(`cannot open: ${describeFsError(err)}`, { cause: err });
  }
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    const choice = sniffFormat(formatOf(path), head);
    if (choice.format === 'zip') {
      yield* readZip(path, fh, size, 0, ctx, (n) => ctx.c.read(n));
    } else {
      yield* readStream(path, choice, fileChunks(fh, ctx), 0, ctx);
    }
  } finally {
    await fh.close();
  }
}

/** Reads a file from its start to its current end, counting bytes for progress. */
async function* fileChunks(fh: FileHandle, ctx: Ctx): AsyncGenerator<Uint8Array> {
  for (let pos = 0; ; ) {
    ctx.signal?.throwIfAborted();
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    const { bytesRead } = await fh.read(buf, 0, READ_CHUNK, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    ctx.c.read(bytesRead);
    yield buf.subarray(0, bytesRead);
  }
}

/**
 * Reads one byte stream: dispatches on its format (from its name), decompressing and descending into archives.
 * `cutOff` tells whether the stream ended early (a truncated tar member).
 */
async function* readStream(
  label: string,
  choice: FormatChoice,
  chunks: AsyncIterable<Uint8Array>,
  depth: number,
  ctx: Ctx,
  cutOff?: () => boolean,
): AsyncGenerator<FileBatch> {
  switch (choice.format) {
    case 'unsupported':
      throw new Error(choice.reason);
    case 'gzip':
      return yield* readStream(label, formatOf(choice.inner), gunzip(chunks), depth, ctx);
    case 'tgz':
      return yield* readTar(label, gunzip(chunks), depth, ctx);
    case 'tar':
      return yield* readTar(label, chunks, depth, ctx);
    case 'zip':
      return yield* readSpooledZip(label, chunks, depth, ctx);
    case 'evtx':
      return yield* readEvtxRecords(label, chunks, ctx);
    case 'json':
    case 'lines':
      return yield* readRecords(label, choice.format, chunks, ctx, cutOff);
  }
}

/** Splits text into records: line by line, or JSON values for `.json`. */
async function* readRecords(
  label: string,
  format: 'json' | 'lines',
  chunks: AsyncIterable<Uint8Array>,
  ctx: Ctx,
  cutOff?: () => boolean,
): AsyncGenerator<FileBatch> {
  const { c, max } = ctx;
  const onRecord = (bytes: Uint8Array, line: number): void => c.addBytes(bytes, label, line);
  const splitter = format === 'json'
    ? new JsonSplitter(
      max,
      onRecord,
      (line, bytes) => c.reject(label, line, `JSON value of ${bytes} bytes exceeds the ${max}-byte record limit (one large document is not split; use NDJSON or a top-level array)`),
      (line, reason) => c.error(label, reason, line),
    )
    : new LineSplitter(max, onRecord, (line, bytes) => c.reject(label, line, `line of ${bytes} bytes exceeds the ${max}-byte record limit`));
  const reportCut = (): void => {
    const cut = splitter.abandon();
    if (cut) c.reject(label, cut.line, `record cut off after ${cut.bytes} bytes by the end of damaged input`);
  };
  try {
    for await (const chunk of chunks) {
      splitter.push(chunk);
      while (c.full) yield c.take();
    }
  } catch (err) {
    reportCut();
    throw err;
  }
  if (cutOff?.()) reportCut();
  else splitter.end();
}

/**
 * Windows EVTX logs: every event becomes one JSON record in evtx_dump's shape, parsed as `windows`.
 * A damaged chunk or record is a warning (the rest of the file is read); input that is not EVTX, or
 * ends inside the file header, is an error for the file.
 */
async function* readEvtxRecords(label: string, chunks: AsyncIterable<Uint8Array>, ctx: Ctx): AsyncGenerator<FileBatch> {
  const { c } = ctx;
  for await (const result of readEvtx(chunks)) {
    for (const warning of result.warnings) c.warn(label, warning);
    for (const record of result.records) {
      c.addText(JSON.stringify(record.event), { file: label, record: String(record.recordId) }, windowsSourceType.name);
    }
    while (c.full) yield c.take();
  }
}

async function* readTar(label: string, chunks: AsyncIterable<Uint8Array>, depth: number, ctx: Ctx): AsyncGenerator<FileBatch> {
  const { c } = ctx;
  if (depth >= MAX_ARCHIVE_DEPTH) {
    c.skip(label, 'archive nested more than one level deep');
    return;
  }
  const members = tarMembers(
    chunks,
    (warning) => c.error(label, `damaged tar data: ${warning}`),
    (path, reason) => c.skip(`${label}!${path}`, reason),
    (err) => c.warn(label, `${describe(err)}, after the tar end-of-archive marker: every member was read`),
  );
  for await (const m of members) {
    const memberLabel = `${label}!${m.path}`;
    if (isHiddenMember(m.path)) {
      c.skip(memberLabel, 'hidden or macOS metadata member');
      continue;
    }
    c.progress.currentFile = memberLabel;
    try {
      yield* readStream(memberLabel, formatOf(m.path), m.data, depth + 1, ctx, m.truncated);
    } catch (err) {
      // The archive's own stream failed: nothing after this can be read; the caller reports it.
      ctx.signal?.throwIfAborted();
      if (m.outerError() !== undefined) throw err;
      c.error(memberLabel, describe(err));
    }
  }
}

async function* readZip(
  label: string,
  fh: FileHandle,
  size: number,
  depth: number,
  ctx: Ctx,
  onRead: (n: number) => void,
): AsyncGenerator<FileBatch> {
  const { c } = ctx;
  if (depth >= MAX_ARCHIVE_DEPTH) {
    c.skip(label, 'archive nested more than one level deep');
    return;
  }
  for await (const entry of zipEntries(fh, size)) {
    if (entry.name.endsWith('/')) continue;
    const memberLabel = `${label}!${entry.name}`;
    if (isHiddenMember(entry.name)) {
      c.skip(memberLabel, 'hidden or macOS metadata member');
      continue;
    }
    c.progress.currentFile = memberLabel;
    try {
      yield* readStream(memberLabel, formatOf(entry.name), zipEntryData(fh, size, entry, onRead), depth + 1, ctx);
    } catch (err) {
      ctx.signal?.throwIfAborted();
      c.error(memberLabel, describe(err));
    }
  }
}

/**
 * A zip inside another archive (or gzipped) has no random access: it is copied to a private temporary
 * file first, then read like any zip. Disk use is the member's size; the file is removed afterwards.
 */
async function* readSpooledZip(label: string, chunks: AsyncIterable<Uint8Array>, depth: number, ctx: Ctx): AsyncGenerator<FileBatch> {
  if (depth >= MAX_ARCHIVE_DEPTH) {
    ctx.c.skip(label, 'archive nested more than one level deep');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'vigil-zip-'));
  try {
    const path = join(dir, 'member.zip');
    const out = await open(path, 'wx', 0o600);
    let size = 0;
    try {
      for await (const chunk of chunks) {
        ctx.signal?.throwIfAborted();
        await out.write(chunk);
        size += chunk.length;
      }
    } finally {
      await out.close();
    }
    const fh = await open(path, 'r');
    try {
      yield* readZip(label, fh, size, depth, ctx, () => {});
    } finally {
      await fh.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
