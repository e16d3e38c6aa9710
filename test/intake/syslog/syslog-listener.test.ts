import { afterEach, describe, expect, it } from 'vitest';
import { startSyslogListener, type SyslogListener } from '../../../src/intake/syslog/syslog-listener.ts';
import type { SyslogListenerConfigInput } from '../../../src/intake/syslog/syslog-config.ts';
import type { SyslogLog } from '../../../src/intake/syslog/syslog-stats.ts';
import { MemorySink } from './memory-sink.ts';
import { connect, sendAndClose, sendUdp, sleep, until } from './helpers.ts';

const local = { host: '127.0.0.1', port: 0 };
let listener: SyslogListener | undefined;

afterEach(async () => {
  await listener?.close(1000);
  listener = undefined;
});

function captureLog(): SyslogLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_o, m) => lines.push(`warn ${m}`), error: (_o, m) => lines.push(`error ${m}`) };
}

async function start(config: SyslogListenerConfigInput, sink: MemorySink, log?: SyslogLog): Promise<SyslogListener> {
  listener = await startSyslogListener(config, { sink, ...(log ? { log } : {}), batch: { flushIntervalMs: 2 } });
  return listener;
}

describe('syslog listener: records', () => {
  it('turns TCP and UDP messages into records with transport and remote', async () => {
    const sink = new MemorySink();
    const l = await start({ udp: local, tcp: local, sourceName: 'fw', sourceType: 'auto' }, sink);
    const client = await connect(l.addresses.tcp!.port);
    const clientPort = client.localPort;
    await sendAndClose(client, '<13>over tcp\n');
    await sendUdp(l.addresses.udp!.port, ['<13>over udp\n']);
    await sink.waitFor(2);
    const byText = Object.fromEntries(sink.records.map((r) => [r.text, r]));
    expect(byText['<13>over tcp']).toMatchObject({
      source: 'fw', sourceType: 'auto', meta: { transport: 'tcp', remote: `127.0.0.1:${clientPort}` },
    });
    expect(byText['<13>over udp']?.meta?.transport).toBe('udp');
    expect(typeof byText['<13>over udp']?.receivedAt).toBe('number');
    expect(l.stats.tcp).toMatchObject({ received: 1, submitted: 1, bytes: 13 });
    expect(l.stats.udp).toMatchObject({ received: 1, submitted: 1 });
  });

  it('refuses an invalid config with a clear message', async () => {
    await expect(startSyslogListener({ tcp: { port: 70000 } } as SyslogListenerConfigInput, { sink: new MemorySink() }))
      .rejects.toThrow(/invalid syslog listener config: tcp\.port/);
    await expect(startSyslogListener({ tcp: local, extra: 1 } as SyslogListenerConfigInput, { sink: new MemorySink() }))
      .rejects.toThrow(/Unrecognized key/);
  });

  it('names the transport and port when it cannot listen', async () => {
    const sink = new MemorySink();
    const l = await start({ tcp: local }, sink);
    const port = l.addresses.tcp!.port;
    await expect(startSyslogListener({ tcp: { host: '127.0.0.1', port } }, { sink })).rejects.toThrow(`syslog tcp: cannot listen on 127.0.0.1:${port}`);
  });

  it('keeps invalid UTF-8 with replacement characters and counts it', async () => {
    const sink = new MemorySink();
    const l = await start({ tcp: local, udp: local }, sink);
    await sendAndClose(await connect(l.addresses.tcp!.port), Buffer.from([0x3c, 0x31, 0x3e, 0x61, 0xff, 0x62, 0x0a]));
    await sendUdp(l.addresses.udp!.port, [Buffer.from([0x3c, 0x31, 0x3e, 0xc3, 0x28])]);
    await sink.waitFor(2);
    expect(sink.texts.sort()).toEqual(['<1>a\uFFFDb', '<1>\uFFFD('].sort());
    expect(l.stats.tcp?.invalidUtf8).toBe(1);
    expect(l.stats.udp?.invalidUtf8).toBe(1);
  });

  it('cuts oversized TCP and UDP messages at maxMessageBytes, marks and counts them', async () => {
    const sink = new MemorySink();
    const l = await start({ tcp: local, udp: local, maxMessageBytes: 1000 }, sink);
    const big = `<13>${'x'.repeat(3000)}`;
    await sendAndClose(await connect(l.addresses.tcp!.port), `${big}\n<13>after\n`);
    await sendUdp(l.addresses.udp!.port, [big]);
    await sink.waitFor(3);
    const cut = sink.records.filter((r) => r.meta?.truncated !== undefined);
    expect(cut).toHaveLength(2);
    for (const r of cut) expect(r.text).toBe(big.slice(0, 1000));
    expect(sink.texts).toContain('<13>after');
    expect(l.stats.tcp?.oversized).toBe(1);
    expect(l.stats.udp?.oversized).toBe(1);
    expect(sink.records.find((r) => r.meta?.transport === 'udp')?.meta?.truncated).toBe('3004 bytes');
  });

  it('closes the connection on a bad octet count after delivering what came before, and logs why', async () => {
    const sink = new MemorySink();
    const log = captureLog();
    const l = await start({ tcp: local }, sink, log);
    const client = await connect(l.addresses.tcp!.port);
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    client.on('error', () => {});
    client.write('<13>good\n7 <13>ok!12x <13>garbage\n<13>never\n');
    await closed; // the server closed it
    await sink.waitFor(2);
    await sleep(50);
    expect(sink.texts).toEqual(['<13>good', '<13>ok!']);
    expect(l.stats.tcp?.framingErrors).toBe(1);
    expect(log.lines.some((line) => /framing error, closing connection: invalid octet count/.test(line))).toBe(true);
  });

  it('keeps what a client sent before disconnecting mid-frame', async () => {
    const sink = new MemorySink();
    const l = await start({ tcp: local }, sink);
    await sendAndClose(await connect(l.addresses.tcp!.port), '<13>whole\n30 <13>half a fra');
    await sendAndClose(await connect(l.addresses.tcp!.port), '<13>whole2\n<13>no trailer');
    await sink.waitFor(4);
    const half = sink.records.find((r) => r.text === '<13>half a fra');
    expect(half?.meta?.incomplete).toBe('14 of 30 bytes');
    expect(sink.texts).toEqual(expect.arrayContaining(['<13>whole', '<13>whole2', '<13>no trailer']));
    expect(l.stats.tcp?.framingErrors).toBe(1);
  });

  it('refuses connections beyond maxConnections and counts them', async () => {
    const sink = new MemorySink();
    const l = await start({ tcp: local, maxConnections: 2 }, sink);
    const port = l.addresses.tcp!.port;
    const a = await connect(port);
    const b = await connect(port);
    await until(() => l.stats.tcp?.openConnections === 2, 'two open connections');
    const c = await connect(port);
    const cClosed = new Promise<void>((resolve) => c.on('close', () => resolve()));
    c.on('error', () => {});
    await cClosed;
    expect(l.stats.tcp?.rejectedConnections).toBe(1);
    await sendAndClose(a, '<13>a\n');
    await sendAndClose(b, '<13>b\n');
    await sink.waitFor(2);
  });

  it('closes idle connections after idleTimeoutSeconds', async () => {
    const sink = new MemorySink();
    const l = await start({ tcp: local, idleTimeoutSeconds: 1 }, sink);
    const client = await connect(l.addresses.tcp!.port);
    client.write('<13>then silence');
    const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    await closed;
    await until(() => l.stats.tcp?.openConnections === 0, 'the server to close its side');
    expect(l.stats.tcp?.idleTimeouts).toBe(1);
    await sink.waitFor(1); // the unterminated frame was flushed, not lost
    expect(sink.texts).toEqual(['<13>then silence']);
  });
});

