/**
 * Rule documents against json-schema/sigma-detection-rule-schema.json and the examples the
 * specification ships (tests/schema/rules in ../shared/sigma-specification).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSigmaDocuments, parseSigmaRule, SigmaRuleError, validateSigmaRule } from './sigma-rule.ts';

const SCHEMA_EXAMPLES = new URL('../../../../shared/sigma-specification/tests/schema/', import.meta.url);

const VALID = `
title: Whoami Execution
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
status: test
description: Detects a whoami.exe execution
author: Florian Roth
date: 2019-10-23
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image: 'C:\\Windows\\System32\\whoami.exe'
    condition: selection
level: high
tags:
    - attack.discovery
custom_field: kept
`;

function issuesOf(text: string): { path: string; message: string }[] {
  try {
    parseSigmaRule(text);
  } catch (error) {
    if (error instanceof SigmaRuleError) return [...error.issues];
    throw error;
  }
  throw new Error('the rule was accepted');
}

describe('Sigma rule documents', () => {
  it('a valid rule becomes a typed rule; searches keep their order and custom attributes are kept', () => {
    const rule = parseSigmaRule(VALID);
    expect(rule).toMatchObject({
      title: 'Whoami Execution',
      level: 'high',
      status: 'test',
      date: '2019-10-23',
      logsource: { category: 'process_creation', product: 'windows' },
      tags: ['attack.discovery'],
      custom: { custom_field: 'kept' },
    });
    expect([...rule.detection.searches.keys()]).toEqual(['selection']);
    expect(rule.detection.conditions).toEqual(['selection']);
  });

  it.skipIf(!existsSync(SCHEMA_EXAMPLES))('the schema examples of the specification validate (skipped when shared/sigma-specification is absent)', () => {
    const folder = new URL('rules/', SCHEMA_EXAMPLES);
    const files = readdirSync(folder).filter((name) => name.endsWith('.yml'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const documents = parseSigmaDocuments(readFileSync(new URL(name, folder), 'utf8'));
      expect(documents.map((d) => d.kind), name).toEqual(['rule']);
    }
    // The filter and correlation examples are recognized as such (their own validators come with those features).
    for (const [kind, sub] of [['filter', 'filter/'], ['correlation', 'correlation/']] as const) {
      const dir = new URL(sub, SCHEMA_EXAMPLES);
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.yml'))) {
        expect(parseSigmaDocuments(readFileSync(new URL(name, dir), 'utf8')).map((d) => d.kind), name).toContain(kind);
      }
    }
  });

  it('names the path and reason of each schema violation', () => {
    const broken = VALID.replace('title: Whoami Execution\n', '')
      .replace('level: high', 'level: severe')
      .replace('date: 2019-10-23', 'date: 2019/10/23')
      .replace('attack.discovery', 'Attack Discovery')
      .replace('id: 929a690e-bef0-4204-a928-ef5e620d6fcc', 'id: not-a-uuid');
    const issues = issuesOf(broken);
    expect(issues.map((issue) => issue.path).sort()).toEqual(['date', 'id', 'level', 'tags.0', 'title']);
    expect(issues.find((issue) => issue.path === 'date')?.message).toMatch(/YYYY-MM-DD/);
  });

  it('detection needs a condition, and search identifiers must be maps or lists of scalars and maps', () => {
    expect(issuesOf('title: t\nlogsource: {}\ndetection:\n  sel: {a: 1}\n')).toEqual([{ path: 'detection.condition', message: 'is required' }]);
    const nested = issuesOf('title: t\nlogsource: {}\ndetection:\n  sel:\n    a:\n      b: 1\n  condition: sel\n');
    expect(nested[0]?.path).toMatch(/^detection\.sel/);
    expect(issuesOf('title: t\nlogsource: {}\ndetection:\n  sel: just text\n  condition: sel\n')[0]?.path).toBe('detection.sel');
  });

  it('YAML errors carry the line; duplicate keys are refused', () => {
    expect(issuesOf('title: t\nlogsource: [\n')[0]?.message).toMatch(/^YAML line \d+/);
    expect(issuesOf('title: a\ntitle: b\nlogsource: {}\ndetection: {s: {a: 1}, condition: s}\n')[0]?.message).toMatch(/unique/);
  });

  it('YAML alias bombs are refused, not expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(parseSigmaDocuments(bomb)).toMatchObject([{ kind: 'invalid', issues: [{ message: expect.stringMatching(/^YAML: .*alias/i) }] }]);
  });

  it('a file may hold several documents; correlation and filter documents are told apart', () => {
    const text = `${VALID}\n---\ntitle: c\ncorrelation:\n  type: event_count\n---\ntitle: f\nlogsource: {}\nfilter:\n  rules: [x]\n`;
    expect(parseSigmaDocuments(text).map((d) => d.kind)).toEqual(['rule', 'correlation', 'filter']);
    expect(() => parseSigmaRule(text)).toThrow(/expected one YAML document, found 3/);
  });

  it('Sigma 1 collections (action: global) are refused with the reason', () => {
    const [document] = parseSigmaDocuments('action: global\ntitle: t\n');
    expect(document).toMatchObject({ kind: 'invalid', issues: [{ path: 'action' }] });
  });

  it('validateSigmaRule refuses non-maps', () => {
    expect(validateSigmaRule(['a'])).toMatchObject({ ok: false, issues: [{ path: '' }] });
  });
});
