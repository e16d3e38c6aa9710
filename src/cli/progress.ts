/**
 * Progress display for long CLI runs (`vigil ingest`). On a terminal it redraws one status line in
 * place with `\r` (at most ~10 times a second); when stderr is a file or CI log it prints a plain line
 * every few seconds instead, so logs stay readable. No dependencies; rendering is pure and unit-tested.
 */

/** What the display shows; `records` counts records read so far. */
export interface ProgressState {
  bytesRead: number;
  bytesTotal: number;
  files: number;
  filesTotal: number;
  currentFile: string;
  records: number;
  /** Detections so far (`vigil hunt`); the line then also shows files and records. */
  detections?: number;
}

/** The part of a `tty.WriteStream` / `fs.WriteStream` the display uses (stderr in practice). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
  /** Least time between terminal redraws (default 100 ms). */
  ttyIntervalMs?: number;
  /** Time between plain lines when not a terminal (default 5 s). */
  plainIntervalMs?: number;
}

const BAR_WIDTH = 20;

/** Shows progress on a stream; call `update` as often as you like and `finish` once at the end. */
export class ProgressDisplay {
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #tty: boolean;
  readonly #interval: number;
  readonly #start: number;
  #last = -Infinity;
  #drawn = false;

  constructor(options: ProgressOptions) {
    this.#stream = options.stream;
    this.#now = options.now ?? Date.now;
    this.#tty = options.stream.isTTY === true;
    this.#interval = this.#tty ? (options.ttyIntervalMs ?? 100) : (options.plainIntervalMs ?? 5000);
    this.#start = this.#now();
  }

  /** Redraws if the last draw is older than the interval. */
  update(state: ProgressState): void {
    const now = this.#now();
    if (now - this.#last < this.#interval) return;
    this.#last = now;
    const elapsed = (now - this.#start) / 1000;
    if (this.#tty) {
      // A pseudo-terminal may report 0 columns: treat that as unknown.
      const width = Math.max(20, (this.#stream.columns || 80) - 1);
      this.#stream.write(`\r${renderProgressLine(state, elapsed, width)}\x1b[K`);
      this.#drawn = true;
    } else {
      this.#stream.write(`${renderPlainLine(state, elapsed)}\n`);
    }
  }

  /** Clears the terminal status line so the summary starts on a clean line. */
  finish(): void {
    if (this.#tty && this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}

/** One terminal status line fitting `width` columns: bar, percent, bytes, rate, ETA, current file. */
export function renderProgressLine(state: ProgressState, elapsedSeconds: number, width: number): string {
  const fraction = state.bytesTotal > 0 ? Math.min(1, state.bytesRead / state.bytesTotal) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'='.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}]`;
  const head = [
    bar,
    `${String(Math.floor(fraction * 100)).padStart(3)}%`,
    `${formatBytes(state.bytesRead)}/${formatBytes(state.bytesTotal)}`,
    ...(state.detections === undefined ? [] : [
      `${formatCount(state.files)}/${formatCount(state.filesTotal)} files`, `${formatCount(state.records)} ev`, `${formatCount(state.detections)} det`,
    ]),
    `${formatCount(rate(state.records, elapsedSeconds))} ev/s`,
    `ETA ${eta(state, elapsedSeconds)}`,
  ].join('  ');
  if (head.length >= width) return head.slice(0, width);
  const room = width - head.length - 2;
  return room >= 8 && state.currentFile !== '' ? `${head}  ${shortenPath(state.currentFile, room)}` : head;
}

/** A self-contained log line for non-terminal output. */
export function renderPlainLine(state: ProgressState, elapsedSeconds: number): string {
  const pct = state.bytesTotal > 0 ? Math.floor(Math.min(1, state.bytesRead / state.bytesTotal) * 100) : 0;
  const parts = [
    `progress ${pct}%`,
    `${formatBytes(state.bytesRead)} of ${formatBytes(state.bytesTotal)}`,
    `${formatCount(state.files)}/${formatCount(state.filesTotal)} files`,
    `${formatCount(state.records)} records (${formatCount(rate(state.records, elapsedSeconds))}/s)`,
    ...(state.detections === undefined ? [] : [`${formatCount(state.detections)} detections`]),
    `ETA ${eta(state, elapsedSeconds)}`,
  ];
  if (state.currentFile !== '') parts.push(`at ${state.currentFile}`);
  return parts.join(', ');
}

/** Figures for the final summary; optional counters are shown only when non-zero. */
export interface SummaryInput {
  read: number;
  stored: number;
  rejected: number;
  seconds: number;
  /** Files, members or archives that could not be (fully) read. */
  errors?: number;
  warnings?: number;
  skipped?: number;
  /** Records decoded with replacement characters. */
  invalidUtf8?: number;
}

/** The final summary as lines (no trailing newlines), aligned for reading in a terminal or log. */
export function formatSummary(input: SummaryInput): string[] {
  const rows: [string, string][] = [
    ['read', `${formatCount(input.read)} records`],
    ['stored', formatCount(input.stored)],
    ['rejected', formatCount(input.rejected)],
  ];
  if (input.errors) rows.push(['errors', `${formatCount(input.errors)} (files or members not fully read)`]);
  if (input.warnings) rows.push(['warnings', formatCount(input.warnings)]);
  if (input.skipped) rows.push(['skipped', `${formatCount(input.skipped)} files`]);
  if (input.invalidUtf8) rows.push(['bad UTF-8', `${formatCount(input.invalidUtf8)} records decoded with replacement characters`]);
  rows.push(['rate', `${formatCount(rate(input.read, input.seconds))} events/s over ${formatSeconds(input.seconds)}`]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width + 1)}${value}`);
}

/** Binary units with one decimal: `512 B`, `1.5 KiB`, `12.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Whole number with thousands separators (`12,345`), independent of the locale. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const rounded = Math.round(n);
  const digits = String(Math.abs(rounded));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return rounded < 0 ? `-${out}` : out;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${Math.max(0, seconds).toFixed(1)} s` : formatDuration(seconds);
}

function rate(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0;
}

function eta(state: ProgressState, elapsed: number): string {
  if (state.bytesRead <= 0 || elapsed <= 0 || state.bytesTotal <= state.bytesRead) return state.bytesTotal > 0 && state.bytesRead >= state.bytesTotal ? '0:00' : '--:--';
  return formatDuration(((state.bytesTotal - state.bytesRead) * elapsed) / state.bytesRead);
}

/** Keeps the end of a long path (the file name matters most), marking the cut with `…`. */
function shortenPath(path: string, room: number): string {
  return path.length <= room ? path : `…${path.slice(path.length - room + 1)}`;
}
