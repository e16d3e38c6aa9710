import { context, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPExporterBase, CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { LogsExporterMetricsHelper, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExportLogsServiceRequest, ExportLogsServiceResponse, RpcStatus } from './otlp-proto.ts';
import { startTestServer, type TestServer } from './test-helpers.ts';

const TOKEN = 'otlp-token';
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';
let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer({ limits: { maxBodyBytes: 256 * 1024, maxDecodedBytes: 1024 * 1024, maxRecordBytes: 4096, maxJsonDepth: 8 } });
  srv.auth.add(TOKEN, 'otlp', 'otel-collector');
  srv.auth.add('es-token', 'elastic');
});
afterAll(() => srv.close());
beforeEach(() => {
  srv.sink.records.length = 0;
  srv.sink.busy = undefined;
});

/** Log records produced by the real SDK, as exporters receive them. */
async function sdkRecords(): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'auth-api', 'host.name': 'web-1' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('auth-scope', '1.2.3');
  const spanContext = { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED };
  logger.emit({
    body: 'user alice logged in', severityNumber: SeverityNumber.INFO, severityText: 'INFO',
    timestamp: new Date('2024-05-01T12:00:00.123Z'),
    attributes: { 'user.name': 'alice', attempts: 3, ok: true, ratio: 0.5, tags: ['a', 'b'] },
    context: trace.setSpanContext(context.active(), spanContext),
  });
  logger.emit({ body: { action: 'delete', targets: ['x', 'y'], nested: { depth: 2 } }, severityNumber: SeverityNumber.WARN });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  expect(records).toHaveLength(2);
  return records;
}

function exportWith(exporter: { export: OTLPExporterBase<ReadableLogRecord[]>['export'] }, records: ReadableLogRecord[]) {
  return new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(records, resolve));
}

/** Equivalent of @opentelemetry/exporter-logs-otlp-proto (not installed): the same delegate with the protobuf serializer. */
function protobufExporter(config: { url: string; headers: Record<string, string>; compression?: CompressionAlgorithm }) {
  return new OTLPExporterBase<ReadableLogRecord[]>(createOtlpHttpExportDelegate(
    convertLegacyHttpOptions(config, 'LOGS', 'v1/logs', { 'Content-Type': 'application/x-protobuf' }),
    ProtobufLogsSerializer, 'otlp_http_log_exporter', LogsExporterMetricsHelper, undefined,
  ));
}

function expectSdkRecords() {
  expect(srv.sink.records).toHaveLength(2);
  const [first, second] = srv.sink.records;
  expect(first).toMatchObject({ source: 'otel-collector', sourceType: 'auto', meta: { 'otlp.scope': 'auth-scope', 'client.ip': '127.0.0.1' } });
  expect(first!.data).toMatchObject({
    '@timestamp': '2024-05-01T12:00:00.123Z', time_unix_nano: '1714564800123000000', severity_text: 'INFO', severity_number: 9,
    body: 'user alice logged in', trace_id: TRACE_ID, span_id: SPAN_ID, flags: 1,
    attributes: { 'user.name': 'alice', attempts: 3, ok: true, ratio: 0.5, tags: ['a', 'b'] },
    resource: { attributes: { 'service.name': 'auth-api', 'host.name': 'web-1' } },
    scope: { name: 'auth-scope', version: '1.2.3' },
  });
  expect(second!.data).toMatchObject({ body: { action: 'delete', targets: ['x', 'y'], nested: { depth: 2 } }, severity_number: 13 });
  expect((second!.data as Record<string, unknown>).observed_time_unix_nano).toMatch(/^\d{19}$/);
}

