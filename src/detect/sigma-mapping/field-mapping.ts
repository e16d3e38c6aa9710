/**
 * Sigma field names resolved against Vigil's events: Windows rules name EventData and System fields
 * (`Image`, `EventID`), Linux, cloud, web and Zeek rules their products' own names (`a0`,
 * `eventName`, `cs-method`, `id.orig_h`). A field resolves first from the original event data kept
 * by the normalizers (`winlog.event_data.*`, `aws.cloudtrail.*`, `zeek.<log>.*`, ...), then from its
 * ECS equivalent. The table is in docs/sigma.md ("Logsources and fields").
 *
 * Cost: how a field resolves depends only on the event's kind (stream, and Security 4688 or not), so
 * resolvers are built once per kind and field and cached; per event one small object is allocated,
 * and a lookup is a map hit plus one or two property reads. Callers cache values per event as well
 * (the Sigma core's SigmaEventScope), so each field is resolved at most once per event.
 */
import type { EventFields, NormalizedEvent } from '../../core/event.ts';
import type { SigmaEvent } from '../sigma/sigma-event.ts';
import { channelOf, eventIdOf, streamOf } from './event-stream.ts';
import { extensionOf, hashFrom, integrityLevelForms, valueFormOf, windowsAccount, withValueForms } from './value-forms.ts';

type Resolver = (event: MappedEvent) => unknown;

const MAX_FIELDS_PER_KIND = 10_000;

interface KeywordScope {
  /** Fields whose values keyword searches look in (besides the message); all fields when absent. */
  prefixes?: readonly string[];
  /** The message renders the event data: left out when the data is there. */
  messageIsRendering?: boolean;
}

/** How each field resolves for one kind of event; built on first use. */
class FieldPlan {
  private readonly resolvers = new Map<string, Resolver>();
  private readonly keywordFields = new Map<string, boolean>();
  private readonly build: (field: string) => Resolver;
  readonly keywordPrefixes: readonly string[] | undefined;
  readonly messageIsRendering: boolean;

  constructor(build: (field: string) => Resolver, keywords: KeywordScope = {}) {
    this.build = build;
    this.keywordPrefixes = keywords.prefixes;
    this.messageIsRendering = keywords.messageIsRendering ?? false;
  }

  /** Whether keyword searches look in a field (memoized: the same keys come back event after event). */
  isKeywordField(key: string): boolean {
    let known = this.keywordFields.get(key);
    if (known === undefined) {
      const prefixes = this.keywordPrefixes;
      known = key !== 'message' && (prefixes === undefined || prefixes.some((prefix) => key.startsWith(prefix)));
      if (this.keywordFields.size < MAX_FIELDS_PER_KIND) this.keywordFields.set(key, known);
    }
    return known;
  }

  resolver(field: string): Resolver {
    let resolver = this.resolvers.get(field);
    if (resolver === undefined) {
      const raw = this.build(field);
      const form = valueFormOf(field);
      resolver = form === 'plain' ? raw : (event) => withValueForms(raw(event), form);
      if (this.resolvers.size < MAX_FIELDS_PER_KIND) this.resolvers.set(field, resolver);
    }
    return resolver;
  }
}

/** A stored or normalized event as Sigma sees it. */
class MappedEvent implements SigmaEvent {
  readonly event: NormalizedEvent;
  readonly fields: EventFields;
  private readonly plan: FieldPlan;
  private keywordValues: unknown[] | undefined;
  private parsedOriginal: unknown;
  private lowerKeys: Map<string, string> | undefined;

  constructor(event: NormalizedEvent, plan: FieldPlan) {
    this.event = event;
    this.fields = event.fields;
    this.plan = plan;
  }

  get(field: string): unknown {
    return this.plan.resolver(field)(this);
  }

  /**
   * What a keyword search looks in: the values of the original event data (array elements
   * included) and the message. Windows events that have EventData leave out their message: it is
   * the same data rendered as text, and scanning it would double the cost of every keyword rule.
   */
  keywords(): readonly unknown[] {
    if (this.keywordValues === undefined) {
      const values: unknown[] = [];
      const plan = this.plan;
      for (const key in this.fields) {
        if (!plan.isKeywordField(key)) continue;
        const value = this.fields[key];
        if (Array.isArray(value)) for (const element of value as unknown[]) values.push(element);
        else if (value !== null) values.push(value);
      }
      const message = this.fields.message;
      if (message !== undefined && !(this.plan.messageIsRendering && values.length > 0)) values.push(message);
      this.keywordValues = values;
    }
    return this.keywordValues;
  }

