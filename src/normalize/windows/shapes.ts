/**
 * The JSON shapes Windows events arrive in, reduced to one {@link WinEvent}: the flat shape of
 * NXLog/OTRF exports (EventData fields at top level), evtx_dump's nested `Event.System`/`EventData`,
 * Winlogbeat 7+ (`winlog.*`) and Winlogbeat 6 (`event_id`, `log_name`, `event_data`).
 * Envelope fields that have a Winlogbeat name are written under `winlog.*`; the rest are kept too.
 */
import type { EventFields } from '../../core/event.ts';
import { flattenInto } from '../../core/json.ts';
import { ParseError } from '../source-type.ts';
import { int, obj, parseTime, str } from '../json-fields.ts';

export interface WinEvent {
  eventId: number;
  channel: string | undefined;
  provider: string | undefined;
  computer: string | undefined;
  /** Canonical ISO time of the event, when the record carries a valid one. */
  time: string | undefined;
  /** EventData fields by name; their values are kept as received. */
  data: Record<string, unknown>;
  /** Keywords bit mask as received (number or `0x…` text), used for audit success/failure. */
  keywords: unknown;
  message: string | undefined;
}

/** Envelope keys of the flat shape and where they go; everything else is EventData. */
const FLAT_ENVELOPE: ReadonlyMap<string, string> = new Map([
  ['ProviderGuid', 'winlog.provider_guid'],
  ['Level', 'winlog.level'],
  ['Keywords', 'winlog.keywords'],
  ['Task', 'winlog.task_value'],
  ['Category', 'winlog.task'],
  ['Opcode', 'winlog.opcode'],
  ['OpcodeValue', 'winlog.opcode_value'],
  ['Version', 'winlog.version'],
  ['RecordNumber', 'winlog.record_id'],
  ['ExecutionProcessID', 'winlog.process.pid'],
  ['ThreadID', 'winlog.process.thread.id'],
  ['ActivityID', 'winlog.activity_id'],
  ['RelatedActivityID', 'winlog.related_activity_id'],
  ['UserID', 'winlog.user.identifier'],
  ['Domain', 'winlog.user.domain'],
  ['AccountType', 'winlog.user.type'],
  ['tags', 'tags'],
  // Shipper (NXLog / Logstash) fields: not part of the Windows event, kept under their own names.
  ['EventReceivedTime', 'nxlog.EventReceivedTime'],
  ['EventTime', 'nxlog.EventTime'],
  ['SourceModuleName', 'nxlog.SourceModuleName'],
  ['SourceModuleType', 'nxlog.SourceModuleType'],
  ['Severity', 'nxlog.Severity'],
  ['SeverityValue', 'nxlog.SeverityValue'],
  ['ERROR_EVT_UNRESOLVED', 'nxlog.ERROR_EVT_UNRESOLVED'],
  ['EventTypeOrignal', 'nxlog.EventTypeOrignal'],
  ['port', 'nxlog.port'],
  ['host', 'nxlog.host'],
  ['type', 'nxlog.type'],
  ['@version', 'nxlog.@version'],
]);

/** NXLog's own `EventType` values; any other value is Sysmon's EventData `EventType` (e.g. `SetValue`). */
const NXLOG_EVENT_TYPES = new Set(['AUDIT_SUCCESS', 'AUDIT_FAILURE', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'VERBOSE', 'DEBUG']);

/** Which shape a record has, by a key check or two; undefined when it is no Windows event. */
export function windowsShape(r: Record<string, unknown>): 'flat' | 'evtx' | 'winlogbeat' | 'winlogbeat6' | undefined {
  const id = r.EventID;
  if ((typeof id === 'number' || typeof id === 'string') && typeof r.Channel === 'string') return 'flat';
  const w = r.winlog;
  if (w !== null && typeof w === 'object' && ('event_id' in w || 'channel' in w)) return 'winlogbeat';
  const e = r.Event;
  if (e !== null && typeof e === 'object' && 'System' in e) return 'evtx';
  if ('event_id' in r && ('log_name' in r || 'source_name' in r)) return 'winlogbeat6';
  return undefined;
}

function eventIdOf(value: unknown, where: string): number {
  const n = int(value);
  if (n === undefined || n < 0 || n > 65535) {
    throw new ParseError(value === undefined ? `${where} is missing` : `${where} is not an event number: ${JSON.stringify(value).slice(0, 40)}`);
  }
  return n;
}

/** Copies one envelope value (objects flattened) unless absent. */
function keep(out: EventFields, key: string, value: unknown): void {
  if (value !== undefined) flattenInto(out, value, key);
}

