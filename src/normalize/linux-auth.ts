/**
 * Maps Linux authentication messages (sshd, sudo, su, PAM modules, systemd-logind, cron) to ECS.
 * Used by the syslog source type once the envelope gave the program name and message.
 *
 * Attacker-controlled text (user names offered to sshd) can contain spaces and words such as
 * " from ", so fields are read from the right end of a message, where sshd writes its own words.
 */
import type { EventFields } from '../core/event.ts';
import { parseUint } from '../parse/text-util.ts';
import { setEndpoint, setPort, setUser } from './text-fields.ts';

/**
 * Adds the ECS fields of a Linux auth message to `out`; returns false (adding nothing) when the
 * message is not one this mapper knows.
 *
 * @example
 * const out = {};
 * mapLinuxAuth('sshd', 'Failed password for root from 203.0.113.9 port 52144 ssh2', out);
 * // out['event.outcome'] === 'failure', out['source.ip'] === '203.0.113.9'
 */
export function mapLinuxAuth(program: string | undefined, message: string, out: EventFields): boolean {
  let known = false;
  if (message.startsWith('pam_')) known = mapPam(message, out);
  else if (program === 'sshd' || program === 'sshd-session' || program === 'sshd-auth') known = mapSshd(message, out);
  else if (program === 'sudo') known = mapSudo(message, out);
  else if (program === 'su') known = mapSu(message, out);
  else if (program === 'systemd-logind') known = mapLogind(message, out);
  else if (program === 'CRON' || program === 'cron' || program === 'crond') known = mapCron(message, out);
  if (known) {
    out['event.kind'] = 'event';
    out['event.module'] = 'system';
    out['event.dataset'] = program === 'CRON' || program === 'cron' || program === 'crond' ? 'system.cron' : 'system.auth';
  }
  return known;
}

function classify(out: EventFields, category: string, type: string, action: string, outcome?: 'success' | 'failure'): true {
  out['event.category'] = [category];
  out['event.type'] = [type];
  out['event.action'] = action;
  if (outcome) out['event.outcome'] = outcome;
  return true;
}

/** Reads `<ip> port <port>` (the rest of the text after it is ignored). */
function readAddress(text: string, out: EventFields, prefix: 'source' | 'destination' = 'source'): void {
  const sp = text.indexOf(' ');
  const host = sp < 0 ? text : text.slice(0, sp);
  setEndpoint(out, prefix, host.endsWith(':') ? host.slice(0, -1) : host);
  if (sp >= 0) readPort(text, sp, out, prefix);
}

/** ` port <digits>` at `text[at]`. */
function readPort(text: string, at: number, out: EventFields, prefix: 'source' | 'destination'): void {
  if (!text.startsWith(' port ', at)) return;
  const start = at + 6;
  let end = start;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  setPort(out, prefix, text.slice(start, end));
}

/** `[invalid user ]<user> from <ip> port <port> ...`: the user, then the address after the last " from ". */
function readUserFrom(text: string, out: EventFields): boolean {
  const from = text.lastIndexOf(' from ');
  if (from < 0) return false;
  let user = text.slice(0, from);
  for (const prefix of ['invalid user ', 'illegal user ']) {
    if (user.startsWith(prefix)) {
      user = user.slice(prefix.length);
      out['system.auth.ssh.invalid_user'] = true;
    }
  }
  setUser(out, 'user.name', user);
  readAddress(text.slice(from + 6), out);
  return true;
}

/** `[user |invalid user |authenticating user ]<user> <ip> port <port>` or `<ip> port <port>`. */
function readPeer(text: string, out: EventFields): boolean {
  const port = text.lastIndexOf(' port ');
  if (port < 0) return false;
  const before = text.slice(0, port);
  const sp = before.lastIndexOf(' ');
  setEndpoint(out, 'source', before.slice(sp + 1));
  readPort(text, port, out, 'source');
  if (sp < 0) return true;
  let user = before.slice(0, sp);
  for (const prefix of ['user ', 'invalid user ', 'authenticating user ']) {
    if (user.startsWith(prefix)) {
      if (prefix === 'invalid user ') out['system.auth.ssh.invalid_user'] = true;
      user = user.slice(prefix.length);
      break;
    }
  }
  setUser(out, 'user.name', user);
  return true;
}

