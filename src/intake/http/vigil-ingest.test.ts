import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-helpers.ts';

const TOKEN = 'vigil-http-token';
let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer({ limits: { maxBodyBytes: 64 * 1024, maxDecodedBytes: 256 * 1024, maxRecordBytes: 4096, maxJsonDepth: 8 } });
  srv.auth.add(TOKEN, 'http', 'web-app');
  srv.auth.add('hec-token', 'hec', 'splunk-src');
});
afterAll(() => srv.close());
beforeEach(() => {
  srv.sink.records.length = 0;
  srv.sink.busy = undefined;
});

function post(body: BodyInit, contentType: string, headers: Record<string, string> = {}, query = '') {
  return fetch(`${srv.url}/api/v1/ingest${query}`, {
    method: 'POST',
    body,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType, ...headers },
  });
}

describe('POST /api/v1/ingest', () => {
  it('accepts one JSON object as a structured record with source and client address', async () => {
    const res = await post(JSON.stringify({ user: 'alice', action: 'login' }), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, rejected: 0, errors: [] });
    expect(srv.sink.records).toEqual([{
      source: 'web-app', sourceType: 'auto', receivedAt: 1_700_000_000_000,
      data: { user: 'alice', action: 'login' }, meta: { 'client.ip': '127.0.0.1' },
    }]);
  });

  it('accepts the good elements of a JSON array and names the bad ones by index', async () => {
    const res = await post(JSON.stringify([{ a: 1 }, 'nope', { b: 2 }]), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, rejected: 1, errors: [{ item: 1, reason: 'array element is not a JSON object' }] });
    expect(srv.sink.records.map((r) => r.data)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reports bad NDJSON lines by line number and accepts the others as text', async () => {
    const body = '{"n":1}\n{broken\n\n[1,2]\r\n{"n":5}\r\n';
    const res = await post(body, 'application/x-ndjson');
    expect(res.status).toBe(200);
    const json = await res.json() as { accepted: number; rejected: number; errors: { line: number; reason: string }[] };
    expect(json.accepted).toBe(2);
    expect(json.rejected).toBe(2);
    expect(json.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(json.errors[0]!.reason).toMatch(/^invalid JSON/);
    expect(json.errors[1]!.reason).toBe('JSON value is not an object');
    expect(srv.sink.records.map((r) => r.text)).toEqual(['{"n":1}', '{"n":5}']);
  });

  it('takes text/plain line by line, rejecting only the line with invalid UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('first line\nbad '), Buffer.from([0xc3, 0x28]), Buffer.from('\nthird\n')]);
    const res = await post(body, 'text/plain; charset=utf-8');
    expect(await res.json()).toEqual({ accepted: 2, rejected: 1, errors: [{ line: 2, reason: 'line is not valid UTF-8' }] });
    expect(srv.sink.records.map((r) => r.text)).toEqual(['first line', 'third']);
  });

  it('answers 400 with the same shape when every record is bad', async () => {
    const res = await post('nope\n', 'application/x-ndjson');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ accepted: 0, rejected: 1 });
    expect(srv.sink.records).toHaveLength(0);
  });

  it('rejects a line over maxRecordBytes with its size', async () => {
    const res = await post(`{"a":"${'x'.repeat(5000)}"}\n{"ok":true}`, 'application/x-ndjson');
    const json = await res.json() as { errors: { line: number; reason: string }[] };
    expect(json.errors).toEqual([{ line: 1, reason: 'line of 5008 bytes exceeds the 4096-byte record limit' }]);
    expect(srv.sink.records).toHaveLength(1);
  });

  it('decodes gzip bodies', async () => {
    const res = await post(gzipSync('{"z":1}\n{"z":2}\n'), 'application/x-ndjson', { 'content-encoding': 'gzip' });
    expect(await res.json()).toMatchObject({ accepted: 2 });
  });

  it('refuses a gzip bomb with 413 once the decoded size passes the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(bomb, 'text/plain', { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect((await res.json() as { message: string }).message).toBe('decompressed body exceeds the 262144-byte limit');
    expect(srv.sink.records).toHaveLength(0);
  });

  it('refuses a body over maxBodyBytes with 413', async () => {
    const res = await post('x'.repeat(70 * 1024), 'text/plain');
    expect(res.status).toBe(413);
    expect((await res.json() as { message: string }).message).toBe('request body exceeds the 65536-byte limit');
  });

  it('answers 400 for invalid JSON, invalid UTF-8, deep nesting, corrupt gzip and an empty body', async () => {
    const cases: [BodyInit, Record<string, string>, RegExp][] = [
      ['{"a":', {}, /^invalid JSON/],
      [Buffer.from([0x7b, 0xff, 0x7d]), {}, /not valid UTF-8/],
      ['{"a":'.repeat(20) + '1' + '}'.repeat(20), {}, /nested deeper than 8 levels/],
      ['42', {}, /object or an array of objects/],
      [Buffer.from('not gzip'), { 'content-encoding': 'gzip' }, /not valid gzip/],
      ['', {}, /empty/],
    ];
    for (const [body, headers, message] of cases) {
      const res = await post(body, 'application/json', headers);
      expect(res.status).toBe(400);
      expect((await res.json() as { message: string }).message).toMatch(message);
    }
    expect(srv.sink.records).toHaveLength(0);
  });

  it('rejects deep nesting per element of an array', async () => {
    const deep = JSON.parse('{"a":'.repeat(12) + '1' + '}'.repeat(12));
    const res = await post(JSON.stringify([deep, { fine: 1 }]), 'application/json');
    expect(await res.json()).toEqual({ accepted: 1, rejected: 1, errors: [{ item: 0, reason: 'JSON nested deeper than 8 levels' }] });
  });

  it('answers 429 with Retry-After under backpressure and accepts nothing', async () => {
    srv.sink.busy = 7;
    const res = await post('{"a":1}', 'application/json');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(srv.sink.records).toHaveLength(0);
  });

  it('checks the token: missing 401, unknown 401, another protocol 403', async () => {
    const missing = await fetch(`${srv.url}/api/v1/ingest`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(missing.status).toBe(401);
    const wrong = await post('{}', 'application/json', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json() as { message: string }).message).toBe('invalid token');
    const other = await post('{}', 'application/json', { authorization: 'Bearer hec-token' });
    expect(other.status).toBe(403);
    expect((await other.json() as { message: string }).message).toMatch(/configured for hec intake/);
    const basic = await post('{"b":1}', 'application/json', { authorization: `Basic ${Buffer.from(`any:${TOKEN}`).toString('base64')}` });
    expect(basic.status).toBe(200);
    expect(srv.sink.records).toHaveLength(1);
  });

  it('validates ?sourceType= and the content type', async () => {
    const unknown = await post('{}', 'application/json', {}, '?sourceType=no-such-type');
    expect(unknown.status).toBe(400);
    expect((await unknown.json() as { message: string }).message).toMatch(/unknown sourceType "no-such-type"; known: auto/);
    const auto = await post('{"a":1}', 'application/json', {}, '?sourceType=auto');
    expect(auto.status).toBe(200);
    const form = await post('a=1', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    const brotli = await post('{}', 'application/json', { 'content-encoding': 'br' });
    expect(brotli.status).toBe(415);
  });

  it('leaves the root JSON parser of the app alone', async () => {
    const res = await fetch(`${srv.url}/api/v1/echo`, { method: 'POST', body: '{"k":"v"}', headers: { 'content-type': 'application/json' } });
    expect(await res.json()).toEqual({ body: { k: 'v' } });
  });
});
