/**
 * Syslog over TCP (RFC 6587) and TLS (RFC 5425): both are a byte stream carrying the same framing, so
 * one connection handler serves both servers.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { TransportListener, UdpListenerOptions } from './syslog-udp.ts';
import { SyslogFrameDecoder, type DecodeResult } from './framing.ts';
import { BatchSubmitter, DEFAULT_BATCH_OPTIONS } from './batch-submitter.ts';
import {
  emptyStats, formatRemote, frameToRecord, rateLimitedWarn, statsSnapshot, type RecordContext,
} from './syslog-stats.ts';

export interface StreamListenerOptions extends UdpListenerOptions {
  transport: 'tcp' | 'tls';
  /** Certificate material for TLS (file contents, read by the caller). */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer; requireClientCert: boolean };
  maxConnections: number;
  /** 0 disables the idle timeout. */
  idleTimeoutSeconds: number;
}

/** A running TCP or TLS syslog listener: closing stops accepting and decodes what connections sent. */
export type StreamListener = TransportListener;

/** How long a connection may keep sending after we half-closed it during shutdown. */
const CLOSE_GRACE_MS = 500;

/**
 * Starts a TCP or TLS syslog listener.
 *
 * @example
 * const listener = await startStreamListener({ transport: 'tcp', host: '127.0.0.1', port: 0, ... });
 * console.log(listener.address.port);
 * @see startSyslogListener for the config-driven entry point.
 */
export async function startStreamListener(opts: StreamListenerOptions): Promise<StreamListener> {
  const stats = emptyStats();
  const warn = rateLimitedWarn(opts.log);
  const submitter = new BatchSubmitter(opts.sink, { ...DEFAULT_BATCH_OPTIONS, ...opts.batch, log: opts.log });
  const sockets = new Set<net.Socket>();
  let closed = false;

  const handle = (socket: net.Socket): void => {
    if (closed) {
      socket.destroy();
      return;
    }
    const ctx: RecordContext = {
      source: opts.sourceName,
      sourceType: opts.sourceType,
      transport: opts.transport,
      remote: formatRemote(socket.remoteAddress, socket.remotePort),
    };
    const decoder = new SyslogFrameDecoder({ maxMessageBytes: opts.maxMessageBytes });
    const idleMs = opts.idleTimeoutSeconds * 1000;
    let paused = false;
    let finished = false;
    sockets.add(socket);
    stats.openConnections++;
    socket.setKeepAlive(true, 60_000);
    socket.setNoDelay(true);
    if (idleMs > 0) socket.setTimeout(idleMs);

    if (socket instanceof tls.TLSSocket && socket.authorized) {
      // The verified client identity is worth more than its address when client certificates are required.
      const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
      const cn = subject?.CN;
      if (cn !== undefined) ctx.tlsPeer = Array.isArray(cn) ? cn.join(',') : cn;
    }
    const deliver = (result: DecodeResult, atEnd: boolean): void => {
      for (const frame of result.frames) {
        const record = frameToRecord(frame, ctx, stats);
        submitter.add(record, frame.bytes.length);
      }
      if (result.error) {
        stats.framingErrors++;
        warn({ remote: ctx.remote, transport: ctx.transport, discardedBytes: result.error.discardedBytes },
          `syslog: framing error${atEnd ? '' : ', closing connection'}: ${result.error.reason}`);
      }
    };
    const finish = (): void => {
      // Runs once per connection, on EOF, error, timeout or shutdown: flush an unterminated frame.
      if (finished) return;
      finished = true;
      if (!decoder.failed) deliver(decoder.end(), true);
    };

    socket.on('data', (chunk: Buffer) => {
      stats.bytes += chunk.length;
      if (finished) return;
      const result = decoder.push(chunk);
      deliver(result, false);
      if (result.error) {
        finished = true;
        socket.destroy();
        return;
      }
      if (!paused && submitter.congested) {
        // Backpressure: stop reading so the kernel buffers fill and the sender's writes stall.
        paused = true;
        stats.pausedConnections++;
        socket.pause();
        if (idleMs > 0) socket.setTimeout(0); // a paused connection is not idle by its own doing
        void submitter.whenFlowing().then(() => {
          paused = false;
          stats.pausedConnections--;
          if (socket.destroyed) return;
          if (idleMs > 0) socket.setTimeout(idleMs);
          socket.resume();
        });
      }
    });
    socket.on('end', () => {
      finish();
      socket.end();
    });
    socket.on('timeout', () => {
      stats.idleTimeouts++;
      finish();
      socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // Resets and aborted TLS sessions are routine for a network listener: note them and move on;
      // 'close' follows and flushes what was received.
      warn({ remote: ctx.remote, transport: ctx.transport, code: err.code }, `syslog: connection error: ${err.message}`);
    });
    socket.on('close', () => {
      finish();
      sockets.delete(socket);
      stats.openConnections--;
    });
  };

  let server: net.Server;
  if (opts.transport === 'tls') {
    const t = opts.tls;
    if (!t) throw new Error('syslog TLS listener needs a certificate and key');
    server = tls.createServer({
      cert: t.cert,
      key: t.key,
      ...(t.ca ? { ca: t.ca } : {}),
      requestCert: t.requireClientCert,
      rejectUnauthorized: t.requireClientCert,
      minVersion: 'TLSv1.2', // RFC 5425 requires TLS 1.2 or later (RFC 9662)
      handshakeTimeout: 30_000,
    }, handle);
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: tls.TLSSocket) => {
      stats.tlsErrors++;
      warn({ remote: formatRemote(socket.remoteAddress, socket.remotePort), code: err.code }, `syslog: TLS handshake failed: ${err.message}`);
    });
  } else {
    server = net.createServer(handle);
  }
  server.maxConnections = opts.maxConnections;
  server.on('drop', (data?: net.DropArgument) => {
    stats.rejectedConnections++;
    warn({ remote: formatRemote(data?.remoteAddress, data?.remotePort), transport: opts.transport, maxConnections: opts.maxConnections },
      'syslog: connection refused: maxConnections reached');
  });
  server.on('error', (err) => opts.log.error({ err, transport: opts.transport }, 'syslog: listener error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new Error(`syslog ${opts.transport}: cannot listen on ${opts.host}:${opts.port}: ${err.message}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    address,
    get stats() {
      return statsSnapshot(stats, submitter);
    },
    async close(drainTimeoutMs: number) {
      if (closed) return;
      closed = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      const socketsClosed = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
      for (const socket of sockets) {
        // Half-close so senders see EOF and stop; what they already sent is still read, unless the
        // connection is paused for backpressure (its data cannot be taken in anyway).
        if (socket.isPaused()) socket.destroy();
        else socket.end();
      }
      const grace = setTimeout(() => { for (const socket of sockets) socket.destroy(); }, CLOSE_GRACE_MS);
      await Promise.all(socketsClosed);
      clearTimeout(grace);
      await serverClosed;
      const lost = await submitter.drain(drainTimeoutMs);
      if (lost > 0) {
        stats.lostOnClose += lost;
        opts.log.error({ transport: opts.transport, records: lost }, 'syslog: records not accepted by the pipeline before shutdown were lost');
      }
    },
  };
}
