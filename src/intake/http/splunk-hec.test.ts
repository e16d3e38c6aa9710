import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import splunk from 'splunk-logging';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-helpers.ts';

const TOKEN = '6f0a7e7c-2b1d-4f5e-9a1b-0c2d3e4f5a6b';
let srv: TestServer;

beforeAll(async () => {
  srv = await startTestServer({
    limits: { maxBodyBytes: 64 * 1024, maxDecodedBytes: 256 * 1024, maxRecordBytes: 4096, maxJsonDepth: 8 },
    hec: { maxPendingAcksPerChannel: 3 },
  });
  srv.auth.add(TOKEN, 'hec', 'splunk-forwarders');
  srv.auth.add('otlp-token', 'otlp', 'collector');
});
afterAll(() => srv.close());
beforeEach(() => {
  srv.sink.records.length = 0;
  srv.sink.busy = undefined;
});

async function hecPost(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}/services/collector${path}`, {
    method: 'POST', body, headers: { authorization: `Splunk ${TOKEN}`, ...headers },
  });
  return { status: res.status, headers: res.headers, json: await res.json() as Record<string, unknown> };
}

describe('Splunk HEC with the splunk-logging client', () => {
  it('delivers a batch of events with metadata through /services/collector/event/1.0', async () => {
    const logger = new splunk.Logger({ token: TOKEN, url: srv.url, maxBatchCount: 2 });
    const errors: unknown[] = [];
    logger.error = (err: unknown) => errors.push(err);
    const replies: unknown[] = [];
    await new Promise<void>((resolve) => {
      logger.send({ message: { action: 'login', user: 'alice' }, metadata: { host: 'web-1', sourcetype: 'app:auth', index: 'sec' } });
      logger.send({ message: 'plain text message', severity: 'warn' }, (err: unknown, _resp: unknown, body: unknown) => {
        replies.push(err ?? body);
        resolve();
      });
    });
    expect(errors).toEqual([]);
    expect(replies).toEqual([{ text: 'Success', code: 0 }]);
    expect(srv.sink.records).toHaveLength(2);
    const [first, second] = srv.sink.records;
    expect(first).toMatchObject({
      source: 'splunk-forwarders', sourceType: 'auto',
      data: { message: { action: 'login', user: 'alice' }, severity: 'info' },
      meta: { 'hec.host': 'web-1', 'hec.sourcetype': 'app:auth', 'hec.index': 'sec', 'client.ip': '127.0.0.1' },
    });
    expect(Number(first!.meta!['hec.time'])).toBeGreaterThan(1.6e9);
    expect(second!.data).toEqual({ message: 'plain text message', severity: 'warn' });
  });

  it('reports a wrong token to the client as HEC code 4', async () => {
    const logger = new splunk.Logger({ token: 'wrong', url: srv.url });
    const seen: { code?: number; message?: string }[] = [];
    logger.error = (err: { code?: number; message?: string }) => seen.push(err);
    await new Promise<void>((resolve) => logger.send({ message: 'x' }, () => resolve()));
    expect(seen).toMatchObject([{ code: 4, message: 'Invalid token' }]);
    expect(srv.sink.records).toHaveLength(0);
  });
});

describe('HEC /event', () => {
  it('accepts concatenated objects without separators, string and object events, fields and time', async () => {
    const body = '{"event":"line one","time":1700000000.5,"fields":{"env":"prod","tags":["a","b"]}}{"event":{"k":1}}\n  {"event":42}';
    const res = await hecPost('', body);
    expect(res).toMatchObject({ status: 200, json: { text: 'Success', code: 0 } });
    expect(srv.sink.records.map((r) => r.text ?? r.data)).toEqual(['line one', { k: 1 }, '42']);
    expect(srv.sink.records[0]!.meta).toMatchObject({ 'hec.time': '1700000000.5', 'hec.fields': '{"env":"prod","tags":["a","b"]}' });
  });

  it('takes host/source/sourcetype/index defaults from the query string', async () => {
    await hecPost('/event?host=h1&sourcetype=st&index=main&source=s', '{"event":"x","host":"h2"}');
    expect(srv.sink.records[0]!.meta).toMatchObject({ 'hec.host': 'h2', 'hec.sourcetype': 'st', 'hec.index': 'main', 'hec.source': 's' });
  });

  it('answers HEC codes for bad events, naming the event, and accepts nothing of such a request', async () => {
    const cases: [string, number, number | undefined][] = [
      ['{"event":"ok"}{"time":1}', 12, 1],
      ['{"event":""}', 13, 0],
      ['{"event":"ok"} {"event":"a","time":"yesterday"}', 6, 1],
      ['{"event":"ok"}{"event":"a","host":7}', 6, 1],
      ['{"event":"a","fields":{"nested":{"x":1}}}', 6, 0],
      ['{"event":"ok"} nope', 6, 1],
      ['{"event": {"a": oops}}', 6, 0],
      ['{"event":"unterminated', 6, 0],
      [`{"event":${'{"a":'.repeat(9)}1${'}'.repeat(9)}}`, 6, 0],
      [`{"event":"${'x'.repeat(5000)}"}`, 6, 0],
    ];
    for (const [body, code, index] of cases) {
      const res = await hecPost('/event', body);
      expect(res.status, body.slice(0, 60)).toBe(400);
      expect(res.json.code, body.slice(0, 60)).toBe(code);
      expect(res.json['invalid-event-number']).toBe(index);
      expect(typeof res.json.detail).toBe('string');
    }
    expect(srv.sink.records).toHaveLength(0);
  });

  it('answers No data for an empty body and Invalid data format for invalid UTF-8', async () => {
    expect((await hecPost('/event', '')).json).toEqual({ text: 'No data', code: 5 });
    expect((await hecPost('/event', '  \n')).json).toEqual({ text: 'No data', code: 5 });
    const bad = await hecPost('/event', Buffer.from([0x7b, 0x22, 0x65, 0xff, 0x22, 0x7d]));
    expect(bad).toMatchObject({ status: 400, json: { code: 6, detail: 'body is not valid UTF-8' } });
  });

  it('distinguishes missing (2), malformed (3) and invalid (4) tokens, and tokens of other protocols', async () => {
    const none = await fetch(`${srv.url}/services/collector/event`, { method: 'POST', body: '{"event":1}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ text: 'Token is required', code: 2 });
    expect(await hecPost('/event', '{"event":1}', { authorization: 'Splunk' })).toMatchObject({ status: 401, json: { code: 3 } });
    expect(await hecPost('/event', '{"event":1}', { authorization: 'Splunk nope' })).toMatchObject({ status: 403, json: { text: 'Invalid token', code: 4 } });
    expect(await hecPost('/event', '{"event":1}', { authorization: 'Bearer otlp-token' })).toMatchObject({ status: 403, json: { code: 4 } });
    const basic = `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`;
    expect(await hecPost('/event', '{"event":1}', { authorization: basic })).toMatchObject({ status: 200 });
  });

  it('decodes gzip, refuses gzip bombs and oversized bodies with 413', async () => {
    expect((await hecPost('/event', gzipSync('{"event":"z"}'), { 'content-encoding': 'gzip' })).status).toBe(200);
    const bomb = await hecPost('/event', gzipSync(Buffer.alloc(5 * 1024 * 1024, 0x20)), { 'content-encoding': 'gzip' });
    expect(bomb).toMatchObject({ status: 413, json: { code: 6 } });
    const big = await hecPost('/event', `{"event":"${'x'.repeat(70_000)}"}`);
    expect(big.status).toBe(413);
    expect(srv.sink.records).toHaveLength(1);
  });

  it('answers 503 Server is busy with Retry-After under backpressure', async () => {
    srv.sink.busy = 3;
    const res = await hecPost('/event', '{"event":"x"}');
    expect(res).toMatchObject({ status: 503, json: { text: 'Server is busy', code: 9 } });
    expect(res.headers.get('retry-after')).toBe('3');
    const health = await fetch(`${srv.url}/services/collector/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ text: 'HEC is unhealthy, queues are full', code: 18 });
  });

  it('answers 404 the HEC way for unknown paths', async () => {
    const res = await hecPost('/nope', '{}');
    expect(res).toMatchObject({ status: 404, json: { code: 404 } });
  });
});

