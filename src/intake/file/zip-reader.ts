/**
 * Reads `.zip` archives the way yauzl does: from the central directory at the end of the file, then
 * each member's data by offset. Unlike streaming from local headers this is exact for members written
 * with data descriptors (macOS Archive Utility, most Java tools), gives sizes and CRCs up front, and
 * detects truncation before reading a byte of data. Inflation uses Node's zlib (native, streaming,
 * bounded output per chunk); each member's CRC-32 and size are checked at its end.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';

/** The archive or one member cannot be read; the message says why. */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

/** One member as described by the central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; others are reported as unsupported. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const EOCD64_LOCATOR_SIG = 0x07064b50;
const EOCD64_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const READ_SIZE = 64 * 1024;

/** Reads exactly `length` bytes at `position`, or fails saying the archive is truncated. */
async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new ZipFormatError(`archive is truncated (wanted ${length} bytes at offset ${position})`);
    got += bytesRead;
  }
  return buf;
}

interface Directory {
  offset: number;
  size: number;
  entries: number;
}

async function findDirectory(fh: FileHandle, fileSize: number): Promise<Directory> {
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  if (tailLength < 22) throw new ZipFormatError('not a zip archive (too short)');
  const tailStart = fileSize - tailLength;
  const tail = await readAt(fh, tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('not a zip archive or truncated: end of central directory not found');
  let dir: Directory = { entries: tail.readUInt16LE(at + 10), size: tail.readUInt32LE(at + 12), offset: tail.readUInt32LE(at + 16) };
  if (dir.entries === 0xffff || dir.size === 0xffffffff || dir.offset === 0xffffffff) {
    const locatorAt = tailStart + at - 20;
    if (locatorAt < 0) throw new ZipFormatError('zip64 end of central directory locator missing');
    const locator = await readAt(fh, locatorAt, 20);
    if (locator.readUInt32LE(0) !== EOCD64_LOCATOR_SIG) throw new ZipFormatError('zip64 end of central directory locator missing');
    const recordAt = safeNumber(locator.readBigUInt64LE(8));
    const record = await readAt(fh, recordAt, 56);
    if (record.readUInt32LE(0) !== EOCD64_SIG) throw new ZipFormatError('zip64 end of central directory record is corrupt');
    dir = {
      entries: safeNumber(record.readBigUInt64LE(32)),
      size: safeNumber(record.readBigUInt64LE(40)),
      offset: safeNumber(record.readBigUInt64LE(48)),
    };
  }
  if (dir.offset + dir.size > fileSize) throw new ZipFormatError('central directory points past the end of the file (truncated?)');
  return dir;
}

function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip64 size or offset out of range');
  return Number(v);
}

/**
 * Lists the members from the central directory, reading it in small windows so even an archive with
 * millions of members is listed in constant memory.
 */
export async function* zipEntries(fh: FileHandle, fileSize: number): AsyncGenerator<ZipEntry> {
  const dir = await findDirectory(fh, fileSize);
  const end = dir.offset + dir.size;
  let buf = Buffer.alloc(0);
  let next = dir.offset;
  const ensure = async (n: number): Promise<void> => {
    if (buf.length >= n) return;
    const want = Math.min(Math.max(n - buf.length, READ_SIZE), end - next);
    if (buf.length + want < n) throw new ZipFormatError('central directory is truncated');
    buf = Buffer.concat([buf, await readAt(fh, next, want)]);
    next += want;
  };
  for (let i = 0; i < dir.entries; i++) {
    await ensure(46);
    if (buf.readUInt32LE(0) !== CENTRAL_SIG) throw new ZipFormatError(`central directory entry ${i + 1} is corrupt`);
    const nameLen = buf.readUInt16LE(28);
    const extraLen = buf.readUInt16LE(30);
    const commentLen = buf.readUInt16LE(32);
    await ensure(46 + nameLen + extraLen + commentLen);
    const flags = buf.readUInt16LE(8);
    const entry: ZipEntry = {
      // Bit 11: UTF-8 names; otherwise CP437, which latin1 approximates for the ASCII names logs use.
      name: buf.toString(flags & 0x800 ? 'utf8' : 'latin1', 46, 46 + nameLen),
      method: buf.readUInt16LE(10),
      flags,
      crc32: buf.readUInt32LE(16),
      compressedSize: buf.readUInt32LE(20),
      size: buf.readUInt32LE(24),
      localHeaderOffset: buf.readUInt32LE(42),
    };
    applyZip64(entry, buf.subarray(46 + nameLen, 46 + nameLen + extraLen));
    buf = buf.subarray(46 + nameLen + extraLen + commentLen);
    yield entry;
  }
}

/** Replaces 0xFFFFFFFF placeholders with the 64-bit values of the zip64 extra field. */
function applyZip64(entry: ZipEntry, extra: Buffer): void {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const len = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      const take = (): number => {
        if (p + 8 > at + 4 + len) throw new ZipFormatError(`zip64 extra field of "${entry.name}" is too short`);
        const v = safeNumber(extra.readBigUInt64LE(p));
        p += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      return;
    }
    at += 4 + len;
  }
}

async function* readRange(fh: FileHandle, start: number, length: number, onRead: (n: number) => void): AsyncGenerator<Buffer> {
  for (let pos = start, end = start + length; pos < end; ) {
    const n = Math.min(READ_SIZE, end - pos);
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await fh.read(buf, 0, n, pos);
    if (bytesRead === 0) throw new ZipFormatError('archive is truncated inside member data');
    onRead(bytesRead);
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/**
 * Streams one member's uncompressed bytes. Throws {@link ZipFormatError} for encrypted members,
 * unsupported methods, and (after the data) a CRC or size mismatch. `onRead` counts archive bytes read.
 */
export async function* zipEntryData(
  fh: FileHandle,
  fileSize: number,
  entry: ZipEntry,
  onRead: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  if (entry.flags & 0x1) throw new ZipFormatError('member is encrypted');
  if (entry.method !== 0 && entry.method !== 8) throw new ZipFormatError(`compression method ${entry.method} is not supported (only stored and deflate)`);
  const header = await readAt(fh, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL_SIG) throw new ZipFormatError('local header is corrupt');
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (dataStart + entry.compressedSize > fileSize) throw new ZipFormatError('member data runs past the end of the file (truncated?)');
  const raw = readRange(fh, dataStart, entry.compressedSize, onRead);
  const data: AsyncIterable<Uint8Array> = entry.method === 0 ? raw : pipeline(Readable.from(raw), createInflateRaw({ chunkSize: 64 * 1024 }), () => {});
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of data) {
      size += chunk.length;
      if (size > entry.size) throw new ZipFormatError(`member inflates past its declared size of ${entry.size} bytes`);
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ZipFormatError) throw err;
    throw new ZipFormatError(`member data is corrupt: ${(err as Error).message}`);
  }
  if (size !== entry.size) throw new ZipFormatError(`member ended after ${size} of ${entry.size} bytes`);
  if (crc !== entry.crc32) throw new ZipFormatError('member CRC-32 mismatch: data is corrupt');
}