  /** The record as received, decoded once when a field needs its nested structure. */
  original(): unknown {
    if (this.parsedOriginal === undefined) {
      const text = this.event.original;
      let value: unknown = null;
      if (text.startsWith('{')) {
        try {
          value = JSON.parse(text);
        } catch {
          value = null;
        }
      }
      this.parsedOriginal = value;
    }
    return this.parsedOriginal;
  }

  /** A field whose name differs only in case (generic JSON writes `ResultDescription` and `Resultdescription`). */
  ignoringCase(field: string): unknown {
    if (this.lowerKeys === undefined) {
      this.lowerKeys = new Map();
      for (const key in this.fields) if (!this.lowerKeys.has(key.toLowerCase())) this.lowerKeys.set(key.toLowerCase(), key);
    }
    const key = this.lowerKeys.get(field.toLowerCase());
    return key === undefined ? undefined : this.fields[key];
  }
}

// ---------------------------------------------------------------------------------------------- resolver helpers

const field = (name: string): Resolver => (e) => e.fields[name];

function firstOf(...resolvers: Resolver[]): Resolver {
  if (resolvers.length === 1) return resolvers[0]!;
  return (e) => {
    for (const resolve of resolvers) {
      const value = resolve(e);
      if (value !== undefined) return value;
    }
    return undefined;
  };
}

const firstField = (...names: string[]): Resolver => firstOf(...names.map(field));

/**
 * Values at a dotted path of the original record; keys may contain dots themselves (Zeek's
 * `id.orig_h`), arrays contribute every element's value, objects are returned as JSON text.
 */
function originalPath(path: string): Resolver {
  return (e) => {
    const found: unknown[] = [];
    collectPath(e.original(), path, found, 0);
    if (found.length === 0) return undefined;
    const values = found.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v));
    return values.length === 1 ? values[0] : values;
  };
}

function collectPath(value: unknown, path: string, found: unknown[], depth: number): void {
  if (depth > 16 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const element of value) collectPath(element, path, found, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  if (Object.hasOwn(record, path)) {
    const hit = record[path];
    if (Array.isArray(hit)) found.push(...(hit as unknown[]));
    else if (hit !== undefined) found.push(hit);
    return;
  }
  for (let dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
    const head = path.slice(0, dot);
    if (Object.hasOwn(record, head)) collectPath(record[head], path.slice(dot + 1), found, depth + 1);
  }
}

// ---------------------------------------------------------------------------------------------- ECS equivalents

/** Sigma names (Sysmon, W3C, Zeek, firewall taxonomy) and the ECS fields holding the same facts. */
const ECS_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  Image: ['process.executable'],
  CommandLine: ['process.command_line'],
  ParentImage: ['process.parent.executable'],
  ParentCommandLine: ['process.parent.command_line'],
  OriginalFileName: ['process.pe.original_file_name'],
  CurrentDirectory: ['process.working_directory'],
  ProcessId: ['process.pid'],
  ParentProcessId: ['process.parent.pid'],
  User: ['user.name'],
  TargetFilename: ['file.path'],
  DestinationIp: ['destination.ip'],
  DestinationPort: ['destination.port'],
  DestinationHostname: ['destination.domain'],
  SourceIp: ['source.ip'],
  SourcePort: ['source.port'],
  SourceHostname: ['source.domain'],
  QueryName: ['dns.question.name'],
  EventID: ['event.code'],
  Computer: ['host.name'],
  // W3C extended log format (category proxy and webserver).
  'c-uri': ['url.original', 'url.full'],
  'cs-uri': ['url.original', 'url.full'],
  'c-uri-query': ['url.query'],
  'cs-uri-query': ['url.query'],
  'c-uri-stem': ['url.path'],
  'cs-uri-stem': ['url.path'],
  'c-useragent': ['user_agent.original'],
  'cs-user-agent': ['user_agent.original'],
  'cs(User-Agent)': ['user_agent.original'],
  'cs-method': ['http.request.method'],
  'sc-status': ['http.response.status_code'],
  'cs-referer': ['http.request.referrer'],
  'cs-referrer': ['http.request.referrer'],
  'cs-host': ['url.domain', 'destination.domain'],
  'r-dns': ['url.domain', 'destination.domain'],
  'c-ip': ['source.ip'],
  's-ip': ['destination.ip'],
  's-port': ['destination.port'],
  'cs-username': ['user.name'],
  'sc-bytes': ['http.response.body.bytes'],
  'cs-bytes': ['http.request.body.bytes'],
  'cs-version': ['http.version'],
  // Firewall and DNS taxonomy names.
  src_ip: ['source.ip'],
  dst_ip: ['destination.ip'],
  src_port: ['source.port'],
  dst_port: ['destination.port'],
  username: ['user.name'],
  action: ['event.action'],
  query: ['dns.question.name'],
  answer: ['dns.resolved_ip', 'dns.answers.data'],
  record_type: ['dns.question.type'],
  // Antivirus taxonomy names.
  Signature: ['rule.name', 'threat.indicator.description'],
  Filename: ['file.path'],
};

