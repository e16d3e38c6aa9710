/**
 * The data set of the search benchmark (bench/search.ts): a seeded stream of events over a week,
 * 30% real OTRF Windows events, 40% Linux syslog (sshd, sudo, PAM, kernel firewall, cron) and 30% nginx
 * access lines through syslog, from 200 hosts and about 2,000 users. A rare marker string is planted
 * in chosen events so a free-text search has a known answer.
 *
 * Windows events are read in place from ../shared/datasets/otrf and cycled; each copy gets its own
 * time, host and RecordNumber by filling slots of a template made once per pooled event, so a copy
 * costs a few string concatenations.
 */
import { DEFAULT_INPUT_LIMITS } from '../src/core/limits.ts';
import { normalizeRecord } from '../src/normalize/normalize-record.ts';
import { otrfArchives, readOtrfLines } from '../test/otrf-reader.ts';
import { prng } from './_ingest-data.ts';

/** Start of the week the events span (a Monday, 00:00 UTC). */
export const WEEK_START = Date.UTC(2026, 2, 2);
export const WEEK_MS = 7 * 86_400_000;
/** The planted string: in no OTRF event and no generated line except the marked ones. */
export const MARKER = 'qz7vigil-rare-k3y';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** 120 Windows machines and 80 Linux ones: 200 hosts. */
const WINDOWS_HOSTS = [
  ...Array.from({ length: 4 }, (_, i) => `DC-${pad2(i + 1)}.corp.example.com`),
  ...Array.from({ length: 8 }, (_, i) => `SRV-${pad2(i + 1)}.corp.example.com`),
  ...Array.from({ length: 108 }, (_, i) => `WKS-${pad3(i + 1)}.corp.example.com`),
];
const WEB_HOSTS = Array.from({ length: 24 }, (_, i) => `web-${pad2(i + 1)}`);
const LINUX_HOSTS = [
  ...WEB_HOSTS,
  ...Array.from({ length: 32 }, (_, i) => `app-${pad2(i + 1)}`),
  ...Array.from({ length: 12 }, (_, i) => `db-${pad2(i + 1)}`),
  ...Array.from({ length: 4 }, (_, i) => `bastion-${pad2(i + 1)}`),
  ...Array.from({ length: 8 }, (_, i) => `ci-${pad2(i + 1)}`),
];
export const HOST_COUNT = WINDOWS_HOSTS.length + LINUX_HOSTS.length;

const FIRST = ['anna', 'ben', 'carla', 'dan', 'eva', 'finn', 'gina', 'hugo', 'ines', 'jon', 'kira', 'leo', 'mia', 'nils', 'olga', 'paul',
  'rosa', 'sam', 'tara', 'uwe', 'vera', 'will', 'xena', 'yann', 'zoe', 'adam', 'bea', 'chris', 'dora', 'emil', 'fay', 'glen', 'hana',
  'ivan', 'jana', 'karl', 'lena', 'max', 'nora', 'otto'];
const LAST = ['smith', 'meyer', 'garcia', 'rossi', 'novak', 'kowalski', 'jensen', 'dubois', 'silva', 'tanaka', 'kim', 'nguyen', 'patel',
  'khan', 'costa', 'weber', 'wagner', 'becker', 'schulz', 'hoffmann', 'koch', 'richter', 'klein', 'wolf', 'neumann', 'schwarz', 'braun',
  'zimmer', 'hartmann', 'lange', 'werner', 'krause', 'lehmann', 'maier', 'fuchs', 'vogel', 'keller', 'frank', 'berger', 'roth', 'beck',
  'lorenz', 'baumann', 'franke', 'albrecht', 'simon', 'ludwig', 'winter', 'kraus', 'martin'];
/** 2,000 people (first.last) plus the service accounts every Linux fleet has. */
const PEOPLE = FIRST.flatMap((f) => LAST.map((l) => `${f}.${l}`));
const SERVICE_USERS = ['root', 'deploy', 'ubuntu', 'postgres', 'jenkins', 'backup', 'ansible', 'git'];
export const USER_COUNT = PEOPLE.length + SERVICE_USERS.length;
/** Names brute-force scanners try. */
const ATTACK_USERS = ['admin', 'test', 'oracle', 'user', 'guest', 'support', 'ftpuser', 'pi', 'minecraft', 'ubnt'];

