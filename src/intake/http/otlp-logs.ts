import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { depthExceeds } from '../../core/json.ts';
import type { RawRecord } from '../../core/event.ts';
import { decodeUtf8, readBody, useRawBodies } from './body.ts';
import { baseMeta, clip, installErrorHandler, requireIntakeToken, setRetryAfter, sourceOf, submitRecords, type HttpIntakeDeps } from './common.ts';
import { OtlpShapeError, convertLogsRequest, envelopeDepth, type ConvertedLogs } from './otlp-convert.ts';
import { decodeLogsRequest, encodeLogsResponse, encodeStatus } from './otlp-proto.ts';

/** OTLP/HTTP logs path, as exporters append it to their endpoint. */
export const OTLP_LOGS_PATH = '/v1/logs';

type Encoding = 'json' | 'protobuf';

// google.rpc.Code values used in Status replies.
const RPC = { INVALID_ARGUMENT: 3, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, INTERNAL: 13, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

function encodingOf(request: FastifyRequest): Encoding | undefined {
  const media = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (media === 'application/json') return 'json';
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  return undefined;
}

function rpcCode(status: number): number {
  if (status === 401) return RPC.UNAUTHENTICATED;
  if (status === 403) return RPC.PERMISSION_DENIED;
  if (status === 413) return RPC.RESOURCE_EXHAUSTED;
  if (status === 429) return RPC.RESOURCE_EXHAUSTED;
  if (status === 503) return RPC.UNAVAILABLE;
  if (status >= 500) return RPC.INTERNAL;
  return RPC.INVALID_ARGUMENT;
}

/** Error reply: a `google.rpc.Status` in the request's encoding (JSON when unknown), as OTLP/HTTP requires. */
function sendStatus(reply: FastifyReply, status: number, message: string): FastifyReply {
  const code = rpcCode(status);
  reply.code(status);
  if (encodingOf(reply.request) === 'protobuf') {
    return reply.type('application/x-protobuf').send(Buffer.from(encodeStatus(code, message)));
  }
  return reply.type('application/json').send({ code, message });
}

/**
 * OTLP/HTTP logs: `POST /v1/logs` with `application/json` or `application/x-protobuf`, optionally
 * gzip-encoded. Each log record becomes a structured record (see otlp-convert.ts). Invalid records are
 * rejected individually through `partialSuccess`; the reply uses the request's encoding.
 */
export async function otlpLogsPlugin(app: FastifyInstance, deps: HttpIntakeDeps): Promise<void> {
  const { limits } = deps;
  useRawBodies(app, limits);
  installErrorHandler(app, limits.maxBodyBytes, sendStatus);
  requireIntakeToken(app, deps.auth, 'otlp', (reply, failure) =>
    sendStatus(reply, failure.reason === 'wrong-kind' ? 403 : 401, failure.message));

  app.post(OTLP_LOGS_PATH, async (request, reply) => {
    const encoding = encodingOf(request);
    if (!encoding) return sendStatus(reply, 415, 'Content-Type must be application/json or application/x-protobuf');
    const body = await readBody(request, limits);
    let decoded: unknown;
    if (encoding === 'json') {
      const text = decodeUtf8(body);
      if (text === undefined) return sendStatus(reply, 400, 'body is not valid UTF-8');
      try {
        decoded = text.trim() === '' ? {} : JSON.parse(text);
      } catch (err) {
        return sendStatus(reply, 400, `invalid JSON: ${clip((err as Error).message)}`);
      }
    } else {
      try {
        decoded = decodeLogsRequest(body);
      } catch (err) {
        // Also catches stack exhaustion from absurdly nested messages.
        return sendStatus(reply, 400, `invalid protobuf ExportLogsServiceRequest: ${clip((err as Error).message)}`);
      }
    }
    if (depthExceeds(decoded, envelopeDepth(limits))) {
      return sendStatus(reply, 400, `request nested deeper than ${envelopeDepth(limits)} levels`);
    }
    let converted: ConvertedLogs;
    try {
      converted = convertLogsRequest(decoded, encoding === 'json' ? 'hex' : 'base64', limits);
    } catch (err) {
      if (err instanceof OtlpShapeError) return sendStatus(reply, 400, err.message);
      throw err;
    }

    if (converted.records.length > 0) {
      const source = sourceOf(request);
      const receivedAt = deps.now();
      const meta = baseMeta(request);
      const records: RawRecord[] = converted.records.map(({ data, scope }) => ({
        source: source.name, sourceType: source.sourceType, receivedAt, data, meta: scope === undefined ? meta : { ...meta, 'otlp.scope': scope },
      }));
      const outcome = await submitRecords(deps.sink, records);
      if (!outcome.ok) {
        setRetryAfter(reply, outcome.busy);
        return sendStatus(reply, 429, outcome.busy.message);
      }
    }
    const message = converted.rejected === 0 ? ''
      : `rejected ${converted.rejected} log record(s): ${converted.reasons.join('; ')}${converted.rejected > converted.reasons.length ? '; …' : ''}`;
    reply.code(200);
    if (encoding === 'protobuf') {
      return reply.type('application/x-protobuf').send(Buffer.from(encodeLogsResponse(converted.rejected, message)));
    }
    return reply.type('application/json').send(converted.rejected === 0 ? {}
      : { partialSuccess: { rejectedLogRecords: String(converted.rejected), errorMessage: message } });
  });
}
