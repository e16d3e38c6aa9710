import { describe, expect, it } from 'vitest';
import { ParseError } from '../core/parse-error.ts';
import { looksLikeAudit, parseAuditRecord } from './auditd.ts';

describe('parseAuditRecord', () => {
  it('decodes a SYSCALL record with quoted values and the header', () => {
    const r = parseAuditRecord('type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exit=0 a0=55d5c1 ppid=1200 pid=1234 auid=1000 uid=0 comm="curl" exe="/usr/bin/curl" key="net_tools"');
    expect(r).toMatchObject({ type: 'SYSCALL', timestamp: 1_700_000_000_123, sequence: 456 });
    expect(r.fields).toContainEqual(['comm', 'curl']);
    // SYSCALL a0-a3 are numbers in hex, never text.
    expect(r.fields).toContainEqual(['a0', '55d5c1']);
  });

  it('decodes hex-encoded EXECVE arguments and PROCTITLE', () => {
    const exec = parseAuditRecord('type=EXECVE msg=audit(1700000000.5:7): argc=3 a0="sh" a1="-c" a2=6563686F2022686920746865726522203E202F746D702F78');
    expect(exec.fields).toContainEqual(['a2', 'echo "hi there" > /tmp/x']);
    const title = parseAuditRecord('type=PROCTITLE msg=audit(1700000000.5:7): proctitle=2F62696E2F7368002D630069640A');
    expect(title.fields).toEqual([['proctitle', '/bin/sh -c id\n']]);
  });

  it('reads the nested msg of user-space records and the enriched section', () => {
    const r = parseAuditRecord("node=web1 type=USER_LOGIN msg=audit(1700000001.000:90): pid=4242 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=198.51.100.23 terminal=sshd res=failed'\x1dUID=\"root\" AUID=\"unset\"");
    expect(r.node).toBe('web1');
    expect(r.fields).toContainEqual(['acct', 'root']);
    expect(r.fields).toContainEqual(['addr', '198.51.100.23']);
    expect(r.fields).toContainEqual(['res', 'failed']);
    expect(r.enriched).toEqual([['UID', 'root'], ['AUID', 'unset']]);
  });

  it('reads the kernel form seen via syslog and AVC bare words', () => {
    const r = parseAuditRecord('audit: type=1400 audit(1700000002.111:12): apparmor="DENIED" operation="open" profile="/usr/sbin/cupsd" name="/etc/shadow" pid=811 comm="cupsd"');
    expect(r.type).toBe('1400');
    expect(r.fields).toContainEqual(['apparmor', 'DENIED']);
    const avc = parseAuditRecord('type=AVC msg=audit(1700000003.000:13): avc:  denied  { read } for  pid=1 comm="x" tclass=file permissive=0');
    expect(avc.text).toEqual(['avc:', 'denied', '{', 'read', '}', 'for']);
  });

  it('decodes a hex account name, leaves lower-case and odd values alone', () => {
    const r = parseAuditRecord('type=USER_AUTH msg=audit(1.0:1): acct=726F6F74 name=abc exe=ABC');
    expect(r.fields).toEqual([['acct', 'root'], ['name', 'abc'], ['exe', 'ABC']]);
  });

  it('keeps an unterminated quoted value up to the end of a truncated line', () => {
    const r = parseAuditRecord('type=PATH msg=audit(1700000000.1:3): item=0 name="/etc/pass');
    expect(r.fields).toContainEqual(['name', '/etc/pass']);
  });

  it('rejects lines without a valid header', () => {
    expect(() => parseAuditRecord('type=SYSCALL pid=1')).toThrow(/expected msg=audit/);
    expect(() => parseAuditRecord('type=SYSCALL msg=audit(abc:def): x=1')).toThrow(/invalid audit record header/);
    expect(() => parseAuditRecord('type=SYSCALL msg=audit(1700000000.1:3 x=1')).toThrow(/unterminated/);
    expect(() => parseAuditRecord('pid=1')).toThrow(ParseError);
    expect(() => parseAuditRecord('type=')).toThrow(ParseError);
  });

  it('detects audit lines cheaply', () => {
    expect(looksLikeAudit('type=LOGIN msg=audit(1.1:1): x=1')).toBe(true);
    expect(looksLikeAudit('type=text only')).toBe(false);
  });
});
