/**
 * Starts the syslog listeners a configuration enables (UDP, TCP, TLS) in front of one IntakeSink.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { IntakeSink } from '../intake-sink.ts';
import type { BatchSubmitterOptions } from './batch-submitter.ts';
import { syslogListenerConfigSchema, type SyslogListenerConfigInput } from './syslog-config.ts';
import { silentLog, type SyslogLog, type SyslogTransportStats } from './syslog-stats.ts';
import { startStreamListener, type StreamListener } from './syslog-tcp.ts';
import { startUdpListener, type UdpListener } from './syslog-udp.ts';

export type Transport = 'udp' | 'tcp' | 'tls';

/** Running syslog listeners. */
export interface SyslogListener {
  /** Bound address per enabled transport (the real port when 0 was configured). */
  readonly addresses: Partial<Record<Transport, AddressInfo>>;
  /** A snapshot of the counters per enabled transport. */
  readonly stats: Partial<Record<Transport, SyslogTransportStats>>;
  /**
   * Stops listening, decodes what connections already sent, and waits until the sink accepted every
   * record, at most `drainTimeoutMs` (default 10 s); records still refused then are logged and
   * counted as `lostOnClose`.
   */
  close(drainTimeoutMs?: number): Promise<void>;
}

export interface SyslogListenerDeps {
  sink: IntakeSink;
  log?: SyslogLog;
  /** Batching and memory bounds; the defaults suit production, tests shrink them. */
  batch?: Partial<Omit<BatchSubmitterOptions, 'log'>>;
}

/**
 * Validates `config` with {@link syslogListenerConfigSchema} and starts every enabled transport. If one
 * fails to start (port in use, unreadable certificate), those already started are closed and the
 * error says which transport and why.
 *
 * @example
 * const syslog = await startSyslogListener({ udp: { port: 5514 }, tcp: { port: 5514 } }, { sink: pipeline, log });
 * log.info(syslog.addresses, 'syslog listening');
 * await syslog.close();
 */
export async function startSyslogListener(config: SyslogListenerConfigInput, deps: SyslogListenerDeps): Promise<SyslogListener> {
  const parsed = syslogListenerConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid syslog listener config: ${issues}`);
  }
  const cfg = parsed.data;
  const log = deps.log ?? silentLog;
  const common = {
    sourceName: cfg.sourceName,
    sourceType: cfg.sourceType,
    maxMessageBytes: cfg.maxMessageBytes,
    sink: deps.sink,
    log,
    ...(deps.batch ? { batch: deps.batch } : {}),
  };
  const running: Partial<Record<Transport, UdpListener | StreamListener>> = {};
  const closeAll = async (drainTimeoutMs: number): Promise<void> => {
    await Promise.all(Object.values(running).map((l) => l.close(drainTimeoutMs)));
  };

  try {
    if (cfg.udp?.enabled) {
      running.udp = await startUdpListener({ ...common, host: cfg.udp.host, port: cfg.udp.port });
    }
    const stream = { ...common, maxConnections: cfg.maxConnections, idleTimeoutSeconds: cfg.idleTimeoutSeconds };
    if (cfg.tcp?.enabled) {
      running.tcp = await startStreamListener({ ...stream, transport: 'tcp', host: cfg.tcp.host, port: cfg.tcp.port });
    }
    if (cfg.tls?.enabled) {
      const t = cfg.tls;
      const [cert, key, ca] = await Promise.all([
        readPem(t.certFile, 'certFile'),
        readPem(t.keyFile, 'keyFile'),
        t.caFile === undefined ? undefined : readPem(t.caFile, 'caFile'),
      ]);
      running.tls = await startStreamListener({
        ...stream, transport: 'tls', host: t.host, port: t.port,
        tls: { cert, key, requireClientCert: t.requireClientCert, ...(ca ? { ca } : {}) },
      });
    }
  } catch (err) {
    await closeAll(0);
    throw err;
  }

  const addresses: Partial<Record<Transport, AddressInfo>> = {};
  for (const [name, listener] of Object.entries(running) as [Transport, UdpListener | StreamListener][]) {
    addresses[name] = listener.address;
  }
  return {
    addresses,
    get stats() {
      const out: Partial<Record<Transport, SyslogTransportStats>> = {};
      for (const [name, listener] of Object.entries(running) as [Transport, UdpListener | StreamListener][]) {
        out[name] = listener.stats;
      }
      return out;
    },
    close: (drainTimeoutMs = 10_000) => closeAll(drainTimeoutMs),
  };
}

async function readPem(path: string, key: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`syslog tls: cannot read ${key} ${path}: ${(err as Error).message}`, { cause: err });
  }
}
