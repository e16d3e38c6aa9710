import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { RawRecord } from '../../core/event.ts';
import { depthExceeds, parseJsonObject } from '../../core/json.ts';
import { sourceTypeNames } from '../../normalize/registry.ts';
import { decodeUtf8, readBody, splitLines, useRawBodies } from './body.ts';
import {
  baseMeta, clip, installErrorHandler, isKnownSourceType, requireIntakeToken, setRetryAfter, sourceOf,
  submitRecords, type HttpIntakeDeps,
} from './common.ts';

/** Path of Vigil's own ingest API. */
export const VIGIL_INGEST_PATH = '/api/v1/ingest';

/** Most per-record errors listed in one reply; `rejected` still counts all of them. */
const MAX_LISTED_ERRORS = 100;

/** A record that could not be accepted: `line` (1-based) for line formats, `item` (0-based) for JSON arrays. */
export interface IngestError {
  line?: number;
  item?: number;
  reason: string;
}

/** Reply of `POST /api/v1/ingest`: good records are accepted even when others in the body are not. */
export interface IngestResponse {
  accepted: number;
  rejected: number;
  errors: IngestError[];
  /** True when more errors occurred than are listed. */
  errorsTruncated?: boolean;
}

type Format = 'json' | 'ndjson' | 'text';

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines']);

function formatOf(contentType: string | undefined): Format | undefined {
  const media = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'))) return 'json';
  if (NDJSON_TYPES.has(media)) return 'ndjson';
  if (media === 'text/plain') return 'text';
  return undefined;
}

const querySchema = z.object({ sourceType: z.string().min(1).max(64).optional() });

function sendError(reply: FastifyReply, status: number, message: string): FastifyReply {
  const error = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 413 ? 'Payload Too Large'
    : status === 415 ? 'Unsupported Media Type' : status === 429 ? 'Too Many Requests' : status >= 500 ? 'Internal Server Error' : 'Bad Request';
  return reply.code(status).send({ statusCode: status, error, message });
}

/**
 * `POST /api/v1/ingest`: Vigil's native intake. Bodies are `application/json` (an object or an array
 * of objects), `application/x-ndjson` (one JSON object per line) or `text/plain` (one record per
 * line), optionally gzip/deflate encoded. Per-record problems are reported with their line or item
 * number while the good records are accepted; `?sourceType=` selects the parser for the batch.
 */
export async function vigilIngestPlugin(app: FastifyInstance, deps: HttpIntakeDeps): Promise<void> {
  useRawBodies(app, deps.limits);
  installErrorHandler(app, deps.limits.maxBodyBytes, sendError);
  requireIntakeToken(app, deps.auth, 'http', (reply, failure) =>
    sendError(reply, failure.reason === 'wrong-kind' ? 403 : 401, failure.message));

  app.post(VIGIL_INGEST_PATH, async (request, reply) => {
    const source = sourceOf(request);
    const query = querySchema.safeParse(request.query);
    if (!query.success) return sendError(reply, 400, 'sourceType must be a name of 1 to 64 characters');
    const sourceType = query.data.sourceType ?? source.sourceType;
    if (!isKnownSourceType(sourceType)) {
      return sendError(reply, 400, `unknown sourceType "${clip(sourceType, 64)}"; known: ${sourceTypeNames().join(', ')}`);
    }
    const format = formatOf(request.headers['content-type']);
    if (!format) {
      return sendError(reply, 415, 'Content-Type must be application/json, application/x-ndjson or text/plain');
    }
    const body = await readBody(request, deps.limits);
    const receivedAt = deps.now();
    const meta = baseMeta(request);
    const make = (content: { text: string } | { data: unknown }): RawRecord =>
      ({ source: source.name, sourceType, receivedAt, ...content, meta });

    const parsed = format === 'json' ? fromJson(body, deps, make) : fromLines(body, format, deps, make);
    if ('fatal' in parsed) return sendError(reply, 400, parsed.fatal);
    const { records, errors } = parsed;
    const response: IngestResponse = {
      accepted: records.length,
      rejected: errors.length,
      errors: errors.slice(0, MAX_LISTED_ERRORS),
      ...(errors.length > MAX_LISTED_ERRORS ? { errorsTruncated: true } : {}),
    };
    if (records.length === 0) {
      if (errors.length === 0) return sendError(reply, 400, 'body holds no records');
      return reply.code(400).send(response);
    }
    const outcome = await submitRecords(deps.sink, records);
    if (!outcome.ok) {
      setRetryAfter(reply, outcome.busy);
      return sendError(reply, 429, `${outcome.busy.message}; nothing of this request was accepted`);
    }
    return reply.code(200).send(response);
  });
}

type Parsed = { records: RawRecord[]; errors: IngestError[] } | { fatal: string };
type Make = (content: { text: string } | { data: unknown }) => RawRecord;

function fromJson(body: Buffer, deps: HttpIntakeDeps, make: Make): Parsed {
  const text = decodeUtf8(body);
  if (text === undefined) return { fatal: 'body is not valid UTF-8' };
  if (text.trim() === '') return { fatal: 'body is empty' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { fatal: `invalid JSON: ${(err as Error).message}` };
  }
  const { maxJsonDepth, maxRecordBytes } = deps.limits;
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!Array.isArray(value)) {
    if (!isObject(value)) return { fatal: 'JSON body must be an object or an array of objects' };
    if (depthExceeds(value, maxJsonDepth)) return { fatal: `JSON nested deeper than ${maxJsonDepth} levels` };
    if (body.length > maxRecordBytes) return { fatal: `record of ${body.length} bytes exceeds the ${maxRecordBytes}-byte limit` };
    return { records: [make({ data: value })], errors: [] };
  }
  const records: RawRecord[] = [];
  const errors: IngestError[] = [];
  // Only a body larger than one record can hold an oversized record: skip re-serializing otherwise.
  const checkSize = body.length > maxRecordBytes;
  value.forEach((item: unknown, index) => {
    if (!isObject(item)) return errors.push({ item: index, reason: 'array element is not a JSON object' });
    if (depthExceeds(item, maxJsonDepth)) return errors.push({ item: index, reason: `JSON nested deeper than ${maxJsonDepth} levels` });
    const size = checkSize ? Buffer.byteLength(JSON.stringify(item), 'utf8') : 0;
    if (size > maxRecordBytes) return errors.push({ item: index, reason: `record of ${size} bytes exceeds the ${maxRecordBytes}-byte limit` });
    records.push(make({ data: item }));
  });
  return { records, errors };
}

function fromLines(body: Buffer, format: 'ndjson' | 'text', deps: HttpIntakeDeps, make: Make): Parsed {
  const { maxJsonDepth, maxRecordBytes } = deps.limits;
  const records: RawRecord[] = [];
  const errors: IngestError[] = [];
  for (const { line, bytes } of splitLines(body)) {
    if (bytes.length > maxRecordBytes) {
      errors.push({ line, reason: `line of ${bytes.length} bytes exceeds the ${maxRecordBytes}-byte record limit` });
      continue;
    }
    const text = decodeUtf8(bytes);
    if (text === undefined) {
      errors.push({ line, reason: 'line is not valid UTF-8' });
      continue;
    }
    if (format === 'ndjson') {
      // Validated here so the sender learns about it; kept as text so the original stays byte-exact.
      const parsed = parseJsonObject(text, maxJsonDepth);
      if (!parsed.ok) {
        errors.push({ line, reason: clip(parsed.reason) });
        continue;
      }
    }
    records.push(make({ text }));
  }
  return { records, errors };
}
