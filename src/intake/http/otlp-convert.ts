/**
 * Turns an OTLP logs request (OTLP/JSON, or decoded protobuf in the same shape) into one flat object
 * per log record: body, severity, time, trace context, attributes and resource/scope attributes as
 * plain JSON. Records that break the OTLP rules (bad ids or times, malformed values, too deep or too
 * large) are counted and explained for the partial-success reply; the others are kept.
 */
import { depthExceeds } from '../../core/json.ts';
import type { InputLimits } from '../../core/limits.ts';

/** How bytes fields arrive: hex ids in OTLP/JSON, base64 after protobuf decoding. */
export type IdEncoding = 'hex' | 'base64';

export interface ConvertedLogs {
  records: { data: Record<string, unknown>; scope?: string }[];
  rejected: number;
  /** Reasons for the first rejections, for `partialSuccess.errorMessage`. */
  reasons: string[];
}

/** Thrown for a request whose envelope (not a single record) is malformed: the whole request gets 400. */
export class OtlpShapeError extends Error {
  override name = 'OtlpShapeError';
}

class RecordError extends Error {}

const MAX_REASONS = 5;
const SEVERITY_BASES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const SEVERITY_BY_NAME = new Map<string, number>([['SEVERITY_NUMBER_UNSPECIFIED', 0]]);
SEVERITY_BASES.forEach((base, b) => {
  for (let k = 0; k < 4; k++) SEVERITY_BY_NAME.set(`SEVERITY_NUMBER_${base}${k === 0 ? '' : k + 1}`, b * 4 + k + 1);
});