const PATHS = ['/', '/index.html', '/api/v1/items', '/api/v1/orders', '/api/v1/users/me', '/login', '/logout', '/static/app.js',
  '/static/app.css', '/favicon.ico', '/search', '/health', '/wp-login.php', '/.env', '/admin', '/cart', '/checkout'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'curl/8.5.0', 'python-requests/2.31.0', 'Go-http-client/1.1', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const COMMANDS = ['/usr/bin/systemctl restart nginx', '/usr/bin/apt-get upgrade -y', '/bin/cat /etc/shadow', '/usr/bin/journalctl -u sshd',
  '/usr/bin/docker ps', '/usr/bin/tail -f /var/log/syslog', '/usr/sbin/service postgresql reload', '/usr/bin/vim /etc/hosts'];
const CRON = ['/usr/lib/php/sessionclean', 'test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )',
  '/opt/backup/run.sh --incremental', '/usr/local/bin/certbot renew -q', 'command -v debian-sa1 > /dev/null && debian-sa1 1 1'];

export type EventKind = 'windows' | 'linux' | 'web';

/** One generated event: the line Vigil receives and the same event as a line of the NDJSON copy. */
export interface BenchEvent {
  kind: EventKind;
  /** What intake hands to normalizeRecord (`text`). */
  line: string;
  /** One NDJSON line: Windows events as they are, syslog lines as `{"message": line}`. */
  ndjson: string;
  /** Event time (ms) written into the line. */
  time: number;
  /** When Vigil received it: a little after the event time. */
  receivedAt: number;
  marked: boolean;
}

type Slot = 'iso' | 'nxlog' | 'utc' | 'host' | 'record';

/** A pooled Windows event with slots for time, host and record number between its literal parts. */
interface WindowsTemplate {
  parts: string[];
  slots: Slot[];
}

export interface WindowsPoolInfo {
  templates: WindowsTemplate[];
  origin: string;
}

/** Top-level keys of the OTRF shapes (NXLog flat, Winlogbeat 6) rewritten per copy, and how each is written. */
const SLOT_KEYS: Record<string, Slot> = {
  '@timestamp': 'iso', TimeCreated: 'iso', EventTime: 'nxlog', EventReceivedTime: 'nxlog', UtcTime: 'utc', Hostname: 'host', RecordNumber: 'record',
  // Winlogbeat 6 shape
  computer_name: 'host',
};
const TOKEN = (slot: Slot): string => `@@vigil-bench-${slot}@@`;
const TOKEN_PATTERN = /"@@vigil-bench-(iso|nxlog|utc|host|record)@@"/;

function nxlogTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function renderWindows(t: WindowsTemplate, time: number, host: string, record: number): string {
  let out = t.parts[0]!;
  for (let i = 0; i < t.slots.length; i++) {
    const slot = t.slots[i]!;
    const value = slot === 'iso' ? `"${new Date(time).toISOString()}"`
      : slot === 'nxlog' ? `"${nxlogTime(time)}"`
        : slot === 'utc' ? `"${new Date(time).toISOString().slice(0, 23).replace('T', ' ')}"`
          : slot === 'host' ? `"${host}"`
            : String(record);
    out += value + t.parts[i + 1]!;
  }
  return out;
}

/**
 * A few thousand OTRF Windows events: the first `perArchive` events of every archive, plus every
 * failed logon (4625: 25 in the whole set) and a few successful ones (4624) per archive, so logons are
 * as present as in a real domain and the filtered search has matches. Each becomes a template; one
 * whose copies would not normalize to the time and host written into them is left out.
 */
export function searchWindowsPool(perArchive = 30, logonsPerArchive = 10): WindowsPoolInfo {
  const archives = otrfArchives();
  if (archives.length === 0) throw new Error('search benchmark: the OTRF datasets are missing (expected under /work/shared/datasets/otrf)');
  const templates: WindowsTemplate[] = [];
  let dropped = 0;
  for (const archive of archives) {
    let logons = 0;
    readOtrfLines(archive).forEach((line, i) => {
      const failedLogon = line.includes('"EventID":4625,');
      const logon = line.includes('"EventID":4624,') && logons < logonsPerArchive;
      if (i >= perArchive && !failedLogon && !logon) return;
      if (logon) logons++;
      const template = toTemplate(line);
      if (template) templates.push(template);
      else dropped++;
    });
  }
  return { templates, origin: `${templates.length} OTRF events from ${archives.length} archives (${dropped} left out: time or host not rewritable)` };
}

const CHECK_TIME = Date.UTC(2026, 2, 4, 13, 14, 15, 678);

function toTemplate(line: string): WindowsTemplate | undefined {
  let object: Record<string, unknown>;
  try {
    object = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  for (const key of Object.keys(object)) {
    const slot = SLOT_KEYS[key];
    if (slot) object[key] = TOKEN(slot);
  }
  // Re-serialized: the same event in V8's JSON form, which also drops the archive's big string.
  const pieces = JSON.stringify(object).split(TOKEN_PATTERN);
  const template: WindowsTemplate = { parts: pieces.filter((_, i) => i % 2 === 0), slots: pieces.filter((_, i) => i % 2 === 1) as Slot[] };
  const copy = renderWindows(template, CHECK_TIME, 'WKS-999.corp.example.com', 1);
  const event = normalizeRecord({ source: 'check', sourceType: 'auto', receivedAt: CHECK_TIME + 500, text: copy }, DEFAULT_INPUT_LIMITS);
  const ok = event.sourceType === 'windows' && event.timestamp === CHECK_TIME && event.fields['host.name'] === 'WKS-999.corp.example.com';
  return ok ? template : undefined;
}

export interface EventSourceOptions {
  templates: readonly WindowsTemplate[];
  /** Index of the first event; event i happens at `WEEK_START + i * stepMs`. */
  start: number;
  stepMs: number;
  seed: number;
  /** Indexes of the events that carry {@link MARKER}. */
  markers?: ReadonlySet<number>;
}

/**
 * Events in time order, one per call. The i-th event is Windows with probability 0.3, Linux 0.4 and
 * web 0.3 (a marked one is always Linux or web). Hosts and users are skewed: a few are much busier.
 */
export function eventSource(options: EventSourceOptions): () => BenchEvent {
  const { templates, stepMs, markers } = options;
  const rand = prng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  // Skewed picks: rand() ** k puts more weight on the first entries.
  const skewed = <T>(list: readonly T[], k: number): T => list[Math.floor(rand() ** k * list.length)]!;
  const user = (): string => (rand() < 0.1 ? pick(SERVICE_USERS) : skewed(PEOPLE, 3));
  const ip = (): string => `${pick([198, 203, 185, 45, 91, 10])}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  const port = (): number => 1024 + Math.floor(rand() * 64000);
  let index = options.start;
  let windowsCount = 0;
  let markerCount = 0;

  const syslog = (time: number, host: string, pri: number, program: string, pid: number | undefined, message: string): string => {
    const d = new Date(time);
    // One line in ten uses RFC 5424, as newer rsyslog/syslog-ng forwarders send.
    if (rand() < 0.1) return `<${pri}>1 ${d.toISOString()} ${host} ${program} ${pid ?? '-'} - - ${message}`;
    const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
    return `<${pri}>${stamp} ${host} ${pid === undefined ? program : `${program}[${pid}]`}: ${message}`;
  };

  const linux = (time: number, marked: boolean, variant: number): string => {
    const host = skewed(LINUX_HOSTS, 1.5);
    const pid = 1000 + Math.floor(rand() * 60000);
    if (marked && variant === 1) {
      return syslog(time, host, 85, 'sudo', pid, `${user().padStart(8)} : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/curl -fsSL https://${MARKER}.example.net/i.sh`);
    }
    if (marked) return syslog(time, host, 38, 'sshd', pid, `Failed password for invalid user ${MARKER} from ${ip()} port ${port()} ssh2`);
    const r = rand();
    if (r < 0.2) return syslog(time, host, 38, 'sshd', pid, `Accepted ${rand() < 0.8 ? 'publickey' : 'password'} for ${user()} from ${ip()} port ${port()} ssh2`);
    if (r < 0.45) {
      const who = rand() < 0.5 ? `invalid user ${pick(ATTACK_USERS)}` : user();
      return syslog(time, host, 38, 'sshd', pid, `Failed password for ${who} from ${ip()} port ${port()} ssh2`);
    }
    if (r < 0.57) {
      const u = user();
      return syslog(time, host, 85, 'sudo', pid, `${u.padStart(8)} : TTY=pts/${Math.floor(rand() * 4)} ; PWD=/home/${u} ; USER=root ; COMMAND=${pick(COMMANDS)}`);
    }
    if (r < 0.75) {
      return syslog(time, host, 86, 'sshd', pid, `pam_unix(sshd:session): session ${rand() < 0.5 ? 'opened' : 'closed'} for user ${user()}${rand() < 0.5 ? ' by (uid=0)' : ''}`);
    }
    if (r < 0.9) {
      return syslog(time, host, 4, 'kernel', undefined, `[${(rand() * 900000).toFixed(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${ip()} DST=10.0.${Math.floor(rand() * 4)}.${Math.floor(rand() * 250)} LEN=60 TOS=0x00 PREC=0x00 TTL=${40 + Math.floor(rand() * 20)} ID=${Math.floor(rand() * 65535)} DF PROTO=TCP SPT=${port()} DPT=${pick([22, 23, 80, 443, 3389, 5432])} WINDOW=64240 RES=0x00 SYN URGP=0`);
    }
    return syslog(time, host, 78, 'CRON', pid, `(${pick(['root', 'www-data', 'backup'])}) CMD (${pick(CRON)})`);
  };

  const web = (time: number, marked: boolean): string => {
    const d = new Date(time);
    const path = marked ? `/search?q=${MARKER}` : `${pick(PATHS)}${rand() < 0.3 ? `?id=${Math.floor(rand() * 100000)}` : ''}`;
    const stamp = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
    const status = pick([200, 200, 200, 200, 304, 301, 404, 403, 500]);
    const message = `${ip()} - - [${stamp}] "${rand() < 0.85 ? 'GET' : 'POST'} ${path} HTTP/1.1" ${status} ${Math.floor(rand() * 40000)} "-" "${pick(AGENTS)}"`;
    return syslog(time, skewed(WEB_HOSTS, 1.3), 190, 'nginx', 2000 + Math.floor(rand() * 30), message);
  };

  return () => {
    const time = WEEK_START + Math.floor(index * stepMs);
    const receivedAt = time + 100 + Math.floor(rand() * 900);
    const marked = markers?.has(index) ?? false;
    index++;
    const r = rand();
    if (marked) {
      const variant = markerCount++ % 3;
      const line = variant === 0 ? web(time, true) : linux(time, true, variant);
      return { kind: variant === 0 ? 'web' : 'linux', line, ndjson: `{"message":${JSON.stringify(line)}}`, time, receivedAt, marked };
    }
    if (r < 0.3 && templates.length > 0) {
      const template = templates[windowsCount % templates.length]!;
      const line = renderWindows(template, time, skewed(WINDOWS_HOSTS, 1.5), 10_000_000 + windowsCount++);
      return { kind: 'windows', line, ndjson: line, time, receivedAt, marked };
    }
    const kind: EventKind = r < 0.7 ? 'linux' : 'web';
    const line = kind === 'linux' ? linux(time, false, 0) : web(time, false);
    return { kind, line, ndjson: `{"message":${JSON.stringify(line)}}`, time, receivedAt, marked };
  };
}