describe('OTLP/HTTP logs with the OpenTelemetry exporters', () => {
  it('accepts OTLP/JSON from @opentelemetry/exporter-logs-otlp-http', async () => {
    const exporter = new OTLPLogExporter({ url: `${srv.url}/v1/logs`, headers: { Authorization: `Bearer ${TOKEN}` } });
    const result = await exportWith(exporter, await sdkRecords());
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0);
    expectSdkRecords();
    await exporter.shutdown();
  });

  it('accepts gzip-compressed protobuf from the protobuf serializer the proto exporter uses', async () => {
    const exporter = protobufExporter({ url: `${srv.url}/v1/logs`, headers: { Authorization: `Bearer ${TOKEN}` }, compression: CompressionAlgorithm.GZIP });
    const result = await exportWith(exporter, await sdkRecords());
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0);
    expectSdkRecords();
    await exporter.shutdown();
  });

  it('fails the export for a wrong token, without accepting anything', async () => {
    const exporter = new OTLPLogExporter({ url: `${srv.url}/v1/logs`, headers: { Authorization: 'Bearer wrong' } });
    const result = await exportWith(exporter, await sdkRecords());
    expect(result.code).toBe(1);
    expect(srv.sink.records).toHaveLength(0);
    await exporter.shutdown();
  });
});

