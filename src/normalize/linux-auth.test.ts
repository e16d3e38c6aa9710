import { describe, expect, it } from 'vitest';
import type { EventFields } from '../core/event.ts';
import { mapLinuxAuth } from './linux-auth.ts';

function map(program: string, message: string): EventFields {
  const out: EventFields = {};
  expect(mapLinuxAuth(program, message, out)).toBe(true);
  return out;
}

describe('sshd', () => {
  it('maps accepted logins with method, key signature and IPv6 peers', () => {
    const f = map('sshd', 'Accepted publickey for deploy from 2001:db8::10 port 50022 ssh2: ED25519 SHA256:Xl1p3Gq8kQ+6cY');
    expect(f).toMatchObject({
      'event.category': ['authentication'], 'event.type': ['start'], 'event.action': 'ssh_login', 'event.outcome': 'success',
      'user.name': 'deploy', 'source.ip': '2001:db8::10', 'source.port': 50022, 'related.user': ['deploy'], 'related.ip': ['2001:db8::10'],
      'system.auth.ssh.method': 'publickey', 'system.auth.ssh.signature': 'ED25519 SHA256:Xl1p3Gq8kQ+6cY',
      'event.module': 'system', 'event.dataset': 'system.auth',
    });
  });

  it('maps failed passwords, including invalid users', () => {
    expect(map('sshd', 'Failed password for root from 203.0.113.9 port 41144 ssh2')).toMatchObject({ 'event.outcome': 'failure', 'user.name': 'root', 'source.ip': '203.0.113.9', 'source.port': 41144 });
    expect(map('sshd-session', 'Failed password for invalid user admin from 203.0.113.9 port 41150 ssh2')).toMatchObject({ 'event.outcome': 'failure', 'user.name': 'admin', 'system.auth.ssh.invalid_user': true });
  });

  it('reads the address from the right so hostile user names cannot spoof it', () => {
    const f = map('sshd', 'Invalid user evil from 6.6.6.6 port 1 from 198.51.100.77 port 60000');
    expect(f).toMatchObject({ 'user.name': 'evil from 6.6.6.6 port 1', 'source.ip': '198.51.100.77', 'source.port': 60000, 'event.action': 'invalid_user' });
  });

  it('maps invalid users, disconnects and closed connections', () => {
    expect(map('sshd', 'Invalid user oracle from 192.0.2.44')).toMatchObject({ 'user.name': 'oracle', 'source.ip': '192.0.2.44', 'event.outcome': 'failure' });
    expect(map('sshd', 'Disconnected from user alice 10.0.0.5 port 52144')).toMatchObject({ 'event.category': ['session'], 'event.type': ['end'], 'user.name': 'alice', 'source.ip': '10.0.0.5', 'source.port': 52144 });
    expect(map('sshd', 'Disconnected from invalid user test 45.9.20.1 port 38290 [preauth]')).toMatchObject({ 'user.name': 'test', 'system.auth.ssh.invalid_user': true, 'source.port': 38290 });
    expect(map('sshd', 'Connection closed by authenticating user root 45.9.20.1 port 38290 [preauth]')).toMatchObject({ 'user.name': 'root', 'event.action': 'ssh_connection_closed' });
    const closed = map('sshd', 'Connection closed by 45.9.20.1 port 38290 [preauth]');
    expect(closed['source.ip']).toBe('45.9.20.1');
    expect(closed['user.name']).toBeUndefined();
    expect(map('sshd', 'Received disconnect from 45.9.20.1 port 38290:11: Bye Bye port 1 [preauth]')).toMatchObject({ 'source.port': 38290, 'event.reason': '11: Bye Bye port 1 [preauth]' });
  });

  it('maps PAM authentication failures reported by sshd and attempt limits', () => {
    expect(map('sshd', 'error: PAM: Authentication failure for illegal user guest from 203.0.113.4')).toMatchObject({ 'user.name': 'guest', 'source.ip': '203.0.113.4', 'event.outcome': 'failure' });
    expect(map('sshd', 'PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.4  user=root')).toMatchObject({ 'user.name': 'root', 'source.ip': '203.0.113.4' });
    expect(map('sshd', 'error: maximum authentication attempts exceeded for root from 203.0.113.4 port 5022 ssh2 [preauth]')).toMatchObject({ 'event.action': 'ssh_max_auth_attempts', 'source.port': 5022 });
    expect(map('sshd', 'User bob from 192.0.2.9 not allowed because not listed in AllowUsers')).toMatchObject({ 'user.name': 'bob', 'event.outcome': 'failure', 'event.reason': 'not allowed because not listed in AllowUsers' });
  });

  it('maps connection lines with both ends', () => {
    expect(map('sshd', 'Connection from 192.0.2.9 port 40000 on 10.0.0.1 port 22 rdomain ""')).toMatchObject({ 'source.ip': '192.0.2.9', 'source.port': 40000, 'destination.ip': '10.0.0.1', 'destination.port': 22 });
  });

  it('leaves unknown sshd lines alone', () => {
    const out: EventFields = {};
    expect(mapLinuxAuth('sshd', 'Server listening on 0.0.0.0 port 22.', out)).toBe(false);
    expect(out).toEqual({});
  });
});

