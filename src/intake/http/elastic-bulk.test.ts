import { Client, errors } from '@elastic/elasticsearch';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-helpers.ts';

const TOKEN = 'es-shipper-token';
let srv: TestServer;
let client: Client;

beforeAll(async () => {
  srv = await startTestServer({ limits: { maxBodyBytes: 256 * 1024, maxDecodedBytes: 1024 * 1024, maxRecordBytes: 4096, maxJsonDepth: 8 } });
  srv.auth.add(TOKEN, 'elastic', 'beats');
  client = new Client({ node: `${srv.url}/elastic`, auth: { username: 'elastic', password: TOKEN }, maxRetries: 0 });
});
afterAll(async () => {
  await client.close();
  await srv.close();
});
beforeEach(() => {
  srv.sink.records.length = 0;
  srv.sink.busy = undefined;
});

function raw(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) {
  const auth = `Basic ${Buffer.from(`elastic:${TOKEN}`).toString('base64')}`;
  return fetch(`${srv.url}/elastic${path}`, { method, body, headers: { authorization: auth, ...headers } });
}

describe('Elasticsearch compatibility with @elastic/elasticsearch', () => {
  it('passes the product check on info and ping', async () => {
    const info = await client.info();
    expect(info.version.number).toBe('8.17.0');
    expect(info.tagline).toBe('You Know, for Search');
    expect(info.version.build_flavor).toBe('default');
    expect(await client.ping()).toBe(true);
    const health = await client.cluster.health();
    expect(health.status).toBe('green');
  });

  it('accepts client.bulk with generated ids, sequence numbers and gzip compression', async () => {
    const gz = new Client({ node: `${srv.url}/elastic`, auth: { username: 'x', password: TOKEN }, compression: true, maxRetries: 0 });
    try {
      const res = await gz.bulk({
        operations: [
          { index: { _index: 'logs-app' } }, { message: 'one', '@timestamp': '2024-05-01T00:00:00Z' },
          { create: { _index: 'logs-app', _id: 'given-id' } }, { message: 'two' },
        ],
      });
      expect(res.errors).toBe(false);
      expect(res.items).toHaveLength(2);
      expect(res.items[0]!.index).toMatchObject({ _index: 'logs-app', status: 201, result: 'created', _version: 1 });
      expect(res.items[0]!.index!._id).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(res.items[1]!.create).toMatchObject({ _id: 'given-id', status: 201 });
      expect(res.items[1]!.create!._seq_no).toBe(res.items[0]!.index!._seq_no! + 1);
    } finally {
      await gz.close();
    }
    expect(srv.sink.records).toHaveLength(2);
    expect(srv.sink.records[0]).toMatchObject({
      source: 'beats', sourceType: 'auto', data: { message: 'one', '@timestamp': '2024-05-01T00:00:00Z' },
      meta: { 'elastic.index': 'logs-app', 'elastic.op': 'index' },
    });
    expect(srv.sink.records[1]!.meta).toMatchObject({ 'elastic.id': 'given-id', 'elastic.op': 'create' });
  });

  it('shows per-item errors for update, delete, malformed lines and deep documents while accepting the rest', async () => {
    const deep = JSON.parse('{"a":'.repeat(10) + '1' + '}'.repeat(10));
    const res = await client.bulk({
      index: 'default-idx',
      operations: [
        { index: {} }, { ok: 1 },
        { delete: { _index: 'x', _id: '1' } },
        { update: { _id: '2' } }, { doc: { a: 1 } },
        { index: {} }, deep,
        { index: {} }, { ok: 2 },
      ],
    });
    expect(res.errors).toBe(true);
    expect(res.items.map((i) => Object.values(i)[0]!.status)).toEqual([201, 400, 400, 400, 201]);
    expect(res.items[1]!.delete!.error).toMatchObject({ type: 'illegal_argument_exception', reason: expect.stringMatching(/append-only/) });
    expect(res.items[3]!.index!.error!.reason).toMatch(/nested deeper than 8 levels/);
    expect(srv.sink.records.map((r) => r.data)).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(srv.sink.records[0]!.meta!['elastic.index']).toBe('default-idx');
  });

  it('runs helpers.bulk and reports dropped documents through onDrop', async () => {
    const dropped: unknown[] = [];
    const docs = [...Array.from({ length: 50 }, (_, n) => ({ n, message: `event ${n}` })), { big: 'x'.repeat(5000) }];
    const stats = await client.helpers.bulk({
      datasource: docs,
      onDocument: () => ({ index: { _index: 'filebeat-8' } }),
      onDrop: (doc) => dropped.push(doc.error),
      flushBytes: 2000,
      retries: 0,
    });
    expect(stats.total).toBe(51);
    expect(stats.successful).toBe(50);
    expect(stats.failed).toBe(1);
    expect(dropped).toEqual([expect.objectContaining({ reason: expect.stringMatching(/exceeds the 4096-byte limit/) })]);
    expect(srv.sink.records).toHaveLength(50);
  });

  it('indexes single documents with index and create', async () => {
    const a = await client.index({ index: 'audit', document: { who: 'bob' } });
    expect(a).toMatchObject({ _index: 'audit', result: 'created' });
    const b = await client.index({ index: 'audit', id: 'doc-1', document: { who: 'eve' } });
    expect(b._id).toBe('doc-1');
    const c = await client.create({ index: 'audit', id: 'doc-2', document: { who: 'mallory' } });
    expect(c.result).toBe('created');
    expect(srv.sink.records.map((r) => r.data)).toEqual([{ who: 'bob' }, { who: 'eve' }, { who: 'mallory' }]);
  });

  it('rejects a wrong password with 401 and an ApiKey of another protocol with 403', async () => {
    const bad = new Client({ node: `${srv.url}/elastic`, auth: { username: 'elastic', password: 'nope' }, maxRetries: 0 });
    await expect(bad.info()).rejects.toMatchObject({ meta: { statusCode: 401 } });
    await bad.close();
    srv.auth.add('hec-token', 'hec');
    const other = new Client({ node: `${srv.url}/elastic`, auth: { apiKey: Buffer.from('id:hec-token').toString('base64') }, maxRetries: 0 });
    await expect(other.info()).rejects.toBeInstanceOf(errors.ResponseError);
    await expect(other.info()).rejects.toMatchObject({ meta: { statusCode: 403 } });
    await other.close();
    const good = new Client({ node: `${srv.url}/elastic`, auth: { apiKey: Buffer.from(`id:${TOKEN}`).toString('base64') }, maxRetries: 0 });
    expect((await good.info()).name).toBe('vigil');
    await good.close();
  });

  it('answers 429 with Retry-After when the pipeline is saturated', async () => {
    srv.sink.busy = 4;
    const err = await client.bulk({ operations: [{ index: { _index: 'a' } }, { x: 1 }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.ResponseError);
    const meta = (err as errors.ResponseError).meta;
    expect(meta.statusCode).toBe(429);
    expect(meta.headers?.['retry-after']).toBe('4');
    expect((meta.body as { error: { type: string } }).error.type).toBe('es_rejected_execution_exception');
    expect(srv.sink.records).toHaveLength(0);
  });
});

describe('Elasticsearch probes and raw bulk bodies', () => {
  it('answers the shipper probes with harmless success and the product header', async () => {
    const probes: [string, string, number][] = [
      ['HEAD', '/', 200], ['GET', '/_license', 200], ['GET', '/_xpack', 200],
      ['GET', '/_index_template/filebeat-8.17.0', 200], ['HEAD', '/_index_template/filebeat-8.17.0', 200],
      ['PUT', '/_index_template/filebeat-8.17.0', 200], ['GET', '/_template/logstash', 200], ['PUT', '/_template/logstash', 200],
      ['GET', '/_ilm/policy/filebeat', 200], ['PUT', '/_ilm/policy/filebeat', 200], ['GET', '/_ingest/pipeline/p1', 200],
      ['PUT', '/_ingest/pipeline/p1', 200], ['GET', '/_alias/logstash', 200], ['HEAD', '/_alias/logstash', 200],
      ['GET', '/logs-app', 200], ['HEAD', '/logs-app', 200], ['PUT', '/logs-app', 200], ['GET', '/_data_stream/logs-x', 200],
      ['GET', '/_nodes/http', 404], ['GET', '/_cat/indices', 404],
    ];
    for (const [method, path, status] of probes) {
      const res = await raw(method, path, method === 'PUT' ? '{}' : undefined, method === 'PUT' ? { 'content-type': 'application/json' } : {});
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.headers.get('x-elastic-product'), `${method} ${path}`).toBe('Elasticsearch');
    }
    const license = await (await raw('GET', '/_license')).json() as { license: { status: string } };
    expect(license.license.status).toBe('active');
  });

  it('puts the product header and ES error format on auth failures and bad bodies too', async () => {
    const res = await fetch(`${srv.url}/elastic/_bulk`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-elastic-product')).toBe('Elasticsearch');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(await res.json()).toMatchObject({ status: 401, error: { type: 'security_exception' } });
    const bomb = await raw('POST', '/_bulk', gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' });
    expect(bomb.status).toBe(413);
    expect(bomb.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const big = await raw('POST', '/_bulk', 'x'.repeat(300 * 1024), { 'content-type': 'application/x-ndjson' });
    expect(big.status).toBe(413);
    const empty = await raw('POST', '/_bulk', '\n', { 'content-type': 'application/x-ndjson' });
    expect(empty.status).toBe(400);
  });

  it('keeps malformed lines aligned as per-item errors, including invalid UTF-8 and missing index', async () => {
    const body = Buffer.concat([
      Buffer.from('{"index":{"_index":"a"}}\n{"ok":1}\n'),
      Buffer.from('not json\n{"swallowed":true}\n'),
      Buffer.from('{"index":{"_index":"a"}}\n'), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x0a]),
      Buffer.from('{"index":{}}\n{"no_index":1}\n'),
      Buffer.from('{"index":{"_index":"a"}}\n{"broken": }\n'),
      Buffer.from('{"index":{"_index":"a"}}\n'),
    ]);
    const res = await raw('POST', '/_bulk', body, { 'content-type': 'application/x-ndjson' });
    const json = await res.json() as { errors: boolean; items: Record<string, { status: number; error?: { type: string; reason: string } }>[] };
    expect(json.errors).toBe(true);
    const flat = json.items.map((i) => Object.values(i)[0]!);
    expect(flat.map((i) => i.status)).toEqual([201, 400, 400, 400, 400, 400]);
    expect(flat[1]!.error!.reason).toMatch(/^line 3: malformed action line/);
    expect(flat[2]!.error!.reason).toBe('line 6: document is not valid UTF-8');
    expect(flat[3]!.error!.type).toBe('action_request_validation_exception');
    expect(flat[4]!.error!.type).toBe('document_parsing_exception');
    expect(flat[5]!.error!.reason).toMatch(/has no source line/);
    expect(srv.sink.records.map((r) => r.data)).toEqual([{ ok: 1 }]);
  });

  it('accepts the index from the path and the vendor NDJSON content type', async () => {
    const res = await raw('POST', '/from-path/_bulk', '{"create":{}}\n{"m":1}\n', { 'content-type': 'application/vnd.elasticsearch+x-ndjson; compatible-with=9' });
    expect(res.status).toBe(200);
    expect(srv.sink.records[0]!.meta!['elastic.index']).toBe('from-path');
  });
});
