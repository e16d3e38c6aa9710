/**
 * Sigma logsources (`product` / `category` / `service`) mapped onto the events Vigil stores: each
 * logsource becomes a list of targets (stream, channels, event IDs, and a further test where those
 * do not decide), or the reason Vigil cannot serve it. Targets double as the dispatch key that lets
 * the engine run only the rules whose logsource can match an event (see {@link ./logsource-index.ts}).
 *
 * Products Vigil has no parser for (Azure, GCP, M365, Kubernetes, ...) are served from generic JSON
 * events (`json` stream) that identify themselves as that product; see docs/sigma.md.
 *
 * @see /work/shared/sigma-specification/specification/sigma-appendix-taxonomy.md
 */
import type { NormalizedEvent } from '../../core/event.ts';
import { channelOf, eventIdOf, fieldHas, lowerField, streamOf, type EventStream } from './event-stream.ts';
import { DEFENDER_DETECTIONS, WINDOWS_CATEGORIES, WINDOWS_PROVIDER_CATEGORIES, WINDOWS_SERVICES, type WindowsSelector } from './windows-taxonomy.ts';

/** The logsource of a rule (extra keys such as `definition` are ignored). */
export interface SigmaLogsourceSpec {
  product?: string;
  category?: string;
  service?: string;
}

/** Events of one stream, narrowed by channel, event ID and a predicate; absent parts match anything. */
export interface LogsourceTarget {
  stream: EventStream;
  /** Lower-cased channel names (Windows channel, Zeek log, syslog program). */
  channels?: readonly string[];
  eventIds?: readonly number[];
  /** A further test on the event when stream, channel and ID do not decide (OS, product, record type). */
  accepts?: (event: NormalizedEvent) => boolean;
}

export type LogsourceMapping =
  | { supported: true; targets: readonly LogsourceTarget[]; description: string }
  | { supported: false; reason: string };

type Mapped = LogsourceMapping;

const supported = (description: string, ...targets: LogsourceTarget[]): Mapped => ({ supported: true, targets, description });
const unsupported = (reason: string): Mapped => ({ supported: false, reason });

/**
 * Maps a rule's logsource (case-insensitive) onto Vigil's events.
 *
 * @example mapLogsource({ product: 'windows', category: 'process_creation' })
 * // { supported: true, targets: [{ stream: 'windows', channels: ['microsoft-windows-sysmon/operational'], eventIds: [1] },
 * //                               { stream: 'windows', channels: ['security'], eventIds: [4688] }], ... }
 * @example mapLogsource({ product: 'windows', service: 'nosuch' }) // { supported: false, reason: 'unknown Windows service "nosuch" ...' }
 */
export function mapLogsource(logsource: SigmaLogsourceSpec): LogsourceMapping {
  const product = logsource.product?.toLowerCase();
  const category = logsource.category?.toLowerCase();
  const service = logsource.service?.toLowerCase();
  if (product === undefined && category === undefined && service === undefined) {
    return unsupported('the logsource names no product, category or service');
  }
  switch (product) {
    case 'windows':
      return windows(category, service);
    case 'linux':
      return linux(category, service);
    case 'macos':
      return macos(category);
    case 'aws':
      return service === undefined || service === 'cloudtrail'
        ? supported('AWS CloudTrail records', { stream: 'cloudtrail' })
        : unsupported(`AWS service "${service}" is not parsed by Vigil (only CloudTrail)`);
    case 'okta':
      return supported('Okta System Log events', { stream: 'okta' });
    case 'github':
      return supported('GitHub audit log entries', { stream: 'github' });
    case 'zeek':
      return service === undefined
        ? supported('Zeek logs', { stream: 'zeek' })
        : supported(`Zeek ${service}.log`, { stream: 'zeek', channels: [service] });
    case 'apache':
    case 'nginx':
      return webServer(product, service);
    case 'rpc_firewall':
      return supported('RPC Firewall events in the Windows Application log', {
        stream: 'windows', channels: ['application'], accepts: (e) => lowerField(e, 'winlog.provider_name') === 'rpcfw',
      });
    case undefined:
      return productless(category, service);
    default: {
      const generic = GENERIC_PRODUCTS.get(product);
      if (generic === undefined) return unsupported(`product "${product}" has no Vigil parser and no generic mapping`);
      return genericProduct(product, generic, service);
    }
  }
}

/** True when an event is one the mapping serves. */
export function logsourceAccepts(mapping: LogsourceMapping, event: NormalizedEvent): boolean {
  if (!mapping.supported) return false;
  const stream = streamOf(event);
  const channel = channelOf(event, stream);
  const eventId = eventIdOf(event, stream);
  return mapping.targets.some((target) => target.stream === stream
    && (target.channels === undefined || (channel !== undefined && target.channels.includes(channel)))
    && (target.eventIds === undefined || (eventId !== undefined && target.eventIds.includes(eventId)))
    && (target.accepts === undefined || target.accepts(event)));
}

