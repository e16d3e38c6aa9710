/**
 * Counters every syslog transport keeps for metrics, the logger subset it needs, and record building
 * shared by the transports.
 */
import { Buffer, isUtf8 } from 'node:buffer';
import type { RawRecord } from '../../core/event.ts';
import type { Frame } from './framing.ts';

/** Counters of one transport listener; all monotonic except the gauges noted. */
export interface SyslogTransportStats {
  /** Messages turned into records. */
  received: number;
  /** Bytes read from the network, framing included. */
  bytes: number;
  /** Streams with a bad octet count or that ended mid-frame. */
  framingErrors: number;
  /** Messages cut at maxMessageBytes. */
  oversized: number;
  /** Messages with invalid UTF-8 (kept with U+FFFD replacement characters). */
  invalidUtf8: number;
  /** UDP datagrams dropped because the pipeline was saturated. */
  udpDrops: number;
  /** Gauge: connections open now (TCP/TLS). */
  openConnections: number;
  /** Gauge: connections whose reading is paused for backpressure now. */
  pausedConnections: number;
  /** Connections refused because maxConnections was reached. */
  rejectedConnections: number;
  /** Connections closed for idleness. */
  idleTimeouts: number;
  /** TLS handshakes that failed (bad certificate, not TLS, ...). */
  tlsErrors: number;
  /** Records the sink accepted. */
  submitted: number;
  /** Gauge: records waiting to be accepted by the sink. */
  pending: number;
  /** Submit attempts that were refused or failed and retried. */
  submitRetries: number;
  /** Records still not accepted when the listener was closed (sink stayed unavailable). */
  lostOnClose: number;
}

/** A copy of a listener's counters with the submitter's figures filled in, for `stats` getters. */
export function statsSnapshot(
  stats: SyslogTransportStats,
  submitter: { submitted: number; pendingRecords: number; retries: number },
): SyslogTransportStats {
  stats.submitted = submitter.submitted;
  stats.pending = submitter.pendingRecords;
  stats.submitRetries = submitter.retries;
  return { ...stats };
}

/** A new zeroed counter set. */
export function emptyStats(): SyslogTransportStats {
  return {
    received: 0,
    bytes: 0,
    framingErrors: 0,
    oversized: 0,
    invalidUtf8: 0,
    udpDrops: 0,
    openConnections: 0,
    pausedConnections: 0,
    rejectedConnections: 0,
    idleTimeouts: 0,
    tlsErrors: 0,
    submitted: 0,
    pending: 0,
    submitRetries: 0,
    lostOnClose: 0,
  };
}

/** The logger methods used here; a pino logger fits. */
export interface SyslogLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: SyslogLog = { warn() {}, error() {} };

/**
 * Wraps a logger so that warnings about bad input, which a hostile or broken sender can produce at
 * line rate, are logged at most `perMinute` times a minute; the stats still count every one.
 */
export function rateLimitedWarn(log: SyslogLog, perMinute = 20): (obj: object, msg: string) => void {
  let windowStart = 0;
  let inWindow = 0;
  let suppressed = 0;
  return (obj, msg) => {
    const now = Date.now();
    if (now - windowStart >= 60_000) {
      if (suppressed > 0) log.warn({ suppressed }, 'syslog: further input warnings were suppressed');
      windowStart = now;
      inWindow = 0;
      suppressed = 0;
    }
    if (inWindow < perMinute) {
      inWindow++;
      log.warn(obj, msg);
    } else {
      suppressed++;
    }
  };
}

/** What a transport puts into every record. */
export interface RecordContext {
  source: string;
  sourceType: string;
  transport: 'udp' | 'tcp' | 'tls';
  remote: string;
  /** Common name of a verified TLS client certificate. */
  tlsPeer?: string;
}

/**
 * Builds the record for one message and updates the UTF-8 and oversize counters. Invalid UTF-8 is
 * decoded with replacement characters, never rejected: the rest of the message is still evidence.
 */
export function frameToRecord(frame: Frame, ctx: RecordContext, stats: SyslogTransportStats): RawRecord {
  const buf = Buffer.from(frame.bytes.buffer, frame.bytes.byteOffset, frame.bytes.byteLength);
  if (!isUtf8(buf)) stats.invalidUtf8++;
  const meta: Record<string, string> = { transport: ctx.transport, remote: ctx.remote };
  if (ctx.tlsPeer !== undefined) meta.tlsPeer = ctx.tlsPeer;
  if (frame.truncated) {
    stats.oversized++;
    meta.truncated = frame.truncated.originalBytes === undefined ? 'true' : `${frame.truncated.originalBytes} bytes`;
  }
  if (frame.incomplete) {
    meta.incomplete = `${frame.incomplete.receivedBytes} of ${frame.incomplete.expectedBytes} bytes`;
  }
  stats.received++;
  return {
    source: ctx.source,
    sourceType: ctx.sourceType,
    receivedAt: Date.now(),
    text: buf.toString('utf8'),
    meta,
  };
}

/** `ip:port`, with brackets around IPv6 addresses so the port stays unambiguous. */
export function formatRemote(address: string | undefined, port: number | undefined): string {
  if (address === undefined) return 'unknown';
  const host = address.includes(':') ? `[${address}]` : address;
  return port === undefined ? host : `${host}:${port}`;
}
