/**
 * Layout of the DuckDB event store.
 *
 * Events go into one table per UTC day of *receipt* (`events_20261123`). Receipt time, not event
 * time, decides the partition because event time comes from untrusted devices: a sensor with an
 * unset clock (1970) or a replay of old data would otherwise land in partitions that age-based
 * retention deletes at once, and future-dated events would never expire. The catalog table keeps each
 * partition's event-time range, so a query still scans only the partitions its time range overlaps.
 *
 * `fields` holds the ECS fields as JSON text (DuckDB `JSON` type) with the dotted names as top-level
 * keys, so any field — including ones no one promoted — is addressable as `fields->>'$."a.b.c"'` by the
 * query language without a schema change. The promoted columns copy the fields that searches filter
 * and group on most, so those predicates scan one compressed column instead of parsing JSON. A promoted
 * field whose value is a string lives only in its column (it is dropped from the JSON to save the
 * copy); any other value (number, array) stays in the JSON and the column holds its text form.
 * {@link fieldTextSql} gives the expression that reads a field either way.
 */

export const SCHEMA_VERSION = 1;

/** A field promoted to its own VARCHAR column. */
export interface PromotedField {
  field: string;
  column: string;
}

/** The promoted ECS fields and their SQL column names (order = column order). */
export const PROMOTED_FIELDS: readonly PromotedField[] = [
  { field: 'host.name', column: 'host_name' },
  { field: 'event.code', column: 'event_code' },
  { field: 'event.category', column: 'event_category' },
  { field: 'event.action', column: 'event_action' },
  { field: 'event.outcome', column: 'event_outcome' },
  { field: 'user.name', column: 'user_name' },
  { field: 'source.ip', column: 'source_ip' },
  { field: 'destination.ip', column: 'destination_ip' },
  { field: 'process.name', column: 'process_name' },
  { field: 'message', column: 'message' },
];

export const PROMOTED_BY_FIELD: ReadonlyMap<string, PromotedField> = new Map(PROMOTED_FIELDS.map((p) => [p.field, p]));

/**
 * Columns of every partition table, in appender order. `multi_valued` marks rows where a promoted
 * field held an array of several values: its column then holds the array as JSON text (stores
 * written before that hold NULL), and equality looks at the elements.
 */
export const EVENT_COLUMNS: readonly { name: string; type: string }[] = [
  { name: 'seq', type: 'BIGINT NOT NULL' },
  { name: 'ts', type: 'TIMESTAMP NOT NULL' },
  { name: 'received_at', type: 'TIMESTAMP NOT NULL' },
  { name: 'source', type: 'VARCHAR NOT NULL' },
  { name: 'source_type', type: 'VARCHAR NOT NULL' },
  { name: 'parse_error', type: 'VARCHAR' },
  ...PROMOTED_FIELDS.map((p) => ({ name: p.column, type: 'VARCHAR' })),
  { name: 'multi_valued', type: 'BOOLEAN NOT NULL' },
  { name: 'fields', type: 'JSON NOT NULL' },
  { name: 'original', type: 'VARCHAR NOT NULL' },
];

const MS_PER_DAY = 86_400_000;
/** 9999-12-31 as a day number: table names keep eight digits. */
const LAST_DAY = 2_932_896;

/** UTC day number (days since 1970-01-01) of a receive time, clamped to years 1970..9999. */
export function dayOf(receivedAt: number): number {
  const day = Math.floor(receivedAt / MS_PER_DAY);
  return Math.min(Math.max(day, 0), LAST_DAY);
}

/** Start of a day number in ms since the epoch. */
export function dayStart(day: number): number {
  return day * MS_PER_DAY;
}

