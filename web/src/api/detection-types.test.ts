import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.ts';
import { decodeDetections, decodeImportReport, decodeRuleDetail, decodeRules, decodeRuleTest } from './detection-types.ts';

const RULE = { id: 'r1', title: 'T', level: 'high', tags: ['attack.t1059'], enabled: true, origin: 'bundled', state: 'active', updatedAt: 5, hits24h: 3 };
const WHY = { selections: ['sel'], fields: [{ selection: 'sel', field: 'CommandLine', value: 'whoami' }, { selection: 'k', field: null, value: 'x' }] };

describe('rules and detections decoders', () => {
  it('decode the rule list and one rule with its YAML', () => {
    expect(decodeRules({ rules: [RULE] })[0]).toEqual({ ...RULE, reason: undefined, updatedBy: undefined });
    expect(decodeRuleDetail({ ...RULE, state: 'unsupported', reason: 'why', yaml: 'title: T' })).toMatchObject({ state: 'unsupported', reason: 'why', yaml: 'title: T' });
    expect(() => decodeRuleDetail(RULE)).toThrow(ApiError);
    expect(() => decodeRules({ rules: [{ ...RULE, title: undefined }] })).toThrow(/rules\[0\]\.title/);
  });

  it('decode detections with why (null field: keyword)', () => {
    const [d] = decodeDetections({ detections: [{ id: 9, ruleId: 'r1', ruleTitle: 'T', level: 'high', tags: [], eventSeqs: [4], eventTime: 1, detectedAt: 2, host: 'h', why: WHY }] });
    expect(d).toMatchObject({ id: 9, eventSeqs: [4], host: 'h', user: undefined });
    expect(d?.why.fields[1]).toEqual({ selection: 'k', field: null, value: 'x' });
  });

  it('decode an import report and a rule test answer', () => {
    const report = decodeImportReport({ added: 1, updated: 0, skipped: 2, errors: [{ name: 'a.yml', reason: 'bad' }], rules: [{ id: 'r1', title: 'T', state: 'invalid', reason: 'no', source: 'a.yml' }] });
    expect(report).toMatchObject({ added: 1, skipped: 2, errors: [{ name: 'a.yml' }], rules: [{ state: 'invalid', reason: 'no' }] });
    const test = decodeRuleTest({
      state: 'active',
      results: [
        { event: { timestamp: 1, receivedAt: 1, source: 'rule-test', sourceType: 'fields', fields: { CommandLine: 'whoami' }, original: '{}' }, matched: true, why: WHY },
        { event: { seq: 7, timestamp: 1, receivedAt: 1, source: 's', sourceType: 'linux', fields: {}, original: 'x' }, matched: false, note: 'logsource' },
      ],
    });
    expect(test.results[0]).toMatchObject({ matched: true, event: { seq: undefined }, why: { selections: ['sel'] } });
    expect(test.results[1]).toMatchObject({ matched: false, why: undefined, note: 'logsource', event: { seq: 7 } });
  });
});
