/**
 * The engine: a state for every rule, detections for exactly the rules whose logsource and
 * detection match (the same answers as running each rule alone), with why; ignoreLogsource.
 */
import { describe, expect, it } from 'vitest';
import { DetectionEngine } from './detection-engine.ts';
import type { RuleSource } from './detection.ts';
import { runRuleTest } from './rule-test.ts';
import { auditdExecve, azureSignIn, eventOf, macProcessStart, oktaEvent, powershellClassic400, security4624, security4688, sysmonProcessCreate, zeekDns } from './sigma-mapping/test-events.ts';

const rule = (id: string, body: string, enabled = true): RuleSource => ({ id, enabled, yaml: `title: Rule ${id}\n${body}` });

const whoamiProcess = rule('11111111-0000-4000-8000-000000000001', `level: high
tags: [attack.discovery, attack.t1033]
logsource: { product: windows, category: process_creation }
detection:
  selection: { Image|endswith: '\\whoami.exe' }
  cmd: { CommandLine|contains: whoami }
  condition: selection or cmd`);
const logon = rule('11111111-0000-4000-8000-000000000002', `logsource: { product: windows, service: security }
detection:
  selection: { EventID: 4624, LogonType: 3 }
  condition: selection`);
const keyword = rule('11111111-0000-4000-8000-000000000003', `level: low
logsource: { product: windows }
detection:
  keywords: [HostApplication=powershell.exe -version 2]
  condition: keywords`);
const sameFieldsOtherLogsource = rule('11111111-0000-4000-8000-000000000004', `logsource: { product: linux, category: process_creation }
detection:
  selection: { CommandLine|contains: whoami }
  condition: selection`);
const dnsRule = rule('11111111-0000-4000-8000-000000000005', `logsource: { category: dns }
detection:
  selection: { query|endswith: '.example' }
  condition: selection`);
const macRule = rule('11111111-0000-4000-8000-000000000006', `logsource: { product: macos, category: process_creation }
detection:
  selection: { Image|endswith: /osascript }
  condition: selection`);
const oktaRule = rule('11111111-0000-4000-8000-000000000007', `logsource: { product: okta, service: okta }
detection:
  selection: { eventType: user.session.start, outcome.result: FAILURE }
  condition: selection`);
const disabled = { ...whoamiProcess, id: 'disabled-copy', enabled: false };
const invalid = rule('bad', 'detection: { selection: { EventID: 1 }, condition: selection }');
const unsupportedLogsource = rule('nosuch', `logsource: { product: windows, service: nosuch }
detection:
  selection: { EventID: 1 }
  condition: selection`);
const unsupportedConstruct = rule('undefined-selection', `logsource: { product: windows }
detection:
  selection: { EventID: 1 }
  condition: selection and other`);
const correlation = { id: 'correlation', enabled: true, yaml: 'title: c\ncorrelation: { type: event_count, rules: [x], group-by: [User], timespan: 5m, condition: { gte: 3 } }\n' };

const rules = [whoamiProcess, logon, keyword, sameFieldsOtherLogsource, dnsRule, macRule, oktaRule, disabled, invalid, unsupportedLogsource, unsupportedConstruct, correlation];
const events = { sysmonProcessCreate, security4688, security4624, powershellClassic400, auditdExecve, zeekDns, macProcessStart, oktaEvent, azureSignIn };

describe('DetectionEngine', () => {
  const engine = DetectionEngine.build(rules);

  it('gives every rule a state, with the reason when it does not run', () => {
    expect(Object.fromEntries([...engine.states].map(([id, state]) => [id, state.state]))).toEqual({
      [whoamiProcess.id]: 'active', [logon.id]: 'active', [keyword.id]: 'active', [sameFieldsOtherLogsource.id]: 'active',
      [dnsRule.id]: 'active', [macRule.id]: 'active', [oktaRule.id]: 'active',
      'disabled-copy': 'disabled', bad: 'invalid', nosuch: 'unsupported', 'undefined-selection': 'unsupported', correlation: 'unsupported',
    });
    expect(engine.activeCount).toBe(7);
    expect(engine.states.get('bad')).toMatchObject({ reason: expect.stringContaining('logsource') });
    expect(engine.states.get('nosuch')).toMatchObject({ reason: expect.stringMatching(/^logsource: .*nosuch/) });
    expect(engine.states.get('undefined-selection')).toMatchObject({ reason: expect.stringContaining('other') });
    expect(engine.states.get('correlation')).toMatchObject({ reason: 'correlation rules are not run by Vigil\'s detection engine yet' });
  });

  it('detects exactly the rules whose logsource and detection match each event', () => {
    const found = Object.fromEntries(Object.entries(events).map(([name, event]) => [name, engine.detect(event, 1).map((d) => d.ruleId)]));
    expect(found).toEqual({
      sysmonProcessCreate: [whoamiProcess.id],
      security4688: [whoamiProcess.id],
      security4624: [logon.id],
      powershellClassic400: [keyword.id],
      auditdExecve: [],
      zeekDns: [dnsRule.id],
      macProcessStart: [macRule.id],
      oktaEvent: [oktaRule.id],
      azureSignIn: [],
    });
  });

  it('agrees with running each rule alone', () => {
    for (const event of Object.values(events)) {
      const expected = rules.filter((r) => r.enabled && runRuleTest(r.yaml, [event]).results[0]!.matched).map((r) => r.id);
      expect(engine.detect(event).map((d) => d.ruleId)).toEqual(expected);
    }
  });

  it('describes a detection: rule, level, tags, event, host, user and why', () => {
    const [detection] = engine.detect(security4688, 42, 1_000);
    expect(detection).toEqual({
      ruleId: whoamiProcess.id, ruleTitle: `Rule ${whoamiProcess.id}`, level: 'high', tags: ['attack.discovery', 'attack.t1033'],
      eventSeqs: [42], eventTime: security4688.timestamp, detectedAt: 1_000, host: 'DC01', user: 'pgustavo',
      why: {
        selections: ['selection', 'cmd'],
        fields: [
          { selection: 'selection', field: 'Image', value: 'C:\\Windows\\System32\\whoami.exe' },
          { selection: 'cmd', field: 'CommandLine', value: '"C:\\windows\\system32\\whoami.exe" /user' },
        ],
      },
    });
    const [keywordHit] = engine.detect(powershellClassic400);
    expect(keywordHit).toMatchObject({ level: 'low', tags: [], eventSeqs: [], why: { selections: ['keywords'], fields: [{ selection: 'keywords', field: null }] } });
    expect(keywordHit!.why.fields[0]!.value).toContain('powershell.exe -version 2');
  });

  it('with ignoreLogsource, applies every rule to every event', () => {
    const hunting = DetectionEngine.build(rules, { ignoreLogsource: true });
    expect(hunting.states.get('nosuch')).toEqual({ state: 'active' });
    const plain = eventOf({ CommandLine: 'whoami /all', Image: 'C:\\tools\\nc.exe' });
    expect(engine.detect(plain)).toEqual([]);
    expect(hunting.detect(plain).map((d) => d.ruleId)).toEqual([whoamiProcess.id, sameFieldsOtherLogsource.id]);
  });

  it('uses placeholders for expand', () => {
    const expanding = DetectionEngine.build([rule('expand', `logsource: { product: windows, service: security }
detection:
  selection: { TargetUserName|expand: '%admins%' }
  condition: selection`)], { placeholders: { admins: ['alice', 'root'] } });
    expect(expanding.detect(security4624).map((d) => d.ruleId)).toEqual(['expand']);
    expect(DetectionEngine.build([]).detect(security4624)).toEqual([]);
  });
});
