import type { RawRecord } from '../../core/event.ts';
import { openCore } from '../../app/vigil.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { readPaths, type FileBatch } from '../../intake/file/file-reader.ts';
import { BackpressureError } from '../../intake/intake-sink.ts';
import { createLogger } from '../../ops/logger.ts';
import { formatSummary, ProgressDisplay } from '../progress.ts';
import { parseOptions, type Command } from '../command.ts';

const HELP = `Usage: vigil ingest [options] PATH...

Reads log files, folders (recursively) and archives (.log .txt .json .ndjson .jsonl .gz .zip .tar.gz
.tgz) and Windows event logs (.evtx) and stores every line, JSON record or Windows event as an event,
parsed like live intake. Shows progress, then a summary (read, stored, rejected, warnings, events/s).
Exits with 1 if any file or record could not be ingested (a skipped damaged EVTX chunk is a warning).

Two ways to deliver:
  default           write directly into the data folder (Vigil must not be running on it)
  --url URL         send to a running Vigil's ingest API (needs an intake token)

Options:
  --source NAME     Source name for the events (default: file); with --url the token decides
  --source-type T   Parser for every record (default: auto-detect per record)
  --config FILE     YAML configuration file (default: $VIGIL_CONFIG)
  --data-dir DIR    Data folder (overrides dataDir)
  --url URL         Base URL of a running Vigil, e.g. http://127.0.0.1:8080 (default: $VIGIL_URL)
  --token TOKEN     Intake token of an "http" source (default: $VIGIL_TOKEN)
  -h, --help        Show this help
`;

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'Ingest log files, folders, archives and Windows EVTX logs',
  help: HELP,
  async run(argv) {
    const parsed = parseOptions(argv, {
      source: { type: 'string' }, 'source-type': { type: 'string' }, config: { type: 'string' }, 'data-dir': { type: 'string' },
      url: { type: 'string' }, token: { type: 'string' },
    }, HELP, true);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    if (positionals.length === 0) {
      process.stderr.write(`vigil ingest: name at least one file, folder or archive\n\n${HELP}`);
      return 2;
    }
    const url = values.url ?? process.env.VIGIL_URL;
    const sourceType = values['source-type'] ?? 'auto';
    let config;
    try {
      config = loadConfig({ file: values.config, env: process.env, overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {} });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`vigil ingest: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const { findSourceType } = await import('../../normalize/registry.ts');
    if (sourceType !== 'auto' && !findSourceType(sourceType)) {
      process.stderr.write(`vigil ingest: unknown source type "${sourceType}"\n`);
      return 2;
    }
    const batches = readPaths(positionals, { sourceName: values.source ?? 'file', sourceType, maxRecordBytes: config.intake.maxRecordBytes });
    if (url) {
      const token = values.token ?? process.env.VIGIL_TOKEN;
      if (!token) {
        process.stderr.write('vigil ingest: --url needs an intake token (--token or VIGIL_TOKEN)\n');
        return 2;
      }
      return ingestVia(batches, (records) => sendToServer(url, token, sourceType, records));
    }
    const log = createLogger('warn');
    let core;
    try {
      core = await openCore(config, log);
    } catch (err) {
      process.stderr.write(`vigil ingest: cannot open the data folder ${config.dataDir}: ${(err as Error).message}\n` +
        '  (is Vigil running on it? then use --url and an intake token)\n');
      return 1;
    }
    const { pipeline, auth } = core;
    auth.ensureSource({ name: values.source ?? 'file', kind: 'file', sourceType }, Date.now());
    try {
      return await ingestVia(batches, async (records) => {
        for (;;) {
          try {
            await pipeline.submit(records);
            return { stored: records.length, rejected: 0 };
          } catch (err) {
            if (!(err instanceof BackpressureError)) throw err;
            await pipeline.waitForCapacity();
          }
        }
      }, () => pipeline.drain());
    } finally {
      await core.close();
    }
  },
};

/** Feeds every batch to `deliver`, showing progress and the final summary; returns the exit code. */
async function ingestVia(
  batches: AsyncGenerator<FileBatch>,
  deliver: (records: RawRecord[]) => Promise<Delivery>,
  settle: () => Promise<void> = async () => {},
): Promise<number> {
  const started = performance.now();
  const progress = new ProgressDisplay({ stream: process.stderr });
  let last: FileBatch | undefined;
  let delivered = 0;
  let refused = 0;
  try {
    for await (const batch of batches) {
      last = batch;
      if (batch.issues.length > 0) {
        progress.finish();
        for (const issue of batch.issues) {
          process.stderr.write(`${issue.kind}: ${issue.file}${issue.line ? `:${issue.line}` : ''}: ${issue.reason}\n`);
        }
      }
      if (batch.records.length > 0) {
        const outcome = await deliver(batch.records);
        delivered += outcome.stored;
        refused += outcome.rejected;
      }
      progress.update({ ...batch.progress, records: delivered });
    }
    await settle();
  } catch (err) {
    progress.finish();
    process.stderr.write(`vigil ingest: stopped: ${(err as Error).message}\n`);
    return 1;
  }
  progress.finish();
  const counts = last?.counts;
  const rejected = (counts?.rejected ?? 0) + refused;
  const errors = counts?.errors ?? 0;
  const summary = formatSummary({
    read: delivered + rejected, stored: delivered, rejected, errors, warnings: counts?.warnings, skipped: counts?.skipped,
    invalidUtf8: counts?.invalidUtf8, seconds: (performance.now() - started) / 1000,
  });
  process.stderr.write(`${summary.join('\n')}\n`);
  return rejected > 0 || errors > 0 ? 1 : 0;
}

/** What became of a delivered batch: records stored, and records the server refused (with reasons it printed). */
interface Delivery {
  stored: number;
  rejected: number;
}

async function sendToServer(baseUrl: string, token: string, sourceType: string, records: RawRecord[]): Promise<Delivery> {
  const url = new URL('/api/v1/ingest', baseUrl);
  if (sourceType !== 'auto') url.searchParams.set('sourceType', sourceType);
  const body = `${records.map((r) => (r.text ?? JSON.stringify(r.data)).replace(/[\r\n]+/g, ' ')).join('\n')}\n`;
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain; charset=utf-8' }, body });
    if (response.ok || response.status === 400) {
      const reply = (await response.json().catch(() => ({}))) as { accepted?: number; rejected?: number; errors?: { line?: number; reason: string }[]; message?: string };
      if (reply.accepted === undefined) throw new Error(`server answered ${response.status}: ${reply.message ?? 'no details'}`);
      for (const error of reply.errors ?? []) process.stderr.write(`rejected by the server: ${records[(error.line ?? 1) - 1]?.meta?.file ?? ''}: ${error.reason}\n`);
      return { stored: reply.accepted, rejected: reply.rejected ?? 0 };
    }
    if ((response.status === 429 || response.status === 503) && attempt < 30) {
      const wait = Number(response.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, Math.min(30, Math.max(1, wait)) * 1000));
      continue;
    }
    const text = await response.text();
    throw new Error(`server answered ${response.status}: ${text.slice(0, 500)}`);
  }
}
