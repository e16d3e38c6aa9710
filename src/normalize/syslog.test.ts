import { describe, expect, it } from 'vitest';
import { syslogSourceType } from './syslog.ts';

const ctx = { receivedAt: Date.UTC(2024, 5, 15, 12) };
const norm = (text: string) => syslogSourceType.normalize(text, ctx);

describe('syslog source type', () => {
  it('maps the envelope to log.syslog, host and process fields', () => {
    const f = norm('<86>Jun 15 11:00:00 bastion sshd[1234]: Server listening on :: port 22.');
    expect(f).toMatchObject({
      '@timestamp': '2024-06-15T11:00:00.000Z', 'log.syslog.priority': 86, 'log.syslog.facility.code': 10, 'log.syslog.facility.name': 'authpriv',
      'log.syslog.severity.code': 6, 'log.syslog.severity.name': 'Informational', 'log.syslog.hostname': 'bastion', 'host.hostname': 'bastion',
      'host.name': 'bastion', 'log.syslog.appname': 'sshd', 'process.name': 'sshd', 'log.syslog.procid': '1234', 'process.pid': 1234,
      message: 'Server listening on :: port 22.', 'event.module': 'syslog',
    });
    expect(f['event.category']).toBeUndefined();
  });

  it('flattens RFC 5424 structured data, keeping repeated params', () => {
    const f = norm('<165>1 2024-06-15T10:00:00Z fw01 filterlog 3321 ID9 [meta seq="7" tag="a" tag="b"][origin ip="10.0.0.1"][flag] blocked');
    expect(f).toMatchObject({
      'log.syslog.version': '1', 'log.syslog.msgid': 'ID9', 'process.pid': 3321,
      'log.syslog.structured_data.meta.seq': '7', 'log.syslog.structured_data.meta.tag': ['a', 'b'],
      'log.syslog.structured_data.origin.ip': '10.0.0.1', 'log.syslog.structured_data.flag': true, message: 'blocked',
    });
  });

  it('dispatches sshd, sudo and PAM messages to the Linux auth mapper', () => {
    expect(norm('<38>Jun 15 11:00:01 web1 sshd[99]: Failed password for root from 203.0.113.9 port 41144 ssh2')).toMatchObject({
      'event.category': ['authentication'], 'event.outcome': 'failure', 'event.module': 'system', 'event.dataset': 'system.auth', 'host.name': 'web1', 'source.ip': '203.0.113.9',
    });
    expect(norm('Jun 15 11:00:02 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id')).toMatchObject({ 'process.command_line': '/usr/bin/id', 'user.target.name': 'root' });
  });

  it('dispatches auditd records forwarded via syslog, keeping the audit event time', () => {
    const f = norm('<29>Jun 15 11:00:03 web1 audispd: type=USER_LOGIN msg=audit(1718449200.500:310): pid=1 uid=0 auid=4294967295 msg=\'op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=203.0.113.9 terminal=sshd res=failed\'');
    expect(f).toMatchObject({ '@timestamp': '2024-06-15T11:00:00.500Z', 'event.module': 'auditd', 'event.outcome': 'failure', 'user.name': 'root', 'source.ip': '203.0.113.9', 'host.name': 'web1' });
    expect(f['user.audit.id']).toBeUndefined();
    const kernel = norm('<4>Jun 15 11:00:04 web1 kernel: audit: type=1400 audit(1718449204.111:12): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=811 comm="cupsd"');
    expect(kernel).toMatchObject({ 'event.outcome': 'failure', 'process.name': 'cupsd', 'auditd.log.name': '/etc/shadow' });
  });

  it('dispatches CEF and LEEF payloads', () => {
    const cef = norm('<134>Jun 15 11:00:05 arcsight CEF:0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|end|3|src=10.1.1.5 dst=8.8.8.8 spt=51234 dpt=53 proto=UDP act=allow');
    expect(cef).toMatchObject({ 'event.module': 'cef', 'host.name': 'arcsight', 'observer.vendor': 'Palo Alto Networks', 'destination.port': 53, 'network.transport': 'udp', 'event.action': 'allow' });
    const leef = norm('<134>1 2024-06-15T11:00:06Z qradar - - - - LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^usrName=joe');
    expect(leef).toMatchObject({ 'event.module': 'leef', 'user.name': 'joe', 'host.name': 'qradar' });
  });

  it('keeps the envelope and reports why when a payload is broken', () => {
    const f = norm('<134>Jun 15 11:00:05 fw CEF:0|Vendor|Product');
    expect(f).toMatchObject({ 'host.name': 'fw', message: 'CEF:0|Vendor|Product' });
    expect(String(f['error.message'])).toMatch(/^cef payload not parsed: truncated CEF header/);
  });

  it('detects PRI, BSD and ISO timestamp starts only', () => {
    for (const t of ['<13>x', 'Jun 15 11:00:00 h a: b', 'Jun  5 11:00:00 h a: b', '2024-06-15T11:00:00Z h a: b']) expect(syslogSourceType.detect(t)).toBe(true);
    for (const t of ['', '<x>', 'June 15', '{"a":1}', '2024-06-15 11:00:00', 'hello world']) expect(syslogSourceType.detect(t)).toBe(false);
  });
});
