import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildServer } from '../api/server.ts';
import { loadHttpsOptions } from '../api/tls.ts';
import { AuthService } from '../auth/auth-service.ts';
import { SsoService } from '../auth/oidc/sso-service.ts';
import { SecretBox } from '../auth/secret-box.ts';
import { configSchema, type VigilConfig } from '../config/config-schema.ts';
import { loadConfigMasterKey, openConfigSecrets } from '../config/config-secrets.ts';
import type { InputLimits } from '../core/limits.ts';
import { generateDemoRecords } from '../demo/demo-data.ts';
import { startSyslogListener, type SyslogListener } from '../intake/syslog/syslog-listener.ts';
import { createLogger } from '../ops/logger.ts';
import { createMetrics, registerSyslogMetrics, type VigilMetrics } from '../ops/metrics.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { StreamingDetections } from '../pipeline/streaming-detections.ts';
import { SourceStatsTracker } from '../pipeline/source-stats.ts';
import { WorkerIngestBackend } from '../pipeline/worker-ingest-backend.ts';
import { openSqliteStateStore } from '../store/sqlite/sqlite-state-store.ts';
import type { EventStore } from '../store/event-store.ts';
import type { StateStore } from '../store/state-store.ts';
import { loadBundledRules } from '../rules/bundled-rules.ts';

export const VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface StartOptions {
  config: VigilConfig;
  log?: Logger;
  /** Folder of the built web console (default: web/dist of this installation). */
  webRoot?: string;
}

export interface RunningVigil {
  /** Base URL of the web console and API. */
  url: string;
  /** The generated admin password, only on the first start of a data folder. */
  initialAdminPassword?: string;
  /** Bound syslog addresses (ports resolved when 0 was configured). */
  syslog: SyslogListener['addresses'];
  pipeline: Pipeline;
  /** The HTTP server, for tests that walk its routes (`routeDecisions`) or inject requests. */
  server: FastifyInstance;
  /** The stores and services behind the server, for tests that set up state directly. */
  core: VigilCore;
  /** Stops intake, stores everything acknowledged, and closes the stores. */
  close(): Promise<void>;
}

const STATS_FLUSH_MS = 10_000;
const RETENTION_EVERY_MS = 15 * 60_000;

/**
 * Starts a complete Vigil node on one machine: embedded stores, ingest pipeline, HTTP server (console,
 * API, HTTP intake) and syslog listeners. The CLI's `vigil start` and the tests use this same function.
 */
export async function startVigil(options: StartOptions): Promise<RunningVigil> {
  const log = options.log ?? createLogger(options.config.log.level);
  const startedAt = Date.now();
  // Before opening the stores: a wrong certificate path stops here with nothing to clean up.
  const tls = options.config.server.tls ? loadHttpsOptions(options.config.server.tls) : undefined;
  const core = await openCore(options.config, log);
  const { config } = core;
  for (const setting of core.plainSecretSettings) {
    log.warn({ setting }, 'a secret setting is written in plain text in the configuration; seal it with `vigil secret seal` (docs/security.md)');
  }
  const { state, events, pipeline, stats, metrics, auth, limits } = core;
  let flushWarnedAt = 0;
  const flushFailed = (err: unknown) => {
    if (Date.now() - flushWarnedAt < 60_000) return;
    flushWarnedAt = Date.now();
    log.warn({ err }, 'could not save source statistics; keeping them in memory and retrying');
  };
  const initialAdminPassword = await auth.bootstrapAdmin(startedAt);
  auth.ensureSource({ name: config.intake.syslog.sourceName, kind: 'syslog', sourceType: config.intake.syslog.sourceType }, startedAt);
  const bundled = await loadBundledRules(state, startedAt);
  if (bundled.added + bundled.updated > 0) log.info(bundled, 'loaded bundled detection rules');
  if (config.demo && state.getSetting('demo.loadedAt') === undefined) {
    await loadDemo(auth, pipeline, startedAt);
    state.setSetting('demo.loadedAt', String(startedAt));
  }

  const server = await buildServer({
    log, auth, state, events, pipeline, stats, metrics, limits, sso: new SsoService({ config: config.auth.oidc, state, auth, log }),
    tls, rateLimits: config.server.rateLimits, requestLimits: config.server.limits,
    maxBodyBytes: config.server.maxBodyBytes, sessionMaxMs: config.server.sessionMaxHours * 3_600_000, version: VERSION, startedAt,
    search: { timeoutMs: config.search.timeoutSeconds * 1000, maxRows: config.search.maxRows },
    webRoot: options.webRoot,
  });
  let syslog: SyslogListener | undefined;
  try {
    await server.listen({ host: config.server.host, port: config.server.port });
    syslog = await startSyslogListener(config.intake.syslog, { sink: pipeline, log });
    const listener = syslog;
    registerSyslogMetrics(metrics, () => listener.stats as Partial<Record<string, Record<string, number>>>);
  } catch (err) {
    await server.close();
    await core.close();
    throw err;
  }

  function housekeeping(): void {
    try {
      state.deleteExpiredSessions(Date.now());
    } catch (err) {
      log.warn({ err }, 'could not delete expired sessions');
    }
    try {
      const removed = state.detections.deleteBefore(Date.now() - config.detections.retentionDays * 86_400_000);
      if (removed > 0) log.info({ removed }, 'retention removed old detections');
    } catch (err) {
      log.warn({ err }, 'could not delete old detections');
    }
    // Archive first: days due for the archive must not be deleted by retention before.
    void archiveOldDays(events, config, log)
      .then(() => events.enforceRetention({ maxAgeDays: config.storage.retentionDays, maxBytes: config.storage.maxBytes }, Date.now()))
      .then((removed) => removed > 0 && log.info({ removed }, 'retention removed old events'))
      .catch((err: unknown) => log.error({ err }, 'retention failed'));
  }
  const timers = [
    setInterval(() => stats.flush(Date.now(), flushFailed), STATS_FLUSH_MS),
    setInterval(housekeeping, RETENTION_EVERY_MS),
    // Also soon after start: a node restarted every few minutes must still enforce retention.
    setTimeout(housekeeping, 60_000),
  ];
  for (const timer of timers) timer.unref();

  const address = server.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    initialAdminPassword,
    syslog: syslog.addresses,
    pipeline,
    server,
    core,
    close: () => (closing ??= (async () => {
      for (const timer of timers) clearTimeout(timer);
      await syslog.close();
      await server.close();
      await core.close();
    })()),
  };
}