function ecs(name: string): Resolver | undefined {
  if (name === 'c-uri-extension') return (e) => e.fields['url.extension'] ?? extensionOf(e.fields['url.path']);
  const names = ECS_EQUIVALENTS[name];
  return names ? firstField(...names) : undefined;
}

function withEcs(name: string, ...first: Resolver[]): Resolver {
  const equivalent = ecs(name);
  return firstOf(...first, ...(equivalent ? [equivalent] : []));
}

// ---------------------------------------------------------------------------------------------- Windows

const eventData = (name: string): string => `winlog.event_data.${name}`;

/** System (envelope) fields under the names Sigma rules use. */
const WINDOWS_SYSTEM: Readonly<Record<string, Resolver>> = {
  EventID: (e) => eventIdOf(e.event, 'windows'),
  Channel: field('winlog.channel'),
  Provider_Name: firstField('winlog.provider_name', 'event.provider'),
  Provider_Guid: field('winlog.provider_guid'),
  ProviderGuid: field('winlog.provider_guid'),
  Computer: firstField('winlog.computer_name', 'host.name'),
  EventRecordID: field('winlog.record_id'),
  Level: firstField('winlog.level', eventData('Level')),
  Keywords: field('winlog.keywords'),
  Task: firstField('winlog.task_value', 'winlog.task'),
  Opcode: firstField('winlog.opcode_value', 'winlog.opcode'),
  Version: firstField('winlog.version', eventData('Version')),
  ExecutionProcessID: field('winlog.process.pid'),
  ExecutionThreadID: field('winlog.process.thread.id'),
  SecurityUserID: field('winlog.user.identifier'),
  // The log an event was written to: its channel, or the event source of classic logs (RPCFW, ...).
  EventLog: (e) => [e.fields['winlog.channel'], e.fields['winlog.provider_name']].filter((v) => v !== undefined),
  Message: field('message'),
};

/** Whether a Security 4688 event names a target account (a process started under other credentials). */
function hasTarget(e: MappedEvent): boolean {
  const sid = e.fields[eventData('TargetUserSid')];
  return typeof sid === 'string' && sid !== 'S-1-0-0' && sid !== '-' && sid !== '';
}

/** Sysmon process_creation names on Security 4688, as SigmaHQ's Windows audit pipelines map them. */
const SECURITY_4688: Readonly<Record<string, Resolver>> = {
  Image: field(eventData('NewProcessName')),
  ParentImage: field(eventData('ParentProcessName')),
  ProcessId: field(eventData('NewProcessId')),
  // In 4688 `ProcessId` is the creator's: the new process's parent.
  ParentProcessId: field(eventData('ProcessId')),
  IntegrityLevel: (e) => integrityLevelForms(e.fields[eventData('MandatoryLabel')]),
  LogonId: (e) => e.fields[eventData(hasTarget(e) ? 'TargetLogonId' : 'SubjectLogonId')],
  User: (e) => (hasTarget(e)
    ? windowsAccount(e.fields[eventData('TargetUserSid')], e.fields[eventData('TargetDomainName')], e.fields[eventData('TargetUserName')])
    : windowsAccount(e.fields[eventData('SubjectUserSid')], e.fields[eventData('SubjectDomainName')], e.fields[eventData('SubjectUserName')])),
};

