/**
 * One 64 KiB EVTX chunk: its header is checked (signature, header and record-data CRC32s) and its
 * records are framed with @ts-evtx/core's low-level `ChunkHeader` and `Record` readers; each record's
 * BinXML is rendered by {@link ChunkBinXml}.
 */
import { ChunkHeader } from '@ts-evtx/core/dist/src/evtx/ChunkHeader.js';
import { Record as RecordHeader } from '@ts-evtx/core/dist/src/evtx/Record.js';
import { BinaryReader } from '@ts-evtx/core/dist/src/binary/BinaryReader.js';
import { ByteReader, EvtxError } from './evtx-bytes.ts';
import { ChunkBinXml } from './binxml.ts';
import { filetime, type EvtxValue } from './evtx-values.ts';

export const CHUNK_SIZE = 0x10000;
/** Records start after the 512-byte chunk header (128 bytes of fields, string and template tables). */
const RECORDS_START = 0x200;
/** Record header: signature, size, record id, written time. The size is repeated after the BinXML. */
const RECORD_HEADER = 24;
const RECORD_SIGNATURE = 0x00002a2a;

export interface EvtxRecord {
  /** EventRecordID. */
  recordId: number;
  /** When the record was written (ISO 8601 UTC, 100 ns precision). */
  writtenAt: string;
  /** The event in evtx_dump's nested JSON shape: `{ Event: { System: …, EventData: … } }`. */
  event: Record<string, EvtxValue>;
}

export interface ChunkRead {
  records: EvtxRecord[];
  /** Records that could not be read (the chunk's other records are still returned). */
  problems: string[];
}

/** True for a chunk that was never written (all zero): files are allocated ahead in whole chunks. */
export function isUnusedChunk(bytes: Uint8Array): boolean {
  for (let i = 0; i < RECORDS_START && i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Reads the records of one chunk.
 * @throws {EvtxError} when the chunk cannot be trusted at all: wrong size or signature, or a CRC32
 *   mismatch over its header or its record data (a dirty or corrupt chunk).
 * @example
 * const { records, problems } = readChunk(bytes.subarray(4096, 4096 + CHUNK_SIZE));
 */
export function readChunk(bytes: Uint8Array): ChunkRead {
  if (bytes.length !== CHUNK_SIZE) throw new EvtxError(`chunk has ${bytes.length} bytes, not ${CHUNK_SIZE}`);
  const header = new ChunkHeader(new BinaryReader(bytes), 0);
  if (!header.checkMagic()) throw new EvtxError('no chunk signature (ElfChnk)');
  if (header.calculateHeaderChecksum() !== header.headerChecksum()) throw new EvtxError('chunk header CRC32 mismatch');
  const freeSpace = header.nextRecordOffset();
  if (freeSpace < RECORDS_START || freeSpace > CHUNK_SIZE) throw new EvtxError(`chunk free-space offset ${freeSpace} is out of range`);
  if (header.calculateDataChecksum() !== header.dataChecksum()) throw new EvtxError('record data CRC32 mismatch (dirty or corrupt chunk)');

  const reader = new BinaryReader(bytes);
  const r = new ByteReader(bytes);
  const binxml = new ChunkBinXml(r);
  const records: EvtxRecord[] = [];
  const problems: string[] = [];
  for (let at = RECORDS_START; at + RECORD_HEADER <= freeSpace;) {
    let record: RecordHeader;
    let size: number;
    try {
      record = new RecordHeader(reader, at, header);
      size = record.size();
      if (record.magic() !== RECORD_SIGNATURE || size < RECORD_HEADER + 4 || at + size > freeSpace || record.size2() !== size) {
        throw new EvtxError(`size ${size} does not fit`);
      }
    } catch (err) {
      problems.push(`record at chunk offset ${at} is damaged (${message(err)}); the rest of the chunk is skipped`);
      break;
    }
    const recordId = Number(record.recordNum());
    try {
      records.push({ recordId, writtenAt: filetime(record.timestamp()), event: binxml.renderRecord(at + RECORD_HEADER, at + size - 4) });
    } catch (err) {
      problems.push(`record ${recordId}: ${message(err)}`);
    }
    at += size;
  }
  return { records, problems };
}

function message(err: unknown): string {
  if (err instanceof EvtxError) return err.message;
  // Damage can surface as the library's own errors (bounds) or as a stack overflow.
  return err instanceof Error ? err.message : String(err);
}
