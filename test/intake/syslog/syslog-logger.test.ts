/**
 * Interoperability with util-linux `logger`, the sender most Linux hosts have: UDP, TCP with LF and
 * octet-counting framing, RFC 3164 and RFC 5424 with structured data.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyslogListener, type SyslogListener } from '../../../src/intake/syslog/syslog-listener.ts';
import { MemorySink } from './memory-sink.ts';

const LOGGER = '/usr/bin/logger';
const hasLogger = existsSync(LOGGER);
if (!hasLogger) console.warn(`skipping logger interoperability tests: ${LOGGER} not found (install util-linux / bsdutils)`);

/** Runs logger; with `lines`, it reads them from stdin and sends one message per line on one connection. */
function logger(args: string[], lines?: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(LOGGER, args, { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`logger ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve();
    });
    child.stdin?.on('error', () => {}); // logger given a message argument never reads stdin
    child.stdin?.end(lines ? `${lines.join('\n')}\n` : undefined);
  });
}

describe.skipIf(!hasLogger)('util-linux logger', () => {
  const sink = new MemorySink();
  let listener: SyslogListener;
  let target: (transport: 'udp' | 'tcp') => string[];

  beforeAll(async () => {
    listener = await startSyslogListener(
      { udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 }, maxMessageBytes: 1000 },
      { sink, batch: { flushIntervalMs: 2 } },
    );
    target = (t) => ['-n', '127.0.0.1', '-P', String(listener.addresses[t]!.port), '-t', 'vigiltest'];
  });
  afterAll(async () => {
    await listener?.close(1000);
  });

  /** Records that arrived since `from` whose text contains `marker`. */
  async function received(from: number, count: number, marker: string): Promise<{ text: string; transport?: string }[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const got = sink.records.slice(from).filter((r) => r.text?.includes(marker));
      if (got.length >= count || Date.now() > deadline) {
        return got.map((r) => ({ text: r.text ?? '', ...(r.meta?.transport ? { transport: r.meta.transport } : {}) }));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('UDP, RFC 3164', async () => {
    const from = sink.records.length;
    await logger(['--udp', '--rfc3164', ...target('udp'), '-p', 'auth.warning', 'hello 3164 over udp']);
    const [msg] = await received(from, 1, 'hello 3164 over udp');
    // <PRI>Mmm dd hh:mm:ss host tag: message — PRI 36 = auth(4)*8 + warning(4)
    expect(msg?.text).toMatch(/^<36>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ vigiltest: hello 3164 over udp$/);
    expect(msg?.transport).toBe('udp');
  });

  it('UDP, RFC 5424 with structured data kept', async () => {
    const from = sink.records.length;
    await logger(['--udp', '--rfc5424', ...target('udp'), '--sd-id', 'zoo@32473', '--sd-param', 'tiger="hungry"', '--sd-param', 'lion="full"', 'hello 5424 over udp']);
    const [msg] = await received(from, 1, 'hello 5424 over udp');
    expect(msg?.text).toMatch(/^<13>1 \d{4}-\d\d-\d\dT\S+ \S+ vigiltest - - \[timeQuality [^\]]*\]\[zoo@32473 tiger="hungry" lion="full"\] hello 5424 over udp$/);
  });

  it('TCP with LF framing, RFC 5424, several messages on one connection in order', async () => {
    const from = sink.records.length;
    const lines = Array.from({ length: 50 }, (_, i) => `tcp-lf message ${i} with ünïcödé`);
    await logger(['--tcp', '--rfc5424', ...target('tcp'), '--sd-id', 'vigil@32473', '--sd-param', 'run="lf"'], lines);
    const got = await received(from, 50, 'tcp-lf message');
    expect(got).toHaveLength(50);
    got.forEach((m, i) => {
      expect(m.text).toMatch(/^<13>1 \S+ \S+ vigiltest - - \[timeQuality [^\]]*\]\[vigil@32473 run="lf"\] /);
      expect(m.text.endsWith(` tcp-lf message ${i} with ünïcödé`)).toBe(true);
      expect(m.transport).toBe('tcp');
    });
  });

  it('TCP with octet counting, RFC 3164, several messages in order', async () => {
    const from = sink.records.length;
    const lines = Array.from({ length: 50 }, (_, i) => `tcp-octet message ${i}`);
    await logger(['--tcp', '--octet-count', '--rfc3164', ...target('tcp')], lines);
    const got = await received(from, 50, 'tcp-octet message');
    expect(got.map((m) => m.text.replace(/^<13>.*? vigiltest: /, ''))).toEqual(lines);
  });

  it('TCP with octet counting, RFC 5424 structured data with escaped characters', async () => {
    const from = sink.records.length;
    await logger(['--tcp', '--octet-count', '--rfc5424', ...target('tcp'), '--sd-id', 'esc@32473', '--sd-param', 'q="a \\"quoted\\" \\] value"', 'escaped sd']);
    const [msg] = await received(from, 1, 'escaped sd');
    expect(msg?.text).toContain('[esc@32473 q="a \\"quoted\\" \\] value"] escaped sd');
  });

  it('cuts a message longer than maxMessageBytes sent with octet counting and keeps the next one', async () => {
    const from = sink.records.length;
    const long = `long-${'L'.repeat(3000)}`;
    await logger(['--tcp', '--octet-count', '--rfc5424', '--size', '8192', ...target('tcp')], [long, 'after-long']);
    const got = await received(from, 2, 'long');
    expect(got).toHaveLength(2);
    expect(Buffer.byteLength(got[0]?.text ?? '')).toBe(1000);
    expect(got[1]?.text.endsWith('after-long')).toBe(true);
    expect(listener.stats.tcp?.oversized).toBeGreaterThanOrEqual(1);
  });
});