/** The hash fields of the taxonomy, read out of Sysmon's `Hashes`. */
const HASH_FIELDS: Readonly<Record<string, string>> = { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256', imphash: 'IMPHASH' };

/** Unnamed EventData (`<Data>` without a name: param1, param2 ...) as one multi-valued `Data`. */
function unnamedData(e: MappedEvent): unknown {
  const named = e.fields[eventData('Data')];
  if (named !== undefined) return named;
  const values: unknown[] = [];
  for (let i = 1; ; i++) {
    const value = e.fields[eventData(`param${i}`)];
    if (value === undefined) break;
    values.push(value);
  }
  // Exports that render the event (NXLog) keep the unnamed data only in the message.
  if (values.length === 0) return e.fields.message;
  return values.length === 1 ? values[0] : values;
}

/** Sysmon versions differ in GUID casing (`SourceProcessGUID` vs `SourceProcessGuid`). */
function guidCaseVariant(name: string): string | undefined {
  if (name.endsWith('Guid')) return `${name.slice(0, -4)}GUID`;
  if (name.endsWith('GUID')) return `${name.slice(0, -4)}Guid`;
  return undefined;
}

function windowsResolver(name: string, security4688: boolean): Resolver {
  const system = WINDOWS_SYSTEM[name];
  if (system) return system;
  if (security4688) {
    const mapped = SECURITY_4688[name];
    if (mapped) return mapped;
  }
  if (name === 'Data') return unnamedData;
  const data = eventData(name);
  const userData = `winlog.user_data.${name}`;
  const variant = guidCaseVariant(name);
  const hash = HASH_FIELDS[name.toLowerCase()];
  if (variant === undefined && hash === undefined) {
    // The common case, on the hot path: two property reads, no closures in between.
    return (e) => {
      const value = e.fields[data];
      return value !== undefined ? value : e.fields[userData];
    };
  }
  const own = [field(data), field(userData)];
  if (variant !== undefined) own.push(field(eventData(variant)));
  if (hash !== undefined) own.push((e) => hashFrom(e.fields[eventData('Hashes')] ?? e.fields[eventData('Hash')], hash));
  return firstOf(...own);
}

// ---------------------------------------------------------------------------------------------- plans

const WINDOWS_KEYWORDS: KeywordScope = { prefixes: ['winlog.event_data.', 'winlog.user_data.'], messageIsRendering: true };
const WINDOWS = new FieldPlan((name) => windowsResolver(name, false), WINDOWS_KEYWORDS);
const WINDOWS_4688 = new FieldPlan((name) => windowsResolver(name, true), WINDOWS_KEYWORDS);

const AUDITD = new FieldPlan((name) => (name === 'type'
  ? field('auditd.log.record_type')
  : withEcs(name, field(`auditd.log.${name}`), field(`auditd.log.enriched.${name}`))), { prefixes: ['auditd.log.'] });

/** Plans whose original record is JSON kept under a prefix (`aws.cloudtrail.eventName`). */
function prefixedPlan(prefix: string): FieldPlan {
  return new FieldPlan((name) => withEcs(name, field(`${prefix}${name}`), originalPath(name)), { prefixes: [prefix] });
}

/** Text logs: keyword searches look in the message. */
const SYSLOG = new FieldPlan((name) => withEcs(name, field(name)), { prefixes: [] });
const WEB = new FieldPlan((name) => withEcs(name, field(name)), { prefixes: ['url.', 'http.', 'user_agent.'] });
const CLOUDTRAIL = prefixedPlan('aws.cloudtrail.');
const OKTA = prefixedPlan('okta.');
const GITHUB = prefixedPlan('github.');
const CEF = new FieldPlan((name) => withEcs(name, field(`cef.extensions.${name}`), field(name)), { prefixes: ['cef.'] });
const LEEF = new FieldPlan((name) => withEcs(name, field(`leef.attributes.${name}`), field(name)), { prefixes: ['leef.'] });
/** Generic JSON: the name as flattened, the original's nesting, Azure's `properties.*`, any case, then ECS. */
const JSON_PLAN = new FieldPlan((name) => withEcs(name, field(name), originalPath(name), field(`properties.${name}`), (e) => e.ignoringCase(name)));

const zeekPlans = new Map<string, FieldPlan>();
function zeekPlan(log: string): FieldPlan {
  let plan = zeekPlans.get(log);
  if (plan === undefined) {
    plan = prefixedPlan(`zeek.${log}.`);
    if (zeekPlans.size < 1000) zeekPlans.set(log, plan);
  }
  return plan;
}

function planFor(event: NormalizedEvent): FieldPlan {
  const stream = streamOf(event);
  switch (stream) {
    case 'windows':
      return eventIdOf(event, stream) === 4688 && channelOf(event, stream) === 'security' ? WINDOWS_4688 : WINDOWS;
    case 'auditd':
      return AUDITD;
    case 'syslog':
      return SYSLOG;
    case 'web':
      return WEB;
    case 'cloudtrail':
      return CLOUDTRAIL;
    case 'okta':
      return OKTA;
    case 'github':
      return GITHUB;
    case 'zeek':
      return zeekPlan(channelOf(event, stream) ?? 'unknown');
    case 'cef':
      return CEF;
    case 'leef':
      return LEEF;
    default:
      return JSON_PLAN;
  }
}

/**
 * The event as Sigma rules see it: `get('Image')`, `get('EventID')`, `get('eventName')` resolve as
 * the rules' products name those fields. Values in two forms (hex and decimal ids, GUIDs with and
 * without braces, integrity level SIDs and names) come back as both.
 *
 * @example sigmaEventFor(sysmonProcessCreate).get('Image') // 'C:\\Windows\\System32\\cmd.exe'
 * @example sigmaEventFor(security4688).get('ParentProcessId') // ['0x2b8', '696']
 * @see docs/sigma.md "Logsources and fields"
 */
export function sigmaEventFor(event: NormalizedEvent): SigmaEvent {
  return new MappedEvent(event, planFor(event));
}
