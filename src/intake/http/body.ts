import { gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { InputLimits } from '../../core/limits.ts';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';

/** Limits for HTTP intake: the per-record input limits plus request-level byte limits. */
export interface HttpIntakeLimits extends InputLimits {
  /** Largest request body as sent on the wire (compressed size when Content-Encoding is set). */
  maxBodyBytes: number;
  /** Largest body after decompression; a gzip bomb stops here with 413. */
  maxDecodedBytes: number;
}

export const DEFAULT_HTTP_INTAKE_LIMITS: HttpIntakeLimits = {
  ...DEFAULT_INPUT_LIMITS,
  maxBodyBytes: 16 * 1024 * 1024,
  maxDecodedBytes: 64 * 1024 * 1024,
};

/** A failure while reading a body, carrying the HTTP status each protocol maps into its own format. */
export class BodyError extends Error {
  override name = 'BodyError';
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/**
 * Replaces the context's content-type parsers with one that hands every body over as a raw Buffer,
 * bounded by `maxBodyBytes`. Call inside an encapsulated plugin only: the root app keeps its JSON
 * parser. Shippers send odd content types (splunk-logging says form-urlencoded, Elasticsearch clients
 * a vendor type), so each protocol decides itself what the bytes mean.
 */
export function useRawBodies(app: FastifyInstance, limits: HttpIntakeLimits): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.maxBodyBytes }, (_req, body, done) => {
    done(null, body);
  });
}

function inflateAsync(fn: typeof gunzip, data: InputType, opts: ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(data, opts, (err, out) => (err ? reject(err) : resolve(out))));
}

/**
 * The request body as bytes, decompressed per `Content-Encoding` (gzip, deflate, identity). Output is
 * capped at `maxDecodedBytes` so a small compressed bomb cannot allocate gigabytes: it gets 413.
 * Throws {@link BodyError}.
 */
export async function readBody(request: FastifyRequest, limits: HttpIntakeLimits): Promise<Buffer> {
  const raw = request.body;
  const body = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  const encoding = (request.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') {
    if (body.length > limits.maxDecodedBytes) {
      throw new BodyError(413, `request body of ${body.length} bytes exceeds the ${limits.maxDecodedBytes}-byte limit`);
    }
    return body;
  }
  const fn = encoding === 'gzip' || encoding === 'x-gzip' ? gunzip : encoding === 'deflate' ? inflate : undefined;
  if (!fn) throw new BodyError(415, `unsupported Content-Encoding "${encoding}" (use gzip, deflate or identity)`);
  if (body.length === 0) return body;
  try {
    return await inflateAsync(fn, body, { maxOutputLength: limits.maxDecodedBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BodyError(413, `decompressed body exceeds the ${limits.maxDecodedBytes}-byte limit`);
    }
    throw new BodyError(400, `body is not valid ${encoding} data: ${(err as Error).message}`);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, refusing invalid sequences instead of silently replacing them. Undefined when invalid. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** One line of a line-oriented body: its 1-based number and its raw bytes (without `\r\n`). */
export interface BodyLine {
  line: number;
  bytes: Buffer;
}

/**
 * Splits a body into lines on LF (dropping a trailing CR), skipping blank lines. Lines stay bytes so
 * each can be checked for size and UTF-8 on its own: one bad line does not spoil the rest.
 */
export function splitLines(body: Buffer): BodyLine[] {
  const out: BodyLine[] = [];
  let start = 0;
  let line = 1;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop -= 1;
    if (!isBlank(body, start, stop)) out.push({ line, bytes: body.subarray(start, stop) });
    start = end + 1;
    line += 1;
  }
  return out;
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
