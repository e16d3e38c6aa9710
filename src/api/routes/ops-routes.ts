import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VigilMetrics } from '../../ops/metrics.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import type { EventStore } from '../../store/event-store.ts';

export interface OpsDeps {
  pipeline: Pipeline;
  events: EventStore;
  metrics: VigilMetrics;
  version: string;
  startedAt: number;
}

/** Liveness, readiness, Prometheus metrics and the console's status summary. */
export const opsRoutes: FastifyPluginAsyncZod<OpsDeps> = async (app, opts) => {
  app.get('/healthz', { config: { access: 'public' }, schema: { summary: 'Liveness: the process answers', tags: ['ops'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: {
      summary: 'Readiness: intake accepts records and the store accepts writes', tags: ['ops'],
      response: { 200: z.object({ status: z.string(), pendingRecords: z.number() }), 503: z.object({ status: z.string(), pendingRecords: z.number(), reason: z.string() }) },
    },
  }, async (_request, reply) => {
    const { pipeline } = opts;
    if (!pipeline.healthy) return reply.code(503).send({ status: 'unavailable', pendingRecords: pipeline.pendingRecords, reason: 'event store writes are failing' });
    if (pipeline.saturated) return reply.code(503).send({ status: 'saturated', pendingRecords: pipeline.pendingRecords, reason: 'ingest queue is full' });
    return { status: 'ready', pendingRecords: pipeline.pendingRecords };
  });

  app.get('/metrics', { config: { access: 'system:read' }, schema: { summary: 'Prometheus metrics', tags: ['ops'] } }, async (_request, reply) => {
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });

  app.get('/api/v1/status', {
    config: { access: 'system:read' },
    schema: {
      summary: 'Version, stored events and pipeline state', tags: ['ops'],
      response: {
        200: z.object({
          version: z.string(), uptimeSeconds: z.number(),
          events: z.object({ total: z.number(), bytes: z.number(), oldest: z.number().optional(), newest: z.number().optional() }),
          archive: z.object({
            days: z.number(), files: z.number(), events: z.number(), bytes: z.number(), oldest: z.number().optional(), newest: z.number().optional(),
          }).describe('Events moved to the Parquet archive (storage.archive), not counted in `events`'),
          pipeline: z.object({ pendingRecords: z.number(), saturated: z.boolean(), eventsPerSecond: z.number() }),
        }),
      },
    },
  }, async () => {
    const stats = await opts.events.stats();
    return {
      version: opts.version, uptimeSeconds: Math.round((Date.now() - opts.startedAt) / 1000),
      events: { total: stats.events, bytes: stats.bytes, oldest: stats.oldest, newest: stats.newest },
      archive: stats.archive,
      pipeline: { pendingRecords: opts.pipeline.pendingRecords, saturated: opts.pipeline.saturated, eventsPerSecond: opts.pipeline.eventsPerSecond },
    };
  });
};
