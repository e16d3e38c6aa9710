import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { checkRuleTestCases, FIELD_MAP, parseRuleTestCases, runRuleTest, testEventFrom } from './rule-test.ts';

const NOW = Date.UTC(2026, 10, 23);
const SSHD = `title: sshd root
logsource: {product: linux, service: sshd}
detection:
  keywords: ['Failed password for root']
  condition: keywords
`;

describe('test events', () => {
  it('normalizes log lines and known JSON logs, keeps stored events, and takes anything else as a field map', () => {
    expect(testEventFrom('<38>Nov 23 10:00:00 h sshd[1]: Failed password for root from 203.0.113.9 port 1 ssh2', DEFAULT_INPUT_LIMITS, NOW).sourceType).toBe('syslog');
    const okta = testEventFrom({ uuid: 'u', published: '2026-11-23T10:00:00.000Z', eventType: 'user.session.start', actor: { id: 'a' } }, DEFAULT_INPUT_LIMITS, NOW);
    expect(okta.sourceType).toBe('okta');
    const stored = testEventFrom({ sourceType: 'windows', timestamp: 5, fields: { 'event.code': '1102' } }, DEFAULT_INPUT_LIMITS, NOW);
    expect(stored).toMatchObject({ sourceType: 'windows', timestamp: 5, fields: { 'event.code': '1102' } });
    const fields = testEventFrom({ process: { name: 'cmd.exe', args: ['/c', 1, { x: 1 }] }, '@timestamp': '2026-11-23T10:00:00Z' }, DEFAULT_INPUT_LIMITS, NOW);
    expect(fields).toMatchObject({ sourceType: FIELD_MAP, timestamp: Date.UTC(2026, 10, 23, 10), fields: { 'process.name': 'cmd.exe', 'process.args': ['/c', 1] } });
  });
});

describe('runRuleTest', () => {
  it('matches with the selections and values that made it, and notes a logsource that does not cover the event', () => {
    const line = testEventFrom('<38>Nov 23 10:00:00 h sshd[1]: Failed password for root from 203.0.113.9 port 1 ssh2', DEFAULT_INPUT_LIMITS, NOW);
    const cron = testEventFrom('<38>Nov 23 10:00:00 h CRON[1]: Failed password for root', DEFAULT_INPUT_LIMITS, NOW);
    const result = runRuleTest(SSHD, [line, cron]);
    expect(result.state).toBe('active');
    expect(result.results[0]).toMatchObject({ matched: true, why: { selections: ['keywords'], fields: [{ selection: 'keywords', field: null, value: expect.stringContaining('Failed password for root') }] } });
    expect(result.results[1]).toMatchObject({ matched: false, note: expect.stringContaining('logsource (product: linux, service: sshd)') });
    expect(runRuleTest(SSHD, [cron], { ignoreLogsource: true }).results[0]!.matched).toBe(true);
  });

  it('reports a rule that cannot run and matches nothing with it', () => {
    const event = testEventFrom({ a: 1 }, DEFAULT_INPUT_LIMITS, NOW);
    expect(runRuleTest('title: x\n', [event])).toMatchObject({ state: 'invalid', results: [{ matched: false }] });
    expect(runRuleTest(`${SSHD}---\n${SSHD}`, [event])).toMatchObject({ state: 'invalid', reason: expect.stringContaining('one rule') });
  });
});

describe('tests files', () => {
  it('reads match and no_match lists and refuses anything else with a clear reason', () => {
    expect(parseRuleTestCases('match: [a line, {a: 1}]\nno_match:\n  - other\n')).toEqual({ match: ['a line', { a: 1 }], noMatch: ['other'] });
    expect(() => parseRuleTestCases('match: [1]\n')).toThrow('match[0]: an event is a log line (text) or a map of fields');
    expect(() => parseRuleTestCases('matches: []\n')).toThrow(/unknown key "matches"/);
    expect(() => parseRuleTestCases('match: []\n')).toThrow(/no events/);
    expect(() => parseRuleTestCases('match: [\n')).toThrow(/not valid YAML/);
    expect(() => parseRuleTestCases('- a\n')).toThrow(/a map with match/);
  });

  it('checks every case and says which failed and why', () => {
    const cases = parseRuleTestCases([
      'match:',
      "  - '<38>Nov 23 10:00:00 h sshd[1]: Failed password for root from 203.0.113.9 port 1 ssh2'",
      "  - '<38>Nov 23 10:00:00 h sshd[1]: Accepted password for root'",
      'no_match:',
      "  - '<38>Nov 23 10:00:00 h sshd[1]: Failed password for root again'",
    ].join('\n'));
    const outcome = checkRuleTestCases(SSHD, cases, DEFAULT_INPUT_LIMITS, NOW);
    expect(outcome.cases).toBe(3);
    expect(outcome.failures).toEqual([
      'match[1]: did not match: the event (syslog) does not match',
      expect.stringMatching(/^no_match\[0\]: matched \(keyword=.*Failed password for root again/),
    ]);
  });
});
