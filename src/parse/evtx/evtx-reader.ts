/**
 * Windows EVTX files read as a stream: a 4 KiB file header, then 64 KiB chunks, each turned into
 * records in evtx_dump's nested JSON shape (which the `windows` normalizer maps to ECS). Only one
 * chunk is held at a time, so a 1 GB log never sits in memory. No I/O here: the caller supplies bytes.
 *
 * Damage is reported, never fatal past the file header: a chunk whose CRC32 does not match is skipped
 * with a warning, a damaged record is skipped with a warning, a file cut inside a chunk loses that
 * chunk with a warning. Input that is not EVTX at all throws {@link EvtxError}.
 */
import { EvtxError } from './evtx-bytes.ts';
import { CHUNK_SIZE, isUnusedChunk, readChunk, type EvtxRecord } from './evtx-chunk.ts';
import { crc32Checksum } from '@ts-evtx/core/dist/src/binary/BinaryReader.js';

export { EvtxError } from './evtx-bytes.ts';
export type { EvtxRecord } from './evtx-chunk.ts';
export type { EvtxValue } from './evtx-values.ts';

export const FILE_HEADER_SIZE = 0x1000;
const FILE_SIGNATURE = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"

export interface EvtxFileHeader {
  majorVersion: number;
  minorVersion: number;
  /** Chunks the header counts (a dirty file may hold more). */
  chunkCount: number;
  /** Set while the log was open: the header may lag behind the chunks, which are read regardless. */
  dirty: boolean;
  full: boolean;
}

/** What one chunk gave: its records, and warnings about damage (CRC mismatch, damaged records, truncation). */
export interface EvtxChunkResult {
  /** 0-based chunk number in the file; -1 for warnings about the file header. */
  chunk: number;
  records: EvtxRecord[];
  warnings: string[];
}

/** True when `head` starts with the EVTX file signature `ElfFile\0`. */
export function isEvtxSignature(head: Uint8Array): boolean {
  return FILE_SIGNATURE.every((b, i) => head[i] === b);
}

/**
 * Reads the 4 KiB file header.
 * @throws {EvtxError} for input that is not EVTX or is shorter than the header.
 */
export function readFileHeader(bytes: Uint8Array): EvtxFileHeader & { warnings: string[] } {
  if (!isEvtxSignature(bytes)) throw new EvtxError('not an EVTX file (no "ElfFile" signature)');
  if (bytes.length < FILE_HEADER_SIZE) throw new EvtxError(`EVTX file is truncated: ${bytes.length} bytes, the header alone has ${FILE_HEADER_SIZE}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, FILE_HEADER_SIZE);
  const flags = view.getUint32(0x78, true);
  const header = {
    minorVersion: view.getUint16(0x24, true),
    majorVersion: view.getUint16(0x26, true),
    chunkCount: view.getUint16(0x2a, true),
    dirty: (flags & 1) !== 0,
    full: (flags & 2) !== 0,
    warnings: [] as string[],
  };
  if (header.majorVersion !== 3) header.warnings.push(`EVTX version ${header.majorVersion}.${header.minorVersion} is not 3.x; reading it as 3.x`);
  if ((crc32Checksum(bytes.subarray(0, 0x78)) >>> 0) !== view.getUint32(0x7c, true)) {
    header.warnings.push('file header CRC32 mismatch; chunks are read regardless');
  }
  return header;
}

/** Reads one chunk, turning an unusable chunk into a warning. `bytes` is exactly one chunk. */
function chunkResult(bytes: Uint8Array, chunk: number): EvtxChunkResult | undefined {
  if (isUnusedChunk(bytes)) return undefined;
  try {
    const { records, problems } = readChunk(bytes);
    return { chunk, records, warnings: problems.map((p) => `chunk ${chunk}: ${p}`) };
  } catch (err) {
    return { chunk, records: [], warnings: [`chunk ${chunk} skipped: ${err instanceof Error ? err.message : String(err)}`] };
  }
}

function truncated(chunk: number, have: number): EvtxChunkResult {
  return { chunk, records: [], warnings: [`chunk ${chunk} skipped: the file ends ${CHUNK_SIZE - have} bytes before the chunk does (truncated file)`] };
}

/**
 * Reads an EVTX byte stream chunk by chunk, in any slicing of its bytes.
 * @throws {EvtxError} when the stream is not EVTX or ends inside the file header.
 * @example
 * for await (const { records, warnings } of readEvtx(fileChunks)) {
 *   for (const r of records) send(JSON.stringify(r.event));
 * }
 */
export async function* readEvtx(stream: AsyncIterable<Uint8Array>): AsyncGenerator<EvtxChunkResult & { header: EvtxFileHeader }> {
  const head = new Uint8Array(FILE_HEADER_SIZE);
  const block = new Uint8Array(CHUNK_SIZE);
  let header: (EvtxFileHeader & { warnings: string[] }) | undefined;
  let filled = 0;
  let chunk = 0;
  for await (const piece of stream) {
    let at = 0;
    while (at < piece.length) {
      if (header === undefined) {
        const n = Math.min(FILE_HEADER_SIZE - filled, piece.length - at);
        head.set(piece.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled >= 8 && !isEvtxSignature(head)) throw new EvtxError('not an EVTX file (no "ElfFile" signature)');
        if (filled < FILE_HEADER_SIZE) continue;
        header = readFileHeader(head);
        filled = 0;
        if (header.warnings.length > 0) yield { header, chunk: -1, records: [], warnings: header.warnings };
        continue;
      }
      const n = Math.min(CHUNK_SIZE - filled, piece.length - at);
      block.set(piece.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled < CHUNK_SIZE) continue;
      const result = chunkResult(block, chunk);
      chunk++;
      filled = 0;
      if (result) yield { header, ...result };
    }
  }
  if (header === undefined) {
    readFileHeader(head.subarray(0, filled)); // throws: not EVTX, or cut inside the header
    return;
  }
  if (filled > 0) yield { header, ...truncated(chunk, filled) };
}

/** {@link readEvtx} over bytes already in memory (tests, small files). */
export function* readEvtxBytes(bytes: Uint8Array): Generator<EvtxChunkResult & { header: EvtxFileHeader }> {
  const header = readFileHeader(bytes);
  if (header.warnings.length > 0) yield { header, chunk: -1, records: [], warnings: header.warnings };
  let chunk = 0;
  for (let at = FILE_HEADER_SIZE; at < bytes.length; at += CHUNK_SIZE, chunk++) {
    const slice = bytes.subarray(at, at + CHUNK_SIZE);
    const result = slice.length < CHUNK_SIZE ? truncated(chunk, slice.length) : chunkResult(slice, chunk);
    if (result) yield { header, ...result };
  }
}
