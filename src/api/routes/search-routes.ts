import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_QUERY_LENGTH } from '../../search/query-ast.ts';
import type { EventStore } from '../../store/event-store.ts';
import { checkedQuery, checkedRange, searchError } from '../search-input.ts';

/** Time and row limits of searches, from `search.*` in the configuration. */
export interface SearchLimits {
  timeoutMs: number;
  maxRows: number;
}

const MAX_LIMIT = 10_000;

const timeBound = z.union([z.string().max(64), z.number().int()]);

const eventView = z.object({
  seq: z.number(), timestamp: z.number(), receivedAt: z.number(), source: z.string(), sourceType: z.string(),
  fields: z.record(z.string(), z.unknown()), original: z.string(), parseError: z.string().optional(),
});
const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const searchAnswer = z.object({
  kind: z.enum(['events', 'table']),
  events: z.array(eventView).optional(),
  columns: z.array(z.string()).optional(),
  rows: z.array(z.array(cell)).optional(),
  histogram: z.object({
    from: z.number(), to: z.number(), intervalMs: z.number(),
    buckets: z.array(z.object({ t: z.number(), count: z.number() })),
  }).optional().describe('All events the filter matches over the range, not only the returned page'),
  fields: z.array(z.object({
    name: z.string(), count: z.number(), distinct: z.number(),
    top: z.array(z.object({ value: z.string(), count: z.number() })),
  })).optional().describe('Fields of the returned events with their 10 most common values'),
  meta: z.object({
    from: z.number(), to: z.number(), tookMs: z.number(), truncated: z.boolean(), partitions: z.number(),
    archivedDays: z.number().optional()
      .describe('Days of the range held in the archive: searched when the request said `archive: true`, else left out (present only when there are any)'),
  }),
});

/** `POST /api/v1/search`: the query language over stored events (docs/api.md, docs/query-language.md). */
export const searchRoutes: FastifyPluginAsyncZod<{ events: EventStore; limits: SearchLimits }> = async (app, opts) => {
  app.post('/api/v1/search', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Search events with the query language: events or a table, a histogram and field statistics', tags: ['events'],
      body: z.object({
        query: z.string().max(MAX_QUERY_LENGTH).describe('Query text (docs/query-language.md); empty matches every event'),
        from: timeBound.optional().describe('Start (inclusive): now, -15m, -24h, -7d, ISO 8601 or ms since the epoch; default -24h'),
        to: timeBound.optional().describe('End (exclusive), same forms; default now'),
        limit: z.number().int().min(1).max(MAX_LIMIT).default(100).describe('Most events returned'),
        histogram: z.boolean().default(true),
        fields: z.boolean().default(true).describe('Summarize the fields of the returned events'),
        archive: z.boolean().default(false).describe('Also search the archived days of the range (Parquet files; slower)'),
      }).strict(),
      response: { 200: searchAnswer },
    },
  }, async (request) => {
    const body = request.body;
    const query = checkedQuery(body.query);
    const { from, to } = checkedRange(query, body);
    try {
      const result = await opts.events.search({
        query, from, to, limit: body.limit, maxRows: opts.limits.maxRows,
        histogram: body.histogram, fieldStats: body.fields, timeoutMs: opts.limits.timeoutMs, includeArchive: body.archive,
      });
      return { ...result, events: result.events?.map((e) => ({ ...e, fields: e.fields as Record<string, unknown> })) };
    } catch (err) {
      throw searchError(err);
    }
  });
};
