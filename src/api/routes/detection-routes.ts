import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DetectionStore } from '../../store/detection-store.ts';
import { ApiError } from '../errors.ts';
import { checkedTime } from '../search-input.ts';

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
const MAX_LIMIT = 1000;

const detectionView = z.object({
  id: z.number(), ruleId: z.string(), ruleTitle: z.string(), level: z.enum(LEVELS), tags: z.array(z.string()),
  eventSeqs: z.array(z.number()).describe('Stored events (seq) the detection is about'),
  eventTime: z.number(), detectedAt: z.number(), host: z.string().optional(), user: z.string().optional(),
  why: z.object({
    selections: z.array(z.string()).describe('Search identifiers of the rule that were true'),
    fields: z.array(z.object({ selection: z.string(), field: z.string().nullable(), value: z.string() }))
      .describe('Field values that satisfied them (field null: a keyword)'),
  }),
});

/** Detections made by the streaming engine (docs/sigma.md), newest first; readable with `events:read`. */
export const detectionRoutes: FastifyPluginAsyncZod<{ detections: DetectionStore }> = async (app, opts) => {
  app.get('/api/v1/detections', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Detections, newest first, by event time range, rule and level; page with before=<last id>', tags: ['detections'],
      querystring: z.object({
        from: z.string().max(64).optional().describe('Event time lower bound (inclusive): -24h, ISO 8601 or ms'),
        to: z.string().max(64).optional().describe('Event time upper bound (exclusive)'),
        ruleId: z.string().min(1).max(128).optional(),
        level: z.string().max(100).optional().describe('Comma-separated levels, e.g. high,critical'),
        limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
        before: z.coerce.number().int().min(1).optional().describe('Only detections with a smaller id (the last id of the previous page)'),
      }).strict(),
      response: { 200: z.object({ detections: z.array(detectionView) }) },
    },
  }, async (request) => {
    const q = request.query;
    const now = Date.now();
    const levels = q.level === undefined ? undefined : q.level.split(',').map((l) => l.trim()).filter((l) => l !== '');
    const unknown = levels?.filter((l) => !(LEVELS as readonly string[]).includes(l)) ?? [];
    if (unknown.length > 0) throw new ApiError('VALIDATION', `unknown level ${unknown.map((l) => `"${l}"`).join(', ')}; levels are ${LEVELS.join(', ')}`);
    const detections = opts.detections.list({
      ...(q.from === undefined ? {} : { from: checkedTime(q.from, 'from', now) }),
      ...(q.to === undefined ? {} : { to: checkedTime(q.to, 'to', now) }),
      ...(q.ruleId === undefined ? {} : { ruleId: q.ruleId }),
      ...(levels === undefined ? {} : { level: levels as (typeof LEVELS)[number][] }),
      ...(q.before === undefined ? {} : { before: q.before }),
      limit: q.limit,
    });
    return { detections };
  });

  app.get('/api/v1/detections/:id', {
    config: { access: 'events:read' },
    schema: {
      summary: 'One detection', tags: ['detections'],
      params: z.object({ id: z.coerce.number().int().min(1) }), response: { 200: detectionView },
    },
  }, async (request) => {
    const detection = opts.detections.get(request.params.id);
    if (!detection) throw new ApiError('NOT_FOUND', `no detection with id ${request.params.id}`);
    return detection;
  });
};
