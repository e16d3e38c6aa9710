import type { Span } from './query-ast.ts';

/**
 * A query the language refuses, with a message for people ("expected a value after `user.name:`")
 * and the offending part of the query as `[start, end)` offsets, for highlighting. The only error
 * the parser and the validator throw for bad input (time ranges have their own TimeRangeError).
 *
 * @example
 * try { parseQuery('user.name:') } catch (e) { if (e instanceof QuerySyntaxError) show(e.message, e.position) }
 */
export class QuerySyntaxError extends Error {
  readonly position: Span;

  constructor(message: string, position: Span) {
    super(message);
    this.name = 'QuerySyntaxError';
    this.position = { start: position.start, end: position.end };
  }
}
