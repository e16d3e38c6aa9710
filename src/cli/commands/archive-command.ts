import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { eventStoreDirs } from '../../app/vigil.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { openDuckDbEventStore } from '../../store/duckdb/duckdb-event-store.ts';
import type { ArchiveReport, EventStore } from '../../store/event-store.ts';
import { formatBytes } from '../progress.ts';
import { parseOptions, type Command } from '../command.ts';

const HELP = `Usage: vigil archive [--dry-run] [options]

Moves every day of events older than storage.archive.hotDays (default 7) from the event store to a
Parquet file in the archive folder (storage.archive.dir, default <dataDir>/archive), one file per day,
each checked after writing; then deletes archive files older than storage.archive.retentionDays
(0 = keep forever). Prints what it archived and deleted. Searches read archived days when asked
(the console's "include archive", the API's "archive": true).

Works on the data folder directly: stop Vigil first (its event store is locked while it runs). A
running Vigil does the same every 15 minutes when storage.archive.enabled is true; this command runs
whether or not it is. See docs/operations.md, "Retention and archive".

Options:
  --dry-run         Only list what would be archived and deleted; change nothing
  --config FILE     YAML configuration file (default: $VIGIL_CONFIG)
  --data-dir DIR    Data folder (overrides dataDir)
  -h, --help        Show this help

Examples:
  vigil archive --dry-run --config /etc/vigil/vigil.yaml
  vigil archive --config /etc/vigil/vigil.yaml
`;

export const archiveCommand: Command = {
  name: 'archive',
  summary: 'Move old days of events to Parquet files; delete expired ones',
  help: HELP,
  async run(argv) {
    const parsed = parseOptions(argv, { 'dry-run': { type: 'boolean' }, config: { type: 'string' }, 'data-dir': { type: 'string' } }, HELP);
    if (!parsed) return 2;
    const { values } = parsed;
    let config;
    try {
      config = loadConfig({ file: values.config, env: process.env, overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {} });
    } catch (err) {
      if (err instanceof ConfigError) return fail(err.message, 2);
      throw err;
    }
    const { storeDir, archiveDir } = eventStoreDirs(config);
    // Opening would create an empty store, which then has nothing to archive: a wrong folder should say so.
    if (!existsSync(join(storeDir, 'events.duckdb'))) return fail(`no event store at ${storeDir}; check --data-dir or dataDir`, 2);
    let store: EventStore;
    try {
      store = await openDuckDbEventStore({ dir: storeDir, archiveDir, memoryLimit: config.storage.memoryLimit });
    } catch (err) {
      const locked = /lock/i.test((err as Error).message) ? ' (is Vigil running on this data folder? stop it first)' : '';
      return fail(`${(err as Error).message}${locked}`, 1);
    }
    try {
      const { hotDays, retentionDays } = config.storage.archive;
      const report = await store.archive({ hotDays, retentionDays }, Date.now(), { dryRun: values['dry-run'] === true });
      process.stdout.write(describe(report, archiveDir));
      return 0;
    } catch (err) {
      return fail((err as Error).message, 1);
    } finally {
      await store.close();
    }
  },
};

/** One line per archived or deleted file, then a total. */
function describe(report: ArchiveReport, dir: string): string {
  const would = report.dryRun ? 'Would archive' : 'Archived';
  const lines = report.archived.map((a) =>
    `${would} ${a.day}: ${count(a.events, 'event')} -> ${join(dir, a.file)}${a.bytes === undefined ? '' : ` (${formatBytes(a.bytes)})`}`);
  for (const d of report.deleted) lines.push(`${report.dryRun ? 'Would delete' : 'Deleted'} ${join(dir, d.file)} (${d.day}, ${count(d.events, 'event')}, past archive retention)`);
  const events = report.archived.reduce((sum, a) => sum + a.events, 0);
  lines.push(report.archived.length === 0 && report.deleted.length === 0
    ? `Nothing to ${report.dryRun ? 'do' : 'archive'}: no day is older than the hot window or past archive retention.`
    : `${report.dryRun ? 'Dry run: nothing changed. ' : ''}${count(report.archived.length, 'day')} (${count(events, 'event')}) ${report.dryRun ? 'to archive' : 'archived'}, `
      + `${count(report.deleted.length, 'file')} ${report.dryRun ? 'to delete' : 'deleted'}.`);
  return `${lines.join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function fail(message: string, code: number): number {
  process.stderr.write(`vigil archive: ${message}\n`);
  return code;
}