/** The stores and the pipeline without any listener: what `vigil start` serves and `vigil ingest` writes to. */
export interface VigilCore {
  state: StateStore;
  events: EventStore;
  pipeline: Pipeline;
  stats: SourceStatsTracker;
  metrics: VigilMetrics;
  auth: AuthService;
  /** Encrypts secrets kept in the state store (TOTP seeds, credentials) under the master key. */
  secrets: SecretBox;
  limits: InputLimits;
  /** The configuration with its sealed secret settings opened: never log it. */
  config: VigilConfig;
  /** Paths of secret settings written in plain text (for a warning; never their values). */
  plainSecretSettings: string[];
  /** Stores everything accepted, flushes counters, closes the stores. */
  close(): Promise<void>;
}

/** Opens the data folder's stores and starts the pipeline (replaying the journal after a crash). */
export async function openCore(sealedConfig: VigilConfig, log: Logger): Promise<VigilCore> {
  mkdirSync(sealedConfig.dataDir, { recursive: true });
  const secrets = new SecretBox(loadConfigMasterKey(sealedConfig));
  const { config, plain: plainSecretSettings } = openConfigSecrets(configSchema, sealedConfig, secrets);
  const state = openSqliteStateStore({ path: join(config.dataDir, 'state.sqlite') });
  const limits: InputLimits = { maxRecordBytes: config.intake.maxRecordBytes, maxJsonDepth: config.intake.maxJsonDepth, maxFields: 1000 };
  const metrics = createMetrics();
  const detections = new StreamingDetections(state, metrics);
  let backend: WorkerIngestBackend;
  try {
    backend = await WorkerIngestBackend.start({
      ...eventStoreDirs(config), storeMemoryLimit: config.storage.memoryLimit, limits, rules: detections.enabledRules(),
      onWorkerError: (err) => log.error({ err }, 'ingest worker failed; restarted'),
    });
  } catch (err) {
    state.close();
    throw err;
  }
  const events = backend.store;
  const stats = new SourceStatsTracker(state);
  const auth = new AuthService(state, {
    sessionIdleMs: config.server.sessionIdleMinutes * 60_000, sessionMaxMs: config.server.sessionMaxHours * 3_600_000, secrets,
    lockout: { maxFailures: config.auth.lockout.maxFailures, lockMs: config.auth.lockout.minutes * 60_000 },
    passwordMinLength: config.auth.password.minLength, mfaRequired: config.auth.mfa.required,
  });
  const { pipeline } = await Pipeline.start({
    journalDir: join(config.dataDir, 'journal'),
    journalSegmentBytes: config.pipeline.journalSegmentBytes,
    batchSize: config.pipeline.batchSize,
    maxPendingRecords: config.pipeline.maxPendingRecords,
    maxPendingBytes: config.pipeline.maxPendingBytes,
    backend, store: events, stats, metrics, log, detections,
  });
  const ingest = backend;
  detections.watchRules((rules) => ingest.setRules(rules), (err) => log.error({ err }, 'could not read the detection rules'));
  return {
    state, events, pipeline, stats, metrics, auth, secrets, limits, config, plainSecretSettings,
    async close() {
      detections.stop();
      await pipeline.close();
      stats.flush(Date.now(), (err) => log.error({ err }, 'could not save source statistics at shutdown'));
      await events.close();
      state.close();
    },
  };
}

/** Where the event store and its archive live in the data folder (the archive folder may be configured elsewhere). */
export function eventStoreDirs(config: VigilConfig): { storeDir: string; archiveDir: string } {
  return { storeDir: join(config.dataDir, 'events'), archiveDir: config.storage.archive.dir ?? join(config.dataDir, 'archive') };
}

/** The archive step of housekeeping, when `storage.archive.enabled`; a failure is logged and retention still runs. */
async function archiveOldDays(events: EventStore, config: VigilConfig, log: Logger): Promise<void> {
  if (!config.storage.archive.enabled) return;
  try {
    const report = await events.archive({ hotDays: config.storage.archive.hotDays, retentionDays: config.storage.archive.retentionDays }, Date.now());
    for (const a of report.archived) log.info({ day: a.day, file: a.file, events: a.events, bytes: a.bytes }, 'archived a day of events');
    for (const d of report.deleted) log.info({ day: d.day, file: d.file, events: d.events }, 'archive retention deleted a file');
  } catch (err) {
    log.error({ err }, 'archiving old events failed; their days stay in the event store and are tried again at the next run');
  }
}

async function loadDemo(auth: AuthService, pipeline: Pipeline, now: number): Promise<void> {
  const records = generateDemoRecords(now);
  for (const name of new Set(records.map((r) => r.source))) auth.ensureSource({ name, kind: 'demo', sourceType: 'auto' }, now);
  for (let i = 0; i < records.length; i += 1000) await pipeline.submit(records.slice(i, i + 1000));
  await pipeline.drain();
}
