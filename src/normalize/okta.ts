/**
 * Okta System Log events (`/api/v1/logs`). The original event is kept under `okta.<originalName>`
 * (Sigma's `okta` rules address `eventType`, `outcome.result`, `actor.alternateId`, ...).
 */
import type { EventFields } from '../core/event.ts';
import type { ObjectSourceType } from './source-type.ts';
import { addRelated, ip, keepOriginal, obj, parseTime, put, str } from './json-fields.ts';

/** Okta `eventType` prefixes and their ECS category. */
const CATEGORIES: readonly (readonly [string, string, string])[] = [
  ['user.session.start', 'authentication', 'start'],
  ['user.session.end', 'authentication', 'end'],
  ['user.authentication.', 'authentication', 'info'],
  ['user.mfa.', 'authentication', 'info'],
  ['user.session.', 'session', 'info'],
  ['user.account.', 'iam', 'change'],
  ['user.lifecycle.create', 'iam', 'creation'],
  ['user.lifecycle.delete', 'iam', 'deletion'],
  ['user.lifecycle.', 'iam', 'change'],
  ['group.user_membership.', 'iam', 'change'],
  ['application.user_membership.', 'iam', 'change'],
  ['group.', 'iam', 'change'],
  ['policy.', 'configuration', 'change'],
  ['system.', 'configuration', 'change'],
  ['application.', 'configuration', 'change'],
];

function normalizeOkta(r: Record<string, unknown>): EventFields {
  const out: EventFields = {};
  keepOriginal(out, r, 'okta');
  put(out, '@timestamp', parseTime(r.published));
  const eventType = r.eventType as string;
  out['event.kind'] = 'event';
  out['event.module'] = 'okta';
  out['event.dataset'] = 'okta.system';
  out['event.action'] = eventType;
  put(out, 'event.id', str(r.uuid));
  put(out, 'message', str(r.displayMessage));
  put(out, 'log.level', str(r.severity)?.toLowerCase());
  const category = CATEGORIES.find(([prefix]) => eventType.startsWith(prefix));
  if (category) {
    out['event.category'] = [category[1]];
    out['event.type'] = [category[2]];
  }

  const outcome = obj(r.outcome);
  const result = str(outcome?.result);
  if (result !== undefined) {
    out['event.outcome'] = result === 'SUCCESS' || result === 'ALLOW' ? 'success'
      : result === 'FAILURE' || result === 'DENY' ? 'failure' : 'unknown';
  }
  put(out, 'event.reason', str(outcome?.reason));

  const actor = obj(r.actor);
  const actorName = str(actor?.alternateId);
  put(out, 'user.name', actorName);
  put(out, 'user.id', str(actor?.id));
  put(out, 'user.full_name', str(actor?.displayName));
  addRelated(out, 'related.user', actorName);

  const client = obj(r.client);
  const addr = ip(client?.ipAddress);
  put(out, 'source.ip', addr);
  addRelated(out, 'related.ip', addr);
  put(out, 'user_agent.original', str(obj(client?.userAgent)?.rawUserAgent));
  const geo = obj(client?.geographicalContext);
  if (geo) {
    put(out, 'source.geo.city_name', str(geo.city));
    put(out, 'source.geo.region_name', str(geo.state));
    put(out, 'source.geo.country_name', str(geo.country));
    put(out, 'source.geo.postal_code', str(geo.postalCode));
  }

  // The first user among the targets is who the action was done to (membership changes, resets, ...).
  const targets = Array.isArray(r.target) ? r.target : [];
  for (const t of targets) {
    const target = obj(t);
    const name = str(target?.alternateId);
    if (target?.type === 'User' && out['user.target.name'] === undefined) {
      put(out, 'user.target.name', name);
      put(out, 'user.target.id', str(target.id));
      put(out, 'user.target.full_name', str(target.displayName));
      addRelated(out, 'related.user', name);
    } else if (target?.type === 'UserGroup' && out['group.name'] === undefined) {
      put(out, 'group.name', str(target.displayName));
      put(out, 'group.id', str(target.id));
    }
  }
  return out;
}

export const oktaSourceType: ObjectSourceType = {
  name: 'okta',
  description: 'Okta System Log events',
  input: 'object',
  detect: (r) => typeof r.eventType === 'string' && obj(r.actor) !== undefined && ('uuid' in r || 'published' in r),
  normalize: normalizeOkta,
};
