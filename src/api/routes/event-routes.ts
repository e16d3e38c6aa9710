import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventStore } from '../../store/event-store.ts';
import { ApiError } from '../errors.ts';

const FIELD_NAME = /^[A-Za-z0-9_@][A-Za-z0-9_@.-]{0,127}$/;
const MAX_LIMIT = 1000;
/**
 * Keys the event store reads as columns, not event fields: `field.source=x` would otherwise replace
 * the `source=` filter (the last one wins) and reach events of another source.
 */
const COLUMN_KEYS = new Set(['source', 'sourceType']);

const eventView = z.object({
  seq: z.number(), timestamp: z.number(), receivedAt: z.number(), source: z.string(), sourceType: z.string(),
  fields: z.record(z.string(), z.unknown()), original: z.string(), parseError: z.string().optional(),
});

/** The minimal event query of the foundation: time range, field equality, limit. */
export const eventRoutes: FastifyPluginAsyncZod<{ events: EventStore }> = async (app, opts) => {

  app.get('/api/v1/events', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Events in a time range matching field equality filters, newest first', tags: ['events'],
      description: 'Filter on any field with `field.<name>=<value>` query parameters, e.g. `field.host.name=web-1`.',
      querystring: z.object({
        from: z.coerce.number().int().optional().describe('Inclusive lower bound, ms since the epoch (default: 24 hours ago)'),
        to: z.coerce.number().int().optional().describe('Exclusive upper bound, ms since the epoch (default: now + 1 minute)'),
        limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
        source: z.string().max(256).optional(),
        sourceType: z.string().max(64).optional(),
      }).catchall(z.string().max(4096)),
      response: { 200: z.object({ events: z.array(eventView) }) },
    },
  }, async (request) => {
    const { from, to, limit, source, sourceType, ...rest } = request.query;
    const conditions: [string, string][] = [];
    if (source !== undefined) conditions.push(['source', source]);
    if (sourceType !== undefined) conditions.push(['sourceType', sourceType]);
    for (const [key, value] of Object.entries(rest)) {
      if (!key.startsWith('field.')) throw new ApiError('VALIDATION', `unknown query parameter "${key}"`);
      const name = key.slice('field.'.length);
      if (!FIELD_NAME.test(name)) throw new ApiError('VALIDATION', `invalid field name "${name}"`);
      if (COLUMN_KEYS.has(name)) throw new ApiError('VALIDATION', `"field.${name}" is not a field filter: filter on the event's ${name} with the ${name}= parameter`);
      conditions.push([name, String(value)]);
    }
    // fromEntries defines own properties: `equals.__proto__ = v` on a literal would set nothing and drop the filter.
    const equals: Record<string, string> = Object.fromEntries(conditions);
    const now = Date.now();
    const events = await opts.events.query({ from: from ?? now - 86_400_000, to: to ?? now + 60_000, equals, limit });
    return { events: events.map((e) => ({ ...e, fields: e.fields as Record<string, unknown> })) };
  });
};
