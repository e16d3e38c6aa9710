import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { markDuplicates, validateRuleText } from './rule-validation.ts';
import { SigmaCompiler } from './sigma/sigma-compile.ts';

const RULE = `title: Whoami
id: 0f6a9a52-9d7e-4c1e-8f57-6a0d8e1c2b01
level: low
tags: [attack.discovery, attack.t1033]
logsource: {product: windows, category: process_creation}
detection:
  selection: {Image|endswith: '\\whoami.exe'}
  condition: selection
`;

describe('validateRuleText', () => {
  it('gives id, title, level, tags and active for a valid rule, with its YAML', () => {
    expect(validateRuleText(RULE, 'a.yml')).toEqual([{
      id: '0f6a9a52-9d7e-4c1e-8f57-6a0d8e1c2b01', title: 'Whoami', level: 'low', tags: ['attack.discovery', 'attack.t1033'], state: 'active', yaml: RULE, source: 'a.yml',
    }]);
  });

  it('derives a stable id from the YAML for a rule without one, different for different text', () => {
    const text = RULE.replace(/^id: .*\n/m, '');
    const [first] = validateRuleText(text, 'a.yml');
    const [again] = validateRuleText(text, 'b.yml');
    const [other] = validateRuleText(text.replace('Whoami', 'Whoami 2'), 'c.yml');
    expect(first!.id).toMatch(/^yaml-[0-9a-f]{32}$/);
    expect(again!.id).toBe(first!.id);
    expect(other!.id).not.toBe(first!.id);
  });

  it('splits a multi-document file and reports each document with its position', () => {
    const rules = validateRuleText(`${RULE}---\ntitle: broken\nlogsource: {product: windows}\n`, 'multi.yml');
    expect(rules.map((r) => [r.source, r.state])).toEqual([['multi.yml#1', 'active'], ['multi.yml#2', 'invalid']]);
    expect(rules[1]!.reason).toMatch(/detection/);
    expect(rules[1]!.title).toBe('broken');
    expect(rules[1]!.yaml).toContain('title: broken');
    expect(rules[1]!.yaml).not.toContain('Whoami');
  });

  it('gives reasons: YAML syntax, schema, unknown modifier, unmapped logsource, correlation rules', () => {
    const reason = (text: string) => validateRuleText(text, 'x.yml')[0]!;
    expect(reason('title: [unclosed\n')).toMatchObject({ state: 'invalid', reason: expect.stringMatching(/^YAML line \d+/), title: '(untitled)' });
    expect(reason(RULE.replace('level: low', 'level: severe'))).toMatchObject({ state: 'invalid', reason: expect.stringContaining('level') });
    expect(reason(RULE.replace('Image|endswith', 'Image|nosuch'))).toMatchObject({ state: 'unsupported', reason: expect.stringContaining('nosuch') });
    expect(reason(RULE.replace('product: windows, category: process_creation', 'product: nosuchproduct'))).toMatchObject({
      state: 'unsupported', reason: expect.stringMatching(/^logsource: .*nosuchproduct/),
    });
    expect(reason('title: c\ncorrelation: {type: event_count, rules: [x], timespan: 5m, condition: {gte: 5}}\n')).toMatchObject({
      state: 'unsupported', reason: expect.stringContaining('correlation'),
    });
  });

  it('marks later rules with an id already seen as duplicates', () => {
    const rules = markDuplicates([...validateRuleText(RULE, 'a.yml'), ...validateRuleText(RULE, 'b.yml')]);
    expect(rules[0]).not.toHaveProperty('duplicate');
    expect(rules[1]).toMatchObject({ state: 'invalid', duplicate: true, reason: 'duplicate id 0f6a9a52-9d7e-4c1e-8f57-6a0d8e1c2b01: a.yml has it already' });
  });
});

const CORPUS = fileURLToPath(new URL('../../../shared/sigma/rules', import.meta.url));

describe('the SigmaHQ corpus, read in place', () => {
  it.skipIf(!existsSync(CORPUS))('gives every rule a state, a reason when it is not active, and at least 99% are active', () => {
    const compiler = new SigmaCompiler();
    const files = readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).filter((name) => /\.ya?ml$/.test(name)).sort();
    const rules = markDuplicates(files.flatMap((name) => validateRuleText(readFileSync(join(CORPUS, name), 'utf8'), name, compiler)));
    expect(rules.length).toBeGreaterThan(3000);
    for (const rule of rules) {
      expect(['active', 'unsupported', 'invalid']).toContain(rule.state);
      if (rule.state !== 'active') expect(rule.reason, rule.source).toMatch(/\S/);
      expect(rule.title, rule.source).not.toBe('');
    }
    const notActive = rules.filter((r) => r.state !== 'active');
    if (notActive.length > 0) console.log(notActive.map((r) => `${r.source}: ${r.state}: ${r.reason}`).join('\n'));
    expect(rules.filter((r) => r.state === 'active').length / rules.length).toBeGreaterThanOrEqual(0.99);
    expect(rules.filter((r) => r.duplicate)).toEqual([]);
  }, 120_000);
});
