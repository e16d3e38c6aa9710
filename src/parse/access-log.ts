/**
 * Web server access-log decoder for the NCSA formats nginx and Apache write by default:
 * common (`%h %l %u %t "%r" %>s %b`), combined (plus `"%{Referer}i" "%{User-agent}i"`),
 * vhost_combined (`%v:%p` in front) and nginx's `main` (plus `"$http_x_forwarded_for"`).
 * Anything after the known fields is kept in `extra`. Hand-written scanner, no regex.
 */
import { ParseError } from '../core/parse-error.ts';
import { digitsAt, isDigit, isoOf, monthAt } from './text-util.ts';

/** One decoded access-log line. Fields logged as `-` are absent. */
export interface AccessLogEntry {
  /** `%v` of vhost_combined. */
  vhost?: string;
  vhostPort?: number;
  client: string;
  ident?: string;
  user?: string;
  /** Request time as ISO 8601 (UTC). */
  timestamp: string;
  /** The request line as logged (may be garbage sent by scanners, or `-`). */
  request: string;
  method?: string;
  target?: string;
  /** `HTTP/1.1` → `1.1`. */
  httpVersion?: string;
  status?: number;
  bytes?: number;
  referrer?: string;
  userAgent?: string;
  /** Further fields (quoted ones unquoted), e.g. nginx's X-Forwarded-For. */
  extra: string[];
}

/**
 * True when the line has the shape `host ident user [dd/Mon/yyyy:...` within its first 512
 * characters (cheap: used by auto-detection on every record).
 */
export function looksLikeAccessLog(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c === 60 /* < */ || c === 123 /* { */ || c === 32 || Number.isNaN(c)) return false;
  const limit = Math.min(text.length, 512);
  let spaces = 0;
  for (let i = 1; i < limit - 4; i++) {
    const d = text.charCodeAt(i);
    if (d === 91 && text.charCodeAt(i - 1) === 32) {
      // "client ident user [" or "vhost:port client ident user [": 3 or 4 words before the time.
      return (spaces === 3 || spaces === 4) && isDigit(text.charCodeAt(i + 1)) && text.charCodeAt(i + 3) === 47 /* / */ &&
        text.indexOf('] "', i) > 0;
    }
    if (d === 32 && ++spaces > 4) return false;
  }
  return false;
}

/**
 * Decodes one access-log line; throws {@link ParseError} when it is not in an NCSA format.
 *
 * @example
 * parseAccessLog('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326').status // 200
 */
export function parseAccessLog(line: string): AccessLogEntry {
  const open = line.indexOf(' [');
  if (open <= 0 || open > 1024) throw new ParseError('not an access log line: no "[time]" after the client fields');
  const words = line.slice(0, open).split(' ');
  let vhost: string | undefined;
  let vhostPort: number | undefined;
  // vhost_combined puts "%v:%p" first; ident (%l) is practically always "-".
  if (words.length >= 4 && words[2] === '-') {
    const first = words.shift()!;
    const colon = first.lastIndexOf(':');
    const p = colon > 0 ? digitsAt(first, colon + 1, first.length - colon - 1) : -1;
    vhost = p >= 0 ? first.slice(0, colon) : first;
    if (p >= 0 && p <= 65535) vhostPort = p;
  }
  if (words.length < 3 || words[0] === '') throw new ParseError('invalid access log line: expected "client ident user" before the time');
  const client = words[0]!;
  const ident = dash(words[1]!);
  const user = dash(words.slice(2).join(' '));
  const close = line.indexOf(']', open);
  if (close < 0) throw new ParseError('invalid access log line: unterminated [time]');
  const timestamp = readClfTime(line.slice(open + 2, close));
  if (timestamp === undefined) throw new ParseError(`invalid access log time [${line.slice(open + 2, Math.min(close, open + 42))}]`);

  let i = close + 1;
  if (line.charCodeAt(i) !== 32 || line.charCodeAt(i + 1) !== 34) throw new ParseError('invalid access log line: expected a quoted request after the time');
  const requestField = readQuoted(line, i + 1);
  if (!requestField) throw new ParseError('invalid access log line: unterminated request string');
  i = requestField.end;
  const entry: AccessLogEntry = { vhost, vhostPort, client, ident, user, timestamp, request: requestField.value, extra: [] };
  splitRequest(entry);

  const rest = readFields(line, i);
  if (rest.length < 2) throw new ParseError('truncated access log line: missing status or size');
  const status = rest[0]!;
  if (status !== '-') {
    const code = status.length === 3 ? digitsAt(status, 0, 3) : -1;
    if (code < 100) throw new ParseError(`invalid HTTP status "${status.slice(0, 20)}"`);
    entry.status = code;
  }
  const bytes = rest[1]!;
  if (bytes !== '-') {
    const n = bytes.length <= 15 ? digitsAt(bytes, 0, bytes.length) : -1;
    if (n < 0) throw new ParseError(`invalid response size "${bytes.slice(0, 20)}"`);
    entry.bytes = n;
  }
  entry.referrer = dash(rest[2]);
  entry.userAgent = dash(rest[3]);
  entry.extra = rest.slice(4);
  return entry;
}