describe('syslog listener: backpressure', () => {
  it('pauses TCP reads while the sink is saturated, bounds memory, and loses nothing after it drains', async () => {
    const sink = new MemorySink();
    sink.saturated = true;
    listener = await startSyslogListener({ tcp: local }, {
      sink, batch: { flushIntervalMs: 2, maxBatchRecords: 500, maxPendingRecords: 1000 },
    });
    const l = listener;
    const client = await connect(l.addresses.tcp!.port);
    const total = 200_000;
    const line = (i: number): string => `<13>message number ${String(i).padStart(7, '0')} ${'p'.repeat(60)}\n`;
    let i = 0;
    let stalled = false;
    const writeMore = (): void => {
      while (i < total) {
        if (!client.write(line(i++))) {
          stalled = true;
          return;
        }
      }
      client.end();
    };
    client.on('drain', writeMore);
    writeMore();
    await until(() => stalled && (l.stats.tcp?.pausedConnections ?? 0) === 1, 'the connection to pause');
    await sleep(300);
    const written = i;
    await sleep(300);
    // Once the socket buffers are full the client's writes stall: nothing more is taken from it.
    expect(i).toBe(written);
    expect(i).toBeLessThan(total);
    expect(client.writableLength).toBeGreaterThan(0);
    expect(sink.records.length).toBe(0);
    expect(l.stats.tcp?.pending).toBeLessThan(5000);
    sink.saturated = false;
    await sink.waitFor(total, 60_000);
    expect(sink.records.length).toBe(total);
    expect(sink.texts.every((t, n) => t === line(n).slice(0, -1))).toBe(true);
    expect(l.stats.tcp?.pausedConnections).toBe(0);
  });

  it('retries a batch refused with BackpressureError without losing or reordering records', async () => {
    const sink = new MemorySink();
    sink.refuseNext = 3;
    const l = await start({ tcp: local }, sink);
    const lines = Array.from({ length: 50 }, (_, n) => `<13>r${n}`);
    await sendAndClose(await connect(l.addresses.tcp!.port), lines.map((t) => `${t}\n`).join(''));
    await sink.waitFor(50);
    expect(sink.texts).toEqual(lines);
    expect(sink.refusals).toBe(3);
    expect(l.stats.tcp?.submitRetries).toBe(3);
  });

  it('retries after a storage failure, logs it, and keeps order', async () => {
    const sink = new MemorySink();
    sink.failNext = 2;
    const log = captureLog();
    const l = await start({ tcp: local }, sink, log);
    const lines = Array.from({ length: 20 }, (_, n) => `<13>f${n}`);
    await sendAndClose(await connect(l.addresses.tcp!.port), lines.map((t) => `${t}\n`).join(''));
    await sink.waitFor(20);
    expect(sink.texts).toEqual(lines);
    expect(l.stats.tcp?.submitRetries).toBe(2);
    expect(log.lines.filter((line) => line === 'error syslog: submitting records failed; retrying')).toHaveLength(2);
  });

  it('drops and counts UDP datagrams while saturated, and takes them again afterwards', async () => {
    const sink = new MemorySink();
    sink.saturated = true;
    const l = await start({ udp: local }, sink);
    const port = l.addresses.udp!.port;
    await sendUdp(port, Array.from({ length: 20 }, (_, n) => `<13>dropped ${n}`));
    await until(() => (l.stats.udp?.udpDrops ?? 0) === 20, '20 drops');
    expect(sink.records.length).toBe(0);
    sink.saturated = false;
    await sendUdp(port, ['<13>kept']);
    await sink.waitFor(1);
    expect(sink.texts).toEqual(['<13>kept']);
  });

  it('bounds UDP memory with a slow sink: pending never passes the watermark, the excess is counted', async () => {
    const sink = new MemorySink();
    const slowSubmit = sink.submit.bind(sink);
    sink.submit = async (records) => {
      await sleep(30);
      return slowSubmit(records);
    };
    const l = await startSyslogListener({ udp: local }, { sink, batch: { flushIntervalMs: 2, maxBatchRecords: 50, maxPendingRecords: 200 } });
    listener = l;
    let maxPending = 0;
    const probe = setInterval(() => { maxPending = Math.max(maxPending, l.stats.udp?.pending ?? 0); }, 1);
    const sent = 3000;
    await sendUdp(l.addresses.udp!.port, Array.from({ length: sent }, (_, n) => `<13>flood ${n}`));
    // Datagrams still in the kernel buffer arrive after the sends completed: wait until all is quiet.
    let seen = -1;
    await until(() => {
      const s = l.stats.udp!;
      const now = s.received + s.udpDrops;
      const quiet = now === seen && s.pending === 0;
      seen = now;
      return quiet && now > 0;
    }, 'the flood to be taken in and drained', 20_000, 200);
    clearInterval(probe);
    const stats = l.stats.udp!;
    expect(maxPending).toBeLessThanOrEqual(200);
    expect(stats.udpDrops).toBeGreaterThan(0);
    // The kernel may drop some too when its buffer overflows; what we took in was all stored.
    expect(stats.received + stats.udpDrops).toBeLessThanOrEqual(sent);
    expect(sink.records.length).toBe(stats.received);
  });

  it('waits for the sink on close and counts what it could not hand over', async () => {
    const sink = new MemorySink();
    const log = captureLog();
    const l = await startSyslogListener({ udp: local }, { sink, log, batch: { flushIntervalMs: 2 } });
    sink.refuseNext = 1_000_000; // a sink that refuses for good, without saying it is saturated
    await sendUdp(l.addresses.udp!.port, ['<13>a', '<13>b']);
    await until(() => l.stats.udp?.received === 2, 'two datagrams');
    await l.close(200);
    expect(l.stats.udp?.lostOnClose).toBe(2);
    expect(log.lines).toContain('error syslog: records not accepted by the pipeline before shutdown were lost');
  });
});

describe('syslog listener: config', () => {
  it('takes the syslog section of the main config', async () => {
    const { configSchema } = await import('../../../src/config/config-schema.ts');
    const section = configSchema.parse({ intake: { syslog: { udp: { port: 0 }, tcp: { port: 0 } } } }).intake.syslog;
    const sink = new MemorySink();
    const l = await start(section, sink);
    expect(Object.keys(l.addresses).sort()).toEqual(['tcp', 'udp']);
  });

  it('requires certFile and keyFile for a TLS listener', () => {
    return expect(startSyslogListener({ tls: { port: 0 } } as SyslogListenerConfigInput, { sink: new MemorySink() }))
      .rejects.toThrow(/tls\.certFile: Invalid input/);
  });
});
