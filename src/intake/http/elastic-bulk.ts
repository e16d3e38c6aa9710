import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawRecord } from '../../core/event.ts';
import type { IntakeSource } from '../intake-sink.ts';
import { readBody, useRawBodies } from './body.ts';
import {
  baseMeta, clip, installErrorHandler, isKnownSourceType, requireIntakeToken, setRetryAfter, sourceOf,
  submitRecords, type HttpIntakeDeps,
} from './common.ts';
import { generateId, parseBulk, parseSource, type BulkItem } from './elastic-bulk-parse.ts';
import { DEFAULT_ELASTIC_VERSION, registerElasticProbes } from './elastic-probes.ts';

/** Path prefix of the Elasticsearch-compatible API (the console owns `/`). */
export const ELASTIC_PREFIX = '/elastic';

export interface ElasticOptions {
  /** Version reported by `GET /elastic/`; set it at least as high as your shippers' version. */
  version: string;
}

export const DEFAULT_ELASTIC_OPTIONS: ElasticOptions = { version: DEFAULT_ELASTIC_VERSION };

const SHARDS = { total: 1, successful: 1, failed: 0 };

/** Sends an error in Elasticsearch's format: `{error: {root_cause, type, reason}, status}`. */
function esError(reply: FastifyReply, status: number, type: string, reason: string): FastifyReply {
  const cause = { type, reason };
  return reply.code(status).send({ error: { root_cause: [cause], ...cause }, status });
}

function statusType(status: number): string {
  if (status === 413) return 'content_too_long_exception';
  if (status === 415) return 'media_type_header_exception';
  if (status >= 500) return 'exception';
  return 'parse_exception';
}

type IndexParams = { Params: { index?: string; id?: string }; Querystring: { pipeline?: unknown } };

/**
 * Elasticsearch `_bulk` and single-document APIs plus the probes shippers make, under `/elastic`.
 * Filebeat, Logstash, Vector and Fluent Bit send NDJSON bulks; `index`/`create` operations become
 * records (the document as `data`, index and id in `meta`), `update`/`delete` get per-item errors.
 * Every response carries `X-Elastic-Product: Elasticsearch`, which official clients require. A
 * `pipeline` (query or action metadata) naming a Vigil source type selects that parser.
 */
export async function elasticPlugin(app: FastifyInstance, deps: HttpIntakeDeps & { elastic: ElasticOptions }): Promise<void> {
  const { limits } = deps;
  useRawBodies(app, limits);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-elastic-product', 'Elasticsearch');
    return payload;
  });
  installErrorHandler(app, limits.maxBodyBytes, (reply, status, message) => esError(reply, status, statusType(status), message));
  app.setNotFoundHandler((request, reply) =>
    esError(reply, 404, 'resource_not_found_exception', `Vigil does not implement ${request.method} ${clip(request.url, 200)}`));
  requireIntakeToken(app, deps.auth, 'elastic', (reply, failure) => {
    if (failure.reason === 'wrong-kind') return esError(reply, 403, 'security_exception', failure.message);
    reply.header('www-authenticate', 'Basic realm="security", charset="UTF-8", ApiKey');
    const reason = failure.reason === 'missing' ? 'missing authentication credentials for REST request'
      : failure.reason === 'malformed' ? failure.message : 'unable to authenticate with provided credentials';
    return esError(reply, 401, 'security_exception', reason);
  });

  registerElasticProbes(app, deps.elastic.version);

  const sourceTypeFor = (source: IntakeSource, pipeline: string | undefined) =>
    pipeline !== undefined && isKnownSourceType(pipeline) ? pipeline : source.sourceType;
  const queryPipeline = (request: FastifyRequest<IndexParams>) =>
    (typeof request.query.pipeline === 'string' && request.query.pipeline !== '' ? request.query.pipeline : undefined);

  function toRecord(request: FastifyRequest, item: Extract<BulkItem, { ok: true }>, receivedAt: number): RawRecord {
    const source = sourceOf(request);
    const meta: Record<string, string> = { ...baseMeta(request), 'elastic.index': item.index, 'elastic.id': item.id, 'elastic.op': item.op };
    if (item.pipeline !== undefined) meta['elastic.pipeline'] = item.pipeline;
    return { source: source.name, sourceType: sourceTypeFor(source, item.pipeline), receivedAt, data: item.doc, meta };
  }

  const bulk = async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    const started = performance.now();
    const body = await readBody(request, limits);
    const items = parseBulk(body, request.params.index, queryPipeline(request), limits);
    if (items.length === 0) return esError(reply, 400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
    const receivedAt = deps.now();
    const good = items.filter((i): i is Extract<BulkItem, { ok: true }> => i.ok);
    let firstSeq = 0;
    if (good.length > 0) {
      const outcome = await submitRecords(deps.sink, good.map((item) => toRecord(request, item, receivedAt)));
      if (!outcome.ok) {
        setRetryAfter(reply, outcome.busy);
        return esError(reply, 429, 'es_rejected_execution_exception', `${outcome.busy.message}; no operation of this request was applied`);
      }
      firstSeq = outcome.receipt.firstSeq;
    }
    let seq = firstSeq;
    const results = items.map((item) => item.ok
      ? { [item.op]: { _index: item.index, _id: item.id, _version: 1, result: 'created', _shards: SHARDS, _seq_no: seq++, _primary_term: 1, status: 201 } }
      : { [item.op]: { _index: item.index, _id: item.id, status: item.status, error: { ...item.error, ...(item.index ? { index: item.index } : {}) } } });
    return reply.code(200).send({ took: Math.round(performance.now() - started), errors: good.length < items.length, items: results });
  };
  app.route<IndexParams>({ method: ['POST', 'PUT'], url: '/_bulk', handler: bulk });
  app.route<IndexParams>({ method: ['POST', 'PUT'], url: '/:index/_bulk', handler: bulk });

  const single = (op: 'index' | 'create') => async (request: FastifyRequest<IndexParams>, reply: FastifyReply) => {
    const index = request.params.index!;
    const body = await readBody(request, limits);
    const doc = parseSource({ line: 1, bytes: body }, limits);
    if (typeof doc === 'string') return esError(reply, 400, 'document_parsing_exception', doc);
    const pipeline = queryPipeline(request);
    const id = request.params.id ?? generateId();
    const outcome = await submitRecords(deps.sink, [toRecord(request, { ok: true, op, index, id, doc, ...(pipeline ? { pipeline } : {}) }, deps.now())]);
    if (!outcome.ok) {
      setRetryAfter(reply, outcome.busy);
      return esError(reply, 429, 'es_rejected_execution_exception', outcome.busy.message);
    }
    return reply.code(201).send({
      _index: index, _id: id, _version: 1, result: 'created', _shards: SHARDS, _seq_no: outcome.receipt.firstSeq, _primary_term: 1,
    });
  };
  app.post<IndexParams>('/:index/_doc', single('index'));
  app.route<IndexParams>({ method: ['POST', 'PUT'], url: '/:index/_doc/:id', handler: single('index') });
  app.route<IndexParams>({ method: ['POST', 'PUT'], url: '/:index/_create/:id', handler: single('create') });
}
