/**
 * Incremental syslog frame decoder for stream transports (TCP, TLS).
 *
 * RFC 6587 allows two framings on one port: octet counting (`<len> <msg>`) and non-transparent
 * framing (a message ended by LF). Senders never announce which one they use, so — like rsyslog — the
 * first byte of every frame decides: a digit 1-9 starts an octet count, anything else starts an
 * LF-terminated frame (syslog messages begin with `<`). NUL is accepted as a trailer too, and a CR
 * before the LF is stripped.
 *
 * Pure code: no Node APIs, so it is fuzzed directly and reused by any stream transport.
 */

/** Which framing carried a frame. */
export type Framing = 'octet-counting' | 'lf';

/** One decoded message, without its framing and trailer. */
export interface Frame {
  bytes: Uint8Array;
  framing: Framing;
  /** Set when the message was longer than the limit and was cut; holds its length when known. */
  truncated?: { originalBytes?: number };
  /** Set when the stream ended before the frame was complete (octet count not reached). */
  incomplete?: { expectedBytes: number; receivedBytes: number };
}

/** What one {@link SyslogFrameDecoder.push} or {@link SyslogFrameDecoder.end} call produced. */
export interface DecodeResult {
  frames: Frame[];
  /**
   * A fatal framing error: the stream cannot be resynchronised and should be closed. Frames decoded
   * before the error are still in `frames`; `discardedBytes` counts what was thrown away after it.
   */
  error?: { reason: string; discardedBytes: number };
}

export interface FrameDecoderOptions {
  /** Longest message kept, in bytes; longer messages are cut at a UTF-8 character boundary. */
  maxMessageBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SP = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
/** 10 digits are enough for any real count; more means the stream is not octet counted. */
const MAX_COUNT_DIGITS = 10;

type State =
  | { kind: 'start' }
  | { kind: 'count'; value: number; digits: number }
  | { kind: 'octet-body'; expected: number; remaining: number }
  | { kind: 'lf' }
  | { kind: 'lf-discard' }
  | { kind: 'failed' };

// Stateless states are shared rather than allocated per frame (this runs once per message).
const START: State = { kind: 'start' };
const IN_LF: State = { kind: 'lf' };
const LF_DISCARD: State = { kind: 'lf-discard' };
const FAILED: State = { kind: 'failed' };

/**
 * Decodes a byte stream into syslog messages, one connection per instance. Feed chunks as they arrive
 * with {@link push}; call {@link end} when the stream closes to flush an unterminated last frame.
 *
 * @example
 * const decoder = new SyslogFrameDecoder({ maxMessageBytes: 65536 });
 * decoder.push(bytes('11 <13>hello x')); // frames: ['<13>hello x'] (octet counted)
 * decoder.push(bytes('<13>second\n'));    // frames: ['<13>second'] (LF framed)
 */
export class SyslogFrameDecoder {
  readonly #max: number;
  #state: State = START;
  /** Bytes of the current frame, kept as the chunks they came in to avoid quadratic copying. */
  #parts: Uint8Array[] = [];
  #partsLength = 0;
  /** Every byte of the current frame seen so far, kept or not: tells an oversized frame apart. */
  #frameLength = 0;

  constructor(options: FrameDecoderOptions) {
    if (!Number.isInteger(options.maxMessageBytes) || options.maxMessageBytes < 1) {
      throw new RangeError(`maxMessageBytes must be a positive integer, got ${options.maxMessageBytes}`);
    }
    this.#max = options.maxMessageBytes;
  }

  /** True once a framing error occurred; further input is discarded. */
  get failed(): boolean {
    return this.#state.kind === 'failed';
  }

  /** Decodes one chunk, returning the frames it completed. Never throws on any input. */
  push(chunk: Uint8Array): DecodeResult {
    const frames: Frame[] = [];
    let pos = 0;
    // Positions of the next LF and NUL in the chunk, found once and reused until passed: searching
    // again for every frame would be quadratic on chunks holding many small messages.
    let nextLf = -2;
    let nextNul = -2;
    while (pos < chunk.length) {
      const state = this.#state;
      switch (state.kind) {
        case 'failed':
          return { frames, error: { reason: 'stream already failed', discardedBytes: chunk.length - pos } };
        case 'start': {
          const b = chunk[pos] as number;
          if (b >= DIGIT_1 && b <= DIGIT_9) {
            this.#state = { kind: 'count', value: b - DIGIT_0, digits: 1 };
            pos++;
          } else {
            this.#state = IN_LF;
          }
          break;
        }
        case 'count': {
          const b = chunk[pos] as number;
          pos++;
          if (b >= DIGIT_0 && b <= DIGIT_9) {
            if (state.digits >= MAX_COUNT_DIGITS) {
              return this.#fail(frames, `octet count has more than ${MAX_COUNT_DIGITS} digits`, state.digits + 1 + chunk.length - pos);
            }
            state.value = state.value * 10 + (b - DIGIT_0);
            state.digits++;
          } else if (b === SP) {
            this.#state = { kind: 'octet-body', expected: state.value, remaining: state.value };
          } else {
            return this.#fail(
              frames,
              `invalid octet count: expected digits then a space, got byte 0x${b.toString(16).padStart(2, '0')} after "${state.value}"`,
              // The whole frame is lost from its first digit on.
              state.digits + 1 + chunk.length - pos,
            );
          }
          break;
        }
        case 'octet-body': {
          const take = Math.min(state.remaining, chunk.length - pos);
          this.#append(chunk.subarray(pos, pos + take));
          pos += take;
          state.remaining -= take;
          if (state.remaining === 0) {
            this.#emit(frames, 'octet-counting');
            this.#state = START;
          }
          break;
        }
        case 'lf':
        case 'lf-discard': {
          if (nextLf !== -1 && nextLf < pos) nextLf = chunk.indexOf(LF, pos);
          if (nextNul !== -1 && nextNul < pos) nextNul = chunk.indexOf(NUL, pos);
          const end = nextLf === -1 ? nextNul : nextNul === -1 ? nextLf : Math.min(nextLf, nextNul);
          const stop = end === -1 ? chunk.length : end;
          if (state.kind === 'lf') {
            this.#append(chunk.subarray(pos, stop));
            // Cut as soon as the frame is certainly too long (one byte of slack for the CR of a CRLF
            // trailer) instead of buffering up to the next LF, which may never come.
            if (end === -1 && this.#frameLength > this.#max + 1) {
              this.#emit(frames, 'lf', true);
              this.#state = LF_DISCARD;
            }
          }
          if (end === -1) {
            pos = chunk.length;
          } else {
            if (this.#state.kind === 'lf') this.#emit(frames, 'lf');
            this.#state = START;
            pos = end + 1;
          }
          break;
        }
      }
    }
    return { frames };
  }

