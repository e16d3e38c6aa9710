import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawRecord } from '../../core/event.ts';
import { decodeUtf8, readBody, splitLines, useRawBodies } from './body.ts';
import {
  baseMeta, clip, installErrorHandler, isKnownSourceType, requireIntakeToken, setRetryAfter, sourceOf,
  submitRecords, type HttpIntakeDeps,
} from './common.ts';
import { HecAckRegistry } from './hec-acks.ts';
import { splitConcatenatedJson } from './json-stream.ts';
import type { IntakeSource } from '../intake-sink.ts';

/** Where HEC lives, as on a Splunk indexer (clients append the paths below to their base URL). */
export const HEC_PREFIX = '/services/collector';

/** Indexer acknowledgement settings. */
export interface HecOptions {
  /** Answer `/ack` and hand out ack ids. Real HEC enables this per token; here it is on for every request that names a channel. */
  ackEnabled: boolean;
  /** Channels tracked at once; the least recently used is forgotten beyond this. */
  maxAckChannels: number;
  /** Unreported acks per channel; further requests on that channel get 503 "Server is busy". */
  maxPendingAcksPerChannel: number;
}

export const DEFAULT_HEC_OPTIONS: HecOptions = { ackEnabled: true, maxAckChannels: 10_000, maxPendingAcksPerChannel: 10_000 };

/** Most ack ids one `/ack` request may ask about. */
const MAX_ACK_QUERY = 10_000;

/** HEC's documented status texts, by code. */
const HEC_TEXT: Record<number, string> = {
  0: 'Success', 2: 'Token is required', 3: 'Invalid authorization', 4: 'Invalid token', 5: 'No data',
  6: 'Invalid data format', 7: 'Incorrect index', 8: 'Internal server error', 9: 'Server is busy',
  10: 'Data channel is missing', 11: 'Invalid data channel', 12: 'Event field is required',
  13: 'Event field cannot be blank', 14: 'ACK is disabled', 17: 'HEC is healthy', 18: 'HEC is unhealthy, queues are full',
};

interface HecReplyExtra {
  'invalid-event-number'?: number;
  /** Vigil's explanation beside HEC's fixed text; clients read only text and code. */
  detail?: string;
  ackId?: number;
}

function hec(reply: FastifyReply, status: number, code: number, extra: HecReplyExtra = {}): FastifyReply {
  return reply.code(status).send({ text: HEC_TEXT[code] ?? 'Error', code, ...extra });
}

// HEC channels are GUIDs; checked by hand (fixed layout) rather than with a regular expression.
function isGuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

interface Query {
  channel?: string;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
}

function queryOf(request: FastifyRequest): Query {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const pick = (k: string) => (typeof q[k] === 'string' ? clip(q[k], 256) : undefined);
  return { channel: pick('channel'), host: pick('host'), source: pick('source'), sourcetype: pick('sourcetype'), index: pick('index') };
}

/** Splunk's per-event envelope fields kept as record metadata. */
interface Envelope {
  time?: string;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  fields?: string;
}

function envelopeMeta(env: Envelope, channel: string | undefined): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) meta[`hec.${k}`] = v;
  if (channel !== undefined) meta['hec.channel'] = channel;
  return meta;
}

type EventParse = { ok: true; records: RawRecord[] } | { ok: false; code: number; index?: number; detail?: string };

/**
 * Splunk HTTP Event Collector: `/services/collector[/event[/1.0]]` (concatenated JSON events),
 * `/raw[/1.0]` (lines), `/health[/1.0]` and `/ack`, with HEC's status codes and texts. A request is
 * accepted whole or not at all (real HEC keeps the events before a bad one; Vigil refuses the
 * request so a resend cannot duplicate). Success is sent only after the journal fsync.
 */
