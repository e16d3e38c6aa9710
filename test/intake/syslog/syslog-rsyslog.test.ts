/**
 * Interoperability with rsyslog's omfwd, the forwarder most Linux fleets run: TCP with octet counting
 * and with traditional LF framing, and TLS (gtls driver, x509/name auth, client certificate required).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyslogListener, type SyslogListener } from '../../../src/intake/syslog/syslog-listener.ts';
import { MemorySink } from './memory-sink.ts';
import { makePki, Rsyslog, rsyslogMissing, type Pki } from './rsyslog-fixture.ts';
import { until } from './helpers.ts';

if (rsyslogMissing) console.warn(`skipping rsyslog interoperability tests: ${rsyslogMissing}`);

const lines = (tag: string, from: number, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${tag} line ${from + i} — ünïcödé, "quotes" [brackets] ${'z'.repeat((from + i) % 50)}`);

describe.skipIf(rsyslogMissing !== undefined)('rsyslog omfwd', () => {
  const sink = new MemorySink();
  let listener: SyslogListener;
  let rsyslog: Rsyslog;
  let pkiDir: string;
  let pki: Pki;

  /** Text after the header for records of `tag`, in arrival order. */
  const messagesOf = (tag: string): string[] =>
    sink.texts.filter((t) => t.includes(` ${tag} line `)).map((t) => t.slice(t.indexOf(`${tag} line `)));

  beforeAll(async () => {
    pkiDir = mkdtempSync(join(tmpdir(), 'vigil-pki-'));
    pki = makePki(pkiDir);
    listener = await startSyslogListener({
      tcp: { host: '127.0.0.1', port: 0 },
      tls: { host: '127.0.0.1', port: 0, certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caCert, requireClientCert: true },
    }, { sink, batch: { flushIntervalMs: 2 } });
    rsyslog = new Rsyslog();
    const tcp = listener.addresses.tcp!.port;
    const tlsPort = listener.addresses.tls!.port;
    const routes = [
      { tag: 'octet', port: tcp, framing: 'octet-counted', template: 'RSYSLOG_SyslogProtocol23Format', tls: false },
      { tag: 'lf', port: tcp, framing: 'traditional', template: 'RSYSLOG_TraditionalForwardFormat', tls: false },
      { tag: 'tlsoctet', port: tlsPort, framing: 'octet-counted', template: 'RSYSLOG_SyslogProtocol23Format', tls: true },
      { tag: 'tlslf', port: tlsPort, framing: 'traditional', template: 'RSYSLOG_TraditionalForwardFormat', tls: true },
    ] as const;
    // imfile reads files that exist at start from their beginning; the second half is appended later
    // to check that a long-lived forwarding connection keeps working.
    for (const r of routes) writeFileSync(rsyslog.inputFile(r.tag), `${lines(r.tag, 0, 200).join('\n')}\n`);
    rsyslog.start([...routes], pki);
  }, 60_000);

  afterAll(async () => {
    await rsyslog?.stop();
    await listener?.close(1000);
    if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
  });

  const wait = async (tag: string, count: number): Promise<void> => {
    await until(() => messagesOf(tag).length >= count,
      () => `${count} "${tag}" messages from rsyslog (got ${messagesOf(tag).length}); rsyslogd said: ${rsyslog.output || '(nothing)'}`, 30_000);
  };

  it.each([
    ['octet', 'tcp', /^<\d+>1 \d{4}-\d\d-\d\dT\S+ \S+ octet - - - octet line /],
    ['lf', 'tcp', /^<\d+>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ lf: ?lf line /],
    ['tlsoctet', 'tls', /^<\d+>1 \S+ \S+ tlsoctet - - - tlsoctet line /],
    ['tlslf', 'tls', /^<\d+>[A-Z][a-z]{2} [ \d]\d \S+ \S+ tlslf: ?tlslf line /],
  ] as const)('%s: every message arrives once, in order, text intact', async (tag, transport, header) => {
    await wait(tag, 200);
    appendFileSync(rsyslog.inputFile(tag), `${lines(tag, 200, 100).join('\n')}\n`);
    await wait(tag, 300);
    await new Promise((r) => setTimeout(r, 300)); // no late duplicates
    expect(messagesOf(tag)).toEqual(lines(tag, 0, 300));
    const records = sink.records.filter((r) => r.text?.includes(` ${tag} line `));
    expect(records.every((r) => header.test(r.text ?? ''))).toBe(true);
    expect(records.every((r) => r.meta?.transport === transport)).toBe(true);
    // Over TLS the verified client certificate names the sender.
    expect(records.every((r) => r.meta?.tlsPeer === (transport === 'tls' ? 'rsyslog-client' : undefined))).toBe(true);
  });

  it('TLS refuses a client without a certificate and counts it', async () => {
    const before = listener.stats.tls?.tlsErrors ?? 0;
    const socket = tls.connect({ host: '127.0.0.1', port: listener.addresses.tls!.port, ca: readFileSync(pki.caCert), servername: 'localhost' });
    const outcome = await new Promise<string>((resolve) => {
      socket.on('error', (err) => resolve(`error: ${err.message}`));
      socket.on('close', () => resolve('closed'));
      socket.on('secureConnect', () => socket.write('<13>should not be stored\n'));
    });
    expect(outcome).toMatch(/error|closed/);
    await until(() => (listener.stats.tls?.tlsErrors ?? 0) > before, 'the handshake failure to be counted');
    expect(sink.texts.some((t) => t.includes('should not be stored'))).toBe(false);
  });
});
