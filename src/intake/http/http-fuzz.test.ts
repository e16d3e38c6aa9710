import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-helpers.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ limits: { maxBodyBytes: 64 * 1024, maxDecodedBytes: 256 * 1024, maxRecordBytes: 2048, maxJsonDepth: 6 } });
  for (const kind of ['http', 'hec', 'elastic', 'otlp'] as const) srv.auth.add(`${kind}-tok`, kind);
});
afterAll(() => srv.close());

const endpoints: [string, string, string[]][] = [
  ['/api/v1/ingest', 'http-tok', ['application/json', 'application/x-ndjson', 'text/plain']],
  ['/services/collector/event', 'hec-tok', ['application/json']],
  ['/services/collector/raw', 'hec-tok', ['text/plain']],
  ['/services/collector/ack?channel=0b6a1f5c-3d2e-4f1a-9b8c-7d6e5f4a3b2c', 'hec-tok', ['application/json']],
  ['/elastic/_bulk', 'elastic-tok', ['application/x-ndjson']],
  ['/elastic/idx/_doc', 'elastic-tok', ['application/json']],
  ['/v1/logs', 'otlp-tok', ['application/json', 'application/x-protobuf']],
];

// Bodies that look almost right are the interesting ones: mutate JSON-ish text and raw bytes.
const jsonish = fc.oneof(
  fc.json({ maxDepth: 8 }),
  fc.array(fc.json({ maxDepth: 4 }), { maxLength: 6 }).map((parts) => parts.join('\n')),
  fc.string({ maxLength: 300 }),
  fc.stringMatching(/^[{}[\]":,\n a-z0-9\\]{0,200}$/),
);
const body = fc.oneof(jsonish.map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)));

describe('HTTP intake under random input', () => {
  for (const [url, token, types] of endpoints) {
    it(`never answers 5xx on ${url.split('?')[0]}`, async () => {
      await fc.assert(fc.asyncProperty(body, fc.constantFrom(...types), async (payload, type) => {
        const res = await srv.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}`, 'content-type': type } });
        expect(res.statusCode, res.body).toBeLessThan(500);
        // Replies are well-formed in their declared encoding (protobuf replies are checked in otlp-logs.test.ts).
        if (String(res.headers['content-type']).startsWith('application/json')) expect(() => JSON.parse(res.body)).not.toThrow();
      }), { numRuns: runsFor(types) });
    });
  }
});

function runsFor(types: string[]): number {
  return types.includes('application/x-protobuf') ? 300 : 200;
}
