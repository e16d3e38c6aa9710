/**
 * Streams a `.json` file as records without parsing it whole. It finds value boundaries with a small
 * byte scanner (strings, escapes, bracket depth) and hands each record's bytes on; the normalizer does
 * the real JSON parsing per record. Shapes understood:
 * - a top-level array: each element is a record;
 * - CloudTrail style `{"Records": [...]}`: each element of `Records` is a record;
 * - one object, or several concatenated: each top-level value is a record, capped at the record
 *   limit (a single huge document is rejected with its size, never buffered whole);
 * - newline-delimited JSON saved as `.json` (the first object fits on its first line): from then on
 *   the file is read line by line, so one corrupt line cannot swallow the rest of the file.
 */
import { LineSplitter, type LineHandler, type OversizeHandler } from './line-splitter.ts';

const RECORDS_KEY = [0x52, 0x65, 0x63, 0x6f, 0x72, 0x64, 0x73]; // "Records"

/** Syntax the scanner cannot recover from: the rest of the file is skipped and reported. */
export class JsonStructureError extends Error {
  override name = 'JsonStructureError';
}

/** Probe of the first key of a top-level object, looking for `"Records": [`. */
const PROBE = { none: 0, awaitKey: 1, inKey: 2, awaitColon: 3, awaitValue: 4 } as const;
type Probe = (typeof PROBE)[keyof typeof PROBE];

/** Incremental splitter; call `push` per chunk, then `end()` (throws if the input stopped mid-value). */
export class JsonSplitter {
  readonly #max: number;
  readonly #onValue: LineHandler;
  readonly #onOversize: OversizeHandler;
  readonly #onNotice: (line: number, reason: string) => void;
  #lines: LineSplitter | undefined;
  #line = 1;
  #started = false;
  #depth = 0;
  #inString = false;
  #escape = false;
  /** Depth at which values are records: 0 top level, 1 array elements, 2 `Records` elements, -1 none. */
  #elementDepth = 0;
  #capturing = false;
  /** 0 container, 1 string, 2 bare scalar (number, true, false, null). */
  #captureKind = 0;
  #captureStart = -1;
  #captureLine = 0;
  #pieces: Uint8Array[] = [];
  #pieceBytes = 0;
  #oversize = -1;
  #probe: Probe = PROBE.none;
  #keyLen = 0;
  #keyMatch = true;
  #tailNoticed = false;
  #valuesSeen = 0;

  constructor(
    maxBytes: number,
    onValue: LineHandler,
    onOversize: OversizeHandler,
    onNotice: (line: number, reason: string) => void,
  ) {
    this.#max = maxBytes;
    this.#onValue = onValue;
    this.#onOversize = onOversize;
    this.#onNotice = onNotice;
  }

