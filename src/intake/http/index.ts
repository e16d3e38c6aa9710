import type { FastifyInstance } from 'fastify';
import type { IntakeAuthenticator, IntakeSink } from '../intake-sink.ts';
import { DEFAULT_HTTP_INTAKE_LIMITS, type HttpIntakeLimits } from './body.ts';
import type { HttpIntakeDeps } from './common.ts';
import { vigilIngestPlugin } from './vigil-ingest.ts';
import { otlpLogsPlugin } from './otlp-logs.ts';
import { DEFAULT_ELASTIC_OPTIONS, ELASTIC_PREFIX, elasticPlugin, type ElasticOptions } from './elastic-bulk.ts';
import { DEFAULT_HEC_OPTIONS, HEC_PREFIX, splunkHecPlugin, type HecOptions } from './splunk-hec.ts';

export { DEFAULT_HTTP_INTAKE_LIMITS, type HttpIntakeLimits } from './body.ts';

/** Options of {@link registerHttpIntake}. */
export interface HttpIntakeOptions {
  sink: IntakeSink;
  auth: IntakeAuthenticator;
  /** Overrides of {@link DEFAULT_HTTP_INTAKE_LIMITS}. */
  limits?: Partial<HttpIntakeLimits>;
  /** Splunk HEC indexer-acknowledgement settings. */
  hec?: Partial<HecOptions>;
  /** Elasticsearch compatibility settings. */
  elastic?: Partial<ElasticOptions>;
  /** Clock for `receivedAt` (tests). */
  now?: () => number;
}

/**
 * Registers every HTTP intake protocol on `app`, each in its own encapsulated context with its own
 * raw-body content-type parser, so the root app's JSON parser (used by the rest of the API) is untouched:
 * - `POST /api/v1/ingest` (Vigil JSON / NDJSON / text),
 * - Splunk HEC under `/services/collector`,
 * - Elasticsearch `_bulk` and shipper probes under `/elastic`,
 * - OTLP/HTTP logs at `POST /v1/logs` (JSON and protobuf).
 */
export async function registerHttpIntake(app: FastifyInstance, options: HttpIntakeOptions): Promise<void> {
  const deps: HttpIntakeDeps = {
    sink: options.sink,
    auth: options.auth,
    limits: { ...DEFAULT_HTTP_INTAKE_LIMITS, ...options.limits },
    now: options.now ?? Date.now,
  };
  await app.register(vigilIngestPlugin, deps);
  await app.register(splunkHecPlugin, { ...deps, hec: { ...DEFAULT_HEC_OPTIONS, ...options.hec }, prefix: HEC_PREFIX });
  await app.register(elasticPlugin, { ...deps, elastic: { ...DEFAULT_ELASTIC_OPTIONS, ...options.elastic }, prefix: ELASTIC_PREFIX });
  await app.register(otlpLogsPlugin, deps);
}
