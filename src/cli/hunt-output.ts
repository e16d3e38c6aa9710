/**
 * Output of `vigil hunt`: the terminal timeline (one line per detection, like Hayabusa's
 * csv-timeline and Chainsaw's hunt table), CSV, JSON and the closing summary. Pure. Values come from
 * the hunted files and are attacker-controlled: the table prints them through `printable`, CSV cells
 * through `csvCell` (formula injection).
 */
import stringWidth from 'string-width';
import { csvCell } from '../audit/audit-export.ts';
import type { DetectionLevel } from '../detect/detection.ts';
import type { HuntDetection } from '../hunt/hunt-detector.ts';
import { LEVELS, type HuntRule } from '../hunt/hunt-rules.ts';
import { formatCount } from './progress.ts';
import { printable, truncate } from './search-table.ts';

const LEVEL_LABEL: Record<DetectionLevel, string> = { informational: 'info', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };
const LEVEL_COLOR: Record<DetectionLevel, string> = { informational: '', low: '\x1b[32m', medium: '\x1b[33m', high: '\x1b[31m', critical: '\x1b[1;31m' };
const RESET = '\x1b[0m';
const GAP = '  ';
const TIME_WIDTH = 24;
const LEVEL_WIDTH = 8;
/** Widest the title, host and user columns grow; longer values end in `…`. */
const MAX_WIDTH = { title: 60, host: 28, user: 28 } as const;

/** The level as the table shows it, coloured when asked. */
export function levelCell(level: DetectionLevel, color: boolean): string {
  const label = LEVEL_LABEL[level];
  return color && LEVEL_COLOR[level] !== '' ? `${LEVEL_COLOR[level]}${label}${RESET}` : label;
}

/**
 * The values that made the rule match, as `field: value` pairs (`keyword: value` for keyword
 * searches), each once, separated by ` ¦ `.
 *
 * @example
 * detailsOf({ ...d, why: { selections: ['selection'], fields: [{ selection: 'selection', field: 'Image', value: 'C:\\x.exe' }] } })
 * // 'Image: C:\\x.exe'
 */
export function detailsOf(detection: HuntDetection): string {
  const seen = new Set<string>();
  for (const { field, value } of detection.why.fields) seen.add(`${field ?? 'keyword'}: ${printable(value)}`);
  return [...seen].join(' ¦ ');
}

/** Widths of the variable columns, measured while detections come in (before they are sorted). */
export class ColumnWidths {
  title = 'rule'.length;
  host = 'host'.length;
  user = 'user'.length;

  observe(detection: HuntDetection): void {
    this.title = Math.min(MAX_WIDTH.title, Math.max(this.title, stringWidth(printable(detection.ruleTitle))));
    this.host = Math.min(MAX_WIDTH.host, Math.max(this.host, stringWidth(printable(detection.host))));
    this.user = Math.min(MAX_WIDTH.user, Math.max(this.user, stringWidth(printable(detection.user))));
  }
}

/**
 * Lines of the terminal timeline: time, level, rule, host, user, details. With `maxWidth` (a
 * terminal), details are cut to fit the line; without it (a file, a pipe), they are kept whole.
 *
 * @example
 * const table = new HuntTable(widths, 120, true);
 * write(table.header()); for (const d of sorted) write(table.row(d));
 */
export class HuntTable {
  readonly #widths: ColumnWidths;
  readonly #detailsWidth: number | undefined;
  readonly #color: boolean;

  constructor(widths: ColumnWidths, maxWidth: number | undefined, color: boolean) {
    this.#widths = widths;
    this.#color = color;
    const fixed = TIME_WIDTH + LEVEL_WIDTH + widths.title + widths.host + widths.user + GAP.length * 5;
    this.#detailsWidth = maxWidth === undefined ? undefined : Math.max(20, maxWidth - fixed);
  }

  /** Header and underline, each ending in a newline. */
  header(): string {
    const w = this.#widths;
    const cells = [pad('timestamp', TIME_WIDTH), pad('level', LEVEL_WIDTH), pad('rule', w.title), pad('host', w.host), pad('user', w.user), 'details'];
    const rule = [TIME_WIDTH, LEVEL_WIDTH, w.title, w.host, w.user, 'details'.length].map((n) => '-'.repeat(n));
    return `${cells.join(GAP)}\n${rule.join(GAP)}\n`;
  }

