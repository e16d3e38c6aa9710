/**
 * The rule set only skips rules that cannot match: its answers equal running every rule, on
 * generated rules and events (fast-check), and the needle automaton finds exactly the needles a
 * text contains.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SigmaCompiler, type CompiledSigmaRule } from './sigma-compile.ts';
import { plainSigmaEvent } from './sigma-event.ts';
import { NeedleSet } from './sigma-needles.ts';
import { SigmaRuleSet } from './sigma-rule-set.ts';
import { validateSigmaRule } from './sigma-rule.ts';

const letters = (alphabet: string[], maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength });

describe('NeedleSet', () => {
  it.each([['the automaton', 0], ['native search', 100]])('finds exactly the needles the text contains (%s)', (_, nativeSearchMax) => {
    fc.assert(
      fc.property(fc.array(letters(['a', 'b', 'c', 'é'], 4).filter((n) => n !== ''), { maxLength: 12 }), letters(['a', 'b', 'c', 'é', 'd'], 30), (needles, text) => {
        const found = new Set<number>();
        new NeedleSet(needles, nativeSearchMax).scan(text, (id) => found.add(id));
        const expected = needles.flatMap((needle, id) => (text.includes(needle) ? [id] : []));
        expect([...found].sort((a, b) => a - b)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('SigmaRuleSet', () => {
  const value = letters(['a', 'B', '-', '/', '*', '?', '\\'], 4);
  const modifiers = fc.subarray(['utf16le', 'base64offset', 'base64', 'contains', 'startswith', 'endswith', 'cased', 'windash', 'all', 'neq'], { maxLength: 3 });
  const item = fc.tuple(fc.constantFrom('F1', 'F2', ''), modifiers, fc.array(fc.oneof(value, fc.constant(null), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 3 }));
  const search = fc.oneof(
    fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => Object.fromEntries(items.map(([field, mods, values]) => [[field, ...mods].join('|'), values.length === 1 ? values[0] : values]))),
    fc.array(value, { minLength: 1, maxLength: 3 }),
  );
  const condition = fc.constantFrom('s1', 's1 and s2', 's1 or s2', 's1 and not s2', 'not s1', '1 of s*', 'all of them', '(s1 or s2) and s3', 's3 or not (s1 and s2)');
  const rule = fc.record({ s1: search, s2: search, s3: search, condition });
  const field = fc.oneof(
    letters(['a', 'A', 'b', 'B', '-', '/', '\u2013', '*', '\\', '1', '2'], 8),
    letters(['a', 'B', '-'], 6).map((text) => `x${btoa(text)}`),
    fc.integer({ min: 0, max: 3 }),
    fc.constant(null),
  );
  const event = fc.record({ F1: field, F2: fc.oneof(field, fc.array(field, { maxLength: 3 })) }, { requiredKeys: [] });

  it('matches exactly the rules that match when every rule runs', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 8 }), fc.array(event, { minLength: 1, maxLength: 8 }), (detections, events) => {
        const compiler = new SigmaCompiler();
        const set = new SigmaRuleSet();
        const compiled: CompiledSigmaRule[] = [];
        for (const detection of detections) {
          const result = validateSigmaRule({ title: 't', logsource: {}, detection });
          if (!result.ok) continue;
          const one = compiler.compile(result.rule);
          compiled.push(one);
          set.add(one);
        }
        const scope = compiler.newScope();
        for (const fields of events) {
          scope.reset(plainSigmaEvent(fields));
          const everyRule = compiled.filter((one) => one.matches(scope));
          expect([...set.match(scope)]).toEqual(everyRule);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('skips the rules whose literals an event lacks, and keeps unsupported rules out of matching', () => {
    const compiler = new SigmaCompiler();
    const set = new SigmaRuleSet();
    const make = (detection: Record<string, unknown>) => {
      const result = validateSigmaRule({ title: 't', logsource: {}, detection });
      if (!result.ok) throw new Error('invalid');
      const compiled = compiler.compile(result.rule);
      set.add(compiled);
      return compiled;
    };
    const powershell = make({ s: { 'Image|endswith': '\\powershell.exe', 'CommandLine|contains': '-enc' }, condition: 's' });
    const negated = make({ s: { User: 'SYSTEM' }, condition: 'not s' });
    const broken = make({ s: { 'Image|nope': 'x' }, condition: 's' });
    expect(powershell.guard).toEqual([expect.objectContaining({ needles: ['\\powershell.exe'] })]);
    expect(negated.guard).toBeNull();
    expect(broken.status.state).toBe('unsupported');
    expect(set.rules).toHaveLength(3);
    const scope = compiler.newScope();
    scope.reset(plainSigmaEvent({ Image: 'C:\\PowerShell.exe', CommandLine: 'powershell -ENC x', User: 'bob' }));
    expect(set.match(scope)).toEqual([powershell, negated]);
    scope.reset(plainSigmaEvent({ Image: 'C:\\cmd.exe', User: 'SYSTEM' }));
    expect(set.match(scope)).toEqual([]);
  });

  it('indexes long values by their first characters', () => {
    const compiler = new SigmaCompiler();
    const set = new SigmaRuleSet();
    const long = `${'x'.repeat(100)}tail`;
    const result = validateSigmaRule({ title: 't', logsource: {}, detection: { s: { 'Data|contains': long }, condition: 's' } });
    if (!result.ok) throw new Error('invalid');
    const rule = compiler.compile(result.rule);
    set.add(rule);
    const scope = compiler.newScope();
    scope.reset(plainSigmaEvent({ Data: `head ${long} end` }));
    expect(set.match(scope)).toEqual([rule]);
    scope.reset(plainSigmaEvent({ Data: `head ${'x'.repeat(100)} end` }));
    expect(set.match(scope)).toEqual([]);
  });
});
