import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTOR_KINDS, OUTCOMES } from '../../audit/audit-entry.ts';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, exportChunks, exportFileName } from '../../audit/audit-export.ts';
import { verifyAuditLog } from '../../audit/audit-log.ts';
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, type AuditStore } from '../../store/audit-store.ts';
import { auditDetails } from '../audit-context.ts';

const time = (what: string) => z.coerce.number().int().min(0).optional().describe(what);

const entryView = z.object({
  seq: z.number(), at: z.number().describe('ms since the epoch'), actorKind: z.enum(ACTOR_KINDS),
  actorId: z.string().optional(), actorName: z.string().optional().describe('User name, or the name a failed sign-in tried'),
  action: z.string(), targetType: z.string().optional(), targetId: z.string().optional(), outcome: z.enum(OUTCOMES),
  address: z.string().optional(), details: z.record(z.string(), z.unknown()).describe('Status, route parameters, before/after snapshots, note'),
  prevHash: z.string(), hash: z.string(),
});

const problemView = z.object({
  kind: z.enum(['edited', 'deleted', 'reordered', 'truncated', 'anchor-missing', 'anchor-mismatch']),
  seq: z.number().optional(), reason: z.string(),
});

/** Search, export and verification of the audit log (docs/audit.md); all need `audit:read`. */
export const auditRoutes: FastifyPluginAsyncZod<{ audit: AuditStore }> = async (app, opts) => {
  const { audit } = opts;

  app.get('/api/v1/audit', {
    config: { access: 'audit:read' },
    schema: {
      summary: 'Search the audit log, newest first', tags: ['audit'],
      querystring: z.object({
        from: time('Inclusive lower bound on the time, ms since the epoch'),
        to: time('Exclusive upper bound on the time, ms since the epoch'),
        actor: z.string().max(256).optional().describe('User name (any case) or user id'),
        action: z.string().max(128).optional().describe('Action prefix, e.g. `user.` or `auth.login`'),
        targetType: z.string().max(64).optional(),
        targetId: z.string().max(256).optional(),
        outcome: z.enum(OUTCOMES).optional(),
        text: z.string().max(256).optional().describe('Substring of the details, action, actor or target (any case)'),
        before: z.coerce.number().int().min(1).optional().describe('`nextCursor` of the previous page'),
        limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(DEFAULT_AUDIT_PAGE),
      }).strict(),
      response: { 200: z.object({ entries: z.array(entryView), nextCursor: z.number().optional().describe('Pass as `before` for older entries') }) },
    },
  }, async (request) => audit.search(request.query));

  app.get('/api/v1/audit/export', {
    config: { access: 'audit:read' },
    schema: {
      summary: 'Download the audit log (oldest first) as NDJSON (exact, verifiable) or CSV', tags: ['audit'],
      querystring: z.object({
        format: z.enum(EXPORT_FORMATS).default('ndjson'),
        from: time('Inclusive lower bound on the time, ms since the epoch'),
        to: time('Exclusive upper bound on the time, ms since the epoch'),
      }).strict(),
    },
  }, async (request, reply) => {
    const { format, from, to } = request.query;
    // Who took a copy of the audit log is itself worth recording.
    auditDetails(request, { action: 'audit.export', note: `${format}${from === undefined ? '' : ` from ${from}`}${to === undefined ? '' : ` to ${to}`}` });
    return reply
      .header('content-type', EXPORT_CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${exportFileName(format, Date.now())}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(exportChunks(audit.entries({ from, to }), format)));
  });

  app.get('/api/v1/audit/verify', {
    config: { access: 'audit:read' },
    schema: {
      summary: 'Verify the hash chain and the head anchor', tags: ['audit'],
      description: 'Checks every entry; answers 200 in both cases, with `ok: false` and the first problem when the log was tampered with.',
      response: {
        200: z.object({
          ok: z.boolean(), checked: z.number().describe('Entries verified before the verdict'),
          head: z.object({ seq: z.number(), hash: z.string() }).optional(), notes: z.array(z.string()).optional(), problem: problemView.optional(),
        }),
      },
    },
  }, async (request) => {
    const report = await verifyAuditLog(audit);
    auditDetails(request, { action: 'audit.verify', note: report.ok ? `intact: ${report.checked} entries` : `problem at entry ${report.problem.seq ?? '-'}: ${report.problem.reason}` });
    return report;
  });
};
