import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, ftruncateSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { RawRecord } from '../core/event.ts';

/** One journal entry: a batch of records with consecutive sequence numbers starting at `firstSeq`. */
export interface JournalEntry {
  firstSeq: number;
  records: RawRecord[];
}

export interface JournalOptions {
  dir: string;
  /** A new segment file starts once the current one is this large. */
  segmentBytes: number;
}

export interface RecoveryReport {
  /** Entries to replay, with the size of each on disk. */
  entries: (JournalEntry & { bytes: number })[];
  /** Bytes cut from the end of the last segment: a write torn by a crash, never acknowledged. */
  truncatedBytes: number;
  /** Segments set aside because an entry in their middle failed its checksum. */
  corruptSegments: string[];
}

const HEADER_BYTES = 8; // u32 payload length + u32 CRC-32 of the payload
const SEGMENT_SUFFIX = '.journal';

/**
 * The write-ahead journal that makes acknowledgements durable. Intake appends a batch, the append
 * resolves after the bytes are fsynced, and only then does the adapter acknowledge. Concurrent
 * appends share one write and one fsync (group commit), which is what lets a single disk sustain
 * tens of thousands of acknowledged events per second. Segments whose records are all in the event
 * store are deleted by {@link release}.
 *
 * Why not DuckDB's own WAL: events are acknowledged before parsing, so the journal holds raw
 * records, and the store commits in large batches for speed. The store remembers the highest
 * sequence it holds, so replay after a crash skips what it already has (exactly-once storage).
 */