  /** One detection as one line ending in a newline. */
  row(detection: HuntDetection): string {
    const w = this.#widths;
    const level = levelCell(detection.level, this.#color) + ' '.repeat(LEVEL_WIDTH - LEVEL_LABEL[detection.level].length);
    const details = detailsOf(detection);
    const cells = [
      new Date(detection.eventTime).toISOString(), level, fit(detection.ruleTitle, w.title), fit(detection.host, w.host), fit(detection.user, w.user),
      this.#detailsWidth === undefined ? details : truncate(details, this.#detailsWidth),
    ];
    return `${cells.join(GAP).trimEnd()}\n`;
  }
}

function fit(value: string | undefined, width: number): string {
  return pad(truncate(printable(value), width), width);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

export const CSV_HEADER = 'timestamp,level,rule,rule_id,host,user,details,tags,file,record\n';

/**
 * One detection as a CSV line (RFC 4180 quoting; formula-like values neutralized).
 *
 * @example
 * csvRow(detection) // '2024-01-01T10:00:00.000Z,high,Encoded PowerShell,...\n'
 */
export function csvRow(detection: HuntDetection): string {
  return `${[
    new Date(detection.eventTime).toISOString(), detection.level, detection.ruleTitle, detection.ruleId, detection.host, detection.user,
    detailsOf(detection), detection.tags.join(' '), detection.file, detection.record,
  ].map(csvCell).join(',')}\n`;
}

/** One detection for JSON and NDJSON: the shared Detection shape, its event time in ISO 8601 first. */
export function jsonDetection(detection: HuntDetection): Record<string, unknown> {
  return { timestamp: new Date(detection.eventTime).toISOString(), ...detection };
}

/** Totals of a hunt, shown at the end and included in the JSON output. */
export interface HuntSummary {
  detections: number;
  byLevel: Record<DetectionLevel, number>;
  /** Rules with the most detections, most first. */
  topRules: { ruleId: string; title: string; level: DetectionLevel; count: number }[];
  events: number;
  /** Events no parser understood, hunted as raw text. */
  unparsed: number;
  files: number;
  /** Files and members that could not be (fully) read. */
  unreadable: number;
  /** Records refused (over the size limit, cut off). */
  rejected: number;
  rules: { active: number; unsupported: number; invalid: number; belowMinLevel: number };
  threads: number;
  rulesSeconds: number;
  scanSeconds: number;
  eventsPerSecond: number;
}

/** Counts rule states for the summary. */
export function countRules(rules: readonly HuntRule[]): HuntSummary['rules'] {
  const count = (state: HuntRule['state']) => rules.filter((r) => r.state === state).length;
  return { active: count('active'), unsupported: count('unsupported'), invalid: count('invalid'), belowMinLevel: count('disabled') };
}

/**
 * The closing summary as lines (no newlines): detections by level, top rules, events, rules, time.
 *
 * @example
 * formatHuntSummary(summary, false)
 * // ['detections: 3 (critical 0, high 2, medium 1, low 0, info 0)', 'top rules:', '       2  high      Encoded PowerShell', ...]
 */
export function formatHuntSummary(summary: HuntSummary, color: boolean): string[] {
  const levels = [...LEVELS].reverse().map((level) => `${levelCell(level, color && summary.byLevel[level] > 0)} ${formatCount(summary.byLevel[level])}`);
  const lines = [`detections: ${formatCount(summary.detections)} (${levels.join(', ')})`];
  if (summary.topRules.length > 0) {
    lines.push('top rules:');
    const countWidth = Math.max(...summary.topRules.map((r) => formatCount(r.count).length));
    for (const rule of summary.topRules) {
      lines.push(`  ${formatCount(rule.count).padStart(countWidth)}  ${levelCell(rule.level, color)}${' '.repeat(LEVEL_WIDTH - LEVEL_LABEL[rule.level].length)}  ${printable(rule.title)}`);
    }
  }
  const input = [`${formatCount(summary.files)} ${summary.files === 1 ? 'file' : 'files'}`];
  if (summary.unreadable > 0) input.push(`${formatCount(summary.unreadable)} not (fully) readable`);
  if (summary.rejected > 0) input.push(`${formatCount(summary.rejected)} records rejected`);
  if (summary.unparsed > 0) input.push(`${formatCount(summary.unparsed)} events no parser understood (hunted as raw text)`);
  lines.push(`events: ${formatCount(summary.events)} from ${input.join(', ')}`);
  const rules = summary.rules;
  const notRun = [`${formatCount(rules.unsupported)} unsupported`, `${formatCount(rules.invalid)} invalid`];
  if (rules.belowMinLevel > 0) notRun.push(`${formatCount(rules.belowMinLevel)} below --min-level`);
  lines.push(`rules: ${formatCount(rules.active)} active, ${notRun.join(', ')}`);
  lines.push(`time: ${seconds(summary.scanSeconds)} scanning (${formatCount(summary.eventsPerSecond)} events/s, ${summary.threads} ${summary.threads === 1 ? 'thread' : 'threads'}), ` +
    `${seconds(summary.rulesSeconds)} loading rules`);
  return lines;
}

function seconds(value: number): string {
  return `${value.toFixed(value < 10 ? 2 : 1)} s`;
}
