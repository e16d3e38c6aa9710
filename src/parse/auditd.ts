/**
 * Linux audit record decoder: `[node=N ]type=T msg=audit(SECONDS.MS:SERIAL): key=value ...` as
 * written to /var/log/audit/audit.log, the kernel's `audit: type=1400 audit(...): ...` form seen via
 * syslog, quoted values, hex-encoded values, a nested `msg='...'` of user-space records, and the
 * enriched section (after a 0x1d separator) with interpreted names such as `UID="root"`.
 *
 * @see https://github.com/linux-audit/audit-documentation/wiki/SPEC-Writing-Good-Events
 */
import { ParseError } from '../core/parse-error.ts';
import { decodeHex, parseUint } from './text-util.ts';

/** One audit record. Field order is kept; a key may repeat (EXECVE args never do, AVC may). */
export interface AuditRecord {
  node?: string;
  /** Record type name (`SYSCALL`, `USER_LOGIN`) or number when the kernel gave only that (`1400`). */
  type: string;
  /** Event time, ms since the epoch. */
  timestamp: number;
  /** Event serial: records of one event share it. */
  sequence: number;
  /** Raw values, with hex-encoded ones decoded. */
  fields: [key: string, value: string][];
  /** Interpreted values from the enriched section (`AUID`, `UID`, `SYSCALL`, ...). */
  enriched: [key: string, value: string][];
  /** Words that were not key=value pairs (SELinux AVC `avc: denied { read } for`). */
  text: string[];
}

// Fields whose unquoted values the kernel and auditd hex-encode when they hold spaces, quotes or
// control characters (the "untrusted strings" of the audit spec).
const ENCODED = new Set([
  'acct', 'cmd', 'comm', 'cwd', 'data', 'dir', 'exe', 'file', 'key', 'name', 'path', 'proctitle',
  'root_dir', 'vm', 'old-disk', 'new-disk', 'old-chardev', 'new-chardev',
]);

/** True when the text starts like an audit record (cheap, for auto-detection). */
export function looksLikeAudit(text: string): boolean {
  return (text.startsWith('type=') || text.startsWith('node=')) && text.indexOf('audit(') > 0;
}

/**
 * Decodes one audit record line; throws {@link ParseError} when the header is missing or malformed.
 *
 * @example
 * parseAuditRecord('type=USER_LOGIN msg=audit(1700000000.123:42): pid=1 res=success').sequence // 42
 */
export function parseAuditRecord(line: string): AuditRecord {
  let i = line.startsWith('audit: ') ? 7 : 0;
  let node: string | undefined;
  if (line.startsWith('node=', i)) {
    const sp = line.indexOf(' ', i);
    if (sp < 0) throw new ParseError('truncated audit record: nothing after node=');
    node = line.slice(i + 5, sp);
    i = sp + 1;
  }
  if (!line.startsWith('type=', i)) throw new ParseError('not an audit record: expected "type=" at the start');
  const typeEnd = line.indexOf(' ', i);
  if (typeEnd < 0) throw new ParseError('truncated audit record: nothing after type=');
  const type = line.slice(i + 5, typeEnd);
  if (type === '') throw new ParseError('invalid audit record: empty type');
  i = typeEnd + 1;
  if (line.startsWith('msg=', i)) i += 4;
  if (!line.startsWith('audit(', i)) throw new ParseError('invalid audit record: expected msg=audit(SECONDS:SERIAL) after the type');
  const close = line.indexOf('):', i);
  if (close < 0 || close - i > 40) throw new ParseError('invalid audit record: unterminated audit(...) header');
  const header = line.slice(i + 6, close);
  const colon = header.indexOf(':');
  const dot = header.indexOf('.');
  const seconds = parseUint(dot > 0 ? header.slice(0, dot) : header.slice(0, colon));
  const millis = dot > 0 ? parseUint(header.slice(dot + 1, colon)) : 0;
  const sequence = parseUint(header.slice(colon + 1));
  if (colon < 0 || seconds === undefined || millis === undefined || sequence === undefined) {
    throw new ParseError(`invalid audit record header audit(${header})`);
  }
  const fraction = dot > 0 ? header.slice(dot + 1, colon) : '';
  const timestamp = seconds * 1000 + (fraction === '' ? 0 : Math.floor(millis / 10 ** Math.max(0, fraction.length - 3)));
  const record: AuditRecord = { node, type, timestamp, sequence, fields: [], enriched: [], text: [] };

  let body = line.slice(close + 2);
  const gs = body.indexOf('\x1d');
  if (gs >= 0) {
    readPairs(body.slice(gs + 1), record.enriched, undefined, type);
    body = body.slice(0, gs);
  }
  readPairs(body, record.fields, record.text, type);
  return record;
}

/** Reads `key=value` pairs separated by spaces; a `msg='...'` value is read as pairs itself. */
function readPairs(body: string, out: [string, string][], text: string[] | undefined, type: string): void {
  let i = 0;
  const len = body.length;
  while (i < len) {
    while (i < len && body.charCodeAt(i) === 32) i++;
    if (i >= len) break;
    let j = i;
    while (j < len && body.charCodeAt(j) !== 61 && body.charCodeAt(j) !== 32) j++;
    if (j >= len || body.charCodeAt(j) === 32 || j === i) {
      // Not key=value: a bare word such as AVC's "denied" or "{".
      let end = body.indexOf(' ', i);
      if (end < 0) end = len;
      if (text) text.push(body.slice(i, end));
      i = end;
      continue;
    }
    const key = body.slice(i, j);
    i = j + 1;
    const q = body.charCodeAt(i);
    let value: string;
    if (q === 34 || q === 39) {
      // Quoted: audit never escapes inside quotes; an unterminated quote runs to the end of the line.
      const end = body.indexOf(q === 34 ? '"' : "'", i + 1);
      value = body.slice(i + 1, end < 0 ? len : end);
      i = end < 0 ? len : end + 1;
      if (q === 39 && key === 'msg') {
        readPairs(value, out, text, type);
        continue;
      }
    } else {
      let end = body.indexOf(' ', i);
      if (end < 0) end = len;
      value = body.slice(i, end);
      i = end;
      if (isEncodedField(key, type) && isUpperHex(value)) {
        const decoded = decodeHex(value);
        if (decoded !== undefined) value = key === 'proctitle' ? argvToText(decoded) : decoded;
      }
    }
    out.push([key, value]);
  }
}

function isEncodedField(key: string, type: string): boolean {
  if (ENCODED.has(key)) return true;
  // EXECVE arguments a0, a1, a2[0] ...; in SYSCALL records a0-a3 are hex numbers, not strings.
  return type === 'EXECVE' && key.charCodeAt(0) === 97 && key.length > 1 && key.charCodeAt(1) >= 48 && key.charCodeAt(1) <= 57;
}

/** auditd writes encoded values in upper-case hex; lower case marks a value that was not encoded. */
function isUpperHex(value: string): boolean {
  if (value.length < 2 || value.length % 2 !== 0) return false;
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** proctitle is argv joined by NULs (with a trailing NUL when truncated): join with spaces. */
function argvToText(argv: string): string {
  let end = argv.length;
  while (end > 0 && argv.charCodeAt(end - 1) === 0) end--;
  return argv.slice(0, end).replaceAll('\0', ' ');
}