/** `events_YYYYMMDD` for a day number. */
export function partitionTable(day: number): string {
  const iso = new Date(dayStart(day)).toISOString();
  return `events_${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
}

/** Table names come from the catalog; checked again before they are spliced into SQL. */
const PARTITION_NAME = /^events_\d{8}$/;

export function assertPartitionName(name: string): string {
  if (!PARTITION_NAME.test(name)) throw new Error(`not a partition table name: ${JSON.stringify(name)}`);
  return name;
}

/** A SQL string literal, for paths: they come from configuration and validated file names, never from clients. */
export function sqlString(text: string): string {
  if (text.includes('\0')) throw new Error('path contains a NUL character');
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Columns holding long, repetitive text (JSON fields, the original record, the message). zstd on
 * these stores the bench's events in ~45 instead of ~350 bytes each and costs less CPU at checkpoint
 * than DuckDB's automatic choice (FSST), which is what made checkpoints stall ingest for seconds.
 * Short columns (host, user, codes) keep DuckDB's automatic choice: dictionary encoding suits them.
 */
export const ZSTD_COLUMNS: ReadonlySet<string> = new Set(['fields', 'original', 'message']);

/**
 * DuckDB storage format written to new database files. zstd for strings needs v1.2.0; DuckDB's
 * default (v0.10.2, for old readers) would silently store a `USING COMPRESSION zstd` column
 * uncompressed. A file keeps the format it was created with.
 */
export const STORAGE_VERSION = 'v1.2.0';

/** True when a database file's `storage_version` tag (e.g. `v1.2.0+`) can hold zstd columns. */
export function storageSupportsZstd(tag: string | undefined): boolean {
  const match = /^v(\d{1,4})\.(\d{1,4})\./.exec(tag ?? '');
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 1 || (major === 1 && minor >= 2);
}

/**
 * DDL of a day table. `zstd` selects zstd compression for {@link ZSTD_COLUMNS}; only pass it when the
 * file's storage format supports it (see {@link storageSupportsZstd}).
 */
export function createPartitionSql(table: string, options: { zstd?: boolean } = {}): string {
  const columns = EVENT_COLUMNS
    .map((c) => `${c.name} ${c.type}${options.zstd && ZSTD_COLUMNS.has(c.name) ? ' USING COMPRESSION zstd' : ''}`)
    .join(', ');
  return `CREATE TABLE IF NOT EXISTS "${assertPartitionName(table)}" (${columns})`;
}

export const CREATE_META_SQL = [
  'CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR NOT NULL, value BIGINT NOT NULL)',
  // No PRIMARY KEY: DuckDB's ART indexes make update-heavy small tables slower and the single writer
  // keeps keys unique. Times are ms since the epoch; raw_bytes sums the stored text lengths and is
  // what size-based retention apportions the database size by.
  `CREATE TABLE IF NOT EXISTS event_partitions (
     day INTEGER NOT NULL, table_name VARCHAR NOT NULL, rows BIGINT NOT NULL,
     min_ts BIGINT NOT NULL, max_ts BIGINT NOT NULL, raw_bytes BIGINT NOT NULL)`,
  // Archived days: one row per Parquet file (a day receiving late events after archiving gets a second
  // file). `file` is a name inside the configured archive folder, never a path.
  `CREATE TABLE IF NOT EXISTS archived_partitions (
     day INTEGER NOT NULL, file VARCHAR NOT NULL, rows BIGINT NOT NULL, min_ts BIGINT NOT NULL, max_ts BIGINT NOT NULL,
     bytes BIGINT NOT NULL, sha256 VARCHAR NOT NULL)`,
];

/**
 * Field names usable in queries: ECS-style dotted names. Letters, digits, `_`, `@`, `.`, `-` only, so
 * the name can never break out of the quoted JSON path it becomes (no quote, no backslash).
 */
const FIELD_NAME = /^[A-Za-z0-9_@][A-Za-z0-9_@.-]{0,255}$/;

export function isValidFieldName(name: string): boolean {
  return FIELD_NAME.test(name);
}

/** JSON path of a top-level dotted key, e.g. `$."winlog.event_data.CommandLine"`. Validates the name. */
export function jsonPath(field: string): string {
  if (!isValidFieldName(field)) throw new Error(`invalid field name ${JSON.stringify(field)}`);
  return `$."${field}"`;
}

/**
 * SQL expression giving a field's value as text (NULL when absent), for the query language: the
 * promoted column when there is one, else the JSON. Multi-valued arrays yield their JSON text; use
 * {@link fieldEqualsSql} for equality, which matches any element.
 */
export function fieldTextSql(field: string): string {
  const promoted = PROMOTED_BY_FIELD.get(field);
  const fromJson = `json_extract_string(fields, '${jsonPath(field)}')`;
  return promoted ? `coalesce(${promoted.column}, ${fromJson})` : fromJson;
}

/**
 * SQL predicate "field equals the text bound to `param`" (a named parameter such as `$v0`). A
 * multi-valued field matches when any element equals. Values are never spliced in, only the
 * validated field name inside the JSON path.
 */
export function fieldEqualsSql(field: string, param: string): string {
  const path = jsonPath(field);
  const fromJson = `(json_extract_string(fields, '${path}') = ${param} OR list_contains(json_extract_string(fields, '${path}[*]'), ${param}))`;
  const promoted = PROMOTED_BY_FIELD.get(field);
  return promoted ? `(${promoted.column} = ${param} OR (multi_valued AND ${fromJson}))` : fromJson;
}
