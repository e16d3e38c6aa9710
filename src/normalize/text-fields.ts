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
  out[`${prefix}.address`] = value;
  if (isIp(value)) {
    out[`${prefix}.ip`] = value;
    addRelated(out, 'related.ip', value);
  } else {
    out[`${prefix}.domain`] = value;
    addRelated(out, 'related.hosts', value);
  }
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
