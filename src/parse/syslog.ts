/**
 * Syslog envelope decoder: RFC 5424 and RFC 3164 (BSD) with the variants real senders emit (rsyslog,
 * util-linux `logger`, files such as /var/log/auth.log that carry no PRI, ISO timestamps in the 3164
 * position, messages without hostname). A single forward scan, no regular expressions.
 *
 * @see https://www.rfc-editor.org/rfc/rfc5424
 * @see https://www.rfc-editor.org/rfc/rfc3164
 */
import { ParseError } from '../core/parse-error.ts';
import { digitsAt, isDigit, isoOf, monthAt, readClock, utcYear } from './text-util.ts';

/** One RFC 5424 SD-ELEMENT: its SD-ID and its parameters in order (names may repeat). */
export interface SyslogSdElement {
  id: string;
  params: [name: string, value: string][];
}

/** A decoded syslog message. Absent fields were absent or NILVALUE (`-`) in the record. */
export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164';
  priority?: number;
  facility?: number;
  severity?: number;
  /** RFC 5424 VERSION. */
  version?: number;
  /** Event time as ISO 8601 in UTC. */
  timestamp?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  structuredData?: SyslogSdElement[];
  message: string;
}

const DAY_MS = 86_400_000;

/**
 * Decodes one syslog line. `receivedAt` supplies the year of RFC 3164 timestamps, which have none:
 * the receive year, or the year before when that would put the event more than a day in the future.
 * 3164 timestamps without a zone are taken as UTC. Throws {@link ParseError} for malformed records.
 *
 * @example
 * parseSyslog('<34>Oct 11 22:14:15 mymachine su: \'su root\' failed', Date.UTC(2024, 0, 1)).hostname // 'mymachine'
 */
export function parseSyslog(text: string, receivedAt: number): SyslogMessage {
  let end = text.length;
  // Trailing newline/NUL from framing is not part of the message.
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== 0) break;
    end--;
  }
  const line = end === text.length ? text : text.slice(0, end);
  let i = 0;
  let priority: number | undefined;
  if (line.charCodeAt(0) === 60 /* < */) {
    let j = 1;
    while (j < line.length && j <= 4 && isDigit(line.charCodeAt(j))) j++;
    if (j === 1 || line.charCodeAt(j) !== 62 /* > */) {
      throw new ParseError('invalid PRI: expected "<", 1 to 3 digits and ">" at the start');
    }
    if (j - 1 > 3) throw new ParseError('invalid PRI: more than 3 digits');
    priority = digitsAt(line, 1, j - 1);
    if (priority > 191) throw new ParseError(`invalid PRI <${line.slice(1, j)}>: priority must be 0 to 191`);
    i = j + 1;
  }
  // Every result has the same shape (all fields present, maybe undefined): one hidden class for V8.
  const out: SyslogMessage = {
    format: 'rfc3164', priority, facility: priority === undefined ? undefined : priority >> 3,
    severity: priority === undefined ? undefined : priority & 7, version: undefined, timestamp: undefined,
    hostname: undefined, appName: undefined, procId: undefined, msgId: undefined, structuredData: undefined, message: '',
  };
  // RFC 5424: VERSION (a non-zero digit, at most 3 digits) then a space.
  if (priority !== undefined && line.charCodeAt(i) >= 49 && line.charCodeAt(i) <= 57) {
    let j = i + 1;
    while (j < i + 3 && isDigit(line.charCodeAt(j))) j++;
    if (line.charCodeAt(j) === 32) {
      out.format = 'rfc5424';
      out.version = digitsAt(line, i, j - i);
      return parse5424(line, j + 1, out);
    }
  }
  return parse3164(line, i, receivedAt, out);
}

function parse5424(line: string, start: number, out: SyslogMessage): SyslogMessage {
  let i = start;
  const field = (name: string): string | undefined => {
    const sp = line.indexOf(' ', i);
    if (sp < 0 || sp === i) throw new ParseError(`truncated RFC 5424 header: missing ${name}`);
    const value = line.slice(i, sp);
    i = sp + 1;
    return value === '-' ? undefined : value;
  };
  const stamp = field('TIMESTAMP');
  if (stamp !== undefined) {
    const ms = parse5424Time(stamp);
    out.timestamp = ms === undefined ? undefined : isoOf(ms);
    if (out.timestamp === undefined) throw new ParseError(`invalid RFC 5424 timestamp "${stamp.slice(0, 40)}"`);
  }
  out.hostname = field('HOSTNAME');
  out.appName = field('APP-NAME');
  out.procId = field('PROCID');
  // MSGID may be the last header field of a record that ends right after it (no SD, no space).
  let msgId: string | undefined;
  const sp = line.indexOf(' ', i);
  if (sp < 0) throw new ParseError('truncated RFC 5424 header: missing STRUCTURED-DATA');
  msgId = line.slice(i, sp);
  if (msgId === '') throw new ParseError('truncated RFC 5424 header: missing MSGID');
  if (msgId === '-') msgId = undefined;
  i = sp + 1;

  out.msgId = msgId;
  if (line.charCodeAt(i) === 45 /* - */) {
    i++;
  } else if (line.charCodeAt(i) === 91 /* [ */) {
    const sd = parseStructuredData(line, i);
    out.structuredData = sd.elements;
    i = sd.end;
  } else {
    throw new ParseError(i >= line.length ? 'truncated RFC 5424 record: missing STRUCTURED-DATA' : 'invalid STRUCTURED-DATA: expected "-" or "["');
  }
  if (i < line.length) {
    if (line.charCodeAt(i) !== 32) throw new ParseError('invalid RFC 5424 record: expected a space after STRUCTURED-DATA');
    out.message = line.slice(line.charCodeAt(i + 1) === 0xfeff ? i + 2 : i + 1);
  }
  return out;
}

