import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { EXPORT_FORMATS, exportChunks, type ExportFormat } from '../../audit/audit-export.ts';
import { verifyAuditLog } from '../../audit/audit-log.ts';
import { ConfigError, loadConfig } from '../../config/load-config.ts';
import { openSqliteStateStore } from '../../store/sqlite/sqlite-state-store.ts';
import type { StateStore } from '../../store/state-store.ts';
import { parseOptions, type Command } from '../command.ts';

const HELP = `Usage: vigil audit <verify|export> [options]

Works on the data folder directly (offline; also safe while Vigil runs on it). Only reads: running
these commands changes nothing in the audit log.

  verify    Checks every entry of the audit log against its hash and its predecessor, and the newest
            entry against the head anchor (<dataDir>/audit.head). Exit code 0 when the log is intact,
            1 when it was tampered with (the first bad entry and why are printed), 2 on usage errors.
  export    Writes the audit log, oldest first, as NDJSON (exact, with hashes) or CSV (for
            spreadsheets; cells that would run as formulas are prefixed with ').

Options:
  --config FILE       YAML configuration file (default: $VIGIL_CONFIG)
  --data-dir DIR      Data folder (overrides dataDir)
  --format F          export: ndjson (default) or csv
  --from TIME         export: entries at or after TIME (ISO 8601 such as 2026-11-01 or
                      2026-11-01T08:00:00Z, or ms since the epoch)
  --to TIME           export: entries before TIME
  --output FILE       export: write to FILE instead of standard output
  -h, --help          Show this help

Examples:
  vigil audit verify --config /etc/vigil/vigil.yaml
  vigil audit export --format csv --from 2026-11-01 --to 2026-12-01 --output november.csv
`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the audit log\'s hash chain; export it',
  help: HELP,
  async run(argv) {
    const parsed = parseOptions(argv, {
      config: { type: 'string' }, 'data-dir': { type: 'string' }, format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
      output: { type: 'string' },
    }, HELP, true);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    const [action, ...extra] = positionals;
    if ((action !== 'verify' && action !== 'export') || extra.length > 0) return usage('expected "verify" or "export"');
    const exportOnly = (['format', 'from', 'to', 'output'] as const).filter((name) => values[name] !== undefined);
    if (action === 'verify' && exportOnly.length > 0) return usage(`--${exportOnly[0]} applies to "export" only`);
    const format = values.format ?? 'ndjson';
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return usage(`--format must be ${EXPORT_FORMATS.join(' or ')}, not "${format}"`);
    const from = parseTime(values.from);
    const to = parseTime(values.to);
    if (Number.isNaN(from)) return usage(`--from: "${values.from}" is not an ISO 8601 time or ms since the epoch`);
    if (Number.isNaN(to)) return usage(`--to: "${values.to}" is not an ISO 8601 time or ms since the epoch`);

    let dataDir: string;
    try {
      dataDir = loadConfig({ file: values.config, env: process.env, overrides: values['data-dir'] ? { dataDir: values['data-dir'] } : {} }).dataDir;
    } catch (err) {
      if (err instanceof ConfigError) return usage(err.message, false);
      throw err;
    }
    const path = join(dataDir, 'state.sqlite');
    // Opening would create an empty database, which would then verify as "intact".
    if (!existsSync(path)) return usage(`no Vigil data folder at ${dataDir} (${path} does not exist); check --data-dir or dataDir`, false);
    let state: StateStore;
    try {
      state = openSqliteStateStore({ path });
    } catch (err) {
      process.stderr.write(`vigil audit: cannot open ${path}: ${(err as Error).message}\n`);
      return 1;
    }
    try {
      return action === 'verify' ? await verify(state) : await exportLog(state, format as ExportFormat, from, to, values.output);
    } finally {
      state.close();
    }
  },
};

function usage(message: string, withHelp = true): number {
  process.stderr.write(`vigil audit: ${message}\n${withHelp ? `\n${HELP}` : ''}`);
  return 2;
}

/** ISO 8601 or ms since the epoch; undefined when absent, NaN when unreadable. */
function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

async function verify(state: StateStore): Promise<number> {
  const report = await verifyAuditLog(state.audit);
  if (report.ok) {
    const head = report.head ? `; newest entry ${report.head.seq} (hash ${report.head.hash.slice(0, 16)}...)` : '';
    process.stdout.write(`Audit log intact: ${report.checked} entries verified${head}.\n`);
    for (const note of report.notes) process.stdout.write(`Note: ${note}.\n`);
    return 0;
  }
  const { problem } = report;
  process.stdout.write(`Audit log TAMPERED (${problem.kind})${problem.seq === undefined ? '' : ` at entry ${problem.seq}`}: ${problem.reason}.\n` +
    `${report.checked} entries verified before the problem. See docs/audit.md for what to do next.\n`);
  return 1;
}

async function exportLog(state: StateStore, format: ExportFormat, from: number | undefined, to: number | undefined, output: string | undefined): Promise<number> {
  const out: Writable = output === undefined ? process.stdout : createWriteStream(output, { mode: 0o600 });
  let failure: Error | undefined;
  out.on('error', (err) => {
    failure = err;
  });
  let count = 0;
  for (const chunk of exportChunks(countEntries(state.audit.entries({ from, to }), () => count++), format)) {
    if (failure) break;
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'error')]).catch(() => {});
  }
  if (output !== undefined && !failure) {
    out.end();
    await Promise.race([once(out, 'finish'), once(out, 'error')]).catch(() => {});
  }
  if (failure) {
    process.stderr.write(`vigil audit: cannot write the export${output === undefined ? '' : ` to ${output}`}: ${failure.message}\n`);
    return 1;
  }
  if (output !== undefined) process.stderr.write(`Exported ${count} audit entries to ${output}.\n`);
  return 0;
}

function* countEntries<T>(items: Iterable<T>, onItem: () => void): Generator<T> {
  for (const item of items) {
    onItem();
    yield item;
  }
}
