/**
 * Deterministic test data for the end-to-end ingest benchmarks: a realistic mix of syslog lines
 * (sshd, sudo, kernel firewall, cron, PAM, nginx access lines through syslog; RFC 3164 and 5424) and
 * Windows events sampled from the OTRF datasets (generated Windows-like JSON when they are absent).
 * Everything is generated from a seeded PRNG so two runs send the same bytes; generated loads are
 * cached under the OS temp folder, keyed by their parameters and a hash of this file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom as prng } from '../src/core/prng.ts';
import { otrfArchives, readOtrfLines } from '../test/otrf-reader.ts';

export { prng };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const HOSTS = Array.from({ length: 40 }, (_, i) => (i < 25 ? `web-${String(i + 1).padStart(2, '0')}` : `db-${String(i - 24).padStart(2, '0')}`));
const USERS = ['root', 'alice', 'bob', 'carol', 'deploy', 'ubuntu', 'admin', 'postgres', 'jenkins', 'svc-backup', 'mallory', 'test', 'oracle', 'git'];
const PATHS = ['/', '/index.html', '/api/v1/items', '/api/v1/orders', '/login', '/static/app.js', '/wp-login.php', '/.env', '/health', '/search'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'curl/8.5.0', 'python-requests/2.31.0', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const COMMANDS = ['/usr/bin/systemctl restart nginx', '/usr/bin/apt-get upgrade -y', '/bin/cat /etc/shadow', '/usr/bin/journalctl -u sshd', '/usr/bin/docker ps'];
const CRON = ['/usr/lib/php/sessionclean', 'test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )', '/opt/backup/run.sh --incremental'];

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * A generator of syslog lines (without line ends), about 150 bytes each on average. Timestamps
 * advance from `startMs` (default 2026-03-14 08:00 UTC) by 0-7 ms per line.
 */
