/**
 * The `auditd` source type: Linux audit records (audit.log lines, or forwarded through syslog) in
 * ECS. Every raw field is kept under `auditd.log.<key>`; the well-known ones are also mapped to ECS
 * process/user/source/file fields. Records of one event share `auditd.log.sequence`.
 */
import type { EventFields } from '../core/event.ts';
import { type AuditRecord, looksLikeAudit, parseAuditRecord } from '../parse/auditd.ts';
import { isoOf, parseUint } from '../parse/text-util.ts';
import type { NormalizeContext, TextSourceType } from './source-type.ts';
import { prefixedName, setEndpoint, setUser } from './text-fields.ts';

const AUDIT_NAMES = new Map<string, string>();
const ENRICHED_NAMES = new Map<string, string>();

type Kind = [category: string, type: readonly string[]];

// Record type → ECS event.category / event.type (https://www.elastic.co/guide/en/ecs/current/ecs-allowed-values-event-category.html).
const KINDS: Record<string, Kind> = {
  USER_AUTH: ['authentication', ['start']],
  USER_LOGIN: ['authentication', ['start']],
  USER_ERR: ['authentication', ['start']],
  USER_ACCT: ['authentication', ['info']],
  ANOM_LOGIN_FAILURES: ['authentication', ['info']],
  LOGIN: ['authentication', ['start']],
  USER_LOGOUT: ['session', ['end']],
  USER_START: ['session', ['start']],
  USER_END: ['session', ['end']],
  CRED_ACQ: ['session', ['info']],
  CRED_DISP: ['session', ['info']],
  CRED_REFR: ['session', ['info']],
  EXECVE: ['process', ['start']],
  USER_CMD: ['process', ['start']],
  ADD_USER: ['iam', ['user', 'creation']],
  DEL_USER: ['iam', ['user', 'deletion']],
  USER_MGMT: ['iam', ['user', 'change']],
  USER_CHAUTHTOK: ['iam', ['user', 'change']],
  ACCT_LOCK: ['iam', ['user', 'change']],
  ACCT_UNLOCK: ['iam', ['user', 'change']],
  ADD_GROUP: ['iam', ['group', 'creation']],
  DEL_GROUP: ['iam', ['group', 'deletion']],
  GRP_MGMT: ['iam', ['group', 'change']],
  ROLE_ASSIGN: ['iam', ['user', 'change']],
  ROLE_REMOVE: ['iam', ['user', 'change']],
  PATH: ['file', ['info']],
  CONFIG_CHANGE: ['configuration', ['change']],
  SOCKADDR: ['network', ['info']],
  NETFILTER_PKT: ['network', ['info']],
  SERVICE_START: ['process', ['start']],
  SERVICE_STOP: ['process', ['end']],
};

// execve and execveat on x86_64 (arch=c000003e) and aarch64 (arch=c00000b7).
const EXEC_SYSCALLS: Record<string, readonly string[]> = { c000003e: ['59', '322'], c00000b7: ['221', '281'] };
// auid/uid 4294967295 (-1) means "not set", e.g. for daemons started before login.
const UNSET = new Set(['4294967295', '-1', 'unset']);

/**
 * Maps a decoded audit record to ECS fields (into `out`, which may already hold syslog fields).
 *
 * @example
 * auditToEcs(parseAuditRecord('type=USER_LOGIN msg=audit(1700000000.1:7): acct="bob" res=failed'), {})['event.outcome'] // 'failure'
 */
