import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INCIDENT_SEVERITIES, INCIDENT_STATUSES, type Incident } from '../../store/incident-store.ts';
import type { StateStore } from '../../store/state-store.ts';
import { StoreWriteError } from '../../store/store-errors.ts';
import { principalOf } from '../access.ts';
import { auditDetails } from '../audit-context.ts';
import { ApiError } from '../errors.ts';

const incidentView = z.object({
  id: z.string(), title: z.string(), description: z.string(), severity: z.enum(INCIDENT_SEVERITIES), status: z.enum(INCIDENT_STATUSES),
  restricted: z.boolean().describe('Visible only to its members'), createdBy: z.string(), createdAt: z.number(), updatedAt: z.number(),
});
const memberView = z.object({ userId: z.string(), username: z.string().optional(), addedBy: z.string(), addedAt: z.number() });
const idParams = z.object({ id: z.string().uuid() });

const NOT_VISIBLE = 'no incident with that id';

/**
 * What the audit log keeps of an incident. The audit log is read by people who are not members
 * (audit:read), so a restricted incident's title and description stay out of it, as they stay out of
 * every other answer to non-members. `alsoRestricted` covers a change that restricts or unrestricts it.
 */
function auditSnapshot(incident: Incident, alsoRestricted = false): Incident {
  if (!incident.restricted && !alsoRestricted) return incident;
  return { ...incident, title: '(restricted)', description: '(restricted)' };
}

/**
 * Incidents with need-to-know access: a restricted incident answers 404 to anyone who is not a
 * member (the same answer as for an id that does not exist, so its existence does not leak), admins
 * included. Members of a restricted incident manage its membership.
 */
export const incidentRoutes: FastifyPluginAsyncZod<{ state: StateStore }> = async (app, opts) => {
  const incidents = opts.state.incidents;
  const visible = (id: string, viewerId: string): Incident => {
    const incident = incidents.findVisible(id, viewerId);
    if (!incident) throw new ApiError('NOT_FOUND', NOT_VISIBLE);
    return incident;
  };
  const members = (id: string) => incidents.listMembers(id).map((m) => ({ ...m, username: opts.state.findUserById(m.userId)?.username }));

  app.get('/api/v1/incidents', {
    config: { access: 'incidents:read' },
    schema: {
      summary: 'Incidents you may see, newest first', tags: ['incidents'],
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
      response: { 200: z.object({ incidents: z.array(incidentView) }) },
    },
  }, async (request) => ({ incidents: incidents.listVisible(principalOf(request).user.id, request.query.limit) }));

  app.post('/api/v1/incidents', {
    config: { access: 'incidents:write' },
    schema: {
      summary: 'Open an incident; you become its first member', tags: ['incidents'],
      body: z.object({
        title: z.string().trim().min(1).max(200),
        description: z.string().max(20_000).default(''),
        severity: z.enum(INCIDENT_SEVERITIES).default('medium'),
        restricted: z.boolean().default(false),
      }).strict(),
      response: { 201: z.object({ incident: incidentView }) },
    },
  }, async (request, reply) => {
    const now = Date.now();
    const incident: Incident = { id: randomUUID(), ...request.body, status: 'open', createdBy: principalOf(request).user.id, createdAt: now, updatedAt: now };
    incidents.create(incident);
    auditDetails(request, { action: 'incident.create', targetType: 'incident', targetId: incident.id, after: auditSnapshot(incident) });
    return reply.code(201).send({ incident });
  });

  app.get('/api/v1/incidents/:id', {
    config: { access: 'incidents:read' },
    schema: {
      summary: 'One incident with its members', tags: ['incidents'], params: idParams,
      response: { 200: z.object({ incident: incidentView, members: z.array(memberView) }) },
    },
  }, async (request) => {
    const incident = visible(request.params.id, principalOf(request).user.id);
    return { incident, members: members(incident.id) };
  });

  app.patch('/api/v1/incidents/:id', {
    config: { access: 'incidents:write' },
    schema: {
      summary: 'Change an incident\'s title, description, severity, status or restriction', tags: ['incidents'], params: idParams,
      body: z.object({
        title: z.string().trim().min(1).max(200).optional(),
        description: z.string().max(20_000).optional(),
        severity: z.enum(INCIDENT_SEVERITIES).optional(),
        status: z.enum(INCIDENT_STATUSES).optional(),
        restricted: z.boolean().optional(),
      }).strict(),
      response: { 200: z.object({ incident: incidentView }) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const before = visible(request.params.id, principal.user.id);
    // Restricting makes the incident members-only: whoever does it must be a member, or they would lock themselves out.
    if (request.body.restricted === true && !incidents.isMember(before.id, principal.user.id)) {
      throw new ApiError('CONFLICT', 'join the incident before restricting it, or you could no longer see it');
    }
    const incident = incidents.update(before.id, request.body, Date.now());
    const restricted = before.restricted || incident.restricted;
    auditDetails(request, {
      action: 'incident.update', targetType: 'incident', targetId: incident.id,
      before: auditSnapshot(before, restricted), after: auditSnapshot(incident, restricted),
    });
    return { incident };
  });

  app.put('/api/v1/incidents/:id/members/:userId', {
    config: { access: 'incidents:write' },
    schema: {
      summary: 'Add a member (restricted incidents: members only)', tags: ['incidents'],
      params: z.object({ id: z.string().uuid(), userId: z.string().uuid() }), response: { 200: z.object({ members: z.array(memberView) }) },
    },
  }, async (request) => {
    const principal = principalOf(request);
    const incident = visible(request.params.id, principal.user.id);
    const user = opts.state.findUserById(request.params.userId);
    if (!user || user.disabledAt !== undefined) throw new ApiError('VALIDATION', 'no active user with that id');
    incidents.addMember(incident.id, { userId: user.id, addedBy: principal.user.id, addedAt: Date.now() });
    auditDetails(request, { action: 'incident.member.add', targetType: 'incident', targetId: incident.id, note: `added ${user.username}` });
    return { members: members(incident.id) };
  });

  app.delete('/api/v1/incidents/:id/members/:userId', {
    config: { access: 'incidents:write' },
    schema: {
      summary: 'Remove a member (a restricted incident keeps at least one)', tags: ['incidents'],
      params: z.object({ id: z.string().uuid(), userId: z.string().uuid() }), response: { 200: z.object({ members: z.array(memberView) }) },
    },
  }, async (request) => {
    const incident = visible(request.params.id, principalOf(request).user.id);
    try {
      incidents.removeMember(incident.id, request.params.userId);
    } catch (err) {
      if (err instanceof StoreWriteError && err.failure === 'conflict') throw new ApiError('CONFLICT', err.message);
      if (err instanceof StoreWriteError && err.failure === 'not-found') throw new ApiError('NOT_FOUND', err.message);
      throw err;
    }
    auditDetails(request, { action: 'incident.member.remove', targetType: 'incident', targetId: incident.id, note: `removed ${request.params.userId}` });
    return { members: members(incident.id) };
  });
};
