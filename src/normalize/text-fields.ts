/** Helpers the text-format mappers share to fill ECS fields consistently. */
import type { EventFields } from '../core/event.ts';
import { isIp, parsePort } from '../parse/text-util.ts';

/** Adds `value` to the multi-valued field `name` (`related.ip`, `related.user`, ...) once. */
export function addRelated(out: EventFields, name: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  const current = out[name];
  if (Array.isArray(current)) {
    if (!current.includes(value)) out[name] = [...current, value];
  } else {
    out[name] = [value];
  }
}

/**
 * Sets `<prefix>.ip` (and `related.ip`) when `value` is an IP address, `<prefix>.domain` otherwise;
 * `<prefix>.address` always keeps what the log said. Empty values, `-` and `?` mean unknown.
 */
export function setEndpoint(out: EventFields, prefix: 'source' | 'destination', value: string | undefined): void {
  if (value === undefined || value === '' || value === '-' || value === '?') return;
  // Constant key strings: a name built per call (`${prefix}.ip`) costs a string-table lookup per store.
  const names = prefix === 'source' ? SOURCE : DESTINATION;
  out[names.address] = value;
  if (isIp(value)) {
    out[names.ip] = value;
    addRelated(out, 'related.ip', value);
  } else {
    out[names.domain] = value;
    addRelated(out, 'related.hosts', value);
  }
}

const SOURCE = { address: 'source.address', ip: 'source.ip', domain: 'source.domain' } as const;
const DESTINATION = { address: 'destination.address', ip: 'destination.ip', domain: 'destination.domain' } as const;

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

/** Sets a port field only for a valid port number, so a bad value never reaches a numeric column. */
export function setPort(out: EventFields, name: string, value: string | undefined): void {
  if (value === undefined) return;
  const port = parsePort(value);
  if (port !== undefined) out[name] = port;
}

/** Sets `user.name` (and `related.user`). */
export function setUser(out: EventFields, name: string, value: string | undefined): void {
  if (value === undefined || value === '' || value === '-' || value === '?') return;
  out[name] = value;
  addRelated(out, 'related.user', value);
}
