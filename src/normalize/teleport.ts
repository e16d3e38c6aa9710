/**
 * Teleport audit events (`event`, `code`, `user`, `login`, `addr.remote`, ...). The original event is
 * kept under `teleport.<originalName>`; Teleport's own dotted keys such as `addr.remote` stay as named.
 */
import type { EventFields } from '../core/event.ts';
import type { ObjectSourceType } from './source-type.ts';
import { addRelated, ip, keepOriginal, parseTime, port, put, str } from './json-fields.ts';

/** Event name prefixes and their ECS category and type. */
const CATEGORIES: readonly (readonly [string, string, string])[] = [
  ['user.login', 'authentication', 'start'],
  ['cert.create', 'authentication', 'creation'],
  ['auth', 'authentication', 'info'],
  ['session.start', 'session', 'start'],
  ['session.end', 'session', 'end'],
  ['session.join', 'session', 'start'],
  ['session.leave', 'session', 'end'],
  ['exec', 'process', 'start'],
  ['port', 'network', 'connection'],
  ['user.create', 'iam', 'creation'],
  ['user.delete', 'iam', 'deletion'],
  ['user.', 'iam', 'change'],
  ['role.', 'iam', 'change'],
  ['access_request.', 'iam', 'change'],
  ['db.session', 'database', 'access'],
  ['kube.request', 'network', 'access'],
];

/** Splits `1.2.3.4:5678` or `[::1]:5678` into an address and a port. */
export function splitHostPort(value: string): { host: string; port?: number } {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end > 0) return { host: value.slice(1, end), port: port(value.slice(end + 2)) };
  }
  const colon = value.lastIndexOf(':');
  if (colon < 0 || value.indexOf(':') !== colon) return { host: value };
  return { host: value.slice(0, colon), port: port(value.slice(colon + 1)) };
}

function putAddress(out: EventFields, prefix: string, value: unknown): void {
  const text = str(value);
  if (text === undefined) return;
  const { host, port: p } = splitHostPort(text);
  const addr = ip(host);
  out[`${prefix}.address`] = text;
  put(out, `${prefix}.ip`, addr);
  put(out, `${prefix}.port`, p);
  addRelated(out, 'related.ip', addr);
}

function normalizeTeleport(r: Record<string, unknown>): EventFields {
  const out: EventFields = {};
  keepOriginal(out, r, 'teleport');
  put(out, '@timestamp', parseTime(r.time));
  const name = r.event as string;
  const code = r.code as string;
  out['event.kind'] = 'event';
  out['event.module'] = 'teleport';
  out['event.dataset'] = 'teleport.audit';
  out['event.action'] = name;
  out['event.code'] = code;
  put(out, 'event.id', str(r.uid));
  const category = CATEGORIES.find(([prefix]) => name.startsWith(prefix));
  if (category) {
    out['event.category'] = [category[1]];
    out['event.type'] = [category[2]];
  }
  // `success` is explicit on logins; otherwise Teleport codes end in I (info) or W/E (warning, error).
  if (typeof r.success === 'boolean') out['event.outcome'] = r.success ? 'success' : 'failure';
  else if (code.endsWith('W') || code.endsWith('E') || str(r.error) !== undefined) out['event.outcome'] = 'failure';
  else if (code.endsWith('I')) out['event.outcome'] = 'success';
  put(out, 'error.message', str(r.error));

  const user = str(r.user);
  put(out, 'user.name', user);
  addRelated(out, 'related.user', user);
  const login = str(r.login);
  put(out, 'user.effective.name', login);
  addRelated(out, 'related.user', login);
  putAddress(out, 'source', r['addr.remote']);
  putAddress(out, 'destination', r['addr.local']);
  const host = str(r.server_hostname);
  put(out, 'host.name', host);
  put(out, 'host.id', str(r.server_id));
  addRelated(out, 'related.hosts', host);
  put(out, 'user_agent.original', str(r.user_agent));
  put(out, 'process.command_line', str(r.command));
  put(out, 'orchestrator.cluster.name', str(r.cluster_name));
  return out;
}

export const teleportSourceType: ObjectSourceType = {
  name: 'teleport',
  description: 'Teleport audit events',
  input: 'object',
  detect: (r) => typeof r.event === 'string' && typeof r.code === 'string' && ('uid' in r || 'ei' in r),
  normalize: normalizeTeleport,
};
