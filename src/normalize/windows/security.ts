/** ECS mapping of Security-log, System-log (service install) and PowerShell events, after Elastic's Windows integration. */
import type { EventFields } from '../../core/event.ts';
import { addRelated, int, put } from '../json-fields.ts';
import { auditOutcome, categorize, d, putEndpoint, putProcess, putUser } from './common.ts';
import type { WinEvent } from './shapes.ts';

const LOGON_TYPES: Readonly<Record<string, string>> = {
  0: 'System', 2: 'Interactive', 3: 'Network', 4: 'Batch', 5: 'Service', 7: 'Unlock', 8: 'NetworkCleartext',
  9: 'NewCredentials', 10: 'RemoteInteractive', 11: 'CachedInteractive', 12: 'CachedRemoteInteractive', 13: 'CachedUnlock',
};

/** Security event IDs: ECS category, type, action and, when the ID alone decides it, the outcome. */
const SECURITY: Readonly<Record<number, readonly [string, string, string, string?]>> = {
  1102: ['iam', 'admin', 'audit-log-cleared', 'success'],
  4624: ['authentication', 'start', 'logged-in', 'success'],
  4625: ['authentication', 'start', 'logon-failed', 'failure'],
  4634: ['authentication', 'end', 'logged-out', 'success'],
  4647: ['authentication', 'end', 'logged-out', 'success'],
  4648: ['authentication', 'start', 'logged-in-explicit', 'success'],
  4672: ['iam', 'admin', 'logged-in-special', 'success'],
  4688: ['process', 'start', 'created-process', 'success'],
  4689: ['process', 'end', 'exited-process', 'success'],
  4697: ['configuration', 'creation', 'service-installed', 'success'],
  4720: ['iam', 'creation', 'added-user-account', 'success'],
  4722: ['iam', 'change', 'enabled-user-account', 'success'],
  4724: ['iam', 'change', 'reset-password', 'success'],
  4726: ['iam', 'deletion', 'deleted-user-account', 'success'],
  4728: ['iam', 'change', 'added-member-to-group', 'success'],
  4732: ['iam', 'change', 'added-member-to-group', 'success'],
  4756: ['iam', 'change', 'added-member-to-group', 'success'],
  4768: ['authentication', 'start', 'kerberos-authentication-ticket-requested'],
  4769: ['authentication', 'start', 'kerberos-service-ticket-requested'],
  4771: ['authentication', 'start', 'kerberos-preauth-failed', 'failure'],
  4776: ['authentication', 'start', 'credential-validated'],
};

