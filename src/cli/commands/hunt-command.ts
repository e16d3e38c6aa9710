import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';
import type { DetectionLevel } from '../../detect/detection.ts';
import { DetectionSorter } from '../../hunt/detection-sorter.ts';
import { LEVELS, levelRank, loadHuntRules, withEngineStates, type HuntRule } from '../../hunt/hunt-rules.ts';
import { scan, startDetectors, type HuntDetectors } from '../../hunt/hunt-run.ts';
import { planFiles } from '../../intake/file/walk-paths.ts';
import { RuleFileError } from '../../rules/rule-files.ts';
import { parseOptions, type Command } from '../command.ts';
import { ColumnWidths, countRules, CSV_HEADER, csvRow, formatHuntSummary, HuntTable, jsonDetection, type HuntSummary } from '../hunt-output.ts';
import { ProgressDisplay } from '../progress.ts';
import { formatTable, printable } from '../search-table.ts';

const FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];
/** Below this much input, starting worker threads (each building its own engine) costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 16 * 1024 * 1024;
/** Past this many workers the main thread, which reads and decodes the files, cannot keep them busy. */
const MAX_AUTO_THREADS = 8;
const TOP_RULES = 10;

const HELP = `Usage: vigil hunt --rules PATH [--rules PATH ...] [options] PATH...

Hunts through log files offline with Sigma rules, like Hayabusa or Chainsaw: no running Vigil needed.
PATH is a file, a folder (read recursively) or an archive: JSON, NDJSON, log lines, .gz, .zip,
.tar.gz and Windows event logs (.evtx). Each record is parsed and normalized as Vigil's intake would,
then every rule whose logsource covers it is applied. Prints the detections in time order, then a
summary (detections by level, top rules, events, rules, events/s) on stderr.

Rules (--rules, repeatable): Sigma rule files (.yml, .yaml), folders of them or .zip archives. Rules
that cannot run are counted (unsupported, invalid); --verbose lists each with the reason.

Options:
  --rules PATH          Sigma rules to apply (required; repeat for several)
  --all-rules           Apply every rule to every event whatever its logsource (as Zircolite does):
                        for JSON exports that carry no log-source information (no Windows channel,
                        no product); rules match on field names alone, so expect more noise
  --min-level LEVEL     Only rules at this level or above: informational, low, medium, high, critical
                        (default: informational)
  --fail-level LEVEL    Exit 1 when a detection at this level or above is found (default: never)
  --format F            table (default), csv, json (one document with detections, summary and the
                        rules that did not run) or ndjson (one detection per line)
  --output FILE         Write the detections to FILE instead of standard output
  --source-type T       Parser for every record (default: auto-detect per record)
  --threads N           Worker threads for detection (default: one per core, at most 8, for inputs
                        over 16 MiB; else the main thread only)
  --verbose             List rules that do not run, with the reason, before hunting
  -h, --help            Show this help

The table shows time (UTC), level, rule title, host, user and the field values that matched. Colours
only on a terminal; NO_COLOR turns them off. A progress line is shown on a terminal's stderr.

Exit codes: 0 no detection at or above --fail-level (or none given); 1 a detection at or above it;
2 usage error, no rule that can run, or an input that could not be (fully) read (the detections found
in the rest are still written).

Examples:
  vigil hunt --rules sigma/rules/windows ./evtx-logs                    # like: hayabusa csv-timeline -d ./evtx-logs
  vigil hunt --rules sigma/rules/windows --min-level high --format csv --output hits.csv logs.zip
  vigil hunt --rules my-rules --fail-level high export.ndjson          # CI: exit 1 on a high or critical hit
  vigil hunt --rules sigma/rules --all-rules siem-export.json          # plain JSON without log sources
`;

/** A failure with its message for people; exit code 2. */
class HuntUsageError extends Error {}

