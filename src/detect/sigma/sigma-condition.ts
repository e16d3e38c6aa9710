/**
 * The Sigma condition language: `and`, `or`, `not`, parentheses, and `1 of` / `any of` / `all of`
 * over search identifiers, identifier patterns with `*`, or `them` (every identifier not starting
 * with `_`). Precedence, least to most binding: or, and, not, `x of`, parentheses.
 *
 * @see /work/shared/sigma-specification/specification/sigma-rules-specification.md ("Condition")
 */

import { compilePattern, parsePattern } from './sigma-pattern.ts';

/** A parsed condition. `of` nodes keep their pattern until {@link resolveCondition} expands them. */
export type ConditionNode =
  | { kind: 'and'; operands: ConditionNode[] }
  | { kind: 'or'; operands: ConditionNode[] }
  | { kind: 'not'; operand: ConditionNode }
  | { kind: 'ref'; name: string; position: number }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string; position: number };

/** A condition with every `of` expanded to the identifiers it covers (`names`, in definition order). */
export type ResolvedCondition =
  | { kind: 'and'; operands: ResolvedCondition[] }
  | { kind: 'or'; operands: ResolvedCondition[] }
  | { kind: 'not'; operand: ResolvedCondition }
  | { kind: 'ref'; name: string }
  | { kind: 'of'; quantifier: 'one' | 'all'; names: string[] };

/**
 * A condition the parser or resolver refuses, with the character offset of the problem.
 *
 * @example try { parseCondition('a and') } catch (e) { if (e instanceof SigmaConditionError) e.position } // 5
 */
export class SigmaConditionError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'SigmaConditionError';
    this.position = position;
  }
}

interface Token {
  kind: 'word' | '(' | ')' | 'end';
  text: string;
  position: number;
}

const WORD = /[A-Za-z0-9_*.-]/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
    } else if (ch === '|') {
      throw new SigmaConditionError(
        'aggregation expressions (`| count() ...`) are the deprecated Sigma 1 syntax; write a correlation rule instead',
        i,
      );
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch, text: ch, position: i });
      i++;
    } else if (WORD.test(ch)) {
      const start = i;
      while (i < text.length && WORD.test(text.charAt(i))) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), position: start });
    } else {
      throw new SigmaConditionError(`unexpected character '${ch}' in condition`, i);
    }
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of']);

/**
 * Parses one condition string.
 *
 * @example parseCondition('selection and not 1 of filter_*')
 * // { kind: 'and', operands: [{ kind: 'ref', name: 'selection' }, { kind: 'not', operand: { kind: 'of', quantifier: 'one', pattern: 'filter_*' } }] }
 * @throws SigmaConditionError for a syntax error (position = offset of the offending token)
 */
export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token => tokens[index]!;
  const isWord = (token: Token, word: string): boolean => token.kind === 'word' && token.text.toLowerCase() === word;

  const parseOr = (): ConditionNode => {
    const operands = [parseAnd()];
    while (isWord(peek(), 'or')) {
      index++;
      operands.push(parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  };
  const parseAnd = (): ConditionNode => {
    const operands = [parseNot()];
    while (isWord(peek(), 'and')) {
      index++;
      operands.push(parseNot());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  };
  const parseNot = (): ConditionNode => {
    if (isWord(peek(), 'not')) {
      index++;
      return { kind: 'not', operand: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const token = peek();
    if (token.kind === '(') {
      index++;
      const inner = parseOr();
      if (peek().kind !== ')') throw new SigmaConditionError(`expected ')' to close the '(' at ${token.position}`, peek().position);
      index++;
      return inner;
    }
    if (token.kind !== 'word') {
      throw new SigmaConditionError(token.kind === 'end' ? 'condition ends where a search identifier was expected' : `unexpected '${token.text}'`, token.position);
    }
    const lower = token.text.toLowerCase();
    if (lower === '1' || lower === 'any' || lower === 'all') {
      index++;
      if (!isWord(peek(), 'of')) throw new SigmaConditionError(`expected 'of' after '${token.text}'`, peek().position);
      index++;
      const target = peek();
      if (target.kind !== 'word' || KEYWORDS.has(target.text.toLowerCase())) {
        throw new SigmaConditionError(`expected 'them' or a search identifier pattern after '${token.text} of'`, target.position);
      }
      index++;
      return { kind: 'of', quantifier: lower === 'all' ? 'all' : 'one', pattern: target.text, position: target.position };
    }
    if (KEYWORDS.has(lower)) throw new SigmaConditionError(`unexpected '${token.text}' where a search identifier was expected`, token.position);
    if (/^\d+$/.test(token.text)) throw new SigmaConditionError(`only '1 of', 'any of' and 'all of' are defined, not '${token.text} of'`, token.position);
    if (token.text.includes('*')) {
      throw new SigmaConditionError(`'${token.text}' is a pattern: write '1 of ${token.text}' or 'all of ${token.text}'`, token.position);
    }
    index++;
    return { kind: 'ref', name: token.text, position: token.position };
  };

  const tree = parseOr();
  const rest = peek();
  if (rest.kind !== 'end') throw new SigmaConditionError(`unexpected '${rest.text}' after a complete condition`, rest.position);
  return tree;
}

/**
 * Expands `of` nodes against the rule's search identifiers (in definition order) and checks that
 * every reference exists.
 *
 * @example resolveCondition(parseCondition('1 of sel*'), ['sel_a', 'sel_b', '_x'])
 * // { kind: 'of', quantifier: 'one', names: ['sel_a', 'sel_b'] }
 * @throws SigmaConditionError for an unknown identifier or a pattern that matches none
 */
export function resolveCondition(node: ConditionNode, identifiers: readonly string[]): ResolvedCondition {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, operands: node.operands.map((operand) => resolveCondition(operand, identifiers)) };
    case 'not':
      return { kind: 'not', operand: resolveCondition(node.operand, identifiers) };
    case 'ref':
      if (!identifiers.includes(node.name)) throw new SigmaConditionError(`unknown search identifier '${node.name}'`, node.position);
      return { kind: 'ref', name: node.name };
    case 'of': {
      const names = identifiersMatching(node.pattern, identifiers);
      if (names.length === 0) {
        throw new SigmaConditionError(
          node.pattern.toLowerCase() === 'them' ? 'no search identifiers for "them"' : `no search identifier matches '${node.pattern}'`,
          node.position,
        );
      }
      return { kind: 'of', quantifier: node.quantifier, names };
    }
  }
}

/** The identifiers an `of` target covers: `them` is every identifier not starting with `_`. */
export function identifiersMatching(pattern: string, identifiers: readonly string[]): string[] {
  if (pattern.toLowerCase() === 'them') return identifiers.filter((name) => !name.startsWith('_'));
  const matches = compilePattern(parsePattern(pattern));
  return identifiers.filter(matches);
}