function dash(value: string | undefined): string | undefined {
  return value === undefined || value === '-' || value === '' ? undefined : value;
}

/** `METHOD target HTTP/x.y`; the target may contain spaces when clients send them unencoded. */
function splitRequest(entry: AccessLogEntry): void {
  const r = entry.request;
  const sp = r.indexOf(' ');
  if (sp <= 0 || sp > 32) return;
  for (let k = 0; k < sp; k++) {
    const c = r.charCodeAt(k);
    if (!((c >= 65 && c <= 90) || c === 45 || c === 95)) return;
  }
  entry.method = r.slice(0, sp);
  const last = r.lastIndexOf(' ');
  if (last > sp && r.startsWith('HTTP/', last + 1)) {
    entry.target = r.slice(sp + 1, last);
    entry.httpVersion = r.slice(last + 6);
  } else {
    entry.target = r.slice(sp + 1);
  }
}

/** A `"..."` field at `line[at]`: `\"` and `\\` unescape (Apache), `\xHH` stays as logged (both servers). */
function readQuoted(line: string, at: number): { value: string; end: number } | undefined {
  let value = '';
  let chunk = at + 1;
  for (let i = at + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) return { value: value + line.slice(chunk, i), end: i + 1 };
    if (c === 92 && (line.charCodeAt(i + 1) === 34 || line.charCodeAt(i + 1) === 92)) {
      value += line.slice(chunk, i);
      chunk = i + 1;
      i++;
    }
  }
  return undefined;
}

/** Space-separated fields from `at`, quoted or bare. An unterminated quote takes the rest of the line. */
function readFields(line: string, at: number): string[] {
  const out: string[] = [];
  let i = at;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 34) {
      const q = readQuoted(line, i);
      if (!q) {
        out.push(line.slice(i + 1));
        break;
      }
      out.push(q.value);
      i = q.end;
      continue;
    }
    let end = line.indexOf(' ', i);
    if (end < 0) end = line.length;
    out.push(line.slice(i, end));
    i = end;
  }
  return out;
}

/** `10/Oct/2000:13:55:36 -0700` → ISO 8601 in UTC. */
function readClfTime(s: string): string | undefined {
  if (s.length !== 26 || s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47 || s.charCodeAt(11) !== 58 || s.charCodeAt(20) !== 32) return undefined;
  const day = digitsAt(s, 0, 2);
  const month = monthAt(s, 3);
  const year = digitsAt(s, 7, 4);
  const h = digitsAt(s, 12, 2);
  const m = digitsAt(s, 15, 2);
  const sec = digitsAt(s, 18, 2);
  const sign = s.charCodeAt(21);
  const oh = digitsAt(s, 22, 2);
  const om = digitsAt(s, 24, 2);
  if (day < 1 || day > 31 || month < 0 || year < 0 || h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60) return undefined;
  if ((sign !== 43 && sign !== 45) || oh < 0 || om < 0 || s.charCodeAt(14) !== 58 || s.charCodeAt(17) !== 58) return undefined;
  const offset = (sign === 45 ? -1 : 1) * (oh * 60 + om);
  return isoOf(Date.UTC(year, month, day, h, m, sec) - offset * 60_000);
}