// ---------------------------------------------------------------------------------------------- Windows

function windowsTarget(selector: WindowsSelector): LogsourceTarget {
  return { stream: 'windows', channels: selector.channels, ...(selector.eventIds ? { eventIds: selector.eventIds } : {}) };
}

function windows(category: string | undefined, service: string | undefined): Mapped {
  if (category !== undefined) {
    const selectors = WINDOWS_CATEGORIES.get(category);
    if (selectors) {
      const label = selectors.map((s) => `${s.channels.join(' / ')} ${s.eventIds?.join(', ') ?? ''}`.trim()).join('; ');
      return supported(`Windows ${category}: ${label}`, ...selectors.map(windowsTarget));
    }
    const provider = WINDOWS_PROVIDER_CATEGORIES.get(category);
    if (provider) return supported(`Windows ${category}: ETW provider Microsoft-Windows-Kernel-File (${provider.channels.join(' / ')})`, windowsTarget(provider));
    if (category === 'antivirus') return antivirus();
    return unsupported(`unknown Windows category "${category}": the taxonomy names no channel or event IDs for it`);
  }
  if (service !== undefined) {
    const channels = WINDOWS_SERVICES.get(service);
    if (!channels) return unsupported(`unknown Windows service "${service}": the taxonomy names no channel for it`);
    return supported(`Windows ${service}: ${channels.join(' / ')}`, { stream: 'windows', channels });
  }
  return supported('every Windows event', { stream: 'windows' });
}

// ---------------------------------------------------------------------------------------------- Linux, macOS

/** Syslog programs of the Linux services (lower-cased). */
const LINUX_PROGRAMS: ReadonlyMap<string, readonly string[]> = new Map([
  ['sshd', ['sshd', 'sshd-session', 'sshd-auth']],
  ['sudo', ['sudo']],
  ['su', ['su']],
  ['cron', ['cron', 'crond', 'anacron']],
  ['clamav', ['clamd', 'freshclam', 'clamav', 'clamscan']],
  ['guacamole', ['guacd', 'guacamole']],
  ['vsftpd', ['vsftpd']],
  ['systemd', ['systemd']],
]);

const AUTH_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth', 'sudo', 'su', 'login', 'systemd-logind', 'passwd', 'useradd', 'usermod', 'groupadd', 'chpasswd', 'polkitd', 'gdm-password']);

function isAuthLog(event: NormalizedEvent): boolean {
  if (event.fields['event.dataset'] === 'system.auth') return true;
  const facility = event.fields['log.syslog.facility.name'];
  if (facility === 'auth' || facility === 'authpriv') return true;
  const program = lowerField(event, 'process.name');
  return program !== undefined && AUTH_PROGRAMS.has(program);
}

function osIs(event: NormalizedEvent, ...names: string[]): boolean {
  for (const field of ['host.os.type', 'host.os.family', 'host.os.platform']) {
    const value = lowerField(event, field);
    if (value !== undefined && names.includes(value)) return true;
  }
  return false;
}

const processStart = (e: NormalizedEvent): boolean => fieldHas(e, 'event.category', 'process') && fieldHas(e, 'event.type', 'start');
const fileCreation = (e: NormalizedEvent): boolean => fieldHas(e, 'event.category', 'file') && fieldHas(e, 'event.type', 'creation');
const networkEvent = (e: NormalizedEvent): boolean => fieldHas(e, 'event.category', 'network');

/** ECS events from generic JSON (Elastic Agent, osquery, EDR exports) of one OS and kind. */
function ecsJson(os: readonly string[], kind?: (e: NormalizedEvent) => boolean): LogsourceTarget {
  return { stream: 'json', accepts: kind ? (e) => osIs(e, ...os) && kind(e) : (e) => osIs(e, ...os) };
}

const LINUX = ['linux'];
const MACOS = ['macos', 'darwin'];

function linux(category: string | undefined, service: string | undefined): Mapped {
  switch (category) {
    case 'process_creation':
      return supported('Linux process starts: auditd EXECVE and execve SYSCALL records, ECS process start events in JSON',
        { stream: 'auditd', accepts: processStart }, ecsJson(LINUX, processStart));
    case 'file_event':
      return supported('Linux file creation: auditd PATH records of created files, ECS file creation events in JSON',
        { stream: 'auditd', accepts: (e) => e.fields['auditd.log.record_type'] === 'PATH' && e.fields['auditd.log.nametype'] === 'CREATE' },
        ecsJson(LINUX, fileCreation));
    case 'network_connection':
      return supported('Linux network connections: ECS network events in JSON', ecsJson(LINUX, networkEvent));
    case undefined:
      break;
    default:
      return unsupported(`Linux category "${category}" is not mapped by Vigil`);
  }
  if (service === undefined) {
    return supported('every Linux log: syslog, auditd, ECS JSON from Linux hosts', { stream: 'syslog' }, { stream: 'auditd' }, ecsJson(LINUX));
  }
  switch (service) {
    case 'auditd':
      return supported('Linux audit records', { stream: 'auditd' });
    case 'auth':
      return supported('Linux authentication log (auth facility, sshd, sudo, su, login, PAM)', { stream: 'syslog', accepts: isAuthLog });
    case 'syslog':
      return supported('every syslog message', { stream: 'syslog' });
    default: {
      const programs = LINUX_PROGRAMS.get(service) ?? [service];
      return supported(`syslog messages of ${programs.join(', ')}`, { stream: 'syslog', channels: programs });
    }
  }
}

