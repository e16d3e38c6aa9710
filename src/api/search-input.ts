/**
 * The search routes' input checks and error mapping, shared by search, export and saved searches:
 * query text and time bounds become a checked Query and ms, or the API error a client can act on.
 */
import type { Query } from '../search/query-ast.ts';
import { QuerySyntaxError } from '../search/query-error.ts';
import { parseQuery } from '../search/query-parser.ts';
import { validateForTimeRange } from '../search/query-validate.ts';
import { TimeRangeError, parseTimeBound, resolveTimeRange, type TimeRange } from '../search/time-range.ts';
import { StoreQueryError } from '../store/store-errors.ts';
import { ApiError } from './errors.ts';

/** Parses and checks query text; a syntax error becomes QUERY_SYNTAX with its position. */
export function checkedQuery(text: string): Query {
  try {
    return parseQuery(text);
  } catch (err) {
    throw searchError(err);
  }
}

/** One time bound (`-24h`, ISO 8601, ms); a bad one is a VALIDATION error naming it. */
export function checkedTime(value: string | number, bound: 'from' | 'to', now = Date.now()): number {
  try {
    return parseTimeBound(value, now, bound);
  } catch (err) {
    throw searchError(err);
  }
}

/** The search's range (defaults `-24h` to `now`), checked against what the query needs of it (timechart buckets). */
export function checkedRange(query: Query, input: { from?: string | number | undefined; to?: string | number | undefined }, now = Date.now()): TimeRange {
  try {
    const range = resolveTimeRange(input, now);
    validateForTimeRange(query, range);
    return range;
  } catch (err) {
    throw searchError(err);
  }
}

/** The API error for a failed search, or the error itself when it is not the client's to fix. */
export function searchError(err: unknown): unknown {
  if (err instanceof QuerySyntaxError) return new ApiError('QUERY_SYNTAX', err.message, {}, { position: err.position });
  if (err instanceof TimeRangeError) return new ApiError('VALIDATION', `${err.bound === 'range' ? 'time range' : err.bound}: ${err.message}`);
  if (err instanceof StoreQueryError) {
    if (err.failure === 'timeout') return new ApiError('QUERY_TIMEOUT', err.message);
    if (err.failure === 'invalid-input') return new ApiError('VALIDATION', err.message);
    if (err.failure === 'unavailable') return new ApiError('UNAVAILABLE', err.message);
  }
  return err;
}