/** Marks flat-shape keys read directly rather than copied. */
const SKIP = '';

/** Every flat-shape key with special handling, looked up once per key. */
const FLAT_KEYS: ReadonlyMap<string, string> = new Map([
  ...FLAT_ENVELOPE,
  ...['EventID', 'Channel', 'Hostname', 'SourceName', 'Message', '@timestamp', 'TimeCreated', 'EventType', 'AccountName']
    .map((k): [string, string] => [k, SKIP]),
]);

/** `winlog.event_data.<Name>` keys, cached: the same few hundred names repeat in every event. */
const dataKeys = new Map<string, string>();
function dataKey(name: string): string {
  let key = dataKeys.get(name);
  if (key === undefined) {
    key = `winlog.event_data.${name}`;
    if (dataKeys.size < 10_000) dataKeys.set(name, key);
  }
  return key;
}

/** Writes one EventData field as `winlog.event_data.<name>` (objects flattened below it). */
export function putData(out: EventFields, name: string, value: unknown): void {
  if (value === null || typeof value !== 'object') out[dataKey(name)] = value as string | number | boolean | null;
  else flattenInto(out, value, dataKey(name));
}

/** Output key of every flat-shape key seen (envelope target, SKIP, or `winlog.event_data.<Name>`): one lookup per key. */
const flatTargets = new Map<string, string>(FLAT_KEYS);
function flatTarget(key: string): string {
  let target = flatTargets.get(key);
  if (target === undefined) {
    target = `winlog.event_data.${key}`;
    if (flatTargets.size < 10_000) flatTargets.set(key, target);
  }
  return target;
}

export function fromFlat(r: Record<string, unknown>, out: EventFields): WinEvent {
  const channel = str(r.Channel);
  for (const key in r) {
    const value = r[key];
    const target = flatTarget(key);
    if (target !== SKIP) {
      if (value === null || typeof value !== 'object') out[target] = value as string | number | boolean | null;
      else flattenInto(out, value, target);
    } else if (key === 'EventType') {
      if (typeof value === 'string' && NXLOG_EVENT_TYPES.has(value)) out['nxlog.EventType'] = value;
      else putData(out, key, value);
    } else if (key === 'AccountName') {
      // NXLog's account of the event, except that service installs (7045) carry EventData `AccountName`.
      if (channel === 'System') putData(out, key, value);
      keep(out, 'winlog.user.name', value);
    }
  }
  return {
    eventId: eventIdOf(r.EventID, 'EventID'),
    channel,
    provider: str(r.SourceName),
    computer: str(r.Hostname),
    time: parseTime(r.TimeCreated) ?? parseTime(r['@timestamp']) ?? parseTime(r.UtcTime),
    // The flat shape's EventData fields are top-level keys: mappers read them from the record itself.
    data: r,
    keywords: r.Keywords,
    message: str(r.Message),
  };
}

/** evtx_dump renders XML attributes as `#attributes` and element text as `#text`. */
function attr(value: unknown, name: string): unknown {
  return obj(obj(value)?.['#attributes'])?.[name];
}

function text(value: unknown): unknown {
  const o = obj(value);
  return o && '#text' in o ? o['#text'] : value;
}

