/** Helpers shared by the Windows event mappers. */
import type { EventFields } from '../../core/event.ts';
import { addRelated, int, ip, port, put, splitDomainUser, baseName } from '../json-fields.ts';
import type { WinEvent } from './shapes.ts';

/** An EventData value as text; Windows writes `-` (and empty text) for "none". */
export function d(ev: WinEvent, name: string): string | undefined {
  const v = ev.data[name];
  if (typeof v === 'string') return v === '' || v === '-' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Sets event category, type (arrays, as ECS wants them) and action. */
export function categorize(out: EventFields, category: string, type: string, action: string): void {
  out['event.category'] = [category];
  out['event.type'] = [type];
  out['event.action'] = action;
}

/** Sets `<prefix>.pid`, `.executable`, `.name` (and `.entity_id`) from EventData names. */
export function putProcess(out: EventFields, ev: WinEvent, prefix: string, pid: string, image: string, guid?: string): void {
  const p = int(d(ev, pid));
  put(out, `${prefix}.pid`, p);
  const exe = d(ev, image);
  if (exe !== undefined) {
    out[`${prefix}.executable`] = exe;
    out[`${prefix}.name`] = baseName(exe);
  }
  if (guid !== undefined) put(out, `${prefix}.entity_id`, d(ev, guid));
}

/** Sets `user.name`/`user.domain` (or another prefix) from a `DOMAIN\user` value. */
export function putDomainUser(out: EventFields, prefix: string, value: string | undefined): void {
  if (value === undefined) return;
  const { domain, name } = splitDomainUser(value);
  out[`${prefix}.name`] = name;
  put(out, `${prefix}.domain`, domain);
  addRelated(out, 'related.user', name);
}

/** Sets `<prefix>.name`, `.domain`, `.id` from separate EventData fields (Security log style). */
export function putUser(out: EventFields, ev: WinEvent, prefix: string, name: string, domain: string, sid: string): void {
  const n = d(ev, name);
  put(out, `${prefix}.name`, n);
  put(out, `${prefix}.domain`, d(ev, domain));
  put(out, `${prefix}.id`, d(ev, sid));
  addRelated(out, 'related.user', n);
}

/** Sets `<prefix>.ip` (validated) and `<prefix>.port`, and adds the address to `related.ip`. */
export function putEndpoint(out: EventFields, ev: WinEvent, prefix: string, ipName: string, portName: string): void {
  const addr = ip(d(ev, ipName));
  put(out, `${prefix}.ip`, addr);
  addRelated(out, 'related.ip', addr);
  const p = port(d(ev, portName));
  if (p !== undefined && p !== 0) out[`${prefix}.port`] = p;
}

/**
 * Splits Sysmon's `SHA1=..,MD5=..,SHA256=..,IMPHASH=..` into `<prefix>.hash.*` (lowercase hex, as
 * ECS stores hashes) and `related.hash`. A bare hash (Sysmon 15 `Hash` can be one) is keyed by length.
 */
export function putHashes(out: EventFields, prefix: string, value: string | undefined): void {
  if (value === undefined) return;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const algo = eq < 0 ? guessAlgo(part) : part.slice(0, eq).trim().toLowerCase();
    const hash = (eq < 0 ? part : part.slice(eq + 1)).trim().toLowerCase();
    if (!algo || hash === '' || !/^[0-9a-f]+$/.test(hash)) continue;
    out[`${prefix}.hash.${algo}`] = hash;
    addRelated(out, 'related.hash', hash);
  }
}

function guessAlgo(hash: string): string | undefined {
  switch (hash.trim().length) {
    case 32: return 'md5';
    case 40: return 'sha1';
    case 64: return 'sha256';
    default: return undefined;
  }
}

const SUCCESS_BIT = 1n << 53n;
const FAILURE_BIT = 1n << 52n;

/** `success`/`failure` from the Security log's audit keywords, when they say. */
export function auditOutcome(keywords: unknown): 'success' | 'failure' | undefined {
  let bits: bigint;
  try {
    if (typeof keywords === 'number' && Number.isInteger(keywords)) bits = BigInt.asUintN(64, BigInt(keywords));
    else if (typeof keywords === 'string' && /^0x[0-9a-fA-F]{1,16}$/.test(keywords)) bits = BigInt(keywords);
    else if (Array.isArray(keywords)) {
      if (keywords.includes('Audit Success')) return 'success';
      return keywords.includes('Audit Failure') ? 'failure' : undefined;
    } else return undefined;
  } catch {
    return undefined;
  }
  if (bits & SUCCESS_BIT) return 'success';
  return bits & FAILURE_BIT ? 'failure' : undefined;
}