export function mapSecurity(ev: WinEvent, out: EventFields): void {
  const id = ev.eventId;
  const entry = SECURITY[id];
  if (entry) categorize(out, entry[0], entry[1], entry[2]);
  const outcome = entry?.[3] ?? statusOutcome(ev) ?? auditOutcome(ev.keywords) ?? nxlogOutcome(out);
  put(out, 'event.outcome', outcome);

  switch (id) {
    case 4624: case 4625: case 4634: case 4647: {
      putUser(out, ev, 'user', 'TargetUserName', 'TargetDomainName', 'TargetUserSid');
      const logonType = d(ev, 'LogonType');
      if (logonType !== undefined) put(out, 'winlog.logon.type', LOGON_TYPES[logonType] ?? logonType);
      put(out, 'winlog.logon.id', d(ev, 'TargetLogonId'));
      putEndpoint(out, ev, 'source', 'IpAddress', 'IpPort');
      put(out, 'source.domain', d(ev, 'WorkstationName'));
      putProcess(out, ev, 'process', 'ProcessId', 'ProcessName');
      if (id === 4625) put(out, 'winlog.logon.failure.status', d(ev, 'Status'));
      break;
    }
    case 4648:
      putUser(out, ev, 'user', 'SubjectUserName', 'SubjectDomainName', 'SubjectUserSid');
      putUser(out, ev, 'user.target', 'TargetUserName', 'TargetDomainName', 'TargetUserSid');
      put(out, 'destination.domain', d(ev, 'TargetServerName'));
      addRelated(out, 'related.hosts', d(ev, 'TargetServerName'));
      putEndpoint(out, ev, 'source', 'IpAddress', 'IpPort');
      putProcess(out, ev, 'process', 'ProcessId', 'ProcessName');
      break;
    case 4688: case 4689:
      putUser(out, ev, 'user', 'SubjectUserName', 'SubjectDomainName', 'SubjectUserSid');
      if (id === 4688) {
        putProcess(out, ev, 'process', 'NewProcessId', 'NewProcessName');
        put(out, 'process.command_line', d(ev, 'CommandLine'));
        putProcess(out, ev, 'process.parent', 'ProcessId', 'ParentProcessName');
      } else {
        putProcess(out, ev, 'process', 'ProcessId', 'ProcessName');
      }
      break;
    case 4697:
      putUser(out, ev, 'user', 'SubjectUserName', 'SubjectDomainName', 'SubjectUserSid');
      put(out, 'service.name', d(ev, 'ServiceName'));
      put(out, 'service.type', d(ev, 'ServiceType'));
      break;
    case 4720: case 4722: case 4724: case 4726:
      putUser(out, ev, 'user', 'SubjectUserName', 'SubjectDomainName', 'SubjectUserSid');
      putUser(out, ev, 'user.target', 'TargetUserName', 'TargetDomainName', 'TargetSid');
      break;
    case 4728: case 4732: case 4756: {
      putUser(out, ev, 'user', 'SubjectUserName', 'SubjectDomainName', 'SubjectUserSid');
      put(out, 'user.target.name', d(ev, 'MemberName'));
      put(out, 'user.target.id', d(ev, 'MemberSid'));
      put(out, 'group.name', d(ev, 'TargetUserName'));
      put(out, 'group.domain', d(ev, 'TargetDomainName'));
      put(out, 'group.id', d(ev, 'TargetSid'));
      break;
    }
    case 4768: case 4769: case 4771:
      putUser(out, ev, 'user', 'TargetUserName', 'TargetDomainName', 'TargetSid');
      putEndpoint(out, ev, 'source', 'IpAddress', 'IpPort');
      put(out, 'service.name', d(ev, 'ServiceName'));
      break;
    case 4776:
      putUser(out, ev, 'user', 'TargetUserName', 'TargetDomainName', 'TargetSid');
      put(out, 'source.domain', d(ev, 'Workstation'));
      break;
    default:
      // Most other Security events name the acting account as Subject*.
      putUser(out, ev, 'user', 'SubjectUserName', 'SubjectDomainName', 'SubjectUserSid');
      putProcess(out, ev, 'process', 'ProcessId', 'ProcessName');
  }
}

/** Kerberos/NTLM events (4768, 4769, 4776) report the result as a status code: 0x0 is success. */
function statusOutcome(ev: WinEvent): 'success' | 'failure' | undefined {
  if (ev.eventId !== 4768 && ev.eventId !== 4769 && ev.eventId !== 4776) return undefined;
  const status = int(d(ev, 'Status'));
  return status === undefined ? undefined : status === 0 ? 'success' : 'failure';
}

function nxlogOutcome(out: EventFields): 'success' | 'failure' | undefined {
  const t = out['nxlog.EventType'];
  return t === 'AUDIT_SUCCESS' ? 'success' : t === 'AUDIT_FAILURE' ? 'failure' : undefined;
}

/** System log: service installation (7045) is the event detections care about. */
export function mapSystem(ev: WinEvent, out: EventFields): void {
  if (ev.eventId !== 7045) return;
  categorize(out, 'configuration', 'creation', 'service-installed');
  put(out, 'service.name', d(ev, 'ServiceName'));
  put(out, 'service.type', d(ev, 'ServiceType'));
  put(out, 'user.name', d(ev, 'AccountName'));
}

/** PowerShell 4103 (pipeline execution) and 4104 (script block logging). */
export function mapPowerShell(ev: WinEvent, out: EventFields): void {
  if (ev.eventId === 4104) {
    categorize(out, 'process', 'info', 'execute-script-block');
    put(out, 'powershell.file.script_block_text', d(ev, 'ScriptBlockText'));
    put(out, 'powershell.file.script_block_id', d(ev, 'ScriptBlockId'));
    put(out, 'powershell.sequence', int(d(ev, 'MessageNumber')));
    put(out, 'powershell.total', int(d(ev, 'MessageTotal')));
    put(out, 'file.path', d(ev, 'Path'));
  } else if (ev.eventId === 4103) {
    categorize(out, 'process', 'info', 'execute-pipeline');
    put(out, 'powershell.payload', d(ev, 'Payload'));
    put(out, 'powershell.context_info', d(ev, 'ContextInfo'));
  }
}