/** The text after `prefix` when `text` starts with it. */
function after(text: string, prefix: string): string | undefined {
  return text.startsWith(prefix) ? text.slice(prefix.length) : undefined;
}

function mapSshd(raw: string, out: EventFields): boolean {
  const message = raw.startsWith('error: ') ? raw.slice(7) : raw;
  if (message.startsWith('Accepted ') || message.startsWith('Failed ')) {
    const ok = message.charCodeAt(0) === 65;
    const rest = message.slice(ok ? 9 : 7);
    const sp = rest.indexOf(' for ');
    if (sp <= 0) return false;
    out['system.auth.ssh.method'] = rest.slice(0, sp);
    if (!readUserFrom(rest.slice(sp + 5), out)) return false;
    const sig = message.lastIndexOf(': ');
    if (ok && sig > message.lastIndexOf(' port ')) out['system.auth.ssh.signature'] = message.slice(sig + 2);
    return classify(out, 'authentication', 'start', 'ssh_login', ok ? 'success' : 'failure');
  }
  if (message.startsWith('Invalid user ') || message.startsWith('Illegal user ')) {
    if (!readUserFrom(message.slice(13), out)) return false;
    out['system.auth.ssh.invalid_user'] = true;
    return classify(out, 'authentication', 'start', 'invalid_user', 'failure');
  }
  let rest = after(message, 'maximum authentication attempts exceeded for ');
  if (rest !== undefined) {
    if (!readUserFrom(rest, out)) return false;
    return classify(out, 'authentication', 'start', 'ssh_max_auth_attempts', 'failure');
  }
  rest = after(message, 'PAM: Authentication failure for ');
  if (rest !== undefined) {
    if (!readUserFrom(rest, out)) return false;
    return classify(out, 'authentication', 'start', 'ssh_login', 'failure');
  }
  if (message.startsWith('PAM ') && message.indexOf(' more authentication failure') > 0) {
    readPamKeyValues(message, 'sshd', out);
    return classify(out, 'authentication', 'start', 'ssh_login', 'failure');
  }
  if (message.startsWith('User ') && message.indexOf(' not allowed because ') > 0) {
    const cut = message.lastIndexOf(' not allowed because ');
    if (!readUserFrom(message.slice(5, cut), out)) return false;
    out['event.reason'] = message.slice(cut + 1);
    return classify(out, 'authentication', 'start', 'ssh_user_not_allowed', 'failure');
  }
  for (const [prefix, action] of [
    ['Disconnected from ', 'ssh_disconnect'],
    ['Connection closed by ', 'ssh_connection_closed'],
    ['Connection reset by ', 'ssh_connection_reset'],
    ['Received disconnect from ', 'ssh_disconnect'],
  ] as const) {
    if (!message.startsWith(prefix)) continue;
    const tail = message.slice(prefix.length);
    // "Received disconnect from IP port P:11: reason": the client-chosen reason follows the port.
    const portAt = tail.indexOf(' port ');
    const colon = portAt < 0 ? -1 : tail.indexOf(':', portAt);
    if (prefix === 'Received disconnect from ' && colon > 0) {
      readPeer(tail.slice(0, colon), out);
      out['event.reason'] = tail.slice(colon + 1).trim();
    } else if (!readPeer(tail, out)) {
      return false;
    }
    return classify(out, 'session', 'end', action);
  }
  rest = after(message, 'Connection from ');
  if (rest !== undefined) {
    const on = rest.lastIndexOf(' on ');
    readAddress(on > 0 ? rest.slice(0, on) : rest, out);
    if (on > 0) readAddress(rest.slice(on + 4), out, 'destination');
    return classify(out, 'network', 'connection', 'ssh_connection');
  }
  rest = after(message, 'Did not receive identification string from ');
  if (rest !== undefined) {
    readAddress(rest, out);
    return classify(out, 'network', 'connection', 'ssh_no_identification', 'failure');
  }
  return false;
}