/** `[id name="value" ...][id2 ...]`; values unescape `\"`, `\\` and `\]`, other backslashes stay. */
function parseStructuredData(line: string, start: number): { elements: SyslogSdElement[]; end: number } {
  const elements: SyslogSdElement[] = [];
  let i = start;
  while (line.charCodeAt(i) === 91) {
    i++;
    const idStart = i;
    while (i < line.length && !isSdDelimiter(line.charCodeAt(i))) i++;
    if (i === idStart) throw new ParseError('invalid STRUCTURED-DATA: empty SD-ID');
    const element: SyslogSdElement = { id: line.slice(idStart, i), params: [] };
    for (;;) {
      if (i >= line.length) throw new ParseError(`unterminated STRUCTURED-DATA element [${element.id}`);
      const c = line.charCodeAt(i);
      if (c === 93 /* ] */) { i++; break; }
      if (c !== 32) throw new ParseError(`invalid STRUCTURED-DATA in [${element.id}]: unexpected "${line[i]}"`);
      while (line.charCodeAt(i) === 32) i++;
      if (line.charCodeAt(i) === 93) continue;
      const nameStart = i;
      while (i < line.length && !isSdDelimiter(line.charCodeAt(i))) i++;
      const name = line.slice(nameStart, i);
      if (name === '' || line.charCodeAt(i) !== 61 /* = */ || line.charCodeAt(i + 1) !== 34 /* " */) {
        throw new ParseError(`invalid STRUCTURED-DATA in [${element.id}]: expected name="value"`);
      }
      i += 2;
      let value = '';
      let chunk = i;
      for (;;) {
        if (i >= line.length) throw new ParseError(`unterminated STRUCTURED-DATA value ${element.id}.${name}`);
        const v = line.charCodeAt(i);
        if (v === 34) break;
        if (v === 92 /* \ */) {
          const next = line.charCodeAt(i + 1);
          if (next === 34 || next === 92 || next === 93) {
            value += line.slice(chunk, i);
            chunk = i + 1;
            i += 2;
            continue;
          }
        }
        i++;
      }
      value += line.slice(chunk, i);
      i++;
      element.params.push([name, value]);
    }
    elements.push(element);
  }
  return { elements, end: i };
}

/** SD-NAME ends at '=', ' ', ']', '"' or a control character. */
function isSdDelimiter(c: number): boolean {
  return c === 61 || c === 32 || c === 93 || c === 34 || c < 33 || c === 127;
}

/** RFC 3339 full date-time, up to 9 fraction digits; returns ms since the epoch. */
function parse5424Time(s: string): number | undefined {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (s[10] !== 'T' && s[10] !== 't')) return undefined;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const clock = readClock(s, 11);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || !clock) return undefined;
  if (clock.end - 20 > 9) return undefined;
  const offset = readOffset(s, clock.end);
  if (offset === undefined) return undefined;
  return Date.UTC(year, month - 1, day, clock.h, clock.m, clock.s, clock.ms) - offset * 60_000;
}

/** `Z` or `±hh:mm` filling the rest of `s` from `at`; the offset in minutes. */
function readOffset(s: string, at: number): number | undefined {
  if (at === s.length - 1 && (s[at] === 'Z' || s[at] === 'z')) return 0;
  if (at !== s.length - 6 || s.charCodeAt(at + 3) !== 58) return undefined;
  const sign = s.charCodeAt(at);
  const hh = digitsAt(s, at + 1, 2);
  const mm = digitsAt(s, at + 4, 2);
  if ((sign !== 43 && sign !== 45) || hh < 0 || hh > 23 || mm < 0 || mm > 59) return undefined;
  return (sign === 45 ? -1 : 1) * (hh * 60 + mm);
}