describe('HEC /raw and /health', () => {
  it('takes raw lines with query metadata', async () => {
    const res = await hecPost('/raw?sourcetype=syslog&host=fw1', '<34>Oct 11 22:14:15 fw1 sshd[1]: x\r\nsecond line\n');
    expect(res.json).toEqual({ text: 'Success', code: 0 });
    expect(srv.sink.records.map((r) => r.text)).toEqual(['<34>Oct 11 22:14:15 fw1 sshd[1]: x', 'second line']);
    expect(srv.sink.records[0]!.meta).toMatchObject({ 'hec.sourcetype': 'syslog', 'hec.host': 'fw1' });
    expect((await hecPost('/raw/1.0', 'x')).status).toBe(200);
    expect((await hecPost('/raw', '\n\n')).json).toEqual({ text: 'No data', code: 5 });
  });

  it('refuses raw bodies with invalid UTF-8 or an oversized line, naming the line', async () => {
    const bad = await hecPost('/raw', Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xfe, 0x41])]));
    expect(bad.json).toMatchObject({ code: 6, 'invalid-event-number': 1, detail: 'line 2 is not valid UTF-8' });
    const long = await hecPost('/raw', `a\n${'x'.repeat(5000)}`);
    expect(long.json).toMatchObject({ code: 6, 'invalid-event-number': 1 });
    expect(srv.sink.records).toHaveLength(0);
  });

  it('reports health without a token', async () => {
    for (const path of ['/health', '/health/1.0']) {
      const res = await fetch(`${srv.url}/services/collector${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ text: 'HEC is healthy', code: 17 });
    }
  });
});

describe('HEC indexer acknowledgement', () => {
  it('hands out ack ids per channel and reports them true once stored, then forgets them', async () => {
    const channel = randomUUID();
    const base = srv.sink.nextSequence;
    const first = await hecPost('/event', '{"event":"a"}{"event":"b"}', { 'x-splunk-request-channel': channel });
    const second = await hecPost(`/event?channel=${channel}`, '{"event":"c"}');
    expect(first.json).toEqual({ text: 'Success', code: 0, ackId: 0 });
    expect(second.json).toEqual({ text: 'Success', code: 0, ackId: 1 });
    const other = await hecPost('/raw', 'x', { 'x-splunk-request-channel': randomUUID() });
    expect(other.json.ackId).toBe(0);

    const ask = (ids: number[]) => hecPost(`/ack?channel=${channel}`, JSON.stringify({ acks: ids }));
    expect((await ask([0, 1, 7])).json).toEqual({ acks: { 0: false, 1: false, 7: false } });
    srv.sink.storedUpTo = base + 1; // the first request's two records only
    expect((await ask([0, 1])).json).toEqual({ acks: { 0: true, 1: false } });
    srv.sink.storeAll();
    expect((await ask([0, 1])).json).toEqual({ acks: { 0: false, 1: true } });
  });

  it('refuses a channel with too many unqueried acks as busy', async () => {
    const channel = randomUUID();
    for (let i = 0; i < 3; i++) expect((await hecPost(`/event?channel=${channel}`, '{"event":1}')).status).toBe(200);
    const full = await hecPost(`/event?channel=${channel}`, '{"event":1}');
    expect(full).toMatchObject({ status: 503, json: { code: 9 } });
    expect(srv.sink.records).toHaveLength(3);
    srv.sink.storeAll();
    await hecPost(`/ack?channel=${channel}`, '{"acks":[0]}');
    expect((await hecPost(`/event?channel=${channel}`, '{"event":1}')).json.ackId).toBe(3);
  });

  it('answers the ack errors: missing channel 10, bad channel 11, bad body 6, no body 5, bad token', async () => {
    expect(await hecPost('/ack', '{"acks":[0]}')).toMatchObject({ status: 400, json: { text: 'Data channel is missing', code: 10 } });
    expect(await hecPost('/ack?channel=not-a-guid', '{"acks":[0]}')).toMatchObject({ status: 400, json: { text: 'Invalid data channel', code: 11 } });
    expect(await hecPost('/event?channel=bad', '{"event":1}')).toMatchObject({ status: 400, json: { code: 11 } });
    const channel = randomUUID();
    expect(await hecPost(`/ack?channel=${channel}`, '{"acks":["x"]}')).toMatchObject({ status: 400, json: { code: 6 } });
    expect(await hecPost(`/ack?channel=${channel}`, '')).toMatchObject({ status: 400, json: { code: 5 } });
    expect(await hecPost(`/ack?channel=${channel}`, '{"acks":[0]}', { authorization: 'Splunk bad' })).toMatchObject({ status: 403 });
  });

  it('keeps channels of different tokens apart', async () => {
    srv.auth.add('second-hec', 'hec', 'other');
    const channel = randomUUID();
    await hecPost(`/event?channel=${channel}`, '{"event":1}');
    srv.sink.storeAll();
    const foreign = await hecPost(`/ack?channel=${channel}`, '{"acks":[0]}', { authorization: 'Splunk second-hec' });
    expect(foreign.json).toEqual({ acks: { 0: false } });
    expect((await hecPost(`/ack?channel=${channel}`, '{"acks":[0]}')).json).toEqual({ acks: { 0: true } });
  });
});

describe('HEC with acks disabled', () => {
  it('answers ACK is disabled and hands out no ack ids', async () => {
    const other = await startTestServer({ hec: { ackEnabled: false } });
    try {
      other.auth.add('t', 'hec');
      const headers = { authorization: 'Splunk t', 'x-splunk-request-channel': randomUUID() };
      const ev = await fetch(`${other.url}/services/collector/event`, { method: 'POST', body: '{"event":1}', headers });
      expect(await ev.json()).toEqual({ text: 'Success', code: 0 });
      const ack = await fetch(`${other.url}/services/collector/ack`, { method: 'POST', body: '{"acks":[0]}', headers });
      expect(ack.status).toBe(400);
      expect(await ack.json()).toEqual({ text: 'ACK is disabled', code: 14 });
    } finally {
      await other.close();
    }
  });
});
