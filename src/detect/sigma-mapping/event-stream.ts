/**
 * Which log an event belongs to, in the terms Sigma logsources are matched and dispatched by: the
 * stream (roughly the source type), a channel within it (Windows event log channel, Zeek log, syslog
 * program) and, for Windows, the event ID. Computed from the normalized event alone.
 */
import type { NormalizedEvent } from '../../core/event.ts';

/**
 * Streams: `windows`, `auditd` (also when forwarded through syslog), `syslog`, `web` (nginx and
 * apache access logs), `cloudtrail`, `okta`, `github`, `zeek`, `suricata`, `cef`, `leef`, `json`
 * (any other JSON object), and the remaining source type names as they are.
 */
export type EventStream = string;

export interface EventFacts {
  stream: EventStream;
  /** Lower-cased: Windows channel, Zeek log name, syslog program. */
  channel: string | undefined;
  /** Windows event ID. */
  eventId: number | undefined;
}

/** The stream of an event. */
export function streamOf(event: NormalizedEvent): EventStream {
  const type = event.sourceType;
  switch (type) {
    case 'windows':
      return 'windows';
    case 'nginx':
    case 'apache':
      return 'web';
    case 'syslog':
      return event.fields['event.module'] === 'auditd' ? 'auditd' : 'syslog';
    default:
      return type;
  }
}

// Channel and program names repeat in every event: lower-case each once (bounded, names come from data).
const lowered = new Map<string, string>();
function lower(text: string): string {
  let value = lowered.get(text);
  if (value === undefined) {
    value = text.toLowerCase();
    if (lowered.size < 10_000) lowered.set(text, value);
  }
  return value;
}

/** The channel of an event within its stream (lower-cased), if the stream has channels. */
export function channelOf(event: NormalizedEvent, stream: EventStream): string | undefined {
  const fields = event.fields;
  let name: unknown;
  if (stream === 'windows') name = fields['winlog.channel'];
  else if (stream === 'zeek') {
    const dataset = fields['event.dataset'];
    name = typeof dataset === 'string' && dataset.startsWith('zeek.') ? dataset.slice(5) : undefined;
  } else if (stream === 'syslog') name = fields['process.name'];
  return typeof name === 'string' ? lower(name) : undefined;
}

/** The Windows event ID of an event (undefined for other streams). */
export function eventIdOf(event: NormalizedEvent, stream: EventStream): number | undefined {
  if (stream !== 'windows') return undefined;
  const code = event.fields['winlog.event_id'] ?? event.fields['event.code'];
  const id = typeof code === 'number' ? code : typeof code === 'string' ? Number(code) : Number.NaN;
  return Number.isInteger(id) ? id : undefined;
}

/**
 * Stream, channel and event ID of an event.
 *
 * @example eventFacts(sysmonProcessCreate) // { stream: 'windows', channel: 'microsoft-windows-sysmon/operational', eventId: 1 }
 */
export function eventFacts(event: NormalizedEvent): EventFacts {
  const stream = streamOf(event);
  return { stream, channel: channelOf(event, stream), eventId: eventIdOf(event, stream) };
}

/** A field as lower-case text, or undefined. */
export function lowerField(event: NormalizedEvent, name: string): string | undefined {
  const value = event.fields[name];
  return typeof value === 'string' ? lower(value) : undefined;
}

/** True when a multi-valued ECS field (e.g. `event.category`) holds the value. */
export function fieldHas(event: NormalizedEvent, name: string, wanted: string): boolean {
  const value = event.fields[name];
  return Array.isArray(value) ? value.includes(wanted) : value === wanted;
}
