import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditOutcome, AuditRecord } from '../audit/audit-entry.ts';
import type { VigilMetrics } from '../ops/metrics.ts';
import type { AuditStore } from '../store/audit-store.ts';
import { auditDetailsOf, redactSecrets, type AuditDetails } from './audit-context.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes one audit entry per state-changing API request once its answer is sent, whatever the
 * outcome (refused, invalid, failed): who, what, when, from where, and the before/after snapshots a
 * route attached with `auditDetails`. Intake requests are data, not actions, and are never recorded.
 * Never records the body (it may hold passwords). Must be registered before the routes' plugins.
 *
 * A failed write cannot undo an answer already sent, so it is logged as an error and counted in
 * `vigil_audit_write_errors_total` for alerting.
 */
export function registerAuditHook(app: FastifyInstance, deps: { audit: AuditStore; metrics: VigilMetrics }): void {
  const write = (request: FastifyRequest, status: number, aborted: boolean) => {
    const access = request.routeOptions.config?.access;
    if (request.is404 || access === undefined || access === 'intake') return;
    const details = auditDetailsOf(request);
    if (SAFE_METHODS.has(request.method) && details?.action === undefined) return;
    let record: AuditRecord | undefined;
    try {
      record = requestRecord(request, status, details, Date.now());
      if (aborted) {
        record.outcome = 'failure';
        record.details.note = `${details?.note === undefined ? '' : `${details.note} `}(the client closed the connection before the answer was complete)`;
      }
      deps.audit.append(record);
    } catch (err) {
      deps.metrics.auditWriteErrors.inc();
      request.log.error({ err, action: record?.action, route: request.routeOptions.url }, 'could not write the audit log entry');
    }
  };
  app.addHook('onResponse', async (request, reply) => write(request, reply.statusCode, false));
  // A client that hangs up mid-answer (an export it stops downloading) gets no onResponse: record it
  // here, or leaving early would go unrecorded. 499 is the usual "client closed request" status.
  app.addHook('onRequestAbort', async (request) => write(request, 499, true));
}

export function outcomeOf(status: number): AuditOutcome {
  if (status < 400) return 'success';
  if (status === 401 || status === 403) return 'denied';
  return 'failure';
}

function requestRecord(request: FastifyRequest, status: number, details: AuditDetails | undefined, at: number): AuditRecord {
  const route = request.routeOptions.url ?? request.url.split('?')[0]!;
  const principal = request.principal;
  const record: AuditRecord = {
    at,
    actorKind: principal ? principal.kind : details?.signedInAs ? 'session' : 'anonymous',
    action: details?.action ?? `${request.method} ${route}`,
    outcome: details?.outcome ?? outcomeOf(status),
    address: request.ip,
    details: { method: request.method, route, status },
  };
  const actor = principal?.user ?? details?.signedInAs;
  if (actor) {
    record.actorId = actor.id;
    record.actorName = actor.username;
  } else if (details?.attemptedUsername !== undefined) {
    record.actorName = details.attemptedUsername;
  }
  if (principal?.kind === 'token') record.details.tokenId = principal.token.id;
  if (details?.targetType !== undefined) record.targetType = details.targetType;
  if (details?.targetId !== undefined) record.targetId = details.targetId;
  const params = request.params;
  if (params && typeof params === 'object' && Object.keys(params).length > 0) record.details.params = redactSecrets(params);
  if (details?.note !== undefined) record.details.note = details.note;
  if (details && 'before' in details) record.details.before = details.before;
  if (details && 'after' in details) record.details.after = details.after;
  return record;
}
