/**
 * Syslog over UDP (RFC 5426): one message per datagram. UDP cannot be paused, so while the pipeline is
 * saturated datagrams are dropped and counted; memory stays bounded by the submitter's watermark.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { IntakeSink } from '../intake-sink.ts';
import { stripTrailer, truncateUtf8, type Frame } from './framing.ts';
import { BatchSubmitter, DEFAULT_BATCH_OPTIONS, type BatchSubmitterOptions } from './batch-submitter.ts';
import { emptyStats, formatRemote, frameToRecord, rateLimitedWarn, statsSnapshot, type SyslogLog, type SyslogTransportStats } from './syslog-stats.ts';

/** What every syslog transport listener is given (TCP/TLS add connection settings). */
export interface UdpListenerOptions {
  host: string;
  port: number;
  sourceName: string;
  sourceType: string;
  maxMessageBytes: number;
  sink: IntakeSink;
  log: SyslogLog;
  batch?: Partial<Omit<BatchSubmitterOptions, 'log'>>;
}

/** A running syslog transport listener (UDP, TCP or TLS). */
export interface TransportListener {
  readonly address: AddressInfo;
  readonly stats: SyslogTransportStats;
  /** Stops receiving and submits everything received, waiting at most `drainTimeoutMs`. */
  close(drainTimeoutMs: number): Promise<void>;
}

/** A running UDP syslog listener. */
export type UdpListener = TransportListener;

/** Kernel receive buffer asked for, so bursts survive short event-loop stalls (the OS may cap it). */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Starts a UDP syslog listener.
 *
 * @example
 * const udp = await startUdpListener({ host: '127.0.0.1', port: 0, sourceName: 'syslog', ... });
 * @see startSyslogListener for the config-driven entry point.
 */
export async function startUdpListener(opts: UdpListenerOptions): Promise<UdpListener> {
  const stats = emptyStats();
  const warn = rateLimitedWarn(opts.log);
  const submitter = new BatchSubmitter(opts.sink, { ...DEFAULT_BATCH_OPTIONS, ...opts.batch, log: opts.log });
  const socket = dgram.createSocket({ type: net.isIPv6(opts.host) ? 'udp6' : 'udp4' });
  let dropping = false;

  socket.on('message', (msg, rinfo) => {
    stats.bytes += msg.length;
    if (submitter.congested) {
      stats.udpDrops++;
      if (!dropping) {
        dropping = true;
        warn({ transport: 'udp' }, 'syslog: pipeline saturated, dropping UDP datagrams (counted in udpDrops)');
        void submitter.whenFlowing().then(() => { dropping = false; });
      }
      return;
    }
    const body = stripTrailer(msg);
    if (body.length === 0) return; // an empty datagram carries no message
    const frame: Frame = { bytes: body, framing: 'lf' };
    if (body.length > opts.maxMessageBytes) {
      frame.bytes = truncateUtf8(body, opts.maxMessageBytes);
      frame.truncated = { originalBytes: body.length };
    }
    const record = frameToRecord(frame, { source: opts.sourceName, sourceType: opts.sourceType, transport: 'udp', remote: formatRemote(rinfo.address, rinfo.port) }, stats);
    submitter.add(record, frame.bytes.length);
  });
  socket.on('error', (err) => opts.log.error({ err, transport: 'udp' }, 'syslog: UDP socket error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(new Error(`syslog udp: cannot listen on ${opts.host}:${opts.port}: ${err.message}`, { cause: err }));
    };
    socket.once('error', onError);
    socket.bind({ address: opts.host, port: opts.port }, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  try {
    socket.setRecvBufferSize(RECV_BUFFER_BYTES);
  } catch {
    // The OS limit (net.core.rmem_max) wins; the default buffer still works.
  }
  const address = socket.address();
  let closed = false;

  return {
    address,
    get stats() {
      return statsSnapshot(stats, submitter);
    },
    async close(drainTimeoutMs: number) {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      const lost = await submitter.drain(drainTimeoutMs);
      if (lost > 0) {
        stats.lostOnClose += lost;
        opts.log.error({ transport: 'udp', records: lost }, 'syslog: records not accepted by the pipeline before shutdown were lost');
      }
    },
  };
}
