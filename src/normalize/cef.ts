/**
 * The `cef` and `leef` source types: security-device events in ArcSight CEF or QRadar LEEF, bare or
 * inside a syslog envelope (the syslog source type calls {@link cefToEcs} / {@link leefToEcs}).
 * Every extension/attribute is kept (`cef.extensions.<key>`, `leef.attributes.<key>`); the common
 * ones are also mapped to ECS.
 */
import type { EventFields } from '../core/event.ts';
import { type CefRecord, parseCef } from '../parse/cef.ts';
import { type LeefRecord, parseLeef } from '../parse/leef.ts';
import { isoOf, parseLooseTime, parsePort, parseUint } from '../parse/text-util.ts';
import type { NormalizeContext, TextSourceType } from './source-type.ts';
import { addRelated, prefixedName, setEndpoint, setPort, setUser } from './text-fields.ts';

const CEF_NAMES = new Map<string, string>();
const LEEF_NAMES = new Map<string, string>();

type Setter = (out: EventFields, value: string, ctx: NormalizeContext) => void;

const text = (name: string): Setter => (out, value) => { out[name] = value; };
const lower = (name: string): Setter => (out, value) => { out[name] = value.toLowerCase(); };
const int = (name: string): Setter => (out, value) => {
  const n = parseUint(value.trim());
  if (n !== undefined) out[name] = n;
};
const natPort = (name: string): Setter => (out, value) => {
  const p = parsePort(value.trim());
  if (p !== undefined) out[name] = p;
};
const endpoint = (prefix: 'source' | 'destination'): Setter => (out, value) => setEndpoint(out, prefix, value.trim());
const port = (prefix: 'source' | 'destination'): Setter => (out, value) => setPort(out, prefix, value.trim());
const user = (name: Parameters<typeof setUser>[1]): Setter => (out, value) => setUser(out, name, value);
const host = (name: string): Setter => (out, value) => {
  out[name] = value;
  addRelated(out, 'related.hosts', value);
};
const time = (name: string): Setter => (out, value, ctx) => {
  const iso = isoOf(parseLooseTime(value, ctx.receivedAt) ?? Number.NaN);
  if (iso) out[name] = iso;
};
const outcome: Setter = (out, value) => {
  const v = value.trim().toLowerCase();
  out['event.outcome'] = v.startsWith('succe') || v === 'allowed' || v === 'allow' ? 'success'
    : v.startsWith('fail') || v === 'denied' || v === 'blocked' || v === 'deny' || v === 'block' ? 'failure' : 'unknown';
};
const direction: Setter = (out, value) => {
  if (value === '0') out['network.direction'] = 'inbound';
  else if (value === '1') out['network.direction'] = 'outbound';
};

// CEF extension keys (short and full names) → ECS. Unlisted keys stay under cef.extensions only.
const CEF_KEYS: Record<string, Setter> = {
  src: endpoint('source'), sourceAddress: endpoint('source'),
  dst: endpoint('destination'), destinationAddress: endpoint('destination'),
  spt: port('source'), sourcePort: port('source'),
  dpt: port('destination'), destinationPort: port('destination'),
  shost: host('source.domain'), sourceHostName: host('source.domain'),
  dhost: host('destination.domain'), destinationHostName: host('destination.domain'),
  smac: text('source.mac'), sourceMacAddress: text('source.mac'),
  dmac: text('destination.mac'), destinationMacAddress: text('destination.mac'),
  suser: user('source.user.name'), sourceUserName: user('source.user.name'),
  duser: user('destination.user.name'), destinationUserName: user('destination.user.name'),
  suid: text('source.user.id'), sourceUserId: text('source.user.id'),
  duid: text('destination.user.id'), destinationUserId: text('destination.user.id'),
  proto: lower('network.transport'), transportProtocol: lower('network.transport'),
  app: lower('network.protocol'), applicationProtocol: lower('network.protocol'),
  in: int('source.bytes'), bytesIn: int('source.bytes'),
  out: int('destination.bytes'), bytesOut: int('destination.bytes'),
  act: text('event.action'), deviceAction: text('event.action'),
  outcome, eventOutcome: outcome,
  reason: text('event.reason'),
  msg: text('message'), message: text('message'),
  request: text('url.original'), requestUrl: text('url.original'),
  requestMethod: text('http.request.method'),
  requestClientApplication: text('user_agent.original'),
  fname: text('file.name'), fileName: text('file.name'),
  filePath: text('file.path'),
  fsize: int('file.size'), fileSize: int('file.size'),
  sproc: text('process.name'), sourceProcessName: text('process.name'),
  spid: int('process.pid'), sourceProcessId: int('process.pid'),
  dvchost: host('observer.hostname'), deviceHostName: host('observer.hostname'),
  dvc: (out, value) => { out['observer.ip'] = value; addRelated(out, 'related.ip', value); },
  deviceAddress: (out, value) => { out['observer.ip'] = value; addRelated(out, 'related.ip', value); },
  deviceExternalId: text('observer.serial_number'),
  deviceDirection: direction,
  rt: time('@timestamp'), deviceReceiptTime: time('@timestamp'),
  start: time('event.start'), startTime: time('event.start'),
  end: time('event.end'), endTime: time('event.end'),
  cnt: int('event.count'),
};

