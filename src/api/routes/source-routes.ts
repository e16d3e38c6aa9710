import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService } from '../../auth/auth-service.ts';
import { SOURCE_TYPES, sourceTypeNames } from '../../normalize/registry.ts';
import type { SourceStatsTracker } from '../../pipeline/source-stats.ts';
import type { StateStore } from '../../store/state-store.ts';
import { auditDetails } from '../audit-context.ts';
import { ApiError } from '../errors.ts';

const TOKEN_KINDS = ['http', 'hec', 'elastic', 'otlp'] as const;
const ALL_KINDS = ['syslog', 'http', 'hec', 'elastic', 'otlp', 'file', 'demo'] as const;

const sourceView = z.object({
  id: z.string(), name: z.string(), kind: z.enum(ALL_KINDS), sourceType: z.string(), createdAt: z.number(),
  revokedAt: z.number().optional(), hasToken: z.boolean(),
  stats: z.object({
    eventsTotal: z.number(), parseErrorsTotal: z.number(), lastEventAt: z.number().optional(), eventsPerSecond: z.number(),
    perMinute: z.array(z.number()), minuteEnd: z.number(),
  }),
  recentErrors: z.array(z.object({ at: z.number(), reason: z.string(), sample: z.string() })),
});

export const sourceRoutes: FastifyPluginAsyncZod<{ auth: AuthService; state: StateStore; stats: SourceStatsTracker }> = async (app, opts) => {
  const { auth, state, stats } = opts;
  app.get('/api/v1/sources', {
    config: { access: 'sources:read' },
    schema: { summary: 'Intake sources with their rates and recent parse errors', tags: ['sources'], response: { 200: z.object({ sources: z.array(sourceView) }) } },
  }, async () => {
    const now = Date.now();
    // Recent parse errors are read from the state store: write the unsaved ones first (counters come from memory).
    if (stats.hasUnsavedSamples) stats.flush(now, (err) => app.log.warn({ err }, 'could not save source statistics'));
    const byName = new Map(stats.view(now).map((s) => [s.sourceName, s]));
    const sources = state.listSources().map((s) => {
      const live = byName.get(s.name);
      return {
        id: s.id, name: s.name, kind: s.kind, sourceType: s.sourceType, createdAt: s.createdAt, revokedAt: s.revokedAt, hasToken: s.tokenHash !== undefined,
        stats: {
          eventsTotal: live?.eventsTotal ?? 0, parseErrorsTotal: live?.parseErrorsTotal ?? 0, lastEventAt: live?.lastEventAt,
          eventsPerSecond: live?.eventsPerSecond ?? 0, perMinute: live?.perMinute ?? new Array(60).fill(0), minuteEnd: live?.minuteEnd ?? now,
        },
        recentErrors: state.recentParseErrors(s.name, 20).map(({ at, reason, sample }) => ({ at, reason, sample })),
      };
    });
    return { sources };
  });

  app.get('/api/v1/source-types', {
    config: { access: 'sources:read' },
    schema: { summary: 'Parsers a source can be set to', tags: ['sources'], response: { 200: z.object({ sourceTypes: z.array(z.object({ name: z.string(), description: z.string() })) }) } },
  }, async () => ({
    sourceTypes: [{ name: 'auto', description: 'Detect the format of each record' }, ...SOURCE_TYPES.map((t) => ({ name: t.name, description: t.description }))],
  }));

  app.post('/api/v1/sources', {
    config: { access: 'sources:write' },
    schema: {
      summary: 'Create an intake source and its token (shown once)', tags: ['sources'],
      body: z.object({
        name: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, dot, dash and underscore'),
        kind: z.enum(TOKEN_KINDS),
        sourceType: z.string().default('auto').refine((t) => sourceTypeNames().includes(t), 'unknown source type'),
      }).strict(),
      response: { 201: z.object({ source: sourceView.pick({ id: true, name: true, kind: true, sourceType: true, createdAt: true }), token: z.string() }) },
    },
  }, async (request, reply) => {
    if (state.listSources().some((s) => s.name === request.body.name && !s.revokedAt)) {
      throw new ApiError('CONFLICT', `a source named "${request.body.name}" already exists`);
    }
    const { source, token } = auth.createSource(request.body, Date.now());
    auditDetails(request, { action: 'source.create', targetType: 'source', targetId: source.id, after: { name: source.name, kind: source.kind, sourceType: source.sourceType } });
    return reply.code(201).send({ source: { id: source.id, name: source.name, kind: source.kind, sourceType: source.sourceType, createdAt: source.createdAt }, token });
  });

  app.delete('/api/v1/sources/:id', {
    config: { access: 'sources:write' },
    schema: { summary: 'Revoke a source\'s token', tags: ['sources'], params: z.object({ id: z.string().uuid() }), response: { 204: z.null() } },
  }, async (request, reply) => {
    const source = state.listSources().find((s) => s.id === request.params.id);
    if (!source || source.revokedAt) throw new ApiError('NOT_FOUND', 'no active source with that id');
    if (!source.tokenHash) throw new ApiError('CONFLICT', `source "${source.name}" has no token to revoke (it is defined by the configuration)`);
    auth.revokeSource(source.id, Date.now());
    auditDetails(request, { action: 'source.revoke', targetType: 'source', targetId: source.id, before: { name: source.name, kind: source.kind, sourceType: source.sourceType } });
    return reply.code(204).send(null);
  });
};
