/** Number, size, duration and time formatting for a dense, scannable console. */

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function formatInt(n: number): string {
  return Number.isFinite(n) ? intFmt.format(n) : '—';
}

/** 1234567 → "1.23M": for figures where the magnitude matters more than the digits. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const v = n / size;
      // Up to three significant digits, without trailing zeros ("2k", "1.5k", "12.3M").
      const text = v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
      return `${text.includes('.') ? text.replace(/\.?0+$/, '') : text}${suffix}`;
    }
  }
  return formatInt(n);
}

/** An events-per-second figure: "0", "0.35", "12.4", "1,234". */
export function formatRate(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n === 0) return '0';
  if (n < 0.01) return '<0.01';
  if (n < 10) return n.toFixed(2);
  if (n < 100) return n.toFixed(1);
  return formatInt(n);
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** Seconds → "45s", "12m 3s", "5h 2m", "3d 4h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** How long ago `at` was, relative to `now`: "just now", "42s ago", "5m ago", "3h ago", "2d ago". */
export function formatRelative(at: number, now: number): string {
  if (!Number.isFinite(at)) return '—';
  const diff = Math.round((now - at) / 1000);
  const future = diff < 0;
  const d = Math.abs(diff);
  let text: string;
  if (d < 5) return 'just now';
  if (d < 60) text = `${d}s`;
  else if (d < 3600) text = `${Math.floor(d / 60)}m`;
  else if (d < 86400) text = `${Math.floor(d / 3600)}h`;
  else if (d < 86400 * 365) text = `${Math.floor(d / 86400)}d`;
  else text = `${Math.floor(d / (86400 * 365))}y`;
  return future ? `in ${text}` : `${text} ago`;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * `ms` as "2025-11-23 14:16:05.123" in UTC or the browser's zone; unambiguous and sortable, the way
 * log tools print time. Invalid input gives "—" instead of throwing.
 */
export function formatTimestamp(ms: number, utc: boolean, withMillis = true): string {
  const d = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(d.getTime())) return '—';
  const [y, mo, da, h, mi, s, milli] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  const base = `${pad(y, 4)}-${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
  return withMillis ? `${base}.${pad(milli, 3)}` : base;
}

/** "14:05" for chart axes. */
export function formatClock(ms: number, utc: boolean): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return utc ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Offset label of the zone used for display: "UTC" or e.g. "UTC+01:00". */
export function zoneLabel(ms: number, utc: boolean): string {
  if (utc) return 'UTC';
  const off = -new Date(ms).getTimezoneOffset();
  if (off === 0) return 'UTC';
  const sign = off > 0 ? '+' : '-';
  const a = Math.abs(off);
  return `UTC${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
