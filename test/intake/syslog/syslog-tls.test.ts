/** The TLS listener with Node's own TLS client: records, backpressure through TLS, config errors. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSyslogListener, type SyslogListener } from '../../../src/intake/syslog/syslog-listener.ts';
import { MemorySink } from './memory-sink.ts';
import { makePki, type Pki } from './rsyslog-fixture.ts';
import { sleep, until } from './helpers.ts';

const hasOpenssl = existsSync('/usr/bin/openssl');
if (!hasOpenssl) console.warn('skipping syslog TLS tests: /usr/bin/openssl not found to make test certificates');

describe.skipIf(!hasOpenssl)('syslog over TLS', () => {
  let pkiDir: string;
  let pki: Pki;
  let listener: SyslogListener | undefined;

  beforeAll(() => {
    pkiDir = mkdtempSync(join(tmpdir(), 'vigil-pki-'));
    pki = makePki(pkiDir);
  }, 60_000);
  afterAll(() => rmSync(pkiDir, { recursive: true, force: true }));
  afterEach(async () => {
    await listener?.close(1000);
    listener = undefined;
  });

  const connect = (port: number, withClientCert = false): Promise<tls.TLSSocket> => new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(pki.caCert),
      ...(withClientCert ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}),
    }, () => resolve(socket));
    socket.once('error', reject);
  });

  it('receives octet-counted and LF-framed messages on one connection, no client certificate needed by default', async () => {
    const sink = new MemorySink();
    listener = await startSyslogListener({ tls: { host: '127.0.0.1', port: 0, certFile: pki.serverCert, keyFile: pki.serverKey } }, { sink });
    const socket = await connect(listener.addresses.tls!.port);
    socket.end('10 <13>first!<13>second\r\n');
    await sink.waitFor(2);
    expect(sink.texts).toEqual(['<13>first!', '<13>second']);
    expect(sink.records[0]?.meta?.transport).toBe('tls');
  });

  it('pauses a TLS connection while saturated and loses nothing', async () => {
    const sink = new MemorySink();
    sink.saturated = true;
    listener = await startSyslogListener(
      { tls: { host: '127.0.0.1', port: 0, certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caCert, requireClientCert: true } },
      { sink, batch: { flushIntervalMs: 2, maxPendingRecords: 1000 } },
    );
    const l = listener;
    const socket = await connect(l.addresses.tls!.port, true);
    const total = 100_000;
    const line = (i: number): string => `<13>tls ${i} ${'t'.repeat(100)}\n`;
    let i = 0;
    const writeMore = (): void => {
      while (i < total) if (!socket.write(line(i++))) return;
      socket.end();
    };
    socket.on('drain', writeMore);
    writeMore();
    await until(() => l.stats.tls?.pausedConnections === 1, 'the TLS connection to pause');
    await sleep(300);
    const written = i;
    await sleep(300);
    expect(i).toBe(written);
    expect(i).toBeLessThan(total);
    expect(sink.records.length).toBe(0);
    sink.saturated = false;
    await sink.waitFor(total, 60_000);
    expect(sink.texts.every((t, n) => t === line(n).slice(0, -1))).toBe(true);
  });

  it('explains an unreadable certificate file', async () => {
    const missing = join(pkiDir, 'nope.pem');
    await expect(startSyslogListener({ tls: { port: 0, certFile: missing, keyFile: pki.serverKey } }, { sink: new MemorySink() }))
      .rejects.toThrow(`syslog tls: cannot read certFile ${missing}`);
  });

  it('requires caFile when client certificates are required', async () => {
    await expect(startSyslogListener({ tls: { port: 0, certFile: pki.serverCert, keyFile: pki.serverKey, requireClientCert: true } }, { sink: new MemorySink() }))
      .rejects.toThrow(/requireClientCert needs caFile/);
  });
});
