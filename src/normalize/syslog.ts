/**
 * The `syslog` source type: RFC 3164 / RFC 5424 envelopes mapped to ECS `log.syslog.*`, `host.*`,
 * `process.*`, then the message handed to the mapper of its program or payload format (sshd, sudo,
 * su, PAM, cron, systemd-logind, auditd records, CEF, LEEF), whose fields are merged over the
 * envelope's (a payload's own event time wins over the sender's timestamp).
 */
import type { EventFields, FieldValue } from '../core/event.ts';
import { parseAuditRecord } from '../parse/auditd.ts';
import { parseCef } from '../parse/cef.ts';
import { parseLeef } from '../parse/leef.ts';
import { type SyslogMessage, parseSyslog } from '../parse/syslog.ts';
import { isDigit, monthAt, parseUint } from '../parse/text-util.ts';
import { auditToEcs } from './auditd.ts';
import { cefToEcs, leefToEcs } from './cef.ts';
import { mapLinuxAuth } from './linux-auth.ts';
import { prefixedName } from './text-fields.ts';
import { type NormalizeContext, ParseError, type TextSourceType } from './source-type.ts';

const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp',
  'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
];
const SEVERITIES = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'];
const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
const SD_PREFIXES = new Map<string, string>();
const SD_NAMES = new Map<string, string>();
const AUDIT_PROGRAMS = new Set(['audit', 'auditd', 'audispd', 'audisp-syslog', 'audisp-remote', 'kernel']);

/**
 * Maps a decoded syslog message (envelope and payload) to ECS fields.
 *
 * @example
 * syslogToEcs(parseSyslog('<38>Jan  5 10:00:00 web1 sshd[42]: Accepted publickey for bob from 10.0.0.9 port 50000 ssh2', 0), { receivedAt: 0 })['user.name'] // 'bob'
 */
export function syslogToEcs(msg: SyslogMessage, ctx: NormalizeContext): EventFields {
  const out: EventFields = { 'event.kind': 'event', 'event.module': 'syslog', 'event.dataset': 'syslog' };
  if (msg.timestamp !== undefined) out['@timestamp'] = msg.timestamp;
  if (msg.priority !== undefined) {
    out['log.syslog.priority'] = msg.priority;
    out['log.syslog.facility.code'] = msg.facility!;
    out['log.syslog.facility.name'] = FACILITIES[msg.facility!]!;
    out['log.syslog.severity.code'] = msg.severity!;
    out['log.syslog.severity.name'] = SEVERITIES[msg.severity!]!;
    out['log.level'] = LEVELS[msg.severity!]!;
  }
  if (msg.version !== undefined) out['log.syslog.version'] = String(msg.version);
  if (msg.hostname !== undefined) {
    out['log.syslog.hostname'] = msg.hostname;
    out['host.hostname'] = msg.hostname;
    out['host.name'] = msg.hostname;
  }
  if (msg.appName !== undefined) {
    out['log.syslog.appname'] = msg.appName;
    out['process.name'] = msg.appName;
  }
  if (msg.procId !== undefined) {
    out['log.syslog.procid'] = msg.procId;
    const pid = parseUint(msg.procId);
    if (pid !== undefined) out['process.pid'] = pid;
  }
  if (msg.msgId !== undefined) out['log.syslog.msgid'] = msg.msgId;
  if (msg.structuredData) {
    for (const element of msg.structuredData) {
      const prefix = prefixedName(SD_PREFIXES, 'log.syslog.structured_data.', element.id);
      for (const [name, value] of element.params) {
        const key = prefixedName(SD_NAMES, prefix, `.${name}`, 8192, `${element.id}\0${name}`);
        const prev: FieldValue | undefined = out[key];
        // A repeated parameter (allowed by RFC 5424) keeps every value; arrays here are our own,
        // so append in place (copying would be quadratic in the number of repeats).
        if (prev === undefined) out[key] = value;
        else if (Array.isArray(prev)) (prev as string[]).push(value);
        else out[key] = [String(prev), value];
      }
      if (element.params.length === 0) out[prefix] = true;
    }
  }
  out.message = msg.message;
  mapPayload(msg, out, ctx);
  return out;
}

/** Hands the message to the mapper of its payload format or program; a broken payload is reported, not fatal. */
function mapPayload(msg: SyslogMessage, out: EventFields, ctx: NormalizeContext): void {
  const text = msg.message;
  const app = msg.appName;
  let format = '';
  try {
    if (text.startsWith('CEF:')) {
      format = 'cef';
      cefToEcs(parseCef(text), out, ctx);
    } else if (text.startsWith('LEEF:')) {
      format = 'leef';
      leefToEcs(parseLeef(text), out, ctx);
    } else if (isAuditPayload(app, text)) {
      format = 'auditd';
      auditToEcs(parseAuditRecord(text), out);
    } else {
      mapLinuxAuth(app, text, out);
    }
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    // The envelope is still a good event: keep it, and say why the payload was not mapped.
    out['error.message'] = `${format} payload not parsed: ${err.message}`;
  }
}

function isAuditPayload(app: string | undefined, text: string): boolean {
  if (text.startsWith('type=') || text.startsWith('node=')) return text.indexOf('audit(') > 0;
  return app !== undefined && AUDIT_PROGRAMS.has(app) && text.startsWith('audit: type=');
}

/** Lines starting with `<PRI>`, a BSD timestamp (`Oct 11 22:14:15`) or an RFC 3339 timestamp. */
function detectSyslog(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 60) return isDigit(text.charCodeAt(1));
  if (isDigit(c)) {
    return text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && (text.charCodeAt(10) === 84 || text.charCodeAt(10) === 116);
  }
  return text.charCodeAt(3) === 32 && monthAt(text, 0) >= 0 && (isDigit(text.charCodeAt(4)) || text.charCodeAt(4) === 32);
}

/** Syslog (RFC 3164 and RFC 5424), with program-specific mapping of the message. */
export const syslogSourceType: TextSourceType = {
  name: 'syslog',
  description: 'Syslog RFC 3164 and RFC 5424 (rsyslog, syslog-ng, logger, /var/log files) with sshd, sudo, su, PAM, auditd, CEF and LEEF messages mapped',
  input: 'text',
  detect: detectSyslog,
  normalize(text: string, ctx: NormalizeContext): EventFields {
    return syslogToEcs(parseSyslog(text, ctx.receivedAt), ctx);
  },
};
