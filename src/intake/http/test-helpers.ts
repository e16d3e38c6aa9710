/**
 * In-memory IntakeSink and IntakeAuthenticator for the HTTP intake tests: they record what was
 * submitted and let a test switch on backpressure or mark records as stored.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { IntakeKind, RawRecord } from '../../core/event.ts';
import { BackpressureError, type IntakeAuthenticator, type IntakeSink, type IntakeSource, type SubmitReceipt } from '../intake-sink.ts';
import { registerHttpIntake, type HttpIntakeOptions } from './index.ts';

export class MemorySink implements IntakeSink {
  readonly records: RawRecord[] = [];
  /** When set, submit() rejects with BackpressureError(retryAfter). */
  busy: number | undefined;
  /** Highest seq that counts as stored in the event store. */
  storedUpTo = -1;
  private nextSeq = 0;

  get saturated(): boolean {
    return this.busy !== undefined;
  }
  async submit(records: RawRecord[]): Promise<SubmitReceipt> {
    if (this.busy !== undefined) throw new BackpressureError(this.busy);
    // Round-trip through JSON like the journal does, so non-serializable records fail loudly.
    for (const r of records) this.records.push(JSON.parse(JSON.stringify(r)) as RawRecord);
    const firstSeq = this.nextSeq;
    this.nextSeq += records.length;
    return { firstSeq, lastSeq: this.nextSeq - 1 };
  }
  async waitForCapacity(): Promise<void> {}
  isStored(seq: number): boolean {
    return seq <= this.storedUpTo;
  }
  /** Sequence number the next submitted record gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }
  storeAll(): void {
    this.storedUpTo = this.nextSeq - 1;
  }
}

export class MemoryAuth implements IntakeAuthenticator {
  private readonly tokens = new Map<string, IntakeSource>();
  add(token: string, kind: IntakeKind, name = `${kind}-source`, sourceType = 'auto'): IntakeSource {
    const source: IntakeSource = { id: `id-${name}`, name, kind, sourceType };
    this.tokens.set(token, source);
    return source;
  }
  authenticate(token: string): IntakeSource | undefined {
    return this.tokens.get(token);
  }
}

export interface TestServer {
  app: FastifyInstance;
  url: string;
  sink: MemorySink;
  auth: MemoryAuth;
  close(): Promise<void>;
}

/** A Fastify app with the HTTP intake registered, listening on 127.0.0.1 on a free port. */
export async function startTestServer(options: Partial<HttpIntakeOptions> = {}): Promise<TestServer> {
  const sink = new MemorySink();
  const auth = new MemoryAuth();
  const app = Fastify({ logger: false });
  // The root JSON parser must keep working beside the intake contexts.
  app.post('/api/v1/echo', async (request) => ({ body: request.body }));
  await registerHttpIntake(app, { sink, auth, now: () => 1_700_000_000_000, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { app, url: `http://127.0.0.1:${address.port}`, sink, auth, close: () => app.close() };
}