export function auditToEcs(record: AuditRecord, out: EventFields): EventFields {
  const stamp = isoOf(record.timestamp);
  if (stamp) out['@timestamp'] = stamp;
  out['event.kind'] = 'event';
  out['event.module'] = 'auditd';
  out['event.dataset'] = 'auditd.log';
  out['event.action'] = record.type.toLowerCase();
  out['auditd.log.record_type'] = record.type;
  out['auditd.log.sequence'] = record.sequence;
  if (record.node !== undefined) {
    out['auditd.log.node'] = record.node;
    out['host.name'] = record.node;
  }
  // Keys come from the record, so the lookup table has no prototype ("constructor", "__proto__").
  const v: Record<string, string> = Object.create(null) as Record<string, string>;
  const args: [index: number, chunk: number, value: string][] = [];
  for (const [key, value] of record.fields) {
    const name = prefixedName(AUDIT_NAMES, 'auditd.log.', key);
    const prev = out[name];
    // A repeated key keeps every value (appending in place: copying would be quadratic).
    if (v[key] === undefined) out[name] = value;
    else if (Array.isArray(prev)) (prev as string[]).push(value);
    else out[name] = [String(prev), value];
    if (v[key] === undefined) v[key] = value;
    if (record.type === 'EXECVE') {
      // a0, a1 ...; arguments too long for one field come as a1_len=N a1[0]=... a1[1]=...
      const arg = /^a(\d{1,7})(?:\[(\d{1,7})\])?$/.exec(key);
      if (arg) args.push([Number(arg[1]), Number(arg[2] ?? 0), value]);
    }
  }
  for (const [key, value] of record.enriched) out[prefixedName(ENRICHED_NAMES, 'auditd.log.enriched.', key)] = value;
  if (record.text.length > 0) out['auditd.log.text'] = record.text.join(' ');
  const e: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(record.enriched));

  setNumber(out, 'process.pid', v.pid);
  setNumber(out, 'process.parent.pid', v.ppid);
  if (v.comm !== undefined) out['process.name'] = v.comm;
  if (v.exe !== undefined) out['process.executable'] = v.exe;
  if (v.cwd !== undefined) out['process.working_directory'] = v.cwd;
  if (v.proctitle !== undefined) out['process.title'] = v.proctitle;
  if (v.cmd !== undefined) out['process.command_line'] = v.cmd;
  setId(out, 'user.id', v.uid);
  setId(out, 'user.audit.id', v.auid);
  setId(out, 'user.effective.id', v.euid);
  setId(out, 'user.group.id', v.gid);
  setUser(out, 'user.name', v.acct ?? e.UID);
  setUser(out, 'user.audit.name', e.AUID);
  setUser(out, 'user.effective.name', e.EUID);
  setEndpoint(out, 'source', v.addr);
  if (v.hostname !== undefined && v.hostname !== v.addr && out['source.domain'] === undefined && v.hostname !== '?') {
    out['source.domain'] = v.hostname;
  }
  if (v.terminal !== undefined) out['auditd.log.terminal'] = v.terminal;
  if (v.key !== undefined && v.key !== '(null)') out.tags = [v.key];

  if (record.type === 'EXECVE') {
    args.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const list: string[] = [];
    for (let k = 0; k < args.length; k++) {
      const [index, , value] = args[k]!;
      if (k > 0 && args[k - 1]![0] === index) list[list.length - 1] += value;
      else list.push(value);
    }
    if (list.length > 0) {
      out['process.args'] = list;
      out['process.args_count'] = list.length;
      out['process.command_line'] = list.join(' ');
    }
  }
  if (record.type === 'PATH' && v.name !== undefined && v.name !== '(null)') {
    out['file.path'] = v.name;
    if (v.inode !== undefined) out['file.inode'] = v.inode;
    if (v.mode !== undefined) out['file.mode'] = v.mode;
    setId(out, 'file.uid', v.ouid);
    setId(out, 'file.gid', v.ogid);
  }

  const outcome = outcomeOf(v);
  if (outcome) out['event.outcome'] = outcome;
  let kind = KINDS[record.type];
  if (!kind && record.type === 'SYSCALL') {
    const exec = e.SYSCALL === 'execve' || e.SYSCALL === 'execveat' || (v.arch !== undefined && v.syscall !== undefined && EXEC_SYSCALLS[v.arch]?.includes(v.syscall));
    if (exec) kind = ['process', ['start']];
  }
  if (kind) {
    out['event.category'] = [kind[0]];
    out['event.type'] = kind[1];
  }
  return out;
}

function outcomeOf(v: Record<string, string>): 'success' | 'failure' | undefined {
  const res = v.res ?? v.success;
  if (res === 'success' || res === 'yes' || res === '1') return 'success';
  if (res === 'failed' || res === 'no' || res === '0') return 'failure';
  if (v.apparmor === 'DENIED' || v.seresult === 'denied') return 'failure';
  return undefined;
}

function setNumber(out: EventFields, name: string, value: string | undefined): void {
  const n = value === undefined ? undefined : parseUint(value);
  if (n !== undefined) out[name] = n;
}

/** ECS ids are strings; unset ids are left out. */
function setId(out: EventFields, name: string, value: string | undefined): void {
  if (value !== undefined && !UNSET.has(value) && parseUint(value) !== undefined) out[name] = value;
}

/** Linux audit records as written to audit.log. */
export const auditdSourceType: TextSourceType = {
  name: 'auditd',
  description: 'Linux audit records (audit.log lines: type=... msg=audit(...): key=value ...)',
  input: 'text',
  detect: looksLikeAudit,
  normalize(text: string, _ctx: NormalizeContext): EventFields {
    return auditToEcs(parseAuditRecord(text), {});
  },
};
