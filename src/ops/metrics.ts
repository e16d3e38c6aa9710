import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one Vigil process, served at `/metrics`. One registry per process (not the
 * library's global one) so tests can run several servers side by side.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });
  return {
    registry,
    intakeRecords: new Counter({
      name: 'vigil_intake_records_total', help: 'Records accepted into the journal, by source.', labelNames: ['source'], registers: [registry],
    }),
    intakeRejected: new Counter({
      name: 'vigil_intake_rejected_total', help: 'Records refused at intake, by source and reason.', labelNames: ['source', 'reason'], registers: [registry],
    }),
    storedEvents: new Counter({
      name: 'vigil_stored_events_total', help: 'Events written to the event store, by source.', labelNames: ['source'], registers: [registry],
    }),
    parseFailures: new Counter({
      name: 'vigil_parse_failures_total', help: 'Events no parser understood (stored raw with a reason), by source.', labelNames: ['source'], registers: [registry],
    }),
    pendingRecords: new Gauge({
      name: 'vigil_pipeline_pending_records', help: 'Records accepted but not yet stored (queue depth).', registers: [registry],
    }),
    storeWriteSeconds: new Histogram({
      name: 'vigil_store_write_seconds', help: 'Latency of one batch write to the event store.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    storeWriteErrors: new Counter({
      name: 'vigil_store_write_errors_total', help: 'Failed event store writes (retried; data stays in the journal).', registers: [registry],
    }),
    auditWriteErrors: new Counter({
      name: 'vigil_audit_write_errors_total', help: 'Audit log entries that could not be written (each is also logged as an error).', registers: [registry],
    }),
    journalWriteSeconds: new Histogram({
      name: 'vigil_journal_write_seconds', help: 'Latency from submit to fsynced journal append.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry],
    }),
    detections: new Counter({
      name: 'vigil_detections_total', help: 'Detections found by the streaming Sigma engine and persisted, by rule level.', labelNames: ['level'], registers: [registry],
    }),
    detectionLatencySeconds: new Histogram({
      name: 'vigil_detection_latency_seconds', help: 'Latency a detection adds to its stored event, upper bound: the batch\'s detection time (overlapping the store\'s commit) plus the time to save it.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 5], registers: [registry],
    }),
    detectionPersistErrors: new Counter({
      name: 'vigil_detection_persist_errors_total', help: 'Batches whose detections could not be saved (each is also logged as an error).', registers: [registry],
    }),
  };
}

export type VigilMetrics = ReturnType<typeof createMetrics>;

/**
 * Exposes per-transport syslog listener counters (read on each scrape, not copied on the hot path)
 * as `vigil_syslog_<counter>{transport}`.
 */
export function registerSyslogMetrics(metrics: VigilMetrics, read: () => Partial<Record<string, Record<string, number>>>): void {
  const sample = read();
  const names = new Set(Object.values(sample).flatMap((stats) => Object.keys(stats ?? {})));
  for (const name of names) {
    const metricName = `vigil_syslog_${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
    new Gauge({
      name: metricName, help: `Syslog listener counter "${name}", by transport.`, labelNames: ['transport'], registers: [metrics.registry],
      collect() {
        for (const [transport, stats] of Object.entries(read())) this.set({ transport }, stats?.[name] ?? 0);
      },
    });
  }
}