/** Nesting the envelope may have around the record values: each AnyValue level costs four JSON levels. */
export function envelopeDepth(limits: InputLimits): number {
  return 10 + 4 * (limits.maxJsonDepth + 1);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Field by its OTLP/JSON lowerCamelCase name, or the proto snake_case name protobuf-JSON also allows. */
function field(o: Obj, camel: string): unknown {
  if (camel in o) return o[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return o[snake];
}

function list(o: Obj, name: string, what: string): unknown[] {
  const v = field(o, name);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new OtlpShapeError(`${what}.${name} must be an array`);
  return v;
}

/**
 * Converts an `ExportLogsServiceRequest`. The caller has already bounded its nesting to
 * {@link envelopeDepth}, which bounds the recursion here.
 */
export function convertLogsRequest(request: unknown, ids: IdEncoding, limits: InputLimits): ConvertedLogs {
  if (!isObj(request)) throw new OtlpShapeError('request must be an ExportLogsServiceRequest object');
  const out: ConvertedLogs = { records: [], rejected: 0, reasons: [] };
  for (const [r, rl] of list(request, 'resourceLogs', 'request').entries()) {
    if (!isObj(rl)) throw new OtlpShapeError(`resourceLogs[${r}] must be an object`);
    let resource: Obj | undefined;
    let resourceError: string | undefined;
    try {
      resource = isObj(rl.resource) ? { attributes: keyValues(rl.resource.attributes, limits.maxJsonDepth) } : undefined;
    } catch (err) {
      resourceError = `resourceLogs[${r}].resource: ${(err as Error).message}`;
    }
    for (const [s, sl] of list(rl, 'scopeLogs', `resourceLogs[${r}]`).entries()) {
      if (!isObj(sl)) throw new OtlpShapeError(`resourceLogs[${r}].scopeLogs[${s}] must be an object`);
      let scope: Obj | undefined;
      let scopeError = resourceError;
      try {
        scope = isObj(sl.scope) ? scopeOf(sl.scope, limits.maxJsonDepth) : undefined;
      } catch (err) {
        scopeError ??= `resourceLogs[${r}].scopeLogs[${s}].scope: ${(err as Error).message}`;
      }
      for (const [l, lr] of list(sl, 'logRecords', `resourceLogs[${r}].scopeLogs[${s}]`).entries()) {
        const where = `resourceLogs[${r}].scopeLogs[${s}].logRecords[${l}]`;
        try {
          if (scopeError !== undefined) throw new RecordError(scopeError);
          const data = logRecord(lr, ids, limits);
          if (resource) data.resource = resource;
          if (scope) data.scope = scope;
          if (depthExceeds(data, limits.maxJsonDepth)) throw new RecordError(`nested deeper than ${limits.maxJsonDepth} levels`);
          const bytes = Buffer.byteLength(JSON.stringify(data), 'utf8');
          if (bytes > limits.maxRecordBytes) throw new RecordError(`record of ${bytes} bytes exceeds the ${limits.maxRecordBytes}-byte limit`);
          out.records.push({ data, ...(typeof scope?.name === 'string' ? { scope: scope.name } : {}) });
        } catch (err) {
          if (!(err instanceof RecordError)) throw err;
          out.rejected++;
          if (out.reasons.length < MAX_REASONS) out.reasons.push(`${where}: ${err.message}`);
        }
      }
    }
  }
  return out;
}

function scopeOf(scope: Obj, depth: number): Obj {
  const out: Obj = {};
  if (typeof scope.name === 'string' && scope.name !== '') out.name = scope.name;
  if (typeof scope.version === 'string' && scope.version !== '') out.version = scope.version;
  const attributes = keyValues(scope.attributes, depth);
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  return out;
}

function logRecord(lr: unknown, ids: IdEncoding, limits: InputLimits): Obj {
  if (!isObj(lr)) throw new RecordError('log record must be an object');
  const data: Obj = {};
  const time = nanos(field(lr, 'timeUnixNano'), 'timeUnixNano');
  const observed = nanos(field(lr, 'observedTimeUnixNano'), 'observedTimeUnixNano');
  const when = time ?? observed;
  if (when !== undefined) data['@timestamp'] = new Date(Number(BigInt(when) / 1_000_000n)).toISOString();
  if (time !== undefined) data.time_unix_nano = time;
  if (observed !== undefined) data.observed_time_unix_nano = observed;
  const severityText = field(lr, 'severityText');
  if (typeof severityText === 'string' && severityText !== '') data.severity_text = severityText;
  const severity = severityNumber(field(lr, 'severityNumber'));
  if (severity !== undefined) data.severity_number = severity;
  const body = lr.body;
  if (body !== undefined && body !== null) data.body = anyValue(body, limits.maxJsonDepth + 1);
  const attributes = keyValues(lr.attributes, limits.maxJsonDepth);
  if (Object.keys(attributes).length > 0) data.attributes = attributes;
  const traceId = id(field(lr, 'traceId'), 16, ids, 'traceId');
  if (traceId !== undefined) data.trace_id = traceId;
  const spanId = id(field(lr, 'spanId'), 8, ids, 'spanId');
  if (spanId !== undefined) data.span_id = spanId;
  const flags = lr.flags;
  if (flags !== undefined && flags !== null && flags !== 0) {
    if (!Number.isInteger(flags) || (flags as number) < 0 || (flags as number) > 0xffffffff) throw new RecordError('flags must be a 32-bit unsigned integer');
    data.flags = flags;
  }
  const eventName = field(lr, 'eventName');
  if (typeof eventName === 'string' && eventName !== '') data.event_name = eventName;
  const dropped = field(lr, 'droppedAttributesCount');
  if (typeof dropped === 'number' && dropped > 0) data.dropped_attributes_count = dropped;
  return data;
}

const MAX_U64 = 18446744073709551615n;

function nanos(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  let text: string;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) text = BigInt(v).toString();
  else if (typeof v === 'string' && v.length > 0 && v.length <= 20 && isDigits(v)) text = v;
  else throw new RecordError(`${name} must be an unsigned integer of nanoseconds`);
  if (BigInt(text) > MAX_U64) throw new RecordError(`${name} is out of range`);
  return text === '0' ? undefined : BigInt(text).toString();
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function severityNumber(v: unknown): number | undefined {
  if (v === undefined || v === null || v === 0) return undefined;
  const n = typeof v === 'string' ? SEVERITY_BY_NAME.get(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 24) throw new RecordError('severityNumber must be 0..24 or a SEVERITY_NUMBER_* name');
  return n === 0 ? undefined : n;
}

function id(v: unknown, size: number, encoding: IdEncoding, name: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new RecordError(`${name} must be a string`);
  const hex = encoding === 'hex' ? (isHex(v) ? v.toLowerCase() : '') : base64ToHex(v);
  if (hex.length !== size * 2) throw new RecordError(`${name} must be ${size} bytes (${size * 2} hex digits)`);
  // An all-zero id means "no id" in OTLP.
  return /^0+$/.test(hex) ? undefined : hex;
}

function isHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function base64ToHex(s: string): string {
  return Buffer.from(s, 'base64').toString('hex');
}

/** `KeyValue[]` → object; later duplicates win. */
function keyValues(v: unknown, depth: number): Obj {
  const out: Obj = {};
  if (v === undefined || v === null) return out;
  if (!Array.isArray(v)) throw new RecordError('attributes must be an array of KeyValue');
  for (const kv of v) {
    if (!isObj(kv) || typeof kv.key !== 'string') throw new RecordError('attribute without a string key');
    out[kv.key] = kv.value === undefined || kv.value === null ? null : anyValue(kv.value, depth);
  }
  return out;
}

/** AnyValue → plain JSON. `depth` bounds the recursion (the caller also bounded the input). */
function anyValue(v: unknown, depth: number): unknown {
  if (depth <= 0) throw new RecordError('value nested too deeply');
  if (!isObj(v)) throw new RecordError('value must be an AnyValue object');
  const stringValue = field(v, 'stringValue');
  if (stringValue !== undefined) {
    if (typeof stringValue !== 'string') throw new RecordError('stringValue must be a string');
    return stringValue;
  }
  const boolValue = field(v, 'boolValue');
  if (boolValue !== undefined) {
    if (typeof boolValue !== 'boolean') throw new RecordError('boolValue must be a boolean');
    return boolValue;
  }
  const intValue = field(v, 'intValue');
  if (intValue !== undefined) return integer(intValue);
  const doubleValue = field(v, 'doubleValue');
  if (doubleValue !== undefined) {
    if (typeof doubleValue === 'number') return doubleValue;
    // Proto JSON spells non-finite doubles as strings; JSON cannot hold them as numbers.
    if (doubleValue === 'NaN' || doubleValue === 'Infinity' || doubleValue === '-Infinity') return doubleValue;
    if (typeof doubleValue === 'string' && doubleValue.trim() !== '' && Number.isFinite(Number(doubleValue))) return Number(doubleValue);
    throw new RecordError('doubleValue must be a number');
  }
  const bytesValue = field(v, 'bytesValue');
  if (bytesValue !== undefined) {
    if (typeof bytesValue !== 'string') throw new RecordError('bytesValue must be base64 text');
    return bytesValue;
  }
  const arrayValue = field(v, 'arrayValue');
  if (arrayValue !== undefined) {
    if (!isObj(arrayValue)) throw new RecordError('arrayValue must be an object');
    const values = arrayValue.values ?? [];
    if (!Array.isArray(values)) throw new RecordError('arrayValue.values must be an array');
    return values.map((item) => anyValue(item, depth - 1));
  }
  const kvlistValue = field(v, 'kvlistValue');
  if (kvlistValue !== undefined) {
    if (!isObj(kvlistValue)) throw new RecordError('kvlistValue must be an object');
    return keyValues(kvlistValue.values, depth - 1);
  }
  return null;
}

function integer(v: unknown): number | string {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) {
    const n = Number(v);
    // Beyond 2^53 a JSON number would lose digits: keep those as text.
    return Number.isSafeInteger(n) ? n : v;
  }
  throw new RecordError('intValue must be an integer');
}