function parse3164(line: string, start: number, receivedAt: number, out: SyslogMessage): SyslogMessage {
  let i = start;
  let end = readBsdTime(line, i, receivedAt, out);
  if (end < 0) end = readIsoTime(line, i, out);
  if (end >= 0) i = end;
  const timestamp = out.timestamp;
  if (out.priority === undefined && timestamp === undefined) {
    throw new ParseError('not a syslog record: no <PRI> and no timestamp at the start');
  }
  if (timestamp !== undefined) {
    if (i < line.length && line.charCodeAt(i) !== 32) throw new ParseError('invalid RFC 3164 record: expected a space after the timestamp');
    i++;
  }
  if (i >= line.length) return out;

  // HOSTNAME is present when the first word is not itself a TAG; it never follows a missing timestamp.
  let sp = line.indexOf(' ', i);
  let wordEnd = sp < 0 ? line.length : sp;
  if (timestamp !== undefined && !readTag(line, i, wordEnd, out) && !isPayloadStart(line, i)) {
    // "-" is what some relays write for an unknown host (RFC 5424's NILVALUE habit).
    if (wordEnd > i && !(wordEnd === i + 1 && line.charCodeAt(i) === 45)) out.hostname = line.slice(i, wordEnd);
    if (sp < 0) return out;
    i = sp + 1;
    sp = line.indexOf(' ', i);
    wordEnd = sp < 0 ? line.length : sp;
    if (!readTag(line, i, wordEnd, out)) {
      out.message = line.slice(i);
      return out;
    }
  } else if (timestamp === undefined && !readTag(line, i, wordEnd, out)) {
    out.message = line.slice(i);
    return out;
  }
  if (out.appName === undefined) {
    out.message = line.slice(i);
    return out;
  }
  out.message = sp < 0 ? '' : line.slice(sp + 1);
  return out;
}

/** A CEF/LEEF payload sent with a timestamp but no hostname must not be read as a hostname. */
function isPayloadStart(line: string, i: number): boolean {
  return line.startsWith('CEF:', i) || line.startsWith('LEEF:', i);
}

/**
 * TAG word `line[start, end)`: `name:` or `name[pid]:`, where the name has no space, ':' or '[' and
 * is at most 128 characters (wider than RFC 3164's 32 alphanumerics: `postfix/smtpd`, `systemd-logind`).
 */
function readTag(line: string, start: number, end: number, out: SyslogMessage): boolean {
  const len = end - start;
  if (len < 2 || len > 160 || line.charCodeAt(end - 1) !== 58) return false;
  let j = start;
  while (j < end - 1) {
    const c = line.charCodeAt(j);
    if (c === 58 || c === 91 || c === 93) break;
    j++;
  }
  if (j === start || j - start > 128) return false;
  if (j === end - 1) {
    out.appName = line.slice(start, j);
    return true;
  }
  if (line.charCodeAt(j) !== 91 || line.charCodeAt(end - 2) !== 93 || end - 2 <= j + 1) return false;
  for (let k = j + 1; k < end - 2; k++) {
    const c = line.charCodeAt(k);
    if (c === 91 || c === 93) return false;
  }
  out.appName = line.slice(start, j);
  out.procId = line.slice(j + 1, end - 2);
  return true;
}

/**
 * `Mmm dd hh:mm:ss[.frac]` or `Mmm dd yyyy hh:mm:ss` (day may be space-padded), read as UTC, into
 * `out.timestamp`. Returns the index after it, or -1 when there is none.
 */
function readBsdTime(line: string, at: number, receivedAt: number, out: SyslogMessage): number {
  const month = monthAt(line, at);
  if (month < 0 || line.charCodeAt(at + 3) !== 32) return -1;
  let i = at + 4;
  if (line.charCodeAt(i) === 32) i++;
  const twoDigits = isDigit(line.charCodeAt(i + 1));
  const day = digitsAt(line, i, twoDigits ? 2 : 1);
  i += twoDigits ? 2 : 1;
  if (day < 1 || day > 31 || line.charCodeAt(i) !== 32) return -1;
  i++;
  let year = -1;
  if (line.charCodeAt(i + 4) === 32 && line.charCodeAt(i + 2) !== 58) {
    year = digitsAt(line, i, 4);
    if (year < 0) return -1;
    i += 5;
  }
  const clock = readClock(line, i);
  if (!clock) return -1;
  let ms: number;
  if (year >= 0) {
    ms = Date.UTC(year, month, day, clock.h, clock.m, clock.s, clock.ms);
  } else {
    const receivedYear = utcYear(receivedAt);
    ms = Date.UTC(receivedYear, month, day, clock.h, clock.m, clock.s, clock.ms);
    if (ms > receivedAt + DAY_MS) ms = Date.UTC(receivedYear - 1, month, day, clock.h, clock.m, clock.s, clock.ms);
  }
  const iso = isoOf(ms);
  if (iso === undefined) return -1;
  out.timestamp = iso;
  return clock.end;
}

/** rsyslog's high-precision format in the 3164 position: RFC 3339, zone optional (then UTC). */
function readIsoTime(line: string, at: number, out: SyslogMessage): number {
  if (!isDigit(line.charCodeAt(at)) || line.charCodeAt(at + 4) !== 45) return -1;
  let end = line.indexOf(' ', at);
  if (end < 0) end = line.length;
  if (end - at > 40) return -1;
  const word = line.slice(at, end);
  let ms = parse5424Time(word);
  if (ms === undefined) ms = parse5424Time(`${word}Z`);
  const iso = ms === undefined ? undefined : isoOf(ms);
  if (iso === undefined) return -1;
  out.timestamp = iso;
  return end;
}
