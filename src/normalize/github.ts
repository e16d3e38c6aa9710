/**
 * GitHub audit log entries (REST API, export and audit log streaming). The original entry is kept
 * under `github.<originalName>` (Sigma's `github/audit` rules address `action`, `actor`, `repo`, ...).
 */
import type { EventFields } from '../core/event.ts';
import type { ObjectSourceType } from './source-type.ts';
import { addRelated, ip, keepOriginal, obj, parseTime, put, str } from './json-fields.ts';

/** Action prefixes (`org.add_member` → `org.`) and their ECS category and type. */
const CATEGORIES: Readonly<Record<string, readonly [string, string]>> = {
  org: ['iam', 'change'], team: ['iam', 'change'], business: ['configuration', 'change'],
  repo: ['configuration', 'change'], protected_branch: ['configuration', 'change'], repository_ruleset: ['configuration', 'change'],
  oauth_application: ['configuration', 'change'], integration_installation: ['configuration', 'change'], hook: ['configuration', 'change'],
  git: ['file', 'access'], user: ['iam', 'change'], personal_access_token: ['iam', 'change'], oauth_access: ['iam', 'change'],
  public_key: ['iam', 'change'], secret_scanning: ['configuration', 'change'], workflows: ['process', 'start'],
};

function normalizeGitHub(r: Record<string, unknown>): EventFields {
  const out: EventFields = {};
  keepOriginal(out, r, 'github');
  put(out, '@timestamp', parseTime(r['@timestamp']) ?? parseTime(r.created_at));
  const action = r.action as string;
  out['event.kind'] = 'event';
  out['event.module'] = 'github';
  out['event.dataset'] = 'github.audit';
  out['event.action'] = action;
  put(out, 'event.id', str(r._document_id));
  const prefix = action.slice(0, action.indexOf('.'));
  const category = CATEGORIES[prefix];
  if (category) {
    out['event.category'] = [category[0]];
    const verb = action.slice(prefix.length + 1);
    out['event.type'] = [verb.startsWith('create') || verb.startsWith('add') ? 'creation'
      : verb.startsWith('destroy') || verb.startsWith('remove') || verb.startsWith('delete') ? 'deletion' : category[1]];
  }

  const actor = str(r.actor);
  put(out, 'user.name', actor);
  put(out, 'user.id', str(r.actor_id));
  addRelated(out, 'related.user', actor);
  const target = str(r.user);
  put(out, 'user.target.name', target);
  addRelated(out, 'related.user', target);
  const addr = ip(r.actor_ip);
  put(out, 'source.ip', addr);
  addRelated(out, 'related.ip', addr);
  put(out, 'source.geo.country_iso_code', str(obj(r.actor_location)?.country_code));
  put(out, 'user_agent.original', str(r.user_agent));
  put(out, 'organization.name', str(r.org) ?? str(r.business));
  put(out, 'organization.id', str(r.org_id));
  return out;
}

export const gitHubSourceType: ObjectSourceType = {
  name: 'github',
  description: 'GitHub audit log entries',
  input: 'object',
  detect: (r) => typeof r.action === 'string' && r.action.includes('.')
    && ('_document_id' in r || ('actor' in r && ('org' in r || 'business' in r || 'repo' in r))),
  normalize: normalizeGitHub,
};