export function fromEvtx(r: Record<string, unknown>, out: EventFields): WinEvent {
  const event = obj(r.Event);
  const sys = obj(event?.System);
  if (!event || !sys) throw new ParseError('Event.System is not an object');
  keep(out, 'winlog.provider_guid', attr(sys.Provider, 'Guid'));
  keep(out, 'winlog.event_source_name', attr(sys.Provider, 'EventSourceName'));
  keep(out, 'winlog.qualifiers', attr(sys.EventID, 'Qualifiers'));
  keep(out, 'winlog.version', sys.Version);
  keep(out, 'winlog.level', sys.Level);
  keep(out, 'winlog.task_value', sys.Task);
  keep(out, 'winlog.opcode_value', sys.Opcode);
  keep(out, 'winlog.keywords', sys.Keywords);
  keep(out, 'winlog.record_id', sys.EventRecordID);
  keep(out, 'winlog.activity_id', attr(sys.Correlation, 'ActivityID'));
  keep(out, 'winlog.related_activity_id', attr(sys.Correlation, 'RelatedActivityID'));
  keep(out, 'winlog.process.pid', attr(sys.Execution, 'ProcessID'));
  keep(out, 'winlog.process.thread.id', attr(sys.Execution, 'ThreadID'));
  keep(out, 'winlog.user.identifier', attr(sys.Security, 'UserID'));

  const data: Record<string, unknown> = {};
  const eventData = obj(event.EventData);
  if (eventData) {
    for (const key in eventData) {
      const value = eventData[key];
      if (key === '#attributes') keep(out, 'winlog.event_data_attributes', value);
      else if (key === 'Data') addUnnamedData(data, text(value));
      else data[key] = text(value);
    }
  } else if (event.EventData !== undefined && event.EventData !== null) {
    addUnnamedData(data, text(event.EventData));
  }
  const userData = obj(event.UserData);
  if (userData) {
    for (const element in userData) {
      out['winlog.user_data.xml_name'] = element;
      const fields = obj(userData[element]);
      if (!fields) continue;
      for (const key in fields) if (key !== '#attributes') keep(out, `winlog.user_data.${key}`, text(fields[key]));
    }
  }
  if (event.RenderingInfo !== undefined) keep(out, 'winlog.rendering_info', event.RenderingInfo);
  for (const key in data) putData(out, key, data[key]);
  return {
    eventId: eventIdOf(text(sys.EventID), 'Event.System.EventID'),
    channel: str(sys.Channel),
    provider: str(attr(sys.Provider, 'Name')),
    computer: str(sys.Computer),
    time: parseTime(attr(sys.TimeCreated, 'SystemTime')) ?? parseTime(r['@timestamp']),
    data,
    keywords: sys.Keywords,
    message: str(obj(event.RenderingInfo)?.Message),
  };
}

/** Unnamed `<Data>` elements become `param1`, `param2`, ... as Winlogbeat names them. */
function addUnnamedData(data: Record<string, unknown>, value: unknown): void {
  const values = Array.isArray(value) ? value : [value];
  values.forEach((v, i) => { data[`param${i + 1}`] = text(v); });
}

export function fromWinlogbeat(r: Record<string, unknown>, out: EventFields): WinEvent {
  // Winlogbeat documents are ECS already: keep every field, then derive ours on top.
  for (const key in r) if (key !== 'winlog') keep(out, key, r[key]);
  const w = obj(r.winlog) ?? {};
  for (const key in w) if (key !== 'event_data') keep(out, `winlog.${key}`, w[key]);
  const data = obj(w.event_data) ?? {};
  for (const key in data) putData(out, key, data[key]);
  return {
    eventId: eventIdOf(w.event_id ?? obj(r.event)?.code, 'winlog.event_id'),
    channel: str(w.channel),
    provider: str(w.provider_name) ?? str(obj(r.event)?.provider),
    computer: str(w.computer_name) ?? str(obj(r.host)?.name),
    time: parseTime(r['@timestamp']) ?? parseTime(w.time_created),
    data,
    keywords: w.keywords,
    message: str(r.message),
  };
}

/** Winlogbeat 6 field names and their Winlogbeat 7+ equivalents. */
const WLB6: ReadonlyMap<string, string> = new Map([
  ['record_number', 'winlog.record_id'],
  ['provider_guid', 'winlog.provider_guid'],
  ['process_id', 'winlog.process.pid'],
  ['thread_id', 'winlog.process.thread.id'],
  ['level', 'log.level'],
  ['task', 'winlog.task'],
  ['opcode', 'winlog.opcode'],
  ['keywords', 'winlog.keywords'],
  ['version', 'winlog.version'],
  ['activity_id', 'winlog.activity_id'],
  ['related_activity_id', 'winlog.related_activity_id'],
  ['user', 'winlog.user'],
  ['user_data', 'winlog.user_data'],
  ['tags', 'tags'],
]);

export function fromWinlogbeat6(r: Record<string, unknown>, out: EventFields): WinEvent {
  for (const key in r) {
    switch (key) {
      case 'event_id': case 'log_name': case 'source_name': case 'computer_name': case 'event_data':
      case 'message': case '@timestamp':
        continue;
    }
    // Shipper fields (beat, host = the collector, @metadata) are not the event's: keep them apart.
    keep(out, WLB6.get(key) ?? `winlogbeat.${key}`, r[key]);
  }
  const data = obj(r.event_data) ?? {};
  for (const key in data) putData(out, key, data[key]);
  return {
    eventId: eventIdOf(r.event_id, 'event_id'),
    channel: str(r.log_name),
    provider: str(r.source_name),
    computer: str(r.computer_name),
    time: parseTime(r['@timestamp']),
    data,
    keywords: r.keywords,
    message: str(r.message),
  };
}
