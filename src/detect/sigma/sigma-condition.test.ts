/** The condition language, from sigma-rules-specification.md, section "Condition". */
import { describe, expect, it } from 'vitest';
import { SigmaCompiler } from './sigma-compile.ts';
import { parseCondition, resolveCondition, SigmaConditionError } from './sigma-condition.ts';
import { plainSigmaEvent } from './sigma-event.ts';
import { validateSigmaRule } from './sigma-rule.ts';

/** Which of the named selections are true is set by the event's fields of the same name. */
function evaluate(condition: string | string[], names: string[], trueOnes: string[]): boolean {
  const detection: Record<string, unknown> = { condition };
  for (const name of names) detection[name] = { [name]: 'yes' };
  const result = validateSigmaRule({ title: 't', logsource: {}, detection });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const compiler = new SigmaCompiler();
  const rule = compiler.compile(result.rule);
  if (rule.status.state !== 'active') throw new Error(rule.status.reason);
  const scope = compiler.newScope();
  scope.reset(plainSigmaEvent(Object.fromEntries(trueOnes.map((name) => [name, 'yes']))));
  return rule.matches(scope);
}

function errorOf(text: string, identifiers: string[] = ['a', 'b', 'c']): SigmaConditionError {
  try {
    resolveCondition(parseCondition(text), identifiers);
  } catch (error) {
    if (error instanceof SigmaConditionError) return error;
    throw error;
  }
  throw new Error(`'${text}' was accepted`);
}

describe('Condition', () => {
  it('Logical AND/OR', () => {
    expect(evaluate('a or b', ['a', 'b'], ['b'])).toBe(true);
    expect(evaluate('a and b', ['a', 'b'], ['b'])).toBe(false);
    expect(evaluate('a AND b', ['a', 'b'], ['a', 'b'])).toBe(true);
  });

  it('Operator Precedence: and binds tighter than or', () => {
    // a or (b and c)
    expect(evaluate('a or b and c', ['a', 'b', 'c'], ['a'])).toBe(true);
    expect(evaluate('a or b and c', ['a', 'b', 'c'], ['b'])).toBe(false);
    expect(evaluate('b and c or a', ['a', 'b', 'c'], ['a'])).toBe(true);
  });

  it('Operator Precedence: not binds tighter than and', () => {
    // (not a) and b
    expect(evaluate('not a and b', ['a', 'b'], ['b'])).toBe(true);
    expect(evaluate('not a and b', ['a', 'b'], [])).toBe(false);
    expect(evaluate('not not a', ['a'], ['a'])).toBe(true);
  });

  it('Brackets override precedence', () => {
    expect(evaluate('(a or b) and c', ['a', 'b', 'c'], ['a'])).toBe(false);
    expect(evaluate('(a or b) and c', ['a', 'b', 'c'], ['a', 'c'])).toBe(true);
    expect(evaluate('not (a or b)', ['a', 'b'], [])).toBe(true);
  });

  it('1 of search-identifier-pattern', () => {
    const names = ['selection_a', 'selection_b', 'filter'];
    expect(evaluate('1 of selection_*', names, ['selection_b'])).toBe(true);
    expect(evaluate('1 of selection_*', names, ['filter'])).toBe(false);
    expect(evaluate('any of selection_*', names, ['selection_a'])).toBe(true);
    expect(evaluate('1 of sel*_b', names, ['selection_b'])).toBe(true);
  });

  it('all of search-identifier-pattern', () => {
    const names = ['selection_a', 'selection_b', 'filter'];
    expect(evaluate('all of selection_*', names, ['selection_a'])).toBe(false);
    expect(evaluate('all of selection_*', names, ['selection_a', 'selection_b'])).toBe(true);
  });

  it('1/all of them leave out identifiers starting with _', () => {
    const names = ['sel1', 'sel2', '_filter'];
    expect(evaluate('all of them', names, ['sel1', 'sel2'])).toBe(true);
    expect(evaluate('1 of them', names, ['_filter'])).toBe(false);
  });

  it('not 1 of / not all of', () => {
    const names = ['selection', 'filter_main_a', 'filter_main_b'];
    expect(evaluate('selection and not 1 of filter_main_*', names, ['selection'])).toBe(true);
    expect(evaluate('selection and not 1 of filter_main_*', names, ['selection', 'filter_main_b'])).toBe(false);
    expect(evaluate('selection and not all of filter_main_*', names, ['selection', 'filter_main_b'])).toBe(true);
  });

  it('x of binds tighter than and/or/not', () => {
    const names = ['s1', 's2', 'k'];
    expect(evaluate('1 of s* and k', names, ['s2'])).toBe(false);
    expect(evaluate('1 of s* and k', names, ['s2', 'k'])).toBe(true);
  });

  it('a list of conditions is ORed', () => {
    expect(evaluate(['a', 'b'], ['a', 'b'], ['b'])).toBe(true);
    expect(evaluate(['a', 'b'], ['a', 'b'], [])).toBe(false);
  });

  it('syntax errors carry the position of the offending token', () => {
    expect(errorOf('a and').position).toBe(5);
    expect(errorOf('a and (b or c').position).toBe(13);
    expect(errorOf('a b').position).toBe(2);
    expect(errorOf('a and $').position).toBe(6);
    expect(errorOf('2 of a*').message).toMatch(/only '1 of', 'any of' and 'all of'/);
    expect(errorOf('1 of').message).toMatch(/after '1 of'/);
    expect(errorOf('a*').message).toMatch(/write '1 of a\*'/);
  });

  it('unknown identifiers and patterns matching nothing are errors', () => {
    expect(errorOf('a and d')).toMatchObject({ position: 6, message: "unknown search identifier 'd'" });
    expect(errorOf('1 of filter_*').message).toBe("no search identifier matches 'filter_*'");
    expect(errorOf('all of them', ['_x']).message).toMatch(/them/);
  });

  it('the deprecated aggregation syntax is refused with advice', () => {
    expect(errorOf('a | count() by b > 5').message).toMatch(/correlation rule/);
  });
});