export function syslogGenerator(seed = 1, startMs = Date.UTC(2026, 2, 14, 8, 0, 0)): () => string {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const ip = (): string => `${pick([198, 203, 185, 45, 10])}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  let time = startMs;
  return () => {
    time += Math.floor(rand() * 8);
    const host = pick(HOSTS);
    const pid = 1000 + Math.floor(rand() * 60000);
    const r = rand();
    let pri: number;
    let program: string;
    let message: string;
    if (r < 0.15) {
      pri = 38; program = 'sshd';
      message = `Accepted ${rand() < 0.7 ? 'publickey' : 'password'} for ${pick(USERS)} from ${ip()} port ${1024 + Math.floor(rand() * 64000)} ssh2`;
    } else if (r < 0.35) {
      pri = 38; program = 'sshd';
      message = `Failed password for ${rand() < 0.4 ? 'invalid user ' : ''}${pick(USERS)} from ${ip()} port ${1024 + Math.floor(rand() * 64000)} ssh2`;
    } else if (r < 0.45) {
      const user = pick(USERS);
      pri = 85; program = 'sudo';
      message = `${user.padStart(8)} : TTY=pts/${Math.floor(rand() * 4)} ; PWD=/home/${user} ; USER=root ; COMMAND=${pick(COMMANDS)}`;
    } else if (r < 0.6) {
      pri = 4; program = 'kernel';
      message = `[${(rand() * 900000).toFixed(6)}] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${ip()} DST=10.0.${Math.floor(rand() * 4)}.${Math.floor(rand() * 250)} LEN=60 TOS=0x00 PREC=0x00 TTL=${40 + Math.floor(rand() * 20)} ID=${Math.floor(rand() * 65535)} DF PROTO=TCP SPT=${1024 + Math.floor(rand() * 64000)} DPT=${pick([22, 23, 80, 443, 3389, 5432])} WINDOW=64240 RES=0x00 SYN URGP=0`;
    } else if (r < 0.7) {
      pri = 78; program = 'CRON';
      message = `(${pick(['root', 'www-data', 'backup'])}) CMD (${pick(CRON)})`;
    } else if (r < 0.75) {
      pri = 86; program = 'sshd';
      message = `pam_unix(sshd:session): session ${rand() < 0.5 ? 'opened' : 'closed'} for user ${pick(USERS)}${rand() < 0.5 ? ' by (uid=0)' : ''}`;
    } else {
      const d = new Date(time);
      pri = 190; program = 'nginx';
      message = `${ip()} - - [${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000] "${rand() < 0.8 ? 'GET' : 'POST'} ${pick(PATHS)}${rand() < 0.3 ? `?id=${Math.floor(rand() * 100000)}` : ''} HTTP/1.1" ${pick([200, 200, 200, 301, 404, 403, 500])} ${Math.floor(rand() * 40000)} "-" "${pick(AGENTS)}"`;
    }
    const d = new Date(time);
    const withPid = program === 'kernel' ? program : `${program}[${pid}]`;
    // One line in ten uses RFC 5424, as newer rsyslog/syslog-ng forwarders send.
    return rand() < 0.1
      ? `<${pri}>1 ${d.toISOString()} ${host} ${program} ${program === 'kernel' ? '-' : pid} - - ${message}`
      : `<${pri}>${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${host} ${withPid}: ${message}`;
  };
}

/**
 * `count` syslog lines as one LF-framed byte stream. Encoded in blocks so the intermediate strings
 * die young (holding a million template strings made generation mostly garbage collection).
 */
export function syslogStream(count: number, seed = 1): Buffer {
  const next = syslogGenerator(seed);
  const blocks: Buffer[] = [];
  for (let done = 0; done < count; done += 10_000) {
    const lines = Array.from({ length: Math.min(10_000, count - done) }, next);
    blocks.push(Buffer.from(lines.join('\n') + '\n'));
  }
  return Buffer.concat(blocks);
}

/** A pool of Windows event JSON lines and where it came from. */
export interface WindowsPool {
  lines: string[];
  origin: string;
}

/**
 * Up to `size` Windows events (one JSON object per line) read in place from the first OTRF zip
 * archives (zip reads fast; some tar.gz files are large), or generated Security 4688 events when
 * the dataset folder is absent.
 */
export function windowsPool(size = 3000, perArchive = 300): WindowsPool {
  const archives = otrfArchives().filter((a) => a.endsWith('.zip'));
  const lines: string[] = [];
  let used = 0;
  for (const archive of archives) {
    if (lines.length >= size) break;
    const read = readOtrfLines(archive, Math.min(perArchive, size - lines.length));
    if (read.length > 0) used++;
    lines.push(...read);
  }
  if (lines.length > 0) return { lines, origin: `OTRF sample: ${lines.length} events from ${used} zip archives` };
  return { lines: generatedWindows(size), origin: `generated 4688 events (OTRF folder absent)` };
}

function generatedWindows(size: number): string[] {
  const rand = prng(7);
  return Array.from({ length: size }, (_, i) => {
    const user = USERS[Math.floor(rand() * USERS.length)]!;
    const image = ['cmd.exe', 'powershell.exe', 'rundll32.exe', 'whoami.exe', 'net.exe'][Math.floor(rand() * 5)]!;
    return JSON.stringify({
      EventID: 4688, Channel: 'Security', SourceName: 'Microsoft-Windows-Security-Auditing', Hostname: `ws-${i % 50}.corp.example.com`,
      '@timestamp': new Date(Date.UTC(2026, 2, 14) + i * 1000).toISOString(), RecordNumber: i, SubjectUserName: user, SubjectDomainName: 'CORP',
      NewProcessName: `C:\\Windows\\System32\\${image}`, CommandLine: `${image} /c echo ${i}`, ParentProcessName: 'C:\\Windows\\explorer.exe',
      Message: `A new process has been created.\r\n\r\nCreator Subject:\r\n\tAccount Name:\t\t${user}\r\n\tNew Process Name:\tC:\\Windows\\System32\\${image}`,
    });
  });
}

/**
 * Yields Windows event lines cycling through the pool; each copy gets a distinct `RecordNumber` so
 * the stored events are not byte-identical duplicates (stores and compression treat those specially).
 */
export function windowsStream(pool: readonly string[]): () => string {
  const parts = pool.map((line) => {
    const at = line.indexOf('"RecordNumber":');
    if (at < 0) return undefined;
    const start = at + '"RecordNumber":'.length;
    let end = start;
    while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
    return end > start ? { head: line.slice(0, start), tail: line.slice(end) } : undefined;
  });
  let n = 0;
  return () => {
    const i = n % pool.length;
    const split = parts[i];
    const record = 10_000_000 + n++;
    return split ? `${split.head}${record}${split.tail}` : pool[i]!;
  };
}

/** One pre-encoded `POST /api/v1/ingest` body. */
export interface IngestBody {
  body: Buffer;
  contentType: 'text/plain' | 'application/x-ndjson';
  events: number;
}

/**
 * Splits `total` events into request bodies of `batch` events: syslog batches as `text/plain` (one
 * line per record) and, with probability `windowsShare`, Windows batches as NDJSON, in a seeded order.
 */
export function httpBodies(total: number, batch: number, windowsShare: number, pool: readonly string[], seed = 3): IngestBody[] {
  const rand = prng(seed);
  const nextWindows = windowsStream(pool);
  const bodies: IngestBody[] = [];
  const nextSyslog = syslogGenerator(seed * 1000);
  for (let sent = 0; sent < total; sent += batch) {
    const events = Math.min(batch, total - sent);
    if (pool.length > 0 && rand() < windowsShare) {
      const lines = Array.from({ length: events }, nextWindows);
      bodies.push({ body: Buffer.from(lines.join('\n') + '\n'), contentType: 'application/x-ndjson', events });
    } else {
      const lines = Array.from({ length: events }, nextSyslog);
      bodies.push({ body: Buffer.from(lines.join('\n') + '\n'), contentType: 'text/plain', events });
    }
  }
  return bodies;
}

/** Where generated loads are kept between runs (outside the repository; safe to delete). */
const CACHE_DIR = join(tmpdir(), 'vigil-bench-cache');

/** Hash of this file: a change to any generator invalidates the cached loads. */
const GENERATOR_VERSION = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 12);

function cachePath(name: string): string {
  return join(CACHE_DIR, `${name}-${GENERATOR_VERSION}.bin`);
}

/** {@link syslogStream}, read from the cache when an earlier run built the same stream. */
export function cachedSyslogStream(count: number, seed = 1): { data: Buffer; cached: boolean } {
  const path = cachePath(`syslog-${count}-${seed}`);
  if (existsSync(path)) return { data: readFileSync(path), cached: true };
  const data = syslogStream(count, seed);
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
  return { data, cached: false };
}

/**
 * {@link httpBodies} over {@link windowsPool}, read from the cache when an earlier run built the same
 * load. File layout: 4-byte header length, header JSON (origin, per-body type and sizes), bodies.
 */
export function cachedHttpBodies(total: number, batch: number, windowsShare: number): { bodies: IngestBody[]; origin: string; cached: boolean } {
  const path = cachePath(`http-${total}-${batch}-${windowsShare}`);
  if (existsSync(path)) {
    const file = readFileSync(path);
    const headerLength = file.readUInt32BE(0);
    const header = JSON.parse(file.subarray(4, 4 + headerLength).toString('utf8')) as { origin: string; bodies: [IngestBody['contentType'], number, number][] };
    let offset = 4 + headerLength;
    const bodies = header.bodies.map(([contentType, events, length]) => {
      const body = file.subarray(offset, offset + length);
      offset += length;
      return { body, contentType, events };
    });
    return { bodies, origin: header.origin, cached: true };
  }
  const pool = windowsShare > 0 ? windowsPool() : { lines: [], origin: 'none' };
  const bodies = httpBodies(total, batch, windowsShare, pool.lines);
  const header = Buffer.from(JSON.stringify({ origin: pool.origin, bodies: bodies.map((b) => [b.contentType, b.events, b.body.length]) }));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(`${path}.tmp`, Buffer.concat([length, header, ...bodies.map((b) => b.body)]));
  renameSync(`${path}.tmp`, path);
  return { bodies, origin: pool.origin, cached: false };
}
