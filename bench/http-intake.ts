/**
 * HTTP intake throughput: events per second each protocol accepts through Fastify into a sink that
 * only counts (so the figures are the HTTP + parse + record-building cost, not the journal's). The
 * load generator runs in a worker thread so it does not share the server's event loop.
 * `npm run bench -- http-intake [seconds-per-protocol]`
 */
import Fastify from 'fastify';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { RawRecord } from '../src/core/event.ts';
import type { IntakeSink, SubmitReceipt } from '../src/intake/intake-sink.ts';
import { registerHttpIntake } from '../src/intake/http/index.ts';
import { ExportLogsServiceRequest } from '../src/intake/http/otlp-proto.ts';

if (!isMainThread) {
  await runClients(workerData as ClientJob);
} else {
  await runServer();
}

interface ClientJob { url: string; headers: Record<string, string>; body: Uint8Array; seconds: number; concurrency: number }

async function runClients(job: ClientJob): Promise<void> {
  let requests = 0;
  const body = Buffer.from(job.body);
  const deadline = performance.now() + job.seconds * 1000;
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (performance.now() < deadline) {
      const res = await fetch(job.url, { method: 'POST', body, headers: job.headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      requests++;
    }
  }));
  parentPort!.postMessage(requests);
}

async function runServer(): Promise<void> {
const seconds = Number(process.argv[2] ?? 3);
const BATCH = 1000;
const CONCURRENCY = 8;

let accepted = 0;
const sink: IntakeSink = {
  async submit(records: RawRecord[]): Promise<SubmitReceipt> {
    const firstSeq = accepted;
    accepted += records.length;
    return { firstSeq, lastSeq: accepted - 1 };
  },
  saturated: false,
  async waitForCapacity() {},
  isStored: () => true,
};
const kinds = ['http', 'hec', 'elastic', 'otlp'] as const;
const auth = { authenticate: (token: string) => (kinds as readonly string[]).includes(token)
  ? { id: token, name: token, kind: token as (typeof kinds)[number], sourceType: 'auto' } : undefined };

const app = Fastify({ logger: false });
await registerHttpIntake(app, { sink, auth });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
const base = `http://127.0.0.1:${port}`;

const event = (i: number) => ({
  '@timestamp': new Date(1_700_000_000_000 + i).toISOString(), host: { name: `web-${i % 16}` },
  user: { name: `user${i % 100}` }, event: { action: 'logon', outcome: i % 7 === 0 ? 'failure' : 'success' },
  source: { ip: `10.0.${i % 256}.${(i * 7) % 256}` }, message: `user${i % 100} logged on from 10.0.${i % 256}.1 via sshd`,
});
const events = Array.from({ length: BATCH }, (_, i) => event(i));
const ndjson = events.map((e) => JSON.stringify(e)).join('\n');
const hec = events.map((e) => JSON.stringify({ time: 1_700_000_000.123, host: 'web-1', sourcetype: '_json', event: e })).join('');
const bulk = events.map((e) => `{"index":{"_index":"logs-bench"}}\n${JSON.stringify(e)}`).join('\n') + '\n';
const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
const otlpObject = {
  resourceLogs: [{
    resource: { attributes: [kv('service.name', 'bench'), kv('host.name', 'web-1')] },
    scopeLogs: [{
      scope: { name: 'bench' },
      logRecords: events.map((e, i) => ({
        timeUnixNano: String(BigInt(1_700_000_000_000 + i) * 1_000_000n), severityNumber: 9, severityText: 'INFO',
        body: { stringValue: e.message }, attributes: [kv('user.name', e.user.name), kv('source.ip', e.source.ip)],
        traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174',
      })),
    }],
  }],
};
const otlpJson = JSON.stringify(otlpObject);
const otlpProtoObject = structuredClone(otlpObject) as { resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[] };
for (const r of otlpProtoObject.resourceLogs[0]!.scopeLogs[0]!.logRecords) {
  r.traceId = Buffer.from(r.traceId as string, 'hex');
  r.spanId = Buffer.from(r.spanId as string, 'hex');
}
const otlpProto = Buffer.from(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(otlpProtoObject)).finish());

interface Case { name: string; path: string; token: string; type: string; body: Buffer; gzip?: boolean }
const cases: Case[] = [
  { name: 'vigil ndjson', path: '/api/v1/ingest', token: 'http', type: 'application/x-ndjson', body: Buffer.from(ndjson) },
  { name: 'vigil ndjson gzip', path: '/api/v1/ingest', token: 'http', type: 'application/x-ndjson', body: gzipSync(ndjson), gzip: true },
  { name: 'hec event', path: '/services/collector/event', token: 'hec', type: 'application/json', body: Buffer.from(hec) },
  { name: 'elastic _bulk', path: '/elastic/_bulk', token: 'elastic', type: 'application/x-ndjson', body: Buffer.from(bulk) },
  { name: 'otlp json', path: '/v1/logs', token: 'otlp', type: 'application/json', body: Buffer.from(otlpJson) },
  { name: 'otlp protobuf', path: '/v1/logs', token: 'otlp', type: 'application/x-protobuf', body: otlpProto },
];

console.log(`HTTP intake, ${BATCH} events per request; over HTTP: ${CONCURRENCY} concurrent clients in a worker thread, ${seconds}s per protocol`);
for (const c of cases) {
  const headers: Record<string, string> = { authorization: `Bearer ${c.token}`, 'content-type': c.type };
  if (c.gzip) headers['content-encoding'] = 'gzip';
  // Server cost alone: in-process injection, one request at a time, no sockets.
  const injectStart = performance.now();
  const injectBefore = accepted;
  let injected = 0;
  while (performance.now() - injectStart < seconds * 500) {
    const res = await app.inject({ method: 'POST', url: c.path, payload: c.body, headers });
    if (res.statusCode !== 200) throw new Error(`${c.name}: HTTP ${res.statusCode} ${res.body.slice(0, 200)}`);
    injected++;
  }
  const injectMs = performance.now() - injectStart;
  const injectRate = Math.round((accepted - injectBefore) / injectMs * 1000);

  const before = accepted;
  const started = performance.now();
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { url: `${base}${c.path}`, headers, body: c.body, seconds, concurrency: CONCURRENCY } satisfies ClientJob,
  });
  const requests = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const elapsed = (performance.now() - started) / 1000;
  const n = accepted - before;
  const mb = (c.body.length * requests) / elapsed / 1e6;
  console.log(`${c.name.padEnd(18)} server only: ${injectRate.toLocaleString('en-US').padStart(8)} events/s ${(injectMs / injected).toFixed(1).padStart(5)} ms/request` +
    ` | over HTTP: ${Math.round(n / elapsed).toLocaleString('en-US').padStart(8)} events/s ${mb.toFixed(1).padStart(5)} MB/s on the wire`);
}
await app.close();
}
