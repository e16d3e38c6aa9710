import { describe, expect, it } from 'vitest';
import { eventFacts } from './event-stream.ts';
import { LogsourceIndex } from './logsource-index.ts';
import { logsourceAccepts, mapLogsource, type LogsourceMapping, type SigmaLogsourceSpec } from './logsource.ts';
import * as ev from './test-events.ts';

function accepts(logsource: SigmaLogsourceSpec, event: Parameters<typeof logsourceAccepts>[1]): boolean {
  return logsourceAccepts(mapLogsource(logsource), event);
}

describe('eventFacts', () => {
  it('gives stream, lower-cased channel and event ID', () => {
    expect(eventFacts(ev.sysmonProcessCreate)).toEqual({ stream: 'windows', channel: 'microsoft-windows-sysmon/operational', eventId: 1 });
    expect(eventFacts(ev.security4688)).toEqual({ stream: 'windows', channel: 'security', eventId: 4688 });
    expect(eventFacts(ev.auditdExecve)).toEqual({ stream: 'auditd', channel: undefined, eventId: undefined });
    expect(eventFacts(ev.sshdFailure)).toEqual({ stream: 'syslog', channel: 'sshd', eventId: undefined });
    expect(eventFacts(ev.zeekDns)).toEqual({ stream: 'zeek', channel: 'dns', eventId: undefined });
    expect(eventFacts(ev.nginxAccess).stream).toBe('web');
  });
});

describe('mapLogsource', () => {
  it('maps Windows categories to Sysmon and Security channels and event IDs, whatever the case', () => {
    const mapping = mapLogsource({ product: 'Windows', category: 'Process_Creation' });
    expect(mapping.supported && mapping.targets).toEqual([
      { stream: 'windows', channels: ['microsoft-windows-sysmon/operational'], eventIds: [1] },
      { stream: 'windows', channels: ['security'], eventIds: [4688] },
    ]);
    expect(accepts({ product: 'windows', category: 'process_creation' }, ev.sysmonProcessCreate)).toBe(true);
    expect(accepts({ product: 'windows', category: 'process_creation' }, ev.security4688)).toBe(true);
    expect(accepts({ product: 'windows', category: 'process_creation' }, ev.security4624)).toBe(false);
    expect(accepts({ product: 'windows', category: 'registry_set' }, ev.sysmonProcessCreate)).toBe(false);
  });

  it.each([
    ['network_connection', [3]], ['registry_event', [12, 13, 14]], ['registry_set', [13]], ['file_event', [11]], ['image_load', [7]],
    ['dns_query', [22]], ['pipe_created', [17, 18]], ['wmi_event', [19, 20, 21]], ['create_remote_thread', [8]], ['process_access', [10]],
    ['driver_load', [6]], ['ps_script', [4104]], ['ps_module', [4103]], ['ps_classic_start', [400]],
  ])('windows %s → event IDs %j', (category, ids) => {
    const mapping = mapLogsource({ product: 'windows', category });
    expect(mapping.supported && mapping.targets.flatMap((t) => t.eventIds ?? [])).toEqual(ids);
  });

  it('maps Windows services to channels', () => {
    expect(accepts({ product: 'windows', service: 'security' }, ev.security4624)).toBe(true);
    expect(accepts({ product: 'windows', service: 'security' }, ev.security4688)).toBe(true); // channel written `security`
    expect(accepts({ product: 'windows', service: 'sysmon' }, ev.sysmonProcessCreate)).toBe(true);
    expect(accepts({ product: 'windows', service: 'powershell-classic' }, ev.powershellClassic400)).toBe(true);
    expect(accepts({ product: 'windows', service: 'system' }, ev.security4624)).toBe(false);
    expect(accepts({ product: 'windows' }, ev.security4624)).toBe(true);
  });

  it('says why it cannot serve a logsource', () => {
    expect(mapLogsource({ product: 'windows', service: 'nosuch' })).toEqual({
      supported: false, reason: 'unknown Windows service "nosuch": the taxonomy names no channel for it',
    });
    expect(mapLogsource({ product: 'amiga' })).toMatchObject({ supported: false, reason: expect.stringContaining('"amiga"') as unknown });
    expect(mapLogsource({})).toMatchObject({ supported: false });
    expect(mapLogsource({ product: 'aws', service: 's3' })).toMatchObject({ supported: false, reason: expect.stringContaining('CloudTrail') as unknown });
  });

  it('maps Linux auditd, process creation and syslog services', () => {
    expect(accepts({ product: 'linux', service: 'auditd' }, ev.auditdExecve)).toBe(true);
    expect(accepts({ product: 'linux', category: 'process_creation' }, ev.auditdExecve)).toBe(true);
    expect(accepts({ product: 'linux', category: 'process_creation' }, ev.auditdSyscall)).toBe(true);
    expect(accepts({ product: 'linux', category: 'process_creation' }, ev.sshdFailure)).toBe(false);
    expect(accepts({ product: 'linux', service: 'sshd' }, ev.sshdFailure)).toBe(true);
    expect(accepts({ product: 'linux', service: 'auth' }, ev.sshdFailure)).toBe(true);
    expect(accepts({ product: 'linux', service: 'cron' }, ev.sshdFailure)).toBe(false);
    expect(accepts({ product: 'linux' }, ev.sshdFailure)).toBe(true);
    expect(accepts({ product: 'linux' }, ev.security4624)).toBe(false);
  });

  it('maps cloud, web and Zeek logsources', () => {
    expect(accepts({ product: 'aws', service: 'cloudtrail' }, ev.cloudTrailLogin)).toBe(true);
    expect(accepts({ product: 'okta', service: 'okta' }, ev.oktaEvent)).toBe(true);
    expect(accepts({ product: 'github', service: 'audit' }, ev.gitHubEvent)).toBe(true);
    expect(accepts({ product: 'github', service: 'audit' }, ev.oktaEvent)).toBe(false);
    expect(accepts({ category: 'webserver' }, ev.nginxAccess)).toBe(true);
    expect(accepts({ category: 'proxy' }, ev.zeekHttp)).toBe(true);
    expect(accepts({ category: 'proxy' }, ev.zeekDns)).toBe(false);
    expect(accepts({ product: 'zeek', service: 'dns' }, ev.zeekDns)).toBe(true);
    expect(accepts({ product: 'zeek', service: 'http' }, ev.zeekDns)).toBe(false);
    expect(accepts({ category: 'dns' }, ev.zeekDns)).toBe(true);
  });

  it('serves products without a parser from generic JSON that identifies itself', () => {
    expect(accepts({ product: 'azure', service: 'signinlogs' }, ev.azureSignIn)).toBe(true);
    expect(accepts({ product: 'gcp', service: 'gcp.audit' }, ev.azureSignIn)).toBe(false);
    expect(accepts({ product: 'macos', category: 'process_creation' }, ev.macProcessStart)).toBe(true);
    expect(accepts({ product: 'linux', category: 'process_creation' }, ev.macProcessStart)).toBe(false);
    expect(accepts({ category: 'process_creation' }, ev.macProcessStart)).toBe(true);
    expect(accepts({ category: 'process_creation' }, ev.sysmonProcessCreate)).toBe(true);
  });
});