export class Journal {
  private readonly dir: string;
  private readonly segmentBytes: number;
  private nextSeq: number;
  private handle: FileHandle | undefined;
  private segmentSize = 0;
  /** First seq of each closed segment, oldest first, plus the open one last. */
  private readonly segments: { firstSeq: number; path: string }[] = [];
  private queue: { firstSeq: number; buffer: Buffer; resolve: () => void; reject: (err: Error) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;

  private constructor(options: JournalOptions, nextSeq: number) {
    this.dir = options.dir;
    this.segmentBytes = options.segmentBytes;
    this.nextSeq = nextSeq;
  }

  /**
   * Opens the journal, recovering what a crash left: returns every intact entry whose records are
   * newer than `replayFrom` (default `storedSeq`) for replay, truncating a torn tail. New records
   * are numbered after both `storedSeq` and every entry.
   */
  static async open(options: JournalOptions, storedSeq: number, replayFrom = storedSeq): Promise<{ journal: Journal; recovery: RecoveryReport }> {
    mkdirSync(options.dir, { recursive: true });
    const recovery: RecoveryReport = { entries: [], truncatedBytes: 0, corruptSegments: [] };
    const files = readdirSync(options.dir).filter((f) => f.endsWith(SEGMENT_SUFFIX)).sort();
    let lastSeq = storedSeq;
    const kept: { firstSeq: number; path: string }[] = [];
    for (const [index, file] of files.entries()) {
      const path = join(options.dir, file);
      const { entries, goodBytes, totalBytes } = readSegment(path);
      if (goodBytes < totalBytes) {
        if (index === files.length - 1) {
          // A torn final write: never acknowledged (fsync had not returned), safe to cut.
          const fd = openSync(path, 'r+');
          ftruncateSync(fd, goodBytes);
          closeSync(fd);
          recovery.truncatedBytes = totalBytes - goodBytes;
        } else {
          renameSync(path, `${path}.corrupt`);
          recovery.corruptSegments.push(`${path}.corrupt`);
        }
      }
      for (const entry of entries) {
        const entryLast = entry.firstSeq + entry.records.length - 1;
        if (entryLast > lastSeq) lastSeq = entryLast;
        if (entryLast <= replayFrom) continue;
        const skip = Math.max(0, replayFrom - entry.firstSeq + 1);
        const records = skip === 0 ? entry.records : entry.records.slice(skip);
        recovery.entries.push({ firstSeq: entry.firstSeq + skip, records, bytes: Math.ceil((entry.bytes * records.length) / entry.records.length) });
      }
      if (entries.length > 0) kept.push({ firstSeq: entries[0]!.firstSeq, path });
      else if (existsSync(path)) unlinkSync(path);
    }
    const journal = new Journal(options, lastSeq + 1);
    journal.segments.push(...kept);
    await journal.startSegment(journal.nextSeq);
    return { journal, recovery };
  }

  /** Sequence number the next appended record gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /**
   * Appends records durably; resolves with the first seq once they are on disk. `onEncoded` learns
   * the entry's size at once, before the write, so callers can account memory without re-encoding.
   */
  append(records: RawRecord[], onEncoded?: (bytes: number) => void): Promise<number> {
    if (this.closed) return Promise.reject(new Error('journal is closed'));
    const firstSeq = this.nextSeq;
    this.nextSeq += records.length;
    const payload = Buffer.from(JSON.stringify({ firstSeq, records } satisfies JournalEntry));
    const buffer = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
    buffer.writeUInt32LE(payload.length, 0);
    buffer.writeUInt32LE(crc32(payload), 4);
    payload.copy(buffer, HEADER_BYTES);
    onEncoded?.(buffer.length);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ firstSeq, buffer, resolve: () => resolve(firstSeq), reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Deletes closed segments whose records are all at or below `storedSeq`. */
  release(storedSeq: number): void {
    while (this.segments.length > 1 && this.segments[1]!.firstSeq - 1 <= storedSeq) {
      const segment = this.segments.shift()!;
      try {
        unlinkSync(segment.path);
      } catch {
        // Already gone: nothing to free.
      }
    }
  }

  /** Waits for pending appends, then closes the open segment. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          if (this.segmentSize >= this.segmentBytes) await this.startSegment(batch[0]!.firstSeq);
          const handle = this.handle!;
          const buffers = batch.map((b) => b.buffer);
          const expected = buffers.reduce((n, b) => n + b.length, 0);
          const { bytesWritten } = await handle.writev(buffers);
          if (bytesWritten !== expected) throw new Error(`short write (${bytesWritten} of ${expected} bytes)`);
          await handle.datasync();
          this.segmentSize += expected;
          for (const b of batch) b.resolve();
        } catch (err) {
          const error = new JournalWriteError(`cannot write the ingest journal in ${this.dir}: ${(err as Error).message}`);
          for (const b of batch) b.reject(error);
          // Drop the partial write so later entries start at a clean boundary.
          await this.truncateOpenSegment();
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async truncateOpenSegment(): Promise<void> {
    try {
      await this.handle?.truncate(this.segmentSize);
    } catch {
      // If even truncating fails the disk is gone; recovery cuts the torn tail on next start.
    }
  }

  private async startSegment(firstSeq: number): Promise<void> {
    await this.handle?.close();
    const path = join(this.dir, `${String(firstSeq).padStart(16, '0')}${SEGMENT_SUFFIX}`);
    this.handle = await open(path, 'a');
    this.segmentSize = statSync(path).size;
    this.segments.push({ firstSeq, path });
  }
}

/** The disk refused a journal write (full, read-only, I/O error); intake answers 503. */
export class JournalWriteError extends Error {
  override name = 'JournalWriteError';
}

function readSegment(path: string): { entries: (JournalEntry & { bytes: number })[]; goodBytes: number; totalBytes: number } {
  const data = readFileSync(path);
  const entries: (JournalEntry & { bytes: number })[] = [];
  let offset = 0;
  while (offset + HEADER_BYTES <= data.length) {
    const length = data.readUInt32LE(offset);
    const checksum = data.readUInt32LE(offset + 4);
    const end = offset + HEADER_BYTES + length;
    if (end > data.length) break;
    const payload = data.subarray(offset + HEADER_BYTES, end);
    if (crc32(payload) !== checksum) break;
    try {
      entries.push({ ...(JSON.parse(payload.toString('utf8')) as JournalEntry), bytes: end - offset });
    } catch {
      break;
    }
    offset = end;
  }
  return { entries, goodBytes: offset, totalBytes: data.length };
}
