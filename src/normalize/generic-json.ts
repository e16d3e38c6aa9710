/**
 * Any JSON object no specific source type claimed (`json`). Every field is kept, flattened to dotted
 * names at the top level (so documents that already use ECS names keep them), and the usual
 * conventions are mapped: a timestamp, the message, the host and the level. Last in detection order.
 */
import type { EventFields } from '../core/event.ts';
import { flattenInto } from '../core/json.ts';
import type { ObjectSourceType } from './source-type.ts';
import { obj, parseTime, str } from './json-fields.ts';

/** Timestamp fields, most specific first. */
const TIME_FIELDS = ['@timestamp', 'timestamp', 'time', 'ts', 'datetime', 'date', 'eventTime', 'event_time', 'created_at', '@t'];
const MESSAGE_FIELDS = ['message', 'msg', 'log', 'Message', '@m', '@mt', 'body'];
const LEVEL_FIELDS = ['level', 'severity', 'log.level', 'loglevel', 'lvl', '@l', 'severity_text'];

function normalizeJson(r: Record<string, unknown>): EventFields {
  const out: EventFields = {};
  flattenInto(out, r, '');

  let time: string | undefined;
  for (const field of TIME_FIELDS) {
    if (r[field] === undefined) continue;
    time = parseTime(r[field]);
    if (time !== undefined) break;
  }
  const stamp = r['@timestamp'];
  if (stamp !== undefined && time !== stamp) {
    // Keep a `@timestamp` that was not used as is: the event's `@timestamp` is always canonical ISO.
    out['event.original_timestamp'] = typeof stamp === 'object' ? JSON.stringify(stamp) : (stamp as string | number | boolean);
  }
  if (time !== undefined) out['@timestamp'] = time;
  else delete out['@timestamp'];

  for (const field of MESSAGE_FIELDS) {
    const message = str(r[field]);
    if (message !== undefined) { out.message = message; break; }
  }
  const host = str(r.host) ?? str(r.hostname) ?? str(obj(r.host)?.name) ?? str(r.host_name);
  if (host !== undefined) out['host.name'] = host;
  for (const field of LEVEL_FIELDS) {
    const level = str(r[field]);
    if (level !== undefined) { out['log.level'] = level.toLowerCase(); break; }
  }
  out['event.kind'] ??= 'event';
  return out;
}

export const genericJsonSourceType: ObjectSourceType = {
  name: 'json',
  description: 'Any JSON object: fields kept flattened, with timestamp, message, host and level picked from common names',
  input: 'object',
  detect: () => true,
  normalize: normalizeJson,
};