describe('LogsourceIndex', () => {
  const rules: [string, SigmaLogsourceSpec][] = [
    ['proc', { product: 'windows', category: 'process_creation' }],
    ['reg', { product: 'windows', category: 'registry_set' }],
    ['sec', { product: 'windows', service: 'security' }],
    ['win', { product: 'windows' }],
    ['linux-proc', { product: 'linux', category: 'process_creation' }],
    ['mac-proc', { product: 'macos', category: 'process_creation' }],
    ['auditd', { product: 'linux', service: 'auditd' }],
    ['azure', { product: 'azure', service: 'activitylogs' }],
  ];
  const index = new LogsourceIndex<string>();
  for (const [name, logsource] of rules) {
    const mapping: LogsourceMapping = mapLogsource(logsource);
    if (mapping.supported) index.add(mapping.targets, name);
  }

  it('offers an event only the rules whose logsource matches it, each once', () => {
    expect(index.size).toBe(8);
    expect(index.candidates(ev.sysmonProcessCreate)).toEqual(['proc', 'win']);
    expect(index.candidates(ev.security4688)).toEqual(['proc', 'sec', 'win']);
    expect(index.candidates(ev.security4624)).toEqual(['sec', 'win']);
    expect(index.candidates(ev.auditdExecve)).toEqual(['auditd', 'linux-proc']);
    expect(index.candidates(ev.macProcessStart)).toEqual(['mac-proc']);
    expect(index.candidates(ev.azureSignIn)).toEqual(['azure']);
    expect(index.candidates(ev.nginxAccess)).toEqual([]);
  });

  it('returns the same array for the same kind of event without predicates (no allocation per event)', () => {
    expect(index.candidates(ev.security4624)).toBe(index.candidates(ev.security4624));
    expect(index.candidates(ev.sysmonProcessCreate)).toBe(index.candidates(ev.sysmonProcessCreate));
  });

  it('agrees with logsourceAccepts', () => {
    for (const event of [ev.sysmonProcessCreate, ev.security4688, ev.auditdSyscall, ev.sshdFailure, ev.azureSignIn, ev.macProcessStart, ev.zeekDns]) {
      const expected = rules.filter(([, ls]) => accepts(ls, event)).map(([name]) => name).sort();
      expect([...index.candidates(event)].sort()).toEqual(expected);
    }
  });
});
