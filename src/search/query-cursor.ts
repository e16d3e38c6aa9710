import { MAX_DEPTH, MAX_TERMS, type Span } from './query-ast.ts';
import { QuerySyntaxError } from './query-error.ts';
import type { Token, TokenKind } from './query-lexer.ts';

/**
 * The parser's position in the token list, plus the counters that bound the work a query may ask
 * for (terms, nesting depth). Each token is looked at a constant number of times, so parsing is
 * linear in the query length.
 */
export class TokenCursor {
  private index = 0;
  private terms = 0;
  private depth = 0;
  private readonly tokens: readonly Token[];
  readonly query: string;

  constructor(tokens: readonly Token[], query: string) {
    this.tokens = tokens;
    this.query = query;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  /** The next token, consumed. Only call after {@link peek} returned one. */
  next(): Token {
    const token = this.tokens[this.index];
    if (!token) throw new Error('parser read past the last token');
    this.index++;
    return token;
  }

  /** Consumes the next token when it has this kind. */
  take<K extends TokenKind>(kind: K): (Token & { kind: K }) | undefined {
    const token = this.tokens[this.index];
    if (token?.kind !== kind) return undefined;
    this.index++;
    return token as Token & { kind: K };
  }

  /** The empty span just past the query, for "expected ... at the end" errors. */
  endSpan(): Span {
    return { start: this.query.length, end: this.query.length };
  }

  /** Source text of a span. */
  text(span: Span): string {
    return this.query.slice(span.start, span.end);
  }

  /** Counts one filter or `where` leaf; refuses queries over {@link MAX_TERMS}. */
  countTerm(span: Span): void {
    if (++this.terms > MAX_TERMS) {
      throw new QuerySyntaxError(`the query has too many terms (at most ${MAX_TERMS}): split it or use fewer alternatives`, span);
    }
  }

  /** Runs `parse` one nesting level deeper; refuses nesting over {@link MAX_DEPTH}. */
  nested<T>(span: Span, parse: () => T): T {
    if (++this.depth > MAX_DEPTH) {
      throw new QuerySyntaxError(`the query is nested too deeply (at most ${MAX_DEPTH} levels of parentheses and NOT)`, span);
    }
    const result = parse();
    this.depth--;
    return result;
  }
}
