/**
 * Helpers the text-format mappers share to fill ECS fields consistently.
 *
 * Stores use string-literal keys wherever the name is one of a few known ones: V8 compiles
 * `out['user.name'] = v` to a named store, many times faster than `out[name] = v` (a keyed store),
 * and keeps the object in fast mode, which also makes the `Object.keys` of normalizeRecord cheap.
 */
import type { EventFields } from '../core/event.ts';
import { isIp, parsePort } from '../parse/text-util.ts';

type Related = 'related.ip' | 'related.user' | 'related.hosts';

/** Adds `value` to the multi-valued field `name` (`related.ip`, `related.user`, `related.hosts`) once. */
export function addRelated(out: EventFields, name: Related, value: string | undefined): void {
  if (value === undefined || value === '') return;
  const current = name === 'related.ip' ? out['related.ip'] : name === 'related.user' ? out['related.user'] : out['related.hosts'];
  let next: string[];
  if (Array.isArray(current)) {
    if (current.includes(value)) return;
    next = [...(current as string[]), value];
  } else {
    next = [value];
  }
  if (name === 'related.ip') out['related.ip'] = next;
  else if (name === 'related.user') out['related.user'] = next;
  else out['related.hosts'] = next;
}

/**
 * Sets `<prefix>.ip` (and `related.ip`) when `value` is an IP address, `<prefix>.domain` otherwise;
 * `<prefix>.address` always keeps what the log said. Empty values, `-` and `?` mean unknown.
 */
export function setEndpoint(out: EventFields, prefix: 'source' | 'destination', value: string | undefined): void {
  if (value === undefined || value === '' || value === '-' || value === '?') return;
  const ip = isIp(value);
  if (prefix === 'source') {
    out['source.address'] = value;
    if (ip) out['source.ip'] = value;
    else out['source.domain'] = value;
  } else {
    out['destination.address'] = value;
    if (ip) out['destination.ip'] = value;
    else out['destination.domain'] = value;
  }
  addRelated(out, ip ? 'related.ip' : 'related.hosts', value);
}

/** Sets `source.port` / `destination.port` only for a valid port number, so a bad value never reaches a numeric column. */
export function setPort(out: EventFields, prefix: 'source' | 'destination', value: string | undefined): void {
  const port = value === undefined ? undefined : parsePort(value);
  if (port === undefined) return;
  if (prefix === 'source') out['source.port'] = port;
  else out['destination.port'] = port;
}

type UserField = 'user.name' | 'user.target.name' | 'source.user.name' | 'destination.user.name' | 'user.audit.name' | 'user.effective.name';

/** Sets a user name field (and `related.user`); empty, `-` and `?` mean unknown. */
export function setUser(out: EventFields, name: UserField, value: string | undefined): void {
  if (value === undefined || value === '' || value === '-' || value === '?') return;
  switch (name) {
    case 'user.name': out['user.name'] = value; break;
    case 'user.target.name': out['user.target.name'] = value; break;
    case 'source.user.name': out['source.user.name'] = value; break;
    case 'destination.user.name': out['destination.user.name'] = value; break;
    case 'user.audit.name': out['user.audit.name'] = value; break;
    case 'user.effective.name': out['user.effective.name'] = value; break;
  }
  addRelated(out, 'related.user', value);
}

/**
 * Returns `prefix + key`, reusing the string made for an earlier record: field names built anew
 * for every record (`cef.extensions.src`) make each store look the name up in V8's string table.
 * At most `limit` names are remembered per cache, so hostile input cannot grow it without bound.
 */
export function prefixedName(cache: Map<string, string>, prefix: string, key: string, limit = 4096, cacheKey = key): string {
  let name = cache.get(cacheKey);
  if (name === undefined) {
    name = prefix + key;
    if (cache.size < limit) cache.set(cacheKey, name);
  }
  return name;
}
