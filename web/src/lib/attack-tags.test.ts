import { describe, expect, it } from 'vitest';
import { parseTag, parseTags } from './attack-tags.ts';

describe('ATT&CK tags', () => {
  it('reads techniques and sub-techniques with their attack.mitre.org pages', () => {
    expect(parseTag('attack.t1059')).toMatchObject({ kind: 'technique', id: 'T1059', url: 'https://attack.mitre.org/techniques/T1059/' });
    expect(parseTag('attack.t1059.001')).toMatchObject({ kind: 'technique', id: 'T1059.001', label: 'T1059.001', url: 'https://attack.mitre.org/techniques/T1059/001/' });
    expect(parseTag('ATTACK.T1003.002')).toMatchObject({ kind: 'technique', id: 'T1003.002' });
  });

  it('reads tactics written with hyphens or underscores, groups and software', () => {
    expect(parseTag('attack.execution')).toMatchObject({ kind: 'tactic', id: 'TA0002', label: 'Execution', url: 'https://attack.mitre.org/tactics/TA0002/' });
    expect(parseTag('attack.defense-evasion')).toMatchObject({ kind: 'tactic', id: 'TA0005', label: 'Defense Evasion' });
    expect(parseTag('attack.defense_evasion')).toMatchObject({ kind: 'tactic', id: 'TA0005' });
    expect(parseTag('attack.command-and-control')).toMatchObject({ kind: 'tactic', id: 'TA0011' });
    expect(parseTag('attack.g0016')).toMatchObject({ kind: 'group', id: 'G0016', url: 'https://attack.mitre.org/groups/G0016/' });
    expect(parseTag('attack.s0002')).toMatchObject({ kind: 'software', id: 'S0002', url: 'https://attack.mitre.org/software/S0002/' });
  });

  it('keeps other tags as written and never builds a link from unexpected text', () => {
    expect(parseTag('cve.2021-44228')).toEqual({ kind: 'other', label: 'cve.2021-44228', tag: 'cve.2021-44228' });
    expect(parseTag('detection.threat-hunting')).toMatchObject({ kind: 'other' });
    for (const odd of ['attack.t1059.001/../../evil', 'attack.t10590', 'attack.javascript:alert(1)', 'attack.', 'attack.t1059."><img>']) {
      expect(parseTag(odd)).toEqual({ kind: 'other', label: odd, tag: odd });
    }
  });

  it('orders tactics, then techniques, groups and software, then the rest', () => {
    expect(parseTags(['tlp.white', 'attack.t1059.001', 'attack.g0016', 'attack.execution']).map((t) => t.kind))
      .toEqual(['tactic', 'technique', 'group', 'other']);
  });
});
