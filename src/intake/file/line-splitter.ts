/**
 * Splits a byte stream into lines without ever holding more than one record's worth of bytes.
 * Works on bytes, not text, so the record limit is measured in UTF-8 bytes and a multi-byte
 * character cut by a chunk boundary is reassembled before decoding.
 */

const LF = 0x0a;
const CR = 0x0d;

/** Receives each complete line (without its `\n` or `\r\n`), numbered from 1. */
export type LineHandler = (bytes: Uint8Array, line: number) => void;
/** Receives a line that exceeded the limit; `bytes` is its full length, which was counted, not kept. */
export type OversizeHandler = (line: number, bytes: number) => void;

/**
 * Incremental line splitter. `push` chunks in order, then `end()` for the last line without a newline,
 * or `abandon()` when the input broke off (truncated archive) so the cut line is not passed on as whole.
 */
export class LineSplitter {
  readonly #max: number;
  readonly #onLine: LineHandler;
  readonly #onOversize: OversizeHandler;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Set while skipping the rest of an oversized line; counts its bytes. */
  #oversize = -1;
  #line: number;

  constructor(maxBytes: number, onLine: LineHandler, onOversize: OversizeHandler, firstLine = 1) {
    this.#max = maxBytes;
    this.#onLine = onLine;
    this.#onOversize = onOversize;
    this.#line = firstLine;
  }

  /** Number of the line currently being assembled. */
  get line(): number {
    return this.#line;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(LF, start);
      if (nl === -1) {
        this.#accumulate(chunk, start, chunk.length);
        return;
      }
      if (this.#pendingBytes === 0 && this.#oversize < 0) {
        // Fast path: the whole line lies in this chunk; the handler decodes it before push() returns.
        this.#emit(chunk.subarray(start, nl), this.#line++);
      } else {
        this.#accumulate(chunk, start, nl);
        this.#finishLine();
      }
      start = nl + 1;
    }
  }

  /** Emits the final line when the input did not end with a newline. */
  end(): void {
    if (this.#pendingBytes > 0 || this.#oversize >= 0) this.#finishLine();
  }

  /**
   * Drops the partial line after the input broke off and returns its number and size (undefined when
   * the break fell on a line boundary), so the caller can report it instead of storing half a record.
   */
  abandon(): { line: number; bytes: number } | undefined {
    const bytes = this.#oversize >= 0 ? this.#oversize : this.#pendingBytes;
    const cut = bytes > 0 ? { line: this.#line, bytes } : undefined;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#oversize = -1;
    return cut;
  }

  #accumulate(chunk: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n === 0) return;
    if (this.#oversize >= 0) {
      this.#oversize += n;
      return;
    }
    // A trailing \r may be the first half of \r\n, so the limit allows one extra byte until the line ends.
    if (this.#pendingBytes + n > this.#max + 1) {
      this.#oversize = this.#pendingBytes + n;
      this.#pending = [];
      this.#pendingBytes = 0;
      return;
    }
    // Copy: the caller may reuse its chunk buffer once push() returns.
    this.#pending.push(chunk.slice(from, to));
    this.#pendingBytes += n;
  }

  #finishLine(): void {
    const line = this.#line++;
    if (this.#oversize >= 0) {
      this.#onOversize(line, this.#oversize);
      this.#oversize = -1;
      return;
    }
    const bytes = this.#pending.length === 1 ? this.#pending[0]! : concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#emit(bytes, line);
  }

  #emit(line: Uint8Array, n: number): void {
    let bytes = line;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (bytes.length > this.#max) this.#onOversize(n, bytes.length);
    else this.#onLine(bytes, n);
  }
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