function macos(category: string | undefined): Mapped {
  switch (category) {
    case 'process_creation':
      return supported('macOS process starts: ECS process start events in JSON', ecsJson(MACOS, processStart));
    case 'file_event':
      return supported('macOS file creation: ECS file creation events in JSON', ecsJson(MACOS, fileCreation));
    case undefined:
      return supported('ECS JSON events from macOS hosts', ecsJson(MACOS));
    default:
      return unsupported(`macOS category "${category}" is not mapped by Vigil`);
  }
}

// ---------------------------------------------------------------------------------------------- web, network

function webServer(product: string, service: string | undefined): Mapped {
  if (service === undefined || service === 'access') return supported(`${product} access logs`, { stream: 'web' });
  // Error logs arrive as syslog messages of the server program (Vigil parses access logs only).
  return supported(`${product} ${service} messages through syslog`, { stream: 'syslog', channels: [product, 'apache2', 'httpd'] });
}

const hasField = (...names: string[]) => (e: NormalizedEvent): boolean => names.some((name) => e.fields[name] !== undefined);

function antivirus(): Mapped {
  return supported('antivirus detections: Windows Defender 1006, 1015, 1116, 1117; malware events in CEF, LEEF and JSON',
    windowsTarget(DEFENDER_DETECTIONS),
    { stream: 'cef', accepts: (e) => fieldHas(e, 'event.category', 'malware') },
    { stream: 'json', accepts: (e) => fieldHas(e, 'event.category', 'malware') || declaresProduct(e, ANTIVIRUS_NAMES) });
}

const ANTIVIRUS_NAMES: ReadonlySet<string> = new Set(['antivirus', 'defender', 'clamav', 'sophos', 'symantec', 'mcafee', 'crowdstrike', 'sentinelone', 'eset', 'kaspersky', 'trendmicro']);

/** Logsources without a product: generic categories any source may serve. */
function productless(category: string | undefined, service: string | undefined): Mapped {
  switch (category) {
    case 'proxy':
      return supported('web proxy traffic: access logs, Zeek http.log, W3C/ECS web fields in JSON',
        { stream: 'web' }, { stream: 'zeek', channels: ['http'] },
        { stream: 'json', accepts: hasField('c-uri', 'cs-uri', 'cs-host', 'c-useragent', 'url.original', 'url.full') });
    case 'webserver':
      return supported('web server access logs: nginx, apache, W3C/ECS web fields in JSON',
        { stream: 'web' }, { stream: 'json', accepts: hasField('cs-method', 'cs-uri-stem', 'cs-uri-query', 'http.request.method') });
    case 'dns':
      return supported('DNS queries: Zeek dns.log, Suricata DNS, DNS fields in JSON',
        { stream: 'zeek', channels: ['dns'] }, { stream: 'suricata', accepts: hasField('dns.question.name') },
        { stream: 'json', accepts: hasField('dns.question.name', 'query') });
    case 'firewall':
      return supported('firewall logs: CEF, LEEF, JSON with network fields',
        { stream: 'cef' }, { stream: 'leef' },
        { stream: 'json', accepts: hasField('src_ip', 'dst_ip', 'source.ip', 'destination.ip') });
    case 'antivirus':
      return antivirus();
    case 'database':
      return supported('database audit logs: JSON events of category database',
        { stream: 'json', accepts: (e) => fieldHas(e, 'event.category', 'database') });
    case 'network':
      return network(service);
    case 'process_creation':
    case 'file_event':
    case 'network_connection': {
      // No product: every operating system's events of that kind.
      const parts = [windows(category, undefined), linux(category, undefined), macos(category)];
      const targets = parts.flatMap((part) => (part.supported ? part.targets : []));
      return supported(`${category} on Windows, Linux and macOS`, ...targets);
    }
    case undefined:
      break;
    default: {
      const os = windows(category, undefined);
      return os.supported ? os : unsupported(`category "${category}" without a product is not mapped by Vigil`);
    }
  }
  if (service === 'apache' || service === 'nginx') return webServer(service, 'error');
  return unsupported(`service "${service ?? ''}" without a product is not mapped by Vigil`);
}