export async function splunkHecPlugin(app: FastifyInstance, deps: HttpIntakeDeps & { hec: HecOptions }): Promise<void> {
  const { limits } = deps;
  const acks = new HecAckRegistry(deps.hec.maxAckChannels, deps.hec.maxPendingAcksPerChannel);
  useRawBodies(app, limits);
  installErrorHandler(app, limits.maxBodyBytes, (reply, status, message) =>
    hec(reply, status, status >= 500 ? 8 : 6, { detail: message }));
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ text: 'The requested URL was not found on this server.', code: 404 }));
  requireIntakeToken(app, deps.auth, 'hec', (reply, failure) => {
    if (failure.reason === 'missing') return hec(reply, 401, 2);
    if (failure.reason === 'malformed') return hec(reply, 401, 3, { detail: failure.message });
    return hec(reply, 403, 4, failure.reason === 'wrong-kind' ? { detail: failure.message } : {});
  }, (request) => request.url.startsWith(`${HEC_PREFIX}/health`));

  /** Channel from `X-Splunk-Request-Channel` or `?channel=`; undefined when none. */
  function channelOf(request: FastifyRequest, query: Query): string | undefined {
    const header = request.headers['x-splunk-request-channel'];
    return (typeof header === 'string' ? header : undefined) ?? query.channel;
  }

  async function accept(request: FastifyRequest, reply: FastifyReply, build: (src: IntakeSource, q: Query, channel: string | undefined) => Promise<EventParse>) {
    const query = queryOf(request);
    const channel = channelOf(request, query);
    if (channel !== undefined && !isGuid(channel)) return hec(reply, 400, 11, { detail: 'channel must be a GUID' });
    const source = sourceOf(request);
    const ackKey = channel !== undefined && deps.hec.ackEnabled ? `${source.id}\n${channel.toLowerCase()}` : undefined;
    if (ackKey !== undefined && !acks.hasRoom(ackKey)) {
      reply.header('retry-after', '5');
      return hec(reply, 503, 9, { detail: `channel has ${deps.hec.maxPendingAcksPerChannel} unqueried acks; query /ack first` });
    }
    const parsed = await build(source, query, channel);
    if (!parsed.ok) {
      const extra: HecReplyExtra = parsed.index === undefined ? {} : { 'invalid-event-number': parsed.index };
      return hec(reply, 400, parsed.code, parsed.detail === undefined ? extra : { ...extra, detail: parsed.detail });
    }
    if (parsed.records.length === 0) return hec(reply, 400, 5);
    const outcome = await submitRecords(deps.sink, parsed.records);
    if (!outcome.ok) {
      setRetryAfter(reply, outcome.busy);
      return hec(reply, 503, 9, { detail: outcome.busy.message });
    }
    return ackKey === undefined ? hec(reply, 200, 0) : hec(reply, 200, 0, { ackId: acks.add(ackKey, outcome.receipt.lastSeq) });
  }

  const eventHandler = (request: FastifyRequest, reply: FastifyReply) => accept(request, reply, async (source, query, channel) => {
    const body = await readBody(request, limits);
    const text = decodeUtf8(body);
    if (text === undefined) return { ok: false, code: 6, index: 0, detail: 'body is not valid UTF-8' };
    if (text.trim() === '') return { ok: false, code: 5 };
    const split = splitConcatenatedJson(text, limits.maxJsonDepth + 1);
    if (!split.ok) return { ok: false, code: 6, index: split.index, detail: split.reason };
    const receivedAt = deps.now();
    const records: RawRecord[] = [];
    for (const [index, objectText] of split.objects.entries()) {
      const result = parseEvent(objectText, index, query);
      if (!result.ok) return result;
      const { event, env } = result;
      const sourceType = env.sourcetype !== undefined && isKnownSourceType(env.sourcetype) ? env.sourcetype : source.sourceType;
      const meta = { ...baseMeta(request), ...envelopeMeta(env, channel) };
      const content = typeof event === 'string' ? { text: event }
        : event !== null && typeof event === 'object' && !Array.isArray(event) ? { data: event } : { text: JSON.stringify(event) };
      records.push({ source: source.name, sourceType, receivedAt, ...content, meta });
    }
    return { ok: true, records };
  });

  function parseEvent(objectText: string, index: number, query: Query):
    { ok: true; event: unknown; env: Envelope } | { ok: false; code: number; index: number; detail: string } {
    const fail = (code: number, detail: string) => ({ ok: false as const, code, index, detail });
    const bytes = Buffer.byteLength(objectText, 'utf8');
    if (bytes > limits.maxRecordBytes) return fail(6, `event of ${bytes} bytes exceeds the ${limits.maxRecordBytes}-byte limit`);
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(objectText) as Record<string, unknown>;
    } catch (err) {
      return fail(6, `invalid JSON: ${clip((err as Error).message)}`);
    }
    if (!('event' in parsed)) return fail(12, 'each object needs an "event" field');
    const event = parsed.event;
    if (event === null || event === '') return fail(13, '"event" is empty');
    const env: Envelope = { host: query.host, source: query.source, sourcetype: query.sourcetype, index: query.index };
    for (const key of ['host', 'source', 'sourcetype', 'index'] as const) {
      const v = parsed[key];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string') return fail(6, `"${key}" must be a string`);
      env[key] = clip(v, 256);
    }
    if (parsed.time !== undefined && parsed.time !== null) {
      const t = parsed.time;
      const valid = (typeof t === 'number' && Number.isFinite(t) && t >= 0) || (typeof t === 'string' && isEpochSeconds(t));
      if (!valid) return fail(6, '"time" must be epoch seconds, e.g. 1700000000.123');
      env.time = String(t);
    }
    if (parsed.fields !== undefined && parsed.fields !== null) {
      const f = parsed.fields;
      if (typeof f !== 'object' || Array.isArray(f)) return fail(6, '"fields" must be an object');
      for (const [k, v] of Object.entries(f)) {
        const ok = isScalar(v) || (Array.isArray(v) && v.every(isScalar));
        if (!ok) return fail(6, `"fields.${clip(k, 64)}" must be a string, number, boolean or an array of them`);
      }
      env.fields = JSON.stringify(f);
    }
    return { ok: true, event, env };
  }

  const rawHandler = (request: FastifyRequest, reply: FastifyReply) => accept(request, reply, async (source, query, channel) => {
    const body = await readBody(request, limits);
    const receivedAt = deps.now();
    const env: Envelope = { host: query.host, source: query.source, sourcetype: query.sourcetype, index: query.index };
    const sourceType = env.sourcetype !== undefined && isKnownSourceType(env.sourcetype) ? env.sourcetype : source.sourceType;
    const meta = { ...baseMeta(request), ...envelopeMeta(env, channel) };
    const records: RawRecord[] = [];
    for (const [index, { line, bytes }] of splitLines(body).entries()) {
      if (bytes.length > limits.maxRecordBytes) {
        return { ok: false, code: 6, index, detail: `line ${line} of ${bytes.length} bytes exceeds the ${limits.maxRecordBytes}-byte limit` };
      }
      const text = decodeUtf8(bytes);
      if (text === undefined) return { ok: false, code: 6, index, detail: `line ${line} is not valid UTF-8` };
      records.push({ source: source.name, sourceType, receivedAt, text, meta });
    }
    return { ok: true, records };
  });

  const healthHandler = async (_request: FastifyRequest, reply: FastifyReply) =>
    deps.sink.saturated ? hec(reply, 503, 18) : hec(reply, 200, 17);

  const ackHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!deps.hec.ackEnabled) return hec(reply, 400, 14);
    const channel = channelOf(request, queryOf(request));
    if (channel === undefined) return hec(reply, 400, 10);
    if (!isGuid(channel)) return hec(reply, 400, 11, { detail: 'channel must be a GUID' });
    const body = await readBody(request, limits);
    const text = decodeUtf8(body);
    if (body.length === 0 || text?.trim() === '') return hec(reply, 400, 5);
    let ids: unknown;
    try {
      ids = text === undefined ? undefined : (JSON.parse(text) as { acks?: unknown }).acks;
    } catch {
      ids = undefined;
    }
    if (!Array.isArray(ids) || ids.length > MAX_ACK_QUERY || !ids.every((id) => Number.isSafeInteger(id) && id >= 0)) {
      return hec(reply, 400, 6, { detail: `body must be {"acks":[ids]} with at most ${MAX_ACK_QUERY} non-negative integers` });
    }
    const key = `${sourceOf(request).id}\n${channel.toLowerCase()}`;
    return reply.code(200).send({ acks: acks.query(key, ids as number[], (seq) => deps.sink.isStored(seq)) });
  };

  for (const path of ['/', '/event', '/event/1.0']) app.post(path, eventHandler);
  for (const path of ['/raw', '/raw/1.0']) app.post(path, rawHandler);
  for (const path of ['/health', '/health/1.0']) app.route({ method: ['GET', 'POST'], url: path, handler: healthHandler });
  app.post('/ack', ackHandler);
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function isEpochSeconds(s: string): boolean {
  if (s.length === 0 || s.length > 24) return false;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e) {
      if (++dots > 1 || i === 0 || i === s.length - 1) return false;
    } else if (c < 48 || c > 57) return false;
  }
  return true;
}