/** `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u`, or a failure in front of the keys. */
function mapSudo(raw: string, out: EventFields): boolean {
  const message = raw.trimStart();
  const colon = message.indexOf(' : ');
  if (colon <= 0) return false;
  // COMMAND is last and may itself contain " ; ", so cut it off before splitting the rest.
  const cmdAt = message.indexOf('COMMAND=', colon);
  const head = cmdAt > 0 ? message.slice(colon + 3, cmdAt) : message.slice(colon + 3);
  let status: string | undefined;
  const keys: Record<string, string> = {};
  for (const part of head.split(' ; ')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq > 0 && /^[A-Z_]+$/.test(item.slice(0, eq))) keys[item.slice(0, eq)] = item.slice(eq + 1);
    else status = status === undefined ? item : `${status}; ${item}`;
  }
  if (cmdAt < 0 && keys.USER === undefined && status === undefined) return false;
  setUser(out, 'user.name', message.slice(0, colon));
  setUser(out, 'user.target.name', keys.USER);
  if (cmdAt > 0) {
    const command = message.slice(cmdAt + 8);
    out['process.command_line'] = command;
    const sp = command.indexOf(' ');
    out['process.executable'] = sp < 0 ? command : command.slice(0, sp);
  }
  if (keys.PWD !== undefined) out['process.working_directory'] = keys.PWD;
  if (keys.TTY !== undefined) out['system.auth.sudo.tty'] = keys.TTY;
  if (keys.GROUP !== undefined) out['group.name'] = keys.GROUP;
  if (status === undefined) return classify(out, 'process', 'start', 'sudo_command', 'success');
  out['event.reason'] = status;
  out['system.auth.sudo.error'] = status;
  if (status.indexOf('incorrect password attempt') >= 0 || status === 'a password is required') {
    return classify(out, 'authentication', 'start', 'sudo_auth_failure', 'failure');
  }
  return classify(out, 'process', 'denied', status.indexOf('NOT in sudoers') >= 0 ? 'sudo_not_in_sudoers' : 'sudo_denied', 'failure');
}

function mapSu(message: string, out: EventFields): boolean {
  const done = (user: string | undefined, target: string | undefined, ok: boolean): true => {
    setUser(out, 'user.name', user);
    setUser(out, 'user.target.name', target);
    return classify(out, 'authentication', 'start', 'su', ok ? 'success' : 'failure');
  };
  // util-linux: "(to root) alice on pts/0", "FAILED SU (to root) alice on pts/0"
  const failed = message.startsWith('FAILED SU (to ');
  if (failed || message.startsWith('(to ')) {
    const rest = message.slice(failed ? 14 : 4);
    const close = rest.indexOf(') ');
    if (close <= 0) return false;
    const on = rest.lastIndexOf(' on ');
    const user = rest.slice(close + 2, on > close ? on : undefined);
    if (on > close) out['system.auth.su.tty'] = rest.slice(on + 4);
    return done(user, rest.slice(0, close), !failed);
  }
  // shadow-utils: "Successful su for root by alice", "FAILED su for root by alice"
  for (const [prefix, ok] of [['Successful su for ', true], ['FAILED su for ', false]] as const) {
    if (!message.startsWith(prefix)) continue;
    const by = message.lastIndexOf(' by ');
    if (by < prefix.length) return false;
    return done(message.slice(by + 4), message.slice(prefix.length, by), ok);
  }
  // shadow-utils: "+ pts/0 alice:root" (success) and "- pts/0 alice:root" (failure)
  if ((message.startsWith('+ ') || message.startsWith('- ')) && message.indexOf(':') > 0) {
    const sp = message.indexOf(' ', 2);
    const pair = sp < 0 ? '' : message.slice(sp + 1);
    const colon = pair.lastIndexOf(':');
    if (colon <= 0) return false;
    out['system.auth.su.tty'] = message.slice(2, sp);
    return done(pair.slice(0, colon), pair.slice(colon + 1), message.charCodeAt(0) === 43);
  }
  // BSD: "'su root' failed for lonvick on /dev/pts/8"
  if (message.startsWith("'su ") && message.indexOf("' failed for ") > 0) {
    const quote = message.indexOf("' failed for ");
    const rest = message.slice(quote + 13);
    const on = rest.lastIndexOf(' on ');
    return done(on > 0 ? rest.slice(0, on) : rest, message.slice(4, quote) || 'root', false);
  }
  return false;
}

const SU_SERVICES = new Set(['su', 'su-l', 'sudo', 'sudo-i', 'runuser', 'runuser-l']);