function network(service: string | undefined): Mapped {
  switch (service) {
    case 'connection':
      return supported('network connections: Zeek conn.log, ECS network events in JSON',
        { stream: 'zeek', channels: ['conn'] }, { stream: 'json', accepts: networkEvent });
    case 'dns':
      return productless('dns', undefined);
    default:
      return unsupported(`network service "${service ?? ''}" is not mapped by Vigil`);
  }
}

// ---------------------------------------------------------------------------------------------- generic products

/**
 * Products served from generic JSON: an event belongs to the product when it says so (`event.module`,
 * `event.dataset`, `observer.product`/`vendor`, `service.name`, syslog program: one of `names`) or
 * carries a field only that product's logs have (`fields`).
 */
interface GenericProduct {
  names: readonly string[];
  fields?: readonly string[];
  /** Streams besides `json` whose events may come from the product (e.g. syslog for network devices). */
  streams?: readonly { stream: EventStream; always?: boolean }[];
}

const GENERIC_PRODUCTS: ReadonlyMap<string, GenericProduct> = new Map<string, GenericProduct>([
  ['azure', { names: ['azure', 'entra', 'entraid', 'aad'], fields: ['resourceId', 'ResourceId', 'tenantId', 'TenantId', 'AADTenantId'] }],
  ['gcp', { names: ['gcp', 'google_workspace', 'google'], fields: ['protoPayload.methodName', 'protoPayload.serviceName', 'data.protoPayload.methodName', 'gcp.audit.method_name', 'eventService'] }],
  ['m365', { names: ['m365', 'o365', 'microsoft365', 'office365'], fields: ['Workload', 'RecordType'] }],
  ['bitbucket', { names: ['bitbucket'], fields: ['auditType.action'] }],
  ['kubernetes', { names: ['kubernetes', 'k8s'], fields: ['objectRef.resource', 'auditID'] }],
  ['onelogin', { names: ['onelogin'], fields: ['event_type_id'] }],
  ['opencanary', { names: ['opencanary'], fields: ['logtype'] }],
  ['fortigate', { names: ['fortigate', 'fortinet', 'fortios'], streams: [{ stream: 'cef' }, { stream: 'syslog' }] }],
  // Network devices log through syslog and rarely say which product they are: their keyword rules run on all syslog.
  ['cisco', { names: ['cisco', 'duo', 'cisco_duo'], fields: ['txid'], streams: [{ stream: 'syslog', always: true }] }],
  ['huawei', { names: ['huawei'], streams: [{ stream: 'syslog', always: true }] }],
  ['juniper', { names: ['juniper', 'junos'], streams: [{ stream: 'syslog', always: true }] }],
  ['modsecurity', { names: ['modsecurity'], fields: ['transaction.messages'], streams: [{ stream: 'syslog' }] }],
  // Application logs (keyword rules): the application's syslog program or JSON service name says which.
  ...['django', 'python', 'ruby_on_rails', 'spring', 'sql', 'velocity', 'nodejs', 'jvm', 'java', 'php']
    .map((name): [string, GenericProduct] => [name, { names: [name], streams: [{ stream: 'syslog' }] }]),
]);

/** Where a product's name may be written in an event. */
const PRODUCT_FIELDS = ['event.module', 'event.provider', 'observer.product', 'observer.vendor', 'service.name', 'service.type', 'process.name', 'cef.device.product', 'cef.device.vendor'];

function declaresProduct(event: NormalizedEvent, names: ReadonlySet<string>): boolean {
  for (const field of PRODUCT_FIELDS) {
    const value = lowerField(event, field);
    if (value !== undefined && names.has(value)) return true;
  }
  const dataset = lowerField(event, 'event.dataset');
  if (dataset === undefined) return false;
  const dot = dataset.indexOf('.');
  return names.has(dot < 0 ? dataset : dataset.slice(0, dot));
}

function genericProduct(product: string, spec: GenericProduct, service: string | undefined): Mapped {
  const names = new Set([product, ...spec.names]);
  const fields = spec.fields ?? [];
  const fromProduct = (e: NormalizedEvent): boolean => declaresProduct(e, names) || fields.some((f) => e.fields[f] !== undefined);
  const targets: LogsourceTarget[] = [{ stream: 'json', accepts: fromProduct }];
  for (const extra of spec.streams ?? []) targets.push(extra.always ? { stream: extra.stream } : { stream: extra.stream, accepts: fromProduct });
  const where = spec.streams?.some((s) => s.always) ? ` (every ${spec.streams.filter((s) => s.always).map((s) => s.stream).join(', ')} message)` : '';
  return supported(`${product}${service ? ` ${service}` : ''} events in generic JSON${where}, identified by product name or fields`, ...targets);
}
