/**
 * HashiCorp Vault audit device entries (`type: request|response`). HMAC'd values (`hmac-sha256:…`)
 * are kept as they are — they cannot be reversed and are compared as such. The original entry is
 * kept under `vault.<originalName>`.
 */
import type { EventFields } from '../core/event.ts';
import type { ObjectSourceType } from './source-type.ts';
import { addRelated, ip, keepOriginal, obj, parseTime, port, put, str } from './json-fields.ts';

const TYPES: Readonly<Record<string, string>> = {
  create: 'creation', update: 'change', delete: 'deletion', read: 'access', list: 'access', patch: 'change',
};

function normalizeVault(r: Record<string, unknown>): EventFields {
  const out: EventFields = {};
  keepOriginal(out, r, 'vault');
  put(out, '@timestamp', parseTime(r.time));
  const request = obj(r.request) ?? {};
  const auth = obj(r.auth);
  const path = str(request.path);
  const operation = str(request.operation);
  out['event.kind'] = 'event';
  out['event.module'] = 'vault';
  out['event.dataset'] = 'vault.audit';
  put(out, 'event.action', operation);
  put(out, 'event.id', str(request.id));
  put(out, 'url.path', path);

  const login = path !== undefined && path.startsWith('auth/') && path.includes('/login');
  out['event.category'] = [login ? 'authentication' : path?.startsWith('sys/') ? 'configuration' : 'iam'];
  const type = login ? 'start' : operation !== undefined ? TYPES[operation] : undefined;
  if (type !== undefined) out['event.type'] = [type];

  // Requests are logged before they run: only a response (or an error) says how it ended.
  const error = str(r.error);
  put(out, 'error.message', error);
  if (error !== undefined) out['event.outcome'] = 'failure';
  else if (r.type === 'response') out['event.outcome'] = 'success';

  const user = str(auth?.display_name);
  put(out, 'user.name', user);
  addRelated(out, 'related.user', user);
  put(out, 'user.id', str(auth?.entity_id));
  const policies = auth?.policies;
  if (Array.isArray(policies) && policies.every((p) => typeof p === 'string')) out['user.roles'] = policies as string[];

  const addr = ip(request.remote_address);
  put(out, 'source.ip', addr);
  addRelated(out, 'related.ip', addr);
  put(out, 'source.port', port(request.remote_port));
  put(out, 'service.name', str(request.mount_type));
  return out;
}

export const vaultSourceType: ObjectSourceType = {
  name: 'vault',
  description: 'HashiCorp Vault audit log (file or socket audit device)',
  input: 'object',
  detect: (r) => (r.type === 'request' || r.type === 'response') && obj(r.request) !== undefined && ('auth' in r || 'time' in r),
  normalize: normalizeVault,
};
