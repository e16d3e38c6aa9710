import { z } from 'zod';
import { oidcConfigSchema } from '../auth/oidc/oidc-config.ts';
import { LOWEST_MIN_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password-policy.ts';
import { httpTlsConfigSchema, rateLimitsConfigSchema, requestLimitsConfigSchema } from '../api/http-config.ts';
import { syslogListenerConfigSchema } from '../intake/syslog/syslog-config.ts';
import { outboundConfigSchema } from '../net/outbound-config.ts';

/**
 * Vigil's configuration. Every key is documented with `.describe()`; docs/configuration.md is
 * generated from these descriptions (`npm run docs:config`) and a test fails when it drifts.
 * Objects are strict: an unknown key is an error at start, not a silently ignored typo.
 */
/** Listeners on by default, on a port a non-root user may bind (514 needs root). */
function unprivileged<T extends z.ZodObject>(listener: z.ZodOptional<T>, port: number) {
  return listener.unwrap().extend({
    port: z.number().int().min(0).max(65535).default(port).describe(`Port to listen on (0 picks a free one; default ${port}).`),
  }).prefault({} as z.input<T>);
}

export const configSchema = z.object({
  dataDir: z.string().min(1).default('./data').describe('Folder for the embedded stores, the ingest journal and state.'),
  server: z.object({
    host: z.string().min(1).default('127.0.0.1').describe('Address the web console and API listen on.'),
    port: z.number().int().min(0).max(65535).default(8080).describe('Port of the web console and API.'),
    maxBodyBytes: z.number().int().min(1024).default(16 * 1024 * 1024)
      .describe('Largest HTTP request body accepted as sent (compressed size for gzip intake; decompressed intake bodies may reach 4x this), in bytes.'),
    sessionIdleMinutes: z.number().int().min(1).default(60).describe('A console session ends after this many minutes without a request.'),
    sessionMaxHours: z.number().int().min(1).default(12).describe('A console session ends this many hours after sign-in, whatever its use.'),
    tls: httpTlsConfigSchema.optional()
      .describe('HTTPS for the console, API and HTTP intake: when set, the server speaks only HTTPS, cookies are Secure and responses carry HSTS (docs/security.md).'),
    rateLimits: rateLimitsConfigSchema.prefault({}).describe('Request rate limits per client address, user or API token (docs/security.md).'),
    limits: requestLimitsConfigSchema.prefault({}).describe('Size limits of a request besides its body (docs/security.md).'),
  }).strict().prefault({}).describe('HTTP server: web console, REST API and HTTP intake.'),
  auth: z.object({
    password: z.object({
      minLength: z.number().int().min(LOWEST_MIN_PASSWORD_LENGTH).max(128).default(MIN_PASSWORD_LENGTH)
        .describe(`Shortest password a local user may choose (at least ${LOWEST_MIN_PASSWORD_LENGTH}). Passwords must also not contain the username, use 5 different characters and not be a common password.`),
    }).strict().prefault({}).describe('Password policy for local accounts (docs/authentication.md).'),
    lockout: z.object({
      maxFailures: z.number().int().min(3).max(1000).default(10)
        .describe('Consecutive failed sign-ins (wrong password or code) that lock a local account.'),
      minutes: z.number().int().min(1).max(24 * 60).default(15).describe('How long a locked account stays locked, unless an administrator unlocks it.'),
    }).strict().prefault({}).describe('Account lockout after failed sign-ins; survives restarts.'),
    mfa: z.object({
      required: z.boolean().default(false)
        .describe('Local users must turn on two-step sign-in (TOTP) before they can do anything else. Single sign-on users are left to their identity provider.'),
    }).strict().prefault({}).describe('Two-step sign-in with an authenticator app (TOTP).'),
    oidc: oidcConfigSchema.describe('Single sign-on with OpenID Connect (docs/sso.md).'),
  }).strict().prefault({}).describe('Console sign-in.'),
  intake: z.object({
    maxRecordBytes: z.number().int().min(256).max(64 * 1024 * 1024).default(1024 * 1024)
      .describe('Largest single record (one log line or event) in bytes; larger ones are stored raw with a reason or rejected.'),
    maxJsonDepth: z.number().int().min(2).max(256).default(32).describe('Deepest JSON nesting accepted in an event.'),
    syslog: syslogListenerConfigSchema.extend({
      udp: unprivileged(syslogListenerConfigSchema.shape.udp, 5514),
      tcp: unprivileged(syslogListenerConfigSchema.shape.tcp, 5514),
    }).prefault({}).describe('Syslog listeners. UDP and TCP run on 127.0.0.1:5514 unless disabled; TLS runs when configured.'),
  }).strict().prefault({}).describe('Intake limits and listeners.'),
  pipeline: z.object({
    batchSize: z.number().int().min(1).max(100_000).default(32_768)
      .describe('Records per batch parsed and written to the event store in one transaction (a full DuckDB row group by default: written compressed, without a WAL copy).'),
    maxPendingRecords: z.number().int().min(1000).default(100_000)
      .describe('Records accepted but not yet stored before intake is refused (HTTP 429/503, TCP paused). Bounds memory.'),
    maxPendingBytes: z.number().int().min(1024 * 1024).default(128 * 1024 * 1024)
      .describe('Journal bytes accepted but not yet stored before intake is refused; bounds memory when records are large.'),
    journalSegmentBytes: z.number().int().min(1024 * 1024).default(64 * 1024 * 1024).describe('Size at which the ingest journal starts a new segment file.'),
  }).strict().prefault({}).describe('Batching, journal and backpressure of the ingest pipeline.'),
  storage: z.object({
    retentionDays: z.number().int().min(0).default(30).describe('Delete events older than this many days (0 keeps them forever).'),
    maxBytes: z.number().int().min(0).default(0).describe('Delete the oldest days of events while the event store is larger than this (0: no limit).'),
    memoryLimit: z.string().regex(/^\d{1,6}(?:\.\d{1,3})?\s?(?:B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$/, 'a size such as "512MB" or "2GB"').default('512MB')
      .describe('Memory the embedded event store (DuckDB) may use for its buffers; more helps large searches, less keeps the process small.'),
    archive: z.object({
      enabled: z.boolean().default(false)
        .describe('Archive old days of events to Parquet files (one per day) instead of keeping them in the event store; run every 15 minutes and by `vigil archive` (docs/operations.md).'),
      hotDays: z.number().int().min(1).max(36_500).default(7)
        .describe('Days of events kept in the event store before their day is archived; must be below `storage.retentionDays` unless that is 0.'),
      dir: z.string().min(1).optional().describe('Folder of the archive files; default `<dataDir>/archive`.'),
      retentionDays: z.number().int().min(0).default(0)
        .describe('Delete archive files of days older than this many days (0 keeps them forever); must be above `hotDays` unless 0.'),
    }).strict().prefault({}).describe('Archive of old events as Parquet files, searchable on request (docs/operations.md).'),
  }).strict().superRefine((storage, ctx) => {
    const { archive } = storage;
    if (!archive.enabled) return;
    // Retention would delete a day before it is old enough to archive.
    if (storage.retentionDays > 0 && archive.hotDays >= storage.retentionDays) {
      ctx.addIssue({ code: 'custom', path: ['archive', 'hotDays'], message: `must be below storage.retentionDays (${storage.retentionDays}), or days are deleted before they are archived` });
    }
    if (archive.retentionDays > 0 && archive.retentionDays <= archive.hotDays) {
      ctx.addIssue({ code: 'custom', path: ['archive', 'retentionDays'], message: `must be above storage.archive.hotDays (${archive.hotDays}) or 0 (keep forever)` });
    }
  }).prefault({}).describe('Event retention in the embedded store, and the archive of older events.'),
  search: z.object({
    timeoutSeconds: z.number().positive().max(3600).default(30)
      .describe('Longest a search may run (fractions allowed); it is then stopped and answers QUERY_TIMEOUT. Bounds what one runaway query costs.'),
    maxRows: z.number().int().min(1).max(100_000).default(10_000)
      .describe('Most table rows (stats, timechart, top, rare) one search returns; the answer says when rows were cut.'),
  }).strict().prefault({}).describe('Searches with the query language (docs/query-language.md).'),
  detections: z.object({
    retentionDays: z.number().int().min(1).max(36_500).default(90)
      .describe('Delete detections made more than this many days ago (checked with the other retention work, every 15 minutes).'),
  }).strict().prefault({}).describe('Detections made by the Sigma rules (docs/sigma.md).'),
  secrets: z.object({
    masterKeyFile: z.string().min(1).optional()
      .describe('File holding the master key that encrypts secrets at rest (sealed settings, TOTP seeds); default `<dataDir>/master.key`, created on first start. Back it up apart from the data folder: without it sealed secrets cannot be read.'),
  }).strict().prefault({}).describe('Encryption of secrets at rest.'),
  outbound: outboundConfigSchema.prefault({}).describe('Outbound HTTP requests (webhooks, notifications, feeds): protection against server-side request forgery (docs/security.md).'),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level of the JSON logs on stdout.'),
  }).strict().prefault({}).describe('Logging.'),
  demo: z.boolean().default(false).describe('Load the demo data set on first start (the README\'s start command turns it on).'),
}).strict();

export type VigilConfig = z.infer<typeof configSchema>;
export type VigilConfigInput = z.input<typeof configSchema>;
