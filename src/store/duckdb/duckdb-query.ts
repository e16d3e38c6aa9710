import type { DuckDBValue } from '@duckdb/node-api';
import type { EventQuery } from '../event-store.ts';
import { SELECT_COLUMNS } from './duckdb-rows.ts';
import { assertPartitionName, fieldEqualsSql, isValidFieldName } from './duckdb-schema.ts';
import { StoreQueryError } from '../store-errors.ts';

/** One day table as the catalog describes it; times in ms since the epoch. */
export interface PartitionInfo {
  day: number;
  table: string;
  rows: number;
  minTs: number;
  maxTs: number;
  rawBytes: number;
}

export interface CompiledQuery {
  sql: string;
  params: Record<string, DuckDBValue>;
}

/** Most `equals` conditions one query may carry: each one is a predicate per partition. */
const MAX_CONDITIONS = 32;
/** Longest value compared; longer values cannot match a stored field that anyone searches for. */
const MAX_VALUE_LENGTH = 64 * 1024;

/** Columns addressed by the query's special keys instead of ECS fields. */
const COLUMN_KEYS: Record<string, string> = { source: 'source', sourceType: 'source_type' };

/**
 * Compiles an {@link EventQuery} into one SQL statement over the partitions whose event-time range
 * overlaps the query's, or `undefined` when no partition can match. Every value is a named bound
 * parameter; field names are validated before they become JSON paths; table names come from the
 * catalog and are checked against their pattern. Throws {@link StoreQueryError} for invalid queries.
 */
export function compileEventQuery(
  query: EventQuery,
  partitions: Iterable<PartitionInfo>,
  maxLimit: number,
): CompiledQuery | undefined {
  if (query === null || typeof query !== 'object') throw refuse('query must be an object');
  const from = bound(query.from, 'from');
  const to = bound(query.to, 'to');
  const limit = resolveLimit(query.limit, maxLimit);
  if (limit === 0 || (from !== undefined && to !== undefined && from >= to)) return undefined;

  const params: Record<string, DuckDBValue> = { limit };
  const predicates: string[] = [];
  if (from !== undefined) {
    params.from = BigInt(from);
    predicates.push('ts >= epoch_ms($from::BIGINT)');
  }
  if (to !== undefined) {
    params.to = BigInt(to);
    predicates.push('ts < epoch_ms($to::BIGINT)');
  }
  const equals = query.equals ?? {};
  if (equals === null || typeof equals !== 'object' || Array.isArray(equals)) throw refuse('`equals` must be an object of field names to strings');
  const entries = Object.entries(equals);
  if (entries.length > MAX_CONDITIONS) throw refuse(`at most ${MAX_CONDITIONS} \`equals\` conditions are allowed, got ${entries.length}`);
  entries.forEach(([field, value], i) => {
    if (typeof value !== 'string') throw refuse(`value for ${JSON.stringify(field)} must be a string`);
    if (value.length > MAX_VALUE_LENGTH) throw refuse(`value for ${JSON.stringify(field)} is longer than ${MAX_VALUE_LENGTH} characters`);
    const param = `$v${i}`;
    params[`v${i}`] = value;
    const column = Object.hasOwn(COLUMN_KEYS, field) ? COLUMN_KEYS[field] : undefined;
    if (column) predicates.push(`${column} = ${param}`);
    else if (isValidFieldName(field)) predicates.push(fieldEqualsSql(field, param));
    else throw refuse(`invalid field name ${JSON.stringify(field.slice(0, 100))}: use letters, digits, _, @, . and -`);
  });

  const where = predicates.length > 0 ? ` WHERE ${predicates.join(' AND ')}` : '';
  const selects: string[] = [];
  for (const p of partitions) {
    if (p.rows === 0) continue;
    if (from !== undefined && p.maxTs < from) continue;
    if (to !== undefined && p.minTs >= to) continue;
    selects.push(`SELECT ${SELECT_COLUMNS} FROM "${assertPartitionName(p.table)}"${where}`);
  }
  if (selects.length === 0) return undefined;
  // Column 2 is epoch_ms(ts): newest first, ties broken by the newest sequence number.
  const sql = `SELECT * FROM (${selects.join(' UNION ALL ')}) ORDER BY 2 DESC, 1 DESC LIMIT $limit`;
  return { sql, params };
}

/** Time bounds are compared with whole-ms timestamps, so a fractional bound rounds up. */
function bound(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 8.64e15) {
    throw refuse(`\`${name}\` must be a time in ms since the epoch`);
  }
  return Math.ceil(value);
}

function resolveLimit(value: unknown, maxLimit: number): number {
  if (value === undefined) return maxLimit;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw refuse('`limit` must be a non-negative number');
  return Math.min(Math.floor(value), maxLimit);
}

function refuse(message: string): StoreQueryError {
  return new StoreQueryError(`invalid event query: ${message}`, 'invalid-input');
}
