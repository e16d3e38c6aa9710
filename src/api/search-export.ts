/**
 * Text of a search export (`GET /api/v1/search/export`): CSV or NDJSON chunks made lazily from the
 * store's batches, so the whole result is never in memory. Pure: no I/O; the route streams the chunks.
 */
import { csvCell } from '../audit/audit-export.ts';
import type { FieldValue } from '../core/event.ts';
import { TIMESTAMP_FIELD } from '../search/query-ast.ts';
import type { FieldSelection } from '../search/field-selection.ts';
import type { SearchBatch, SearchCell, StoredEvent } from '../store/event-store.ts';

export const SEARCH_EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type SearchExportFormat = (typeof SEARCH_EXPORT_FORMATS)[number];

export const SEARCH_EXPORT_CONTENT_TYPES: Record<SearchExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/** Default and largest number of rows one export streams. */
export const MAX_EXPORT_ROWS = 1_000_000;

/**
 * A CSV of events has a column for every field seen in its first this-many events (a CSV header
 * comes first, and the stream cannot wait for the end). Fields that only appear later are left out
 * of the CSV; the NDJSON export has every field of every event.
 */
export const CSV_COLUMN_SAMPLE = 1000;

/**
 * The columns every CSV of events starts with, in this order: `time` is the event time in ISO 8601
 * (named so because a header cell starting with `@` would be escaped like a formula); `message` falls
 * back to the original record.
 */
export const TIME_CSV_COLUMN = 'time';
export const LEADING_EVENT_COLUMNS = [TIME_CSV_COLUMN, 'source', 'host.name', 'user.name', 'message'] as const;

/** `search-20261123T101500Z.csv`: a file name for an export made at `now`, safe on every system. */
export function searchExportFileName(format: SearchExportFormat, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `vigil-search-${stamp}.${format}`;
}

/**
 * The export as text chunks (one or two per batch), read lazily from `batches`; `onRows` hears the
 * running row count after every batch, e.g. for the audit log.
 *
 * @example
 * Readable.from(searchExportChunks(store.exportSearch(request), 'csv', fieldSelection(query), (n) => (rows = n)))
 */
export async function* searchExportChunks(
  batches: AsyncIterable<SearchBatch>,
  format: SearchExportFormat,
  selection: FieldSelection,
  onRows: (rows: number) => void = () => {},
): AsyncGenerator<string> {
  let rows = 0;
  let pending: StoredEvent[] = [];
  let eventColumns: string[] | undefined;
  let tableHeaderWritten = false;
  const counted = (n: number) => {
    rows += n;
    onRows(rows);
  };
  for await (const batch of batches) {
    if (batch.kind === 'table') {
      if (batch.rows.length === 0) continue;
      const header = format === 'csv' && !tableHeaderWritten ? `${batch.columns.map(csvCell).join(',')}\n` : '';
      tableHeaderWritten = true;
      const line = format === 'csv' ? (row: SearchCell[]) => row.map(csvValue).join(',') : (row: SearchCell[]) => ndjsonRow(batch.columns, row);
      yield header + lines(batch.rows.map(line));
      counted(batch.rows.length);
    } else if (format === 'ndjson') {
      if (batch.events.length === 0) continue;
      yield lines(batch.events.map((event) => JSON.stringify(event)));
      counted(batch.events.length);
    } else if (eventColumns === undefined) {
      // Hold the first events back until the sample is complete: the header names their fields.
      pending.push(...batch.events);
      if (pending.length >= CSV_COLUMN_SAMPLE) {
        eventColumns = eventCsvColumns(pending.slice(0, CSV_COLUMN_SAMPLE), selection);
        yield `${eventColumns.map(csvCell).join(',')}\n${lines(pending.map((e) => eventCsvLine(e, eventColumns!, selection)))}`;
        counted(pending.length);
        pending = [];
      }
    } else if (batch.events.length > 0) {
      yield lines(batch.events.map((e) => eventCsvLine(e, eventColumns!, selection)));
      counted(batch.events.length);
    }
  }
  if (format === 'csv' && eventColumns === undefined && !tableHeaderWritten) {
    // Fewer events than the sample (maybe none): the header still names the columns.
    eventColumns = eventCsvColumns(pending, selection);
    yield `${eventColumns.map(csvCell).join(',')}\n${lines(pending.map((e) => eventCsvLine(e, eventColumns!, selection)))}`;
    counted(pending.length);
  }
}

function lines(items: string[]): string {
  return items.length === 0 ? '' : `${items.join('\n')}\n`;
}

/** Columns of a CSV of events: the kept fields, or the leading columns and then every other field of the sample by name. */
export function eventCsvColumns(sample: readonly StoredEvent[], selection: FieldSelection): string[] {
  if (selection.keep !== undefined) return [TIME_CSV_COLUMN, ...selection.keep.filter((name) => name !== TIMESTAMP_FIELD && name !== TIME_CSV_COLUMN)];
  const leading = new Set<string>(LEADING_EVENT_COLUMNS);
  const others = new Set<string>();
  for (const event of sample) for (const name of Object.keys(event.fields)) if (!leading.has(name)) others.add(name);
  return [...LEADING_EVENT_COLUMNS, ...[...others].sort()].filter((name) => name === TIME_CSV_COLUMN || !selection.drop.has(name));
}

function eventCsvLine(event: StoredEvent, columns: readonly string[], selection: FieldSelection): string {
  return columns.map((column) => {
    if (column === TIME_CSV_COLUMN) return new Date(event.timestamp).toISOString();
    const value = Object.hasOwn(event.fields, column) ? event.fields[column] : undefined;
    if (selection.keep !== undefined) return csvField(value);
    if (column === 'source') return csvCell(event.source);
    // Events no parser understood have no message: their original text is what there is to read.
    if (column === 'message' && value === undefined) return csvCell(event.original);
    return csvField(value);
  }).join(',');
}

function csvField(value: FieldValue | undefined): string {
  if (Array.isArray(value)) return csvCell(JSON.stringify(value));
  return csvValue(value as SearchCell | undefined);
}

/** Numbers and booleans as they are (a number is never a formula); text through the formula-safe {@link csvCell}. */
function csvValue(value: SearchCell | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return csvCell(value);
}

function ndjsonRow(columns: readonly string[], row: readonly SearchCell[]): string {
  // fromEntries defines own properties, so a column named `__proto__` stays data.
  return JSON.stringify(Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null])));
}