/** `pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)` and friends. */
function mapPam(message: string, out: EventFields): boolean {
  const open = message.indexOf('(');
  const close = message.indexOf('): ', open);
  if (open <= 4 || close < 0 || close - open > 64) return false;
  const module = message.slice(0, open);
  const [service = '', type = ''] = message.slice(open + 1, close).split(':');
  out['system.auth.pam.module'] = module;
  out['system.auth.pam.service'] = service;
  if (type) out['system.auth.pam.type'] = type;
  const text = message.slice(close + 3);
  const switching = SU_SERVICES.has(service);
  if (text.startsWith('session opened for user ') || text.startsWith('session closed for user ')) {
    const opened = text.charCodeAt(8) === 111;
    const rest = text.slice(24);
    const by = rest.lastIndexOf(' by ');
    const target = stripUid(by > 0 ? rest.slice(0, by) : rest);
    const actor = by > 0 ? stripUid(rest.slice(by + 4)) : '';
    if (switching && actor !== '') {
      setUser(out, 'user.name', actor);
      setUser(out, 'user.target.name', target);
    } else {
      setUser(out, 'user.name', target);
    }
    return classify(out, 'session', opened ? 'start' : 'end', opened ? 'session_opened' : 'session_closed', 'success');
  }
  if (text.startsWith('authentication failure')) {
    readPamKeyValues(text, service, out);
    return classify(out, 'authentication', 'start', 'pam_auth_failure', 'failure');
  }
  if (text.startsWith('check pass; user unknown')) {
    return classify(out, 'authentication', 'start', 'pam_user_unknown', 'failure');
  }
  if (text.startsWith('auth could not identify password for [')) {
    setUser(out, 'user.name', text.slice(38, text.lastIndexOf(']') > 38 ? text.lastIndexOf(']') : undefined));
    return classify(out, 'authentication', 'start', 'pam_auth_failure', 'failure');
  }
  return false;
}

/** `alice(uid=1000)` → `alice`; `(uid=0)` → ``. */
function stripUid(text: string): string {
  const paren = text.indexOf('(');
  return (paren >= 0 ? text.slice(0, paren) : text).trim();
}

/** `...; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root`: values never contain spaces. */
function readPamKeyValues(text: string, service: string, out: EventFields): void {
  const semi = text.indexOf('; ');
  if (semi < 0) return;
  const kv: Record<string, string> = {};
  for (const item of text.slice(semi + 2).split(' ')) {
    const eq = item.indexOf('=');
    if (eq > 0) kv[item.slice(0, eq)] = item.slice(eq + 1);
  }
  if (SU_SERVICES.has(service) && (kv.ruser || kv.logname)) {
    setUser(out, 'user.name', kv.ruser || kv.logname);
    setUser(out, 'user.target.name', kv.user);
  } else {
    setUser(out, 'user.name', kv.user);
  }
  setEndpoint(out, 'source', kv.rhost);
  if (kv.tty) out['system.auth.pam.tty'] = kv.tty;
  const uid = kv.uid === undefined ? undefined : parseUint(kv.uid);
  if (uid !== undefined) out['user.id'] = String(uid);
}

function mapLogind(message: string, out: EventFields): boolean {
  if (message.startsWith('New session ') && message.indexOf(' of user ') > 0) {
    const at = message.lastIndexOf(' of user ');
    setUser(out, 'user.name', message.slice(at + 9).replace(/\.$/, ''));
    out['system.auth.session.id'] = message.slice(12, at);
    return classify(out, 'session', 'start', 'session_opened', 'success');
  }
  if (message.startsWith('Removed session ')) {
    out['system.auth.session.id'] = message.slice(16).replace(/\.$/, '');
    return classify(out, 'session', 'end', 'session_closed', 'success');
  }
  return false;
}

/** `(root) CMD (/usr/local/bin/backup.sh)` */
function mapCron(message: string, out: EventFields): boolean {
  if (message.charCodeAt(0) !== 40) return false;
  const close = message.indexOf(') CMD (');
  if (close <= 1 || !message.endsWith(')')) return false;
  setUser(out, 'user.name', message.slice(1, close));
  out['process.command_line'] = message.slice(close + 7, -1);
  return classify(out, 'process', 'start', 'cron_command', 'success');
}