  push(input: Uint8Array): void {
    if (this.#lines) return this.#lines.push(input);
    let chunk = input;
    if (!this.#started) {
      this.#started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (this.#capturing) this.#captureStart = 0;
    const n = chunk.length;
    let quoteAt = -1;
    let backslashAt = -1;
    let newlineAt = indexOrEnd(chunk, 0x0a, 0);
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!;
      if (this.#inString) {
        if (this.#probe === PROBE.inKey) {
          this.#probeKeyByte(b);
        } else if (!this.#escape) {
          // Skip ahead to the next quote or backslash: string bodies are most of the bytes.
          // Next-occurrence positions are cached per chunk: searching afresh for every string would
          // rescan to the chunk's end whenever a byte is absent, making each chunk quadratic.
          if (quoteAt < i) quoteAt = indexOrEnd(chunk, 0x22, i);
          if (backslashAt < i) backslashAt = indexOrEnd(chunk, 0x5c, i);
          const next = Math.min(quoteAt, backslashAt);
          // Raw line breaks are invalid inside JSON strings but still count for line numbers.
          while (newlineAt < next) {
            if (newlineAt >= i) this.#line++;
            newlineAt = indexOrEnd(chunk, 0x0a, newlineAt + 1);
          }
          if (next === n) break;
          i = next;
        }
        const c = chunk[i]!;
        if (this.#escape) this.#escape = false;
        else if (c === 0x5c) this.#escape = true;
        else if (c === 0x22) {
          this.#inString = false;
          if (this.#probe === PROBE.inKey) this.#probe = this.#keyMatch && this.#keyLen === RECORDS_KEY.length ? PROBE.awaitColon : PROBE.none;
          if (this.#capturing && this.#captureKind === 1 && this.#depth === this.#elementDepth) this.#endCapture(chunk, i + 1);
        } else if (c === 0x0a) this.#line++;
        continue;
      }
      if (b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a || b === 0x2c || b === 0x3a) {
        if (this.#capturing && this.#captureKind === 2) this.#endCapture(chunk, i);
        if (b === 0x0a) this.#line++;
        else if (b === 0x3a && this.#probe === PROBE.awaitColon) this.#probe = PROBE.awaitValue;
        else if (b === 0x2c && this.#elementDepth === -1 && this.#depth === 1 && !this.#tailNoticed) {
          this.#tailNoticed = true;
          this.#onNotice(this.#line, 'keys after the "Records" array were ignored');
        }
        continue;
      }
      if (this.#probe !== PROBE.none) {
        if (this.#probe === PROBE.awaitKey && b === 0x22) {
          this.#probe = PROBE.inKey;
          this.#keyLen = 0;
          this.#keyMatch = true;
        } else if (this.#probe === PROBE.awaitValue && b === 0x5b) {
          // `{"Records": [` : drop the captured prefix; the array's elements become the records.
          this.#probe = PROBE.none;
          this.#capturing = false;
          this.#pieces = [];
          this.#pieceBytes = 0;
          this.#oversize = -1;
          this.#elementDepth = 2;
          this.#depth = 2;
          continue;
        } else {
          this.#probe = PROBE.none;
        }
      }
      if (b === 0x7b || b === 0x5b) {
        if (!this.#capturing && this.#depth === this.#elementDepth) {
          if (this.#depth === 0 && b === 0x5b) {
            this.#elementDepth = 1;
          } else {
            this.#startCapture(i, 0);
            if (this.#depth === 0) this.#probe = PROBE.awaitKey;
          }
        }
        this.#depth++;
      } else if (b === 0x7d || b === 0x5d) {
        if (this.#capturing && this.#captureKind === 2) this.#endCapture(chunk, i);
        if (this.#depth === 0) throw new JsonStructureError(`unexpected '${String.fromCharCode(b)}' at line ${this.#line}`);
        this.#depth--;
        if (this.#capturing && this.#depth === this.#elementDepth) {
          if (this.#endCapture(chunk, i + 1) && this.#switchToLines(chunk, i + 1)) return;
        } else if (this.#depth < this.#elementDepth) {
          // The array holding the records closed.
          this.#elementDepth = this.#elementDepth === 2 ? -1 : 0;
        } else if (this.#elementDepth === -1 && this.#depth === 0) {
          this.#elementDepth = 0;
        }
      } else if (b === 0x22) {
        if (!this.#capturing && this.#depth === this.#elementDepth) this.#startCapture(i, 1);
        this.#inString = true;
      } else if (!this.#capturing && this.#depth === this.#elementDepth) {
        this.#startCapture(i, 2);
      }
    }
    if (this.#capturing) this.#append(chunk, this.#captureStart, n);
  }

  /** Flushes a trailing bare value; throws when the input stopped inside a value. */
  end(): void {
    if (this.#lines) return this.#lines.end();
    if (this.#capturing && this.#captureKind === 2 && !this.#inString) {
      this.#endCapture(new Uint8Array(0), 0);
      return;
    }
    if (this.#capturing || this.#inString || this.#depth > 0) {
      const line = this.#capturing ? this.#captureLine : this.#line;
      throw new JsonStructureError(`JSON ends inside a value that began at line ${line} (truncated file?)`);
    }
  }

  /** Drops a partially read value after the input broke off; returns where it began, if any. */
  abandon(): { line: number; bytes: number } | undefined {
    if (this.#lines) return this.#lines.abandon();
    if (!this.#capturing) return undefined;
    const cut = { line: this.#captureLine, bytes: this.#oversize >= 0 ? this.#oversize : this.#pieceBytes };
    this.#capturing = false;
    this.#pieces = [];
    return cut;
  }

  #probeKeyByte(b: number): void {
    if (b === 0x22 && !this.#escape) return; // closing quote, handled by the caller
    if (this.#escape || b === 0x5c || this.#keyLen >= RECORDS_KEY.length || RECORDS_KEY[this.#keyLen] !== b) this.#keyMatch = false;
    this.#keyLen++;
  }

  #startCapture(at: number, kind: number): void {
    this.#capturing = true;
    this.#captureKind = kind;
    this.#captureStart = at;
    this.#captureLine = this.#line;
    this.#pieces = [];
    this.#pieceBytes = 0;
    this.#oversize = -1;
  }

  #append(chunk: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.#oversize >= 0) {
      this.#oversize += n;
    } else if (this.#pieceBytes + n > this.#max) {
      this.#oversize = this.#pieceBytes + n;
      this.#pieces = [];
      this.#pieceBytes = 0;
    } else {
      this.#pieces.push(chunk.slice(from, to));
      this.#pieceBytes += n;
    }
  }

  /** Emits the captured value ending at `to` (exclusive); true when it was a one-line top-level object. */
  #endCapture(chunk: Uint8Array, to: number): boolean {
    this.#append(chunk, this.#captureStart, to);
    this.#capturing = false;
    this.#valuesSeen++;
    if (this.#oversize >= 0) {
      this.#onOversize(this.#captureLine, this.#oversize);
    } else {
      const parts = this.#pieces;
      this.#onValue(parts.length === 1 ? parts[0]! : concat(parts, this.#pieceBytes), this.#captureLine);
    }
    this.#pieces = [];
    this.#oversize = -1;
    return this.#elementDepth === 0 && this.#captureKind === 0 && this.#captureLine === this.#line;
  }

  /** After a first top-level object that fit on one line, treats the file as NDJSON. */
  #switchToLines(chunk: Uint8Array, from: number): boolean {
    if (this.#valuesSeen !== 1) return false;
    this.#lines = new LineSplitter(this.#max, this.#onValue, this.#onOversize, this.#line);
    this.#lines.push(chunk.subarray(from));
    return true;
  }
}

function indexOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