async function postJson(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}/v1/logs`, {
    method: 'POST', body: typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body) : JSON.stringify(body),
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
  });
  return { status: res.status, headers: res.headers, json: await res.json() as Record<string, unknown> };
}

const wrap = (logRecords: unknown[]) => ({ resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 's' }, logRecords }] }] });

describe('OTLP/JSON details', () => {
  it('rejects invalid records through partialSuccess and keeps the valid ones', async () => {
    let deep: unknown = { stringValue: 'x' };
    for (let i = 0; i < 10; i++) deep = { arrayValue: { values: [deep] } };
    const res = await postJson(wrap([
      { timeUnixNano: '1714564800000000000', body: { stringValue: 'good' }, severityNumber: 'SEVERITY_NUMBER_ERROR' },
      { body: { stringValue: 'bad trace' }, traceId: 'xyz' },
      { timeUnixNano: 'yesterday', body: { stringValue: 'bad time' } },
      { body: deep },
      { body: { stringValue: 'y'.repeat(5000) } },
      { body: { intValue: '9007199254740993' }, attributes: [{ key: 'd', value: { doubleValue: 'NaN' } }, { key: 'b', value: { bytesValue: 'AQID' } }] },
    ]));
    expect(res.status).toBe(200);
    const partial = res.json.partialSuccess as { rejectedLogRecords: string; errorMessage: string };
    expect(partial.rejectedLogRecords).toBe('4');
    expect(partial.errorMessage).toMatch(/logRecords\[1\]: traceId must be 16 bytes/);
    expect(partial.errorMessage).toMatch(/logRecords\[2\]: timeUnixNano must be an unsigned integer/);
    expect(partial.errorMessage).toMatch(/logRecords\[3\]: .*nested/);
    expect(partial.errorMessage).toMatch(/logRecords\[4\]: record of \d+ bytes exceeds the 4096-byte limit/);
    expect(srv.sink.records.map((r) => (r.data as Record<string, unknown>).body)).toEqual(['good', '9007199254740993']);
    expect(srv.sink.records[0]!.data).toMatchObject({ severity_number: 17, '@timestamp': '2024-05-01T12:00:00.000Z' });
    expect(srv.sink.records[1]!.data).toMatchObject({ attributes: { d: 'NaN', b: 'AQID' } });
  });

  it('accepts snake_case field names and an empty request', async () => {
    const res = await postJson({ resource_logs: [{ scope_logs: [{ log_records: [{ time_unix_nano: 1714564800000000000, body: { string_value: 'snake' } }] }] }] });
    expect(res).toMatchObject({ status: 200, json: {} });
    expect((srv.sink.records[0]!.data as Record<string, unknown>).body).toBe('snake');
    expect(await postJson({})).toMatchObject({ status: 200, json: {} });
  });

  it('answers 400 with a Status for invalid JSON, invalid UTF-8, a malformed envelope and absurd nesting', async () => {
    expect(await postJson('{"resourceLogs": [')).toMatchObject({ status: 400, json: { code: 3, message: expect.stringMatching(/^invalid JSON/) } });
    expect(await postJson(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({ status: 400, json: { message: 'body is not valid UTF-8' } });
    expect(await postJson({ resourceLogs: {} })).toMatchObject({ status: 400, json: { message: 'request.resourceLogs must be an array' } });
    expect(await postJson('['.repeat(100_000) + ']'.repeat(100_000))).toMatchObject({ status: 400, json: { message: expect.stringMatching(/nested deeper/) } });
    expect(srv.sink.records).toHaveLength(0);
  });

  it('checks tokens, content type, body limits and backpressure', async () => {
    expect(await postJson({}, { authorization: '' })).toMatchObject({ status: 401, json: { code: 16 } });
    expect(await postJson({}, { authorization: 'Bearer es-token' })).toMatchObject({ status: 403, json: { code: 7 } });
    expect(await postJson('x', { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
    const bomb = await postJson(gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' });
    expect(bomb).toMatchObject({ status: 413, json: { code: 8 } });
    srv.sink.busy = 2;
    const busy = await postJson(wrap([{ body: { stringValue: 'x' } }]));
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('2');
    expect(srv.sink.records).toHaveLength(0);
  });
});

describe('OTLP/protobuf details', () => {
  async function postProto(bytes: Uint8Array) {
    const res = await fetch(`${srv.url}/v1/logs`, {
      method: 'POST', body: Buffer.from(bytes), headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-protobuf' },
    });
    return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
  }

  it('answers partial success in protobuf for invalid ids', async () => {
    const request = ExportLogsServiceRequest.fromObject(wrap([
      { body: { stringValue: 'ok' }, traceId: Buffer.from(TRACE_ID, 'hex'), spanId: Buffer.from(SPAN_ID, 'hex') },
      { body: { stringValue: 'short id' }, traceId: Buffer.from([1, 2, 3]) },
    ]));
    const res = await postProto(ExportLogsServiceRequest.encode(request).finish());
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/x-protobuf/);
    const response = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(res.bytes), { longs: String });
    expect(response).toMatchObject({ partialSuccess: { rejectedLogRecords: '1', errorMessage: expect.stringMatching(/traceId must be 16 bytes/) } });
    expect(srv.sink.records.map((r) => r.data)).toEqual([expect.objectContaining({ body: 'ok', trace_id: TRACE_ID, span_id: SPAN_ID })]);
  });

  it('answers 400 with a protobuf Status for bytes that are not a request', async () => {
    const res = await postProto(Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(res.status).toBe(400);
    const status = RpcStatus.toObject(RpcStatus.decode(res.bytes));
    expect(status).toMatchObject({ code: 3, message: expect.stringMatching(/^invalid protobuf/) });
  });

  it('survives deeply nested protobuf messages', async () => {
    // 2,000 nested ArrayValue/AnyValue levels, built from the inside out.
    let inner: Uint8Array = Uint8Array.from([0x0a, 0x01, 0x78]); // AnyValue{stringValue:"x"}
    const frame = (tag: number, payload: Uint8Array) => {
      const len: number[] = [];
      let n = payload.length;
      while (n > 0x7f) { len.push((n & 0x7f) | 0x80); n >>>= 7; }
      len.push(n);
      return Uint8Array.from([tag, ...len, ...payload]);
    };
    for (let i = 0; i < 2000; i++) inner = frame(0x2a, frame(0x0a, inner)); // AnyValue.arrayValue{values:[inner]}
    const record = frame(0x2a, inner); // LogRecord.body
    const bytes = frame(0x0a, frame(0x12, frame(0x12, record))); // request.resourceLogs.scopeLogs.logRecords
    const res = await postProto(bytes);
    expect(res.status).toBe(400);
    expect(RpcStatus.toObject(RpcStatus.decode(res.bytes)).message).toMatch(/nested deeper than \d+ levels|invalid protobuf/);
    expect(srv.sink.records).toHaveLength(0);
  });
});
