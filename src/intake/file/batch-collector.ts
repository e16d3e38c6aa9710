/**
 * Gathers records, issues and counters while files are read, and cuts them into batches. Readers call
 * it synchronously for every line; the async reading loops check {@link BatchCollector.full} between
 * chunks and yield a batch, which is where the consumer's pace (backpressure) comes in.
 */
import { isUtf8 } from 'node:buffer';
import type { RawRecord } from '../../core/event.ts';

/** Where reading stands; `files` counts top-level files finished. */
export interface FileReadProgress {
  bytesRead: number;
  bytesTotal: number;
  files: number;
  filesTotal: number;
  currentFile: string;
}

/**
 * Something the user should hear about. `error`: a file, member or archive could not be (fully) read;
 * `rejected`: one record was refused (over the size limit, cut off by a truncated archive);
 * `skipped`: a file was deliberately not read (hidden, symlink out of the tree, not a regular file);
 * `warning`: something is wrong with the input but no data was lost (damage in an archive's padding).
 */
export interface FileReadIssue {
  kind: 'error' | 'rejected' | 'skipped' | 'warning';
  /** `path` or `path!member`. */
  file: string;
  line?: number;
  reason: string;
}

/** Running totals since reading started. */
export interface FileReadCounts {
  /** Records emitted. */
  records: number;
  /** Records refused, each with a `rejected` issue. */
  rejected: number;
  /** `error` issues. */
  errors: number;
  /** `skipped` issues. */
  skipped: number;
  /** `warning` issues. */
  warnings: number;
  /** Records whose bytes were not valid UTF-8 (decoded with U+FFFD replacement characters). */
  invalidUtf8: number;
}

/** One step of `readPaths`: new records and issues since the previous batch, plus running state. */
export interface FileBatch {
  records: RawRecord[];
  issues: FileReadIssue[];
  progress: FileReadProgress;
  counts: FileReadCounts;
}

export interface BatchLimits {
  records: number;
  textBytes: number;
  /** Archive/file bytes read after which a batch goes out even without records, to keep progress moving. */
  readBytes: number;
}

const MAX_ISSUES_PER_BATCH = 500;

export class BatchCollector {
  readonly progress: FileReadProgress = { bytesRead: 0, bytesTotal: 0, files: 0, filesTotal: 0, currentFile: '' };
  readonly counts: FileReadCounts = { records: 0, rejected: 0, errors: 0, skipped: 0, warnings: 0, invalidUtf8: 0 };
  readonly #source: string;
  readonly #sourceType: string;
  readonly #limits: BatchLimits;
  #records: RawRecord[] = [];
  #issues: FileReadIssue[] = [];
  #textBytes = 0;
  #readSinceBatch = 0;
  #now = Date.now();

  constructor(source: string, sourceType: string, limits: BatchLimits) {
    this.#source = source;
    this.#sourceType = sourceType;
    this.#limits = limits;
  }

  /** Adds one line or JSON value; blank (whitespace-only) lines carry nothing and are passed over. */
  addBytes(bytes: Uint8Array, file: string, line: number): void {
    if (isBlank(bytes)) return;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const valid = isUtf8(buf);
    const meta: Record<string, string> = { file, line: String(line) };
    if (!valid) {
      this.counts.invalidUtf8++;
      meta.encoding = 'invalid-utf8-replaced';
    }
    const text = buf.toString('utf8');
    this.#records.push({ source: this.#source, sourceType: this.#sourceType, receivedAt: this.#now, text, meta });
    this.#textBytes += bytes.length;
    this.counts.records++;
  }

  /**
   * Adds one record that is text already (an EVTX event rendered as JSON). `sourceType` replaces the
   * collector's when reading was left to auto-detection.
   */
  addText(text: string, meta: Record<string, string>, sourceType?: string): void {
    const type = sourceType !== undefined && this.#sourceType === 'auto' ? sourceType : this.#sourceType;
    this.#records.push({ source: this.#source, sourceType: type, receivedAt: this.#now, text, meta });
    this.#textBytes += text.length;
    this.counts.records++;
  }

  reject(file: string, line: number | undefined, reason: string): void {
    this.counts.rejected++;
    this.#issue({ kind: 'rejected', file, line, reason });
  }

  error(file: string, reason: string, line?: number): void {
    this.counts.errors++;
    this.#issue({ kind: 'error', file, line, reason });
  }

  skip(file: string, reason: string): void {
    this.counts.skipped++;
    this.#issue({ kind: 'skipped', file, reason });
  }

  warn(file: string, reason: string): void {
    this.counts.warnings++;
    this.#issue({ kind: 'warning', file, reason });
  }

  /** Counts bytes read from disk for progress. */
  read(n: number): void {
    this.progress.bytesRead += n;
    this.#readSinceBatch += n;
  }

  get full(): boolean {
    return (
      this.#records.length >= this.#limits.records ||
      this.#textBytes >= this.#limits.textBytes ||
      this.#issues.length >= MAX_ISSUES_PER_BATCH ||
      this.#readSinceBatch >= this.#limits.readBytes
    );
  }

  get empty(): boolean {
    return this.#records.length === 0 && this.#issues.length === 0;
  }

  /**
   * Hands out what was gathered since the last batch, at most `limits.records` records (one input
   * chunk can hold more; call again while {@link full}).
   */
  take(): FileBatch {
    let records = this.#records;
    if (records.length > this.#limits.records) {
      this.#records = records.slice(this.#limits.records);
      records = records.slice(0, this.#limits.records);
      this.#textBytes = this.#records.reduce((n, r) => n + (r.text?.length ?? 0), 0);
    } else {
      this.#records = [];
      this.#textBytes = 0;
    }
    const batch: FileBatch = {
      records,
      issues: this.#issues,
      progress: { ...this.progress },
      counts: { ...this.counts },
    };
    this.#issues = [];
    this.#readSinceBatch = 0;
    this.#now = Date.now();
    return batch;
  }

  #issue(issue: FileReadIssue): void {
    if (issue.line === undefined) delete issue.line;
    this.#issues.push(issue);
  }
}

function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) return false;
  }
  return true;
}
