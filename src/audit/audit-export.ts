/**
 * Export formats of the audit log. Pure: turns entries into text chunks; the caller writes them.
 * NDJSON is exact (one entry per line, hashes included: it can be re-verified); CSV is for spreadsheets.
 */
import type { AuditEntry } from './audit-entry.ts';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Entries joined into one chunk: fewer, larger writes. */
const ENTRIES_PER_CHUNK = 200;

const CSV_COLUMNS = ['seq', 'at', 'actor_kind', 'actor_id', 'actor_name', 'action', 'target_type', 'target_id', 'outcome', 'address', 'details', 'prev_hash', 'hash'];

/**
 * The export as text chunks, read lazily from `entries`.
 *
 * @example
 * for (const chunk of exportChunks(store.entries(), 'csv')) process.stdout.write(chunk);
 */
export function* exportChunks(entries: Iterable<AuditEntry>, format: ExportFormat): Generator<string> {
  const line = format === 'ndjson' ? ndjsonLine : csvLine;
  let lines: string[] = format === 'csv' ? [CSV_COLUMNS.join(',')] : [];
  for (const entry of entries) {
    lines.push(line(entry));
    if (lines.length >= ENTRIES_PER_CHUNK) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

function ndjsonLine(entry: AuditEntry): string {
  return JSON.stringify(entry);
}

function csvLine(entry: AuditEntry): string {
  return [
    String(entry.seq), new Date(entry.at).toISOString(), entry.actorKind, entry.actorId, entry.actorName, entry.action, entry.targetType,
    entry.targetId, entry.outcome, entry.address, JSON.stringify(entry.details), entry.prevHash, entry.hash,
  ].map(csvCell).join(',');
}

/**
 * One CSV cell (RFC 4180 quoting). A value a spreadsheet would run as a formula (starting with
 * `= + - @`, tab or carriage return: user names from failed sign-ins are attacker-controlled) gets a
 * leading `'`, as OWASP recommends against CSV injection.
 *
 * @example
 * csvCell('=HYPERLINK("http://evil")') // `"'=HYPERLINK(""http://evil"")"`
 */
export function csvCell(value: string | undefined): string {
  if (value === undefined || value === '') return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** `vigil-audit-20261123T101500Z.csv`: a file name for an export made at `now`. */
export function exportFileName(format: ExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `vigil-audit-${stamp}.${format}`;
}