export const huntCommand: Command = {
  name: 'hunt',
  summary: 'Hunt through log files, archives and EVTX with Sigma rules (offline)',
  help: HELP,
  async run(argv) {
    const parsed = parseOptions(argv, {
      rules: { type: 'string', multiple: true }, 'all-rules': { type: 'boolean' }, 'min-level': { type: 'string' }, 'fail-level': { type: 'string' },
      format: { type: 'string' }, output: { type: 'string' }, 'source-type': { type: 'string' }, threads: { type: 'string' }, verbose: { type: 'boolean' },
    }, HELP, true);
    if (!parsed) return 2;
    try {
      return await hunt(await options(parsed.values, parsed.positionals));
    } catch (err) {
      if (err instanceof HuntUsageError || err instanceof RuleFileError) {
        process.stderr.write(`vigil hunt: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  },
};

interface HuntOptions {
  rulePaths: string[];
  paths: string[];
  allRules: boolean;
  minLevel: DetectionLevel;
  failLevel: DetectionLevel | undefined;
  format: Format;
  output: string | undefined;
  sourceType: string;
  threads: number | undefined;
  verbose: boolean;
}

async function options(values: Record<string, string | string[] | boolean | undefined>, paths: string[]): Promise<HuntOptions> {
  const rulePaths = (values.rules as string[] | undefined) ?? [];
  if (rulePaths.length === 0) throw new HuntUsageError('give the rules to hunt with: --rules PATH (a rule file, folder or .zip archive)');
  if (paths.length === 0) throw new HuntUsageError('name at least one file, folder or archive to hunt through');
  const format = (values.format as string | undefined) ?? 'table';
  if (!(FORMATS as readonly string[]).includes(format)) throw new HuntUsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const sourceType = (values['source-type'] as string | undefined) ?? 'auto';
  const { findSourceType } = await import('../../normalize/registry.ts');
  if (sourceType !== 'auto' && !findSourceType(sourceType)) throw new HuntUsageError(`unknown source type "${sourceType}"`);
  const threadsText = values.threads as string | undefined;
  const threads = threadsText === undefined ? undefined : Number(threadsText);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new HuntUsageError(`--threads must be a whole number from 1 to 64, not "${threadsText}"`);
  return {
    rulePaths, paths, allRules: values['all-rules'] === true, minLevel: level(values['min-level'] as string | undefined, '--min-level') ?? 'informational',
    failLevel: level(values['fail-level'] as string | undefined, '--fail-level'), format: format as Format, output: values.output as string | undefined,
    sourceType, threads, verbose: values.verbose === true,
  };
}

function level(text: string | undefined, option: string): DetectionLevel | undefined {
  if (text === undefined) return undefined;
  const found = LEVELS.find((l) => l === text.toLowerCase());
  if (!found) throw new HuntUsageError(`${option} must be one of ${LEVELS.join(', ')}, not "${text}"`);
  return found;
}

async function hunt(o: HuntOptions): Promise<number> {
  const started = performance.now();
  const out = await openOutput(o.output);
  let detectors: HuntDetectors | undefined;
  const sorter = new DetectionSorter();
  // Ctrl-C: remove spilled detections before leaving (they hold values from the hunted logs).
  const interrupted = () => void sorter.close().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  try {
    const set = await loadHuntRules(o.rulePaths, { minLevel: o.minLevel, allRules: o.allRules });
    for (const error of set.errors) process.stderr.write(`vigil hunt: rules: ${error.name}: ${error.reason}\n`);
    if (set.errors.length > 0) throw new HuntUsageError('some rule paths could not be read');
    if (set.rules.length === 0) throw new HuntUsageError(`no Sigma rules found in ${o.rulePaths.join(', ')} (rule files end in .yml or .yaml)`);
    detectors = await startDetectors(set.sources, { ignoreLogsource: o.allRules, limits: DEFAULT_INPUT_LIMITS, threads: o.threads ?? await autoThreads(o.paths) });
    const rules = withEngineStates(set.rules, detectors.states);
    const ruleCounts = countRules(rules);
    if (o.verbose) listRulesNotRunning(rules);
    if (ruleCounts.active === 0) {
      throw new HuntUsageError(`none of the ${set.rules.length} rules can run (${ruleCounts.unsupported} unsupported, ${ruleCounts.invalid} invalid` +
        `${ruleCounts.belowMinLevel > 0 ? `, ${ruleCounts.belowMinLevel} below --min-level` : ''})${o.verbose ? '' : '; --verbose lists why'}`);
    }
    const rulesSeconds = (performance.now() - started) / 1000;

    const progress = process.stderr.isTTY ? new ProgressDisplay({ stream: process.stderr }) : undefined;
    const widths = new ColumnWidths();
    const byRule = new Map<string, { ruleId: string; title: string; level: DetectionLevel; count: number }>();
    const totals = await scan(detectors, { paths: o.paths, sourceType: o.sourceType, limits: DEFAULT_INPUT_LIMITS }, {
      async detection(found) {
        const d = found.detection;
        widths.observe(d);
        const entry = byRule.get(d.ruleId) ?? { ruleId: d.ruleId, title: d.ruleTitle, level: d.level, count: 0 };
        entry.count++;
        byRule.set(d.ruleId, entry);
        await sorter.add(found);
      },
      issue(issue) {
        progress?.finish();
        process.stderr.write(`${issue.kind}: ${printable(issue.file)}${issue.line ? `:${issue.line}` : ''}: ${printable(issue.reason)}\n`);
      },
      progress(batch, t) {
        progress?.update({ ...batch.progress, records: t.events, detections: t.detections });
      },
    });
    progress?.finish();
    const scanSeconds = (performance.now() - started) / 1000 - rulesSeconds;

    const byLevel = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<DetectionLevel, number>;
    for (const entry of byRule.values()) byLevel[entry.level] += entry.count;
    const summary: HuntSummary = {
      detections: totals.detections, byLevel,
      topRules: [...byRule.values()].sort((a, b) => b.count - a.count || levelRank(b.level) - levelRank(a.level) || a.title.localeCompare(b.title)).slice(0, TOP_RULES),
      events: totals.events, unparsed: totals.unparsed, files: totals.files, unreadable: totals.errors, rejected: totals.rejected, rules: ruleCounts,
      threads: detectors.threads, rulesSeconds, scanSeconds, eventsPerSecond: scanSeconds > 0 ? totals.events / scanSeconds : 0,
    };
    await writeDetections(out, o.format, sorter, widths, summary, rules);
    await out.end();
    const color = process.stderr.isTTY === true && process.env.NO_COLOR === undefined;
    process.stderr.write(`${formatHuntSummary(summary, color).join('\n')}\n`);
    if (totals.errors > 0) return 2;
    const failRank = o.failLevel === undefined ? Infinity : levelRank(o.failLevel);
    return LEVELS.some((l) => levelRank(l) >= failRank && byLevel[l] > 0) ? 1 : 0;
  } finally {
    process.off('SIGINT', interrupted);
    await detectors?.close();
    await sorter.close();
    out.abandon();
  }
}

/** One worker per core (up to 8) for large inputs, while the main thread reads and decompresses; else none. */
async function autoThreads(paths: readonly string[]): Promise<number> {
  const planned = await planFiles(paths, { error: () => {}, skip: () => {} });
  const bytes = planned.reduce((sum, file) => sum + file.size, 0);
  return bytes >= WORKER_THRESHOLD_BYTES ? Math.min(MAX_AUTO_THREADS, availableParallelism()) : 1;
}

function listRulesNotRunning(rules: readonly HuntRule[]): void {
  const notRunning = rules.filter((r) => r.state !== 'active');
  if (notRunning.length === 0) return;
  const width = process.stderr.columns ?? 160;
  const lines = formatTable(['state', 'file', 'title', 'reason'], notRunning.map((r) => [r.state === 'disabled' ? 'skipped' : r.state, r.source, r.title, r.reason ?? '']), width);
  process.stderr.write(`${lines.join('\n')}\n\n`);
}

async function writeDetections(out: Output, format: Format, sorter: DetectionSorter, widths: ColumnWidths, summary: HuntSummary, rules: readonly HuntRule[]): Promise<void> {
  const sorted = sorter.sorted();
  switch (format) {
    case 'table': {
      if (summary.detections === 0) return;
      const table = new HuntTable(widths, out.terminal ? out.columns : undefined, out.terminal && process.env.NO_COLOR === undefined);
      await out.write(table.header());
      for await (const d of sorted) await out.write(table.row(d));
      await out.write('\n');
      return;
    }
    case 'csv':
      await out.write(CSV_HEADER);
      for await (const d of sorted) await out.write(csvRow(d));
      return;
    case 'ndjson':
      for await (const d of sorted) await out.write(`${JSON.stringify(jsonDetection(d))}\n`);
      return;
    case 'json': {
      await out.write('{"detections":[');
      let first = true;
      for await (const d of sorted) {
        await out.write(`${first ? '\n' : ',\n'}${JSON.stringify(jsonDetection(d))}`);
        first = false;
      }
      const notRunning = rules.filter((r) => r.state !== 'active');
      await out.write(`\n],\n"summary":${JSON.stringify(summary)},\n"rulesNotRunning":${JSON.stringify(notRunning)}}\n`);
      return;
    }
  }
}

/** Where detections go: standard output or a file, written in large pieces with backpressure. */
interface Output {
  terminal: boolean;
  columns: number | undefined;
  write(text: string): Promise<void>;
  end(): Promise<void>;
  /** Closes a file left open by a failure. */
  abandon(): void;
}

const FLUSH_AT = 64 * 1024;

async function openOutput(path: string | undefined): Promise<Output> {
  let stream: Writable;
  if (path === undefined) {
    stream = process.stdout;
    // A closed pipe (`| head`) ends the hunt quietly, as for other command-line tools.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  } else {
    const file = createWriteStream(path, { flags: 'w' });
    try {
      await once(file, 'open');
    } catch (err) {
      throw new HuntUsageError(`cannot write --output ${path}: ${(err as Error).message}`);
    }
    stream = file;
  }
  let pending = '';
  const flush = async () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    if (!stream.write(text)) await once(stream, 'drain');
  };
  return {
    terminal: path === undefined && process.stdout.isTTY === true,
    // A pseudo-terminal may report 0 columns: then assume a wide one.
    columns: path === undefined ? process.stdout.columns || 160 : undefined,
    async write(text) {
      pending += text;
      if (pending.length >= FLUSH_AT) await flush();
    },
    async end() {
      await flush();
      if (path !== undefined) {
        stream.end();
        await once(stream, 'finish');
      }
    },
    abandon() {
      if (path !== undefined && !stream.writableFinished) stream.destroy();
    },
  };
}
