import type { EventFields, NormalizedEvent, RawRecord } from '../core/event.ts';
import { parseJsonObject } from '../core/json.ts';
import type { InputLimits } from '../core/limits.ts';
import { SOURCE_TYPES, findSourceType } from './registry.ts';
import { addTransportFields } from './transport-fields.ts';
import { ParseError, type NormalizeContext, type SourceType } from './source-type.ts';

/**
 * Turns one received record into a normalized event. Never throws and never drops: a record no
 * source type understands becomes a `raw` event carrying the reason in `parseError`.
 */
export function normalizeRecord(record: RawRecord, limits: InputLimits): NormalizedEvent {
  const original = record.text ?? JSON.stringify(record.data ?? null);
  const base = { receivedAt: record.receivedAt, source: record.source, original };
  const raw = (reason: string): NormalizedEvent => {
    const fields: EventFields = { message: truncate(original) };
    const timestamp = addTransportFields(fields, record.meta) ?? record.receivedAt;
    fields['@timestamp'] = new Date(timestamp).toISOString();
    return { ...base, timestamp, sourceType: 'raw', fields, parseError: reason };
  };

  // Cheap upper bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
  if (original.length * 3 > limits.maxRecordBytes) {
    const bytes = utf8Length(original);
    if (bytes > limits.maxRecordBytes) return raw(`record of ${bytes} bytes exceeds the ${limits.maxRecordBytes}-byte limit`);
  }

  const ctx: NormalizeContext = { receivedAt: record.receivedAt, meta: record.meta };
  let object: Record<string, unknown> | undefined;
  let jsonReason: string | undefined;
  if (record.text === undefined) {
    if (typeof record.data === 'string') return normalizeText(record.data);
    if (record.data === null || typeof record.data !== 'object' || Array.isArray(record.data)) {
      return raw('structured record is not a JSON object');
    }
    object = record.data as Record<string, unknown>;
  } else if (record.text.trimStart().startsWith('{')) {
    const decoded = parseJsonObject(record.text, limits.maxJsonDepth);
    if (decoded.ok) object = decoded.value;
    else jsonReason = decoded.reason;
  }
  return object ? normalizeObject(object) : normalizeText(record.text ?? '');

  function normalizeText(text: string): NormalizedEvent {
    const wanted = record.sourceType === 'auto' ? undefined : findSourceType(record.sourceType);
    if (record.sourceType !== 'auto' && !wanted) return raw(`unknown source type "${record.sourceType}"`);
    if (wanted && wanted.input !== 'text') return raw(jsonReason ?? `source type "${wanted.name}" expects a JSON object`);
    const type = wanted ?? SOURCE_TYPES.find((t) => t.input === 'text' && t.detect(text));
    if (!type || type.input !== 'text') return raw(jsonReason ?? 'no parser recognised this record');
    return run(type, () => type.normalize(text, ctx));
  }

  function normalizeObject(value: Record<string, unknown>): NormalizedEvent {
    const wanted = record.sourceType === 'auto' ? undefined : findSourceType(record.sourceType);
    if (record.sourceType !== 'auto' && !wanted) return raw(`unknown source type "${record.sourceType}"`);
    if (wanted && wanted.input !== 'object') {
      return typeof value.message === 'string' || typeof value.event === 'string'
        ? run(wanted, () => wanted.normalize(String(value.message ?? value.event), ctx))
        : raw(`source type "${wanted.name}" expects text`);
    }
    const type = wanted ?? SOURCE_TYPES.find((t) => t.input === 'object' && t.detect(value));
    if (!type || type.input !== 'object') return raw('no parser recognised this record');
    return run(type, () => type.normalize(value, ctx));
  }

  function run(type: SourceType, normalize: () => EventFields): NormalizedEvent {
    let fields: EventFields;
    try {
      fields = normalize();
    } catch (err) {
      if (err instanceof ParseError) return raw(`${type.name}: ${err.message}`);
      return raw(`${type.name}: parser failed: ${(err as Error).message}`);
    }
    let parseError: string | undefined;
    let count = 0;
    for (const key in fields) {
      if (++count > limits.maxFields) delete fields[key];
    }
    if (count > limits.maxFields) parseError = `event had ${count} fields; kept the first ${limits.maxFields}`;
    const transportTime = addTransportFields(fields, record.meta);
    const stamp = fields['@timestamp'];
    const parsed = typeof stamp === 'string' ? parseTimestamp(stamp) : Number.NaN;
    const timestamp = Number.isFinite(parsed) ? parsed : (transportTime ?? record.receivedAt);
    // Mappers emit canonical UTC; only rewrite what is not (offsets, missing, unparsable).
    if (!(typeof stamp === 'string' && Number.isFinite(parsed) && CANONICAL_UTC.test(stamp))) {
      fields['@timestamp'] = new Date(timestamp).toISOString();
    }
    return { ...base, timestamp, sourceType: type.name, fields, ...(parseError ? { parseError } : {}) };
  }
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ZONELESS_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

/** ISO 8601 time in ms; a time without a zone is read as UTC, never as the server's local time. */
function parseTimestamp(text: string): number {
  return Date.parse(ZONELESS_ISO.test(text) ? `${text}Z` : text);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}

/** Raw events keep the whole record in `original`; the message field shows a readable prefix. */
function truncate(text: string): string {
  return text.length > 4096 ? `${text.slice(0, 4096)}…` : text;
}