// LEEF predefined attribute keys → ECS.
const LEEF_KEYS: Record<string, Setter> = {
  src: endpoint('source'), dst: endpoint('destination'),
  srcPort: port('source'), dstPort: port('destination'),
  srcMAC: text('source.mac'), dstMAC: text('destination.mac'),
  srcPostNAT: text('source.nat.ip'), dstPostNAT: text('destination.nat.ip'),
  srcPostNATPort: natPort('source.nat.port'), dstPostNATPort: natPort('destination.nat.port'),
  usrName: user('user.name'), accountName: user('user.name'), domain: text('user.domain'),
  proto: lower('network.transport'),
  srcBytes: int('source.bytes'), dstBytes: int('destination.bytes'),
  srcPackets: int('source.packets'), dstPackets: int('destination.packets'),
  totalPackets: int('network.packets'),
  identHostName: host('host.name'), identSrc: endpoint('source'),
  url: text('url.original'), userAgent: text('user_agent.original'),
  action: text('event.action'), result: outcome, outcome,
  reason: text('event.reason'), msg: text('message'),
  policy: text('rule.name'),
  vSrc: endpoint('source'),
};

/**
 * Maps a decoded CEF record into `out` (which may already hold syslog fields).
 *
 * @example
 * cefToEcs(parseCef('CEF:0|Acme|FW|1|deny|Blocked|5|src=10.0.0.1 dpt=22'), {}, { receivedAt: 0 })['destination.port'] // 22
 */
export function cefToEcs(record: CefRecord, out: EventFields, ctx: NormalizeContext): EventFields {
  out['event.kind'] = 'event';
  out['event.module'] = 'cef';
  out['event.dataset'] = 'cef.log';
  out['cef.version'] = record.version;
  out['cef.device.vendor'] = record.deviceVendor;
  out['cef.device.product'] = record.deviceProduct;
  out['cef.device.version'] = record.deviceVersion;
  out['cef.device.event_class_id'] = record.signatureId;
  out['cef.name'] = record.name;
  out['cef.severity'] = record.severity;
  out['observer.vendor'] = record.deviceVendor;
  out['observer.product'] = record.deviceProduct;
  out['observer.version'] = record.deviceVersion;
  out['event.code'] = record.signatureId;
  out.message = record.name;
  const severity = severityOf(record.severity);
  if (severity !== undefined) out['event.severity'] = severity;
  for (const [key, value] of record.extensions) {
    out[prefixedName(CEF_NAMES, 'cef.extensions.', key)] = value;
    // Own-property check: keys come from the record ("constructor" must not find Object's).
    if (Object.hasOwn(CEF_KEYS, key)) CEF_KEYS[key]!(out, value, ctx);
  }
  const actor = out['source.user.name'] ?? out['destination.user.name'];
  if (typeof actor === 'string') out['user.name'] = actor;
  return out;
}

/** CEF severity is 0-10 or Low/Medium/High/Very-High. */
function severityOf(value: string): number | undefined {
  const n = parseUint(value.trim());
  if (n !== undefined) return n;
  switch (value.trim().toLowerCase()) {
    case 'unknown': return 0;
    case 'low': return 3;
    case 'medium': return 6;
    case 'high': return 8;
    case 'very-high': case 'very high': return 10;
    default: return undefined;
  }
}

/**
 * Maps a decoded LEEF record into `out` (which may already hold syslog fields).
 *
 * @example
 * leefToEcs(parseLeef('LEEF:1.0|IBM|QRadar|7.5|Login|usrName=bob\tsrc=10.1.1.1'), {}, { receivedAt: 0 })['user.name'] // 'bob'
 */
export function leefToEcs(record: LeefRecord, out: EventFields, ctx: NormalizeContext): EventFields {
  out['event.kind'] = 'event';
  out['event.module'] = 'leef';
  out['event.dataset'] = 'leef.log';
  out['leef.version'] = record.version;
  out['leef.vendor'] = record.vendor;
  out['leef.product'] = record.product;
  out['leef.product_version'] = record.productVersion;
  out['leef.event_id'] = record.eventId;
  out['observer.vendor'] = record.vendor;
  out['observer.product'] = record.product;
  out['observer.version'] = record.productVersion;
  out['event.code'] = record.eventId;
  let devTime: string | undefined;
  for (const [key, value] of record.attributes) {
    out[prefixedName(LEEF_NAMES, 'leef.attributes.', key)] = value;
    if (key === 'devTime') devTime = value;
    else if (key === 'sev') {
      const n = parseUint(value.trim());
      if (n !== undefined) out['event.severity'] = n;
    } else if (Object.hasOwn(LEEF_KEYS, key)) {
      LEEF_KEYS[key]!(out, value, ctx);
    }
  }
  // devTimeFormat names a Java date pattern; the loose reader accepts the shapes senders use with it.
  if (devTime !== undefined) time('@timestamp')(out, devTime, ctx);
  return out;
}

/** ArcSight CEF events, bare (`CEF:0|...`). In a syslog envelope they are handled by `syslog`. */
export const cefSourceType: TextSourceType = {
  name: 'cef',
  description: 'ArcSight Common Event Format (CEF:0|vendor|product|version|id|name|severity|extension)',
  input: 'text',
  detect: (t) => t.startsWith('CEF:'),
  normalize(t: string, ctx: NormalizeContext): EventFields {
    const at = t.indexOf('CEF:');
    return cefToEcs(parseCef(t, at < 0 ? 0 : at), {}, ctx);
  },
};

/** QRadar LEEF 1.0/2.0 events, bare (`LEEF:2.0|...`). In a syslog envelope they are handled by `syslog`. */
export const leefSourceType: TextSourceType = {
  name: 'leef',
  description: 'IBM QRadar Log Event Extended Format 1.0 and 2.0 (LEEF:2.0|vendor|product|version|id|delimiter|attributes)',
  input: 'text',
  detect: (t) => t.startsWith('LEEF:'),
  normalize(t: string, ctx: NormalizeContext): EventFields {
    const at = t.indexOf('LEEF:');
    return leefToEcs(parseLeef(t, at < 0 ? 0 : at), {}, ctx);
  },
};
