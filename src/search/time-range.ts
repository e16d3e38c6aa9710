/**
 * The time range of a search: `from` (inclusive) and `to` (exclusive), in ms since the epoch, from
 * what a person types. Accepted forms (docs/query-language.md, "Time range"):
 * - `now`;
 * - relative to now: `-30s`, `-15m`, `-24h`, `-7d`, `-2w` (also written `now-15m`);
 * - ISO 8601: `2024-05-01`, `2024-05-01T10:00`, `2024-05-01T10:00:00.000Z`, `2024-05-01T12:00+02:00`
 *   (without an offset, UTC);
 * - ms since the epoch, as a number or digits.
 */

/** The default range: the last 24 hours. */
export const DEFAULT_FROM = '-24h';
export const DEFAULT_TO = 'now';
/** Latest date a JavaScript Date holds; beyond it a bound is refused. */
const MAX_TIME_MS = 8_640_000_000_000_000;

/** A time bound the user gave that cannot be understood, or a range that ends before it starts. */
export class TimeRangeError extends Error {
  /** Which input is wrong: `from`, `to`, or both (`range`). */
  readonly bound: 'from' | 'to' | 'range';

  constructor(message: string, bound: 'from' | 'to' | 'range') {
    super(message);
    this.name = 'TimeRangeError';
    this.bound = bound;
  }
}

export interface TimeRange {
  from: number;
  to: number;
}

const RELATIVE_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const RELATIVE = /^(?:now)?-(\d{1,9})([smhdw])$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * One bound in ms since the epoch, relative forms counted back from `now`.
 *
 * @example parseTimeBound('-15m', Date.parse('2024-05-01T10:00:00Z'), 'from') // 2024-05-01T09:45:00Z
 */
export function parseTimeBound(input: string | number, now: number, bound: 'from' | 'to'): number {
  if (typeof input === 'number') return checkedMs(input, String(input), bound);
  const text = input.trim();
  if (text === 'now') return now;
  const relative = RELATIVE.exec(text);
  if (relative) return checkedMs(now - Number(relative[1]) * RELATIVE_UNITS[relative[2]!]!, text, bound);
  if (/^\d{1,16}$/.test(text)) return checkedMs(Number(text), text, bound);
  const iso = ISO_DATE.exec(text);
  if (iso) {
    const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = iso;
    const normalizedOffset = offset === 'Z' || offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
    const ms = fraction.padEnd(3, '0').slice(0, 3);
    const value = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}${normalizedOffset}`);
    // Date.parse accepts some impossible dates (2024-02-30); a round trip of the day catches them.
    const sameDay = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).toISOString().startsWith(`${year}-${month}-${day}`);
    if (Number.isFinite(value) && sameDay && Number(hour) < 24 && Number(minute) < 60 && Number(second) < 60) return checkedMs(value, text, bound);
  }
  throw new TimeRangeError(
    `${JSON.stringify(text.slice(0, 40))} is not a time: write now, a relative time like -15m, -24h or -7d, an ISO 8601 date like 2024-05-01T10:00:00Z, or ms since 1970`,
    bound,
  );
}

function checkedMs(value: number, text: string, bound: 'from' | 'to'): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TIME_MS) {
    throw new TimeRangeError(`${JSON.stringify(text.slice(0, 40))} is outside the times Vigil can search`, bound);
  }
  return value;
}

/**
 * The absolute range of a search; `from` defaults to {@link DEFAULT_FROM}, `to` to {@link DEFAULT_TO}.
 * Refuses a range whose start is not before its end.
 *
 * @example resolveTimeRange({ from: '-7d' }, Date.now())
 */
export function resolveTimeRange(input: { from?: string | number | undefined; to?: string | number | undefined }, now: number): TimeRange {
  const from = parseTimeBound(input.from ?? DEFAULT_FROM, now, 'from');
  const to = parseTimeBound(input.to ?? DEFAULT_TO, now, 'to');
  if (from >= to) {
    throw new TimeRangeError(`the time range must start before it ends (from ${new Date(from).toISOString()} to ${new Date(to).toISOString()})`, 'range');
  }
  return { from, to };
}