describe('sudo', () => {
  it('maps a command with its target user, working directory and a command containing " ; "', () => {
    const f = map('sudo', '   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/bash -c id ; whoami');
    expect(f).toMatchObject({
      'event.category': ['process'], 'event.type': ['start'], 'event.action': 'sudo_command', 'event.outcome': 'success',
      'user.name': 'alice', 'user.target.name': 'root', 'related.user': ['alice', 'root'],
      'process.command_line': '/usr/bin/bash -c id ; whoami', 'process.executable': '/usr/bin/bash', 'process.working_directory': '/home/alice',
    });
  });

  it('maps incorrect passwords and users not in sudoers', () => {
    expect(map('sudo', 'mallory : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/tmp ; USER=root ; COMMAND=/bin/cat /etc/shadow')).toMatchObject({
      'event.category': ['authentication'], 'event.outcome': 'failure', 'event.action': 'sudo_auth_failure', 'user.name': 'mallory', 'user.target.name': 'root',
    });
    expect(map('sudo', 'guest : user NOT in sudoers ; TTY=pts/2 ; PWD=/home/guest ; USER=root ; COMMAND=/bin/ls')).toMatchObject({
      'event.type': ['denied'], 'event.outcome': 'failure', 'event.action': 'sudo_not_in_sudoers', 'event.reason': 'user NOT in sudoers',
    });
    expect(map('sudo', 'bob : command not allowed ; TTY=pts/3 ; PWD=/ ; USER=root ; COMMAND=/sbin/reboot')).toMatchObject({ 'event.action': 'sudo_denied' });
  });
});

describe('su', () => {
  it('maps util-linux and shadow-utils success and failure lines', () => {
    expect(map('su', '(to root) alice on pts/0')).toMatchObject({ 'event.outcome': 'success', 'user.name': 'alice', 'user.target.name': 'root', 'system.auth.su.tty': 'pts/0' });
    expect(map('su', 'FAILED SU (to root) alice on pts/0')).toMatchObject({ 'event.outcome': 'failure', 'user.name': 'alice', 'user.target.name': 'root' });
    expect(map('su', 'Successful su for postgres by root')).toMatchObject({ 'event.outcome': 'success', 'user.name': 'root', 'user.target.name': 'postgres' });
    expect(map('su', 'FAILED su for root by alice')).toMatchObject({ 'event.outcome': 'failure', 'user.name': 'alice' });
    expect(map('su', '- /dev/pts/1 alice:root')).toMatchObject({ 'event.outcome': 'failure', 'user.name': 'alice', 'user.target.name': 'root' });
    expect(map('su', "'su root' failed for lonvick on /dev/pts/8")).toMatchObject({ 'event.outcome': 'failure', 'user.name': 'lonvick', 'user.target.name': 'root' });
  });
});

describe('PAM, logind, cron', () => {
  it('maps pam_unix sessions, with the acting user for su/sudo', () => {
    expect(map('sshd', 'pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)')).toMatchObject({
      'event.category': ['session'], 'event.type': ['start'], 'user.name': 'alice', 'system.auth.pam.service': 'sshd', 'system.auth.pam.module': 'pam_unix',
    });
    expect(map('sudo', 'pam_unix(sudo:session): session opened for user root(uid=0) by alice(uid=1000)')).toMatchObject({ 'user.name': 'alice', 'user.target.name': 'root' });
    expect(map('CRON', 'pam_unix(cron:session): session closed for user root')).toMatchObject({ 'event.type': ['end'], 'user.name': 'root' });
  });

  it('maps pam_unix authentication failures with remote host', () => {
    expect(map('sshd', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.50  user=root')).toMatchObject({
      'event.category': ['authentication'], 'event.outcome': 'failure', 'user.name': 'root', 'source.ip': '203.0.113.50', 'user.id': '0',
    });
    expect(map('su', 'pam_unix(su:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=root')).toMatchObject({ 'user.name': 'alice', 'user.target.name': 'root' });
    expect(map('sshd', 'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=scanner.example.net')).toMatchObject({ 'source.domain': 'scanner.example.net' });
    expect(map('sshd', 'pam_unix(sshd:auth): check pass; user unknown')).toMatchObject({ 'event.outcome': 'failure' });
  });

  it('maps systemd-logind sessions and cron commands', () => {
    expect(map('systemd-logind', 'New session 42 of user alice.')).toMatchObject({ 'user.name': 'alice', 'event.type': ['start'], 'system.auth.session.id': '42' });
    expect(map('systemd-logind', 'Removed session 42.')).toMatchObject({ 'event.type': ['end'], 'system.auth.session.id': '42' });
    expect(map('CRON', '(root) CMD (   /usr/local/bin/backup.sh > /dev/null 2>&1)')).toMatchObject({ 'user.name': 'root', 'process.command_line': '   /usr/local/bin/backup.sh > /dev/null 2>&1', 'event.dataset': 'system.cron' });
  });

  it('returns false for unknown programs', () => {
    expect(mapLinuxAuth('nginx', 'worker started', {})).toBe(false);
    expect(mapLinuxAuth(undefined, 'pam_(x', {})).toBe(false);
  });
});