  /**
   * Signals the end of the stream. An unterminated LF frame is returned as a message (senders may omit
   * the last trailer); an octet-counted frame cut short is returned marked `incomplete` rather than
   * dropped, since its bytes are still evidence.
   */
  end(): DecodeResult {
    const frames: Frame[] = [];
    const state = this.#state;
    this.#state = START;
    switch (state.kind) {
      case 'lf':
        this.#emit(frames, 'lf');
        return { frames };
      case 'octet-body': {
        const receivedBytes = state.expected - state.remaining;
        if (receivedBytes > 0) {
          this.#emit(frames, 'octet-counting');
          const last = frames.at(-1);
          if (last) last.incomplete = { expectedBytes: state.expected, receivedBytes };
        }
        this.#reset();
        return {
          frames,
          error: { reason: `stream ended inside an octet-counted frame after ${receivedBytes} of ${state.expected} bytes`, discardedBytes: 0 },
        };
      }
      case 'count':
        return { frames, error: { reason: `stream ended inside an octet count ("${state.value}")`, discardedBytes: state.digits } };
      default:
        this.#reset();
        return { frames };
    }
  }

  #fail(frames: Frame[], reason: string, discardedBytes: number): DecodeResult {
    this.#state = FAILED;
    this.#reset();
    return { frames, error: { reason, discardedBytes } };
  }

  #append(bytes: Uint8Array): void {
    this.#frameLength += bytes.length;
    // Past the limit nothing more is kept: memory per connection stays bounded by maxMessageBytes.
    const room = this.#max + 1 - this.#partsLength;
    if (room <= 0 || bytes.length === 0) return;
    const kept = bytes.length > room ? bytes.subarray(0, room) : bytes;
    this.#parts.push(kept);
    this.#partsLength += kept.length;
  }

  /** Completes the current frame; `cutEarly` when an LF frame is emitted before its LF arrived. */
  #emit(frames: Frame[], framing: Framing, cutEarly = false): void {
    const kept = concat(this.#parts, this.#partsLength);
    const total = this.#frameLength;
    this.#reset();
    if (!cutEarly && total === kept.length) {
      const whole = stripTrailer(kept);
      if (whole.length <= this.#max) {
        // Empty frames (a stray LF between frames) carry nothing and are skipped.
        if (whole.length > 0) frames.push({ bytes: whole, framing });
        return;
      }
      frames.push({ bytes: truncateUtf8(whole, this.#max), framing, truncated: { originalBytes: whole.length } });
      return;
    }
    // Bytes past the limit were not kept, so the frame is oversized whatever its trailer.
    const truncated = cutEarly ? {} : { originalBytes: total };
    frames.push({ bytes: truncateUtf8(kept, this.#max), framing, truncated });
  }

  #reset(): void {
    this.#parts = [];
    this.#partsLength = 0;
    this.#frameLength = 0;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Removes one trailing LF, CRLF or NUL (and a CR left before a NUL), as senders append them to
 * datagrams and octet-counted frames too.
 *
 * @example stripTrailer(bytes('<13>hi\r\n')) // '<13>hi'
 */
export function stripTrailer(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  const last = bytes[end - 1];
  if (last === LF || last === NUL) end--;
  if (end > 0 && bytes[end - 1] === CR) end--;
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}

/**
 * Cuts bytes to at most `max`, moving back to the start of a UTF-8 character so the cut itself never
 * creates an invalid sequence (which would be miscounted as invalid input).
 */
export function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Back over at most 3 continuation bytes (10xxxxxx) to the lead byte of the cut character.
  for (let i = 0; i < 3 && end > 0 && ((bytes[end] as number) & 0xc0) === 0x80; i++) end--;
  return bytes.subarray(0, end);
}
