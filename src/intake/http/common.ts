import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findSourceType } from '../../normalize/registry.ts';
import { BackpressureError, type IntakeAuthenticator, type IntakeSink, type SubmitReceipt } from '../intake-sink.ts';
import type { RawRecord } from '../../core/event.ts';
import { BodyError, type HttpIntakeLimits } from './body.ts';
import { authenticateRequest } from './intake-auth.ts';
import type { AuthResult } from './intake-auth.ts';
import type { IntakeKind } from '../../core/event.ts';
import type { IntakeSource } from '../intake-sink.ts';

/** What every HTTP intake plugin needs; built once by `registerHttpIntake`. */
export interface HttpIntakeDeps {
  sink: IntakeSink;
  auth: IntakeAuthenticator;
  limits: HttpIntakeLimits;
  /** Clock for `receivedAt`; injectable for tests. */
  now: () => number;
}

/** True when `name` is `auto` or a registered source type, i.e. usable as a record's `sourceType`. */
export function isKnownSourceType(name: string): boolean {
  return name === 'auto' || findSourceType(name) !== undefined;
}

export type SubmitOutcome = { ok: true; receipt: SubmitReceipt } | { ok: false; busy: BackpressureError };

/**
 * Hands records to the sink. Backpressure is an expected outcome (the caller answers 429/503 with
 * Retry-After); any other failure (journal I/O) propagates and becomes a 5xx.
 */
export async function submitRecords(sink: IntakeSink, records: RawRecord[]): Promise<SubmitOutcome> {
  try {
    return { ok: true, receipt: await sink.submit(records) };
  } catch (err) {
    if (err instanceof BackpressureError) return { ok: false, busy: err };
    throw err;
  }
}

/** Sets `Retry-After` (whole seconds, at least 1) for a backpressure answer. */
export function setRetryAfter(reply: FastifyReply, busy: BackpressureError): void {
  reply.header('retry-after', String(Math.max(1, Math.ceil(busy.retryAfterSeconds))));
}

/** Transport facts every record keeps: the client address. */
export function baseMeta(request: FastifyRequest): Record<string, string> {
  return { 'client.ip': request.ip };
}

/** The UTF-8 size of `text` when it exceeds `limit` bytes, else undefined; skips counting when it obviously fits. */
export function bytesOver(text: string, limit: number): number | undefined {
  if (text.length * 3 <= limit) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limit ? bytes : undefined;
}

/** Shortens a message for an error reply, so echoing bad input cannot make replies huge. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

const sources = new WeakMap<FastifyRequest, IntakeSource>();

/**
 * Authenticates every request of the context in `onRequest`, before the body is read, so a wrong
 * token costs no upload. `isPublic` exempts routes such as HEC health; `deny` answers in the protocol's
 * own error format.
 */
export function requireIntakeToken(
  app: FastifyInstance,
  auth: IntakeAuthenticator,
  kind: IntakeKind,
  deny: (reply: FastifyReply, failure: Exclude<AuthResult, { ok: true }>) => FastifyReply,
  isPublic: (request: FastifyRequest) => boolean = () => false,
): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request)) return;
    const result = authenticateRequest(request, auth, kind);
    if (result.ok) {
      sources.set(request, result.source);
      return;
    }
    return deny(reply, result);
  });
}

/** The source authenticated for this request by {@link requireIntakeToken}. */
export function sourceOf(request: FastifyRequest): IntakeSource {
  const source = sources.get(request);
  if (!source) throw new Error('intake route reached without authentication');
  return source;
}

/**
 * Maps errors raised outside handlers (body over the limit, bad Content-Length, undecodable body)
 * and unexpected failures into the protocol's error format. Unexpected errors are logged and
 * answered 500 without internals.
 */
export function installErrorHandler(
  app: FastifyInstance,
  maxBodyBytes: number,
  send: (reply: FastifyReply, status: number, message: string) => FastifyReply,
): void {
  app.setErrorHandler((err: FastifyError | BodyError | Error, request, reply) => {
    if (err instanceof BodyError) return send(reply, err.statusCode, err.message);
    const status = (err as FastifyError).statusCode;
    if ((err as FastifyError).code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(reply, 413, `request body exceeds the ${maxBodyBytes}-byte limit`);
    }
    if (typeof status === 'number' && status >= 400 && status < 500) return send(reply, status, err.message);
    request.log.error({ err }, 'intake request failed');
    return send(reply, 500, 'internal error while accepting records; nothing was acknowledged');
  });
}
