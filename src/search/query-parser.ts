/**
 * Entry point of the query language: text in, checked {@link Query} out, or a
 * {@link QuerySyntaxError} with a message and the offending span. Pure and synchronous, so the
 * console can call it on every keystroke for instant error highlighting.
 *
 * The lexer and the two recursive-descent parsers (search part, stages) are written by hand rather
 * than generated: every error says what was expected where in an analyst's words, nesting and term
 * counts are bounded as the parse goes, and the work is linear in the query length.
 *
 * @example
 * parseQuery('event.code:4625 user.name:adm* | stats count() by source.ip | sort -count | head 10')
 * @see docs/query-language.md
 */
import { MAX_QUERY_LENGTH, type Query } from './query-ast.ts';
import { TokenCursor } from './query-cursor.ts';
import { QuerySyntaxError } from './query-error.ts';
import { parseFilter } from './query-filter-parser.ts';
import { tokenize } from './query-lexer.ts';
import { parseStages } from './query-stage-parser.ts';
import { validateQuery } from './query-validate.ts';

export function parseQuery(text: string): Query {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QuerySyntaxError(`the query is too long: at most ${MAX_QUERY_LENGTH} characters, this one has ${text.length}`, {
      start: MAX_QUERY_LENGTH, end: text.length,
    });
  }
  const cursor = new TokenCursor(tokenize(text), text);
  const filter = parseFilter(cursor);
  const stages = parseStages(cursor);
  const query: Query = { filter, stages, span: { start: 0, end: text.length } };
  validateQuery(query);
  return query;
}
