/**
 * Syslog TCP intake throughput: N messages (about 190 bytes, RFC 5424 with SD) over one connection,
 * octet-counted then LF-framed, twice each (the first runs include JIT warm-up), into a sink that
 * accepts immediately: the cost of the listener itself. Prints messages/s and MB/s per run.
 * Usage: npm run bench -- syslog-tcp [messages=500000]
 */
import net from 'node:net';
import { startSyslogListener } from '../src/intake/syslog/syslog-listener.ts';
import type { IntakeSink } from '../src/intake/intake-sink.ts';
import type { RawRecord } from '../src/core/event.ts';

const total = Number(process.argv[2] ?? 500_000);
let received = 0;
let onCount: (() => void) | undefined;
const sink: IntakeSink = {
  saturated: false,
  async submit(records: RawRecord[]) {
    received += records.length;
    if (onCount && received >= total) onCount();
    return { firstSeq: 1, lastSeq: records.length };
  },
  waitForCapacity: async () => {},
  isStored: () => true,
};

const body = (i: number): string => `<165>1 2026-08-05T10:00:00.000Z host app 42 ID47 [exampleSDID@32473 iut="3" eventID="${i}"] message ${i} ${'x'.repeat(80)}`;
for (const framing of ['octet-counting', 'lf', 'octet-counting', 'lf'] as const) {
  received = 0;
  const listener = await startSyslogListener({ tcp: { host: '127.0.0.1', port: 0 } }, { sink });
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (let i = 0; i < total; i++) {
    const m = body(i);
    const framed = framing === 'lf' ? `${m}\n` : `${Buffer.byteLength(m)} ${m}`;
    const b = Buffer.from(framed);
    chunks.push(b);
    bytes += b.length;
  }
  const data = Buffer.concat(chunks);
  const done = new Promise<void>((resolve) => { onCount = resolve; });
  const started = performance.now();
  const socket = net.connect({ host: '127.0.0.1', port: listener.addresses.tcp!.port }, () => socket.end(data));
  await done;
  const secs = (performance.now() - started) / 1000;
  console.log(`${framing.padEnd(15)} ${total} messages in ${secs.toFixed(2)} s: ${Math.round(total / secs).toLocaleString('en')} msg/s, ${(bytes / 1e6 / secs).toFixed(1)} MB/s`);
  await listener.close();
}
