import type { RawRecord } from '../core/event.ts';
import { seededRandom } from '../core/prng.ts';

/**
 * A day of made-up but realistic activity for a small company, so a new installation has something
 * to explore: Linux authentication (with an SSH brute force that succeeds), web access logs (with a
 * scanner probing for admin pages), Windows process and logon events, and a few malformed lines so
 * the Sources page shows what parse errors look like. Deterministic: the same seed gives the same data.
 */
export function generateDemoRecords(now: number, count = 6000, seed = 42): RawRecord[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const records: RawRecord[] = [];
  const start = now - 24 * 3600_000;
  const hosts = ['web-01', 'web-02', 'db-01', 'bastion', 'build-01'];
  const users = ['alice', 'bob', 'carol', 'deploy', 'dave'];
  const office = ['198.51.100.10', '198.51.100.11', '198.51.100.23'];
  const attacker = '203.0.113.66';
  const paths = ['/', '/login', '/api/orders', '/api/orders/1842', '/static/app.js', '/static/site.css', '/health', '/search?q=boots'];
  const probes = ['/wp-admin/', '/.env', '/admin.php', '/phpmyadmin/', '/.git/config', '/cgi-bin/luci', "/search?q=' OR 1=1--"];
  const agents = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Firefox/127.0', 'curl/8.5.0'];
  const images = [['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\System32\\services.exe'], ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Windows\\explorer.exe'], ['C:\\Windows\\System32\\cmd.exe', 'C:\\Windows\\explorer.exe'], ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'C:\\Windows\\System32\\cmd.exe']] as const;

  for (let i = 0; i < count; i++) {
    const at = start + Math.floor((i / count) * 24 * 3600_000 + random() * 10_000);
    const stamp = new Date(at);
    const bsd = bsdTime(stamp);
    const host = pick(hosts);
    const roll = random();
    if (roll < 0.35) {
      const ip = pick(office);
      const ok = random() < 0.9;
      const path = random() < 0.05 ? pick(probes) : pick(paths);
      const client = path.startsWith('/.') || path.includes('php') || path.includes('wp-') ? attacker : ip;
      const status = client === attacker ? pick([404, 403, 404, 200]) : ok ? 200 : pick([301, 404, 500]);
      records.push(demo('demo-web', 'auto', at, `${client} - - [${clfTime(stamp)}] "GET ${path} HTTP/1.1" ${status} ${Math.floor(random() * 20000)} "-" "${client === attacker ? 'Mozilla/5.0 zgrab/0.x' : pick(agents)}"`));
    } else if (roll < 0.6) {
      const user = pick(users);
      const pid = 1000 + Math.floor(random() * 30000);
      const line = random() < 0.6
        ? `sshd[${pid}]: Accepted publickey for ${user} from ${pick(office)} port ${40000 + Math.floor(random() * 20000)} ssh2: ED25519 SHA256:n1Xk`
        : random() < 0.5
          ? `sudo: ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`
          : `sshd[${pid}]: pam_unix(sshd:session): session opened for user ${user}(uid=1001) by (uid=0)`;
      records.push(demo('demo-linux', 'auto', at, `<38>${bsd} ${host} ${line}`));
    } else if (roll < 0.7) {
      // The brute force: many failures from one address, one success near the end of the day.
      const user = pick(['root', 'admin', 'oracle', 'test', 'deploy']);
      const success = i > count * 0.9 && user === 'deploy' && random() < 0.3;
      const line = success
        ? `sshd[4242]: Accepted password for deploy from ${attacker} port 51515 ssh2`
        : `sshd[4242]: Failed password for ${user === 'deploy' ? '' : 'invalid user '}${user} from ${attacker} port ${30000 + Math.floor(random() * 30000)} ssh2`;
      records.push(demo('demo-linux', 'auto', at, `<38>${bsd} bastion ${line}`));
    } else if (roll < 0.97) {
      const [image, parent] = pick(images);
      const logon = random() < 0.3;
      const event = logon
        ? { EventID: random() < 0.9 ? 4624 : 4625, Channel: 'Security', SourceName: 'Microsoft-Windows-Security-Auditing', Hostname: 'WS-FIN-07.corp.example', '@timestamp': stamp.toISOString(), TargetUserName: pick(users), TargetDomainName: 'CORP', LogonType: pick([2, 3, 10]), IpAddress: pick(office), WorkstationName: 'WS-FIN-07' }
        : { EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', SourceName: 'Microsoft-Windows-Sysmon', Hostname: 'WS-FIN-07.corp.example', '@timestamp': stamp.toISOString(), Image: image, ParentImage: parent, CommandLine: image.endsWith('powershell.exe') ? `powershell.exe -NoProfile -EncodedCommand ${'SQBFAFgA'.repeat(3)}` : `"${image}"`, User: `CORP\\${pick(users)}`, ProcessId: Math.floor(random() * 9000), ProcessGuid: `{${hex(random, 8)}-1234-5678-9abc-${hex(random, 12)}}`, Hashes: `SHA256=${hex(random, 64).toUpperCase()}` };
      records.push(demo('demo-windows', 'auto', at, JSON.stringify(event)));
    } else {
      records.push(demo('demo-linux', 'auto', at, pick(['kernel: [UFW BLOCK] IN=eth0 OUT= SRC=', '\u0000\u0001binary garbage\u00ff', '{"truncated": "json', '<999>not really syslog'])));
    }
  }
  return records;
}

function demo(source: string, sourceType: string, receivedAt: number, text: string): RawRecord {
  return { source, sourceType, receivedAt, text, meta: { demo: 'true' } };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const bsdTime = (d: Date) => `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const clfTime = (d: Date) => `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
const hex = (random: () => number, n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
