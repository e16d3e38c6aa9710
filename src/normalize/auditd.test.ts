import { describe, expect, it } from 'vitest';
import { auditdSourceType } from './auditd.ts';
import { ParseError } from './source-type.ts';

const norm = (text: string) => auditdSourceType.normalize(text, { receivedAt: 0 });

describe('auditd source type', () => {
  it('maps an execve SYSCALL to a process start with ids and enriched names', () => {
    const f = norm('type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exit=0 a0=55d5 a1=55d6 a2=55d7 a3=0 items=2 ppid=1200 pid=1234 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="curl" exe="/usr/bin/curl" subj=unconfined key="net_tools"\x1dARCH=x86_64 SYSCALL=execve AUID="alice" UID="root" GID="root" EUID="root"');
    expect(f).toMatchObject({
      '@timestamp': '2023-11-14T22:13:20.123Z', 'event.category': ['process'], 'event.type': ['start'], 'event.action': 'syscall', 'event.outcome': 'success',
      'process.pid': 1234, 'process.parent.pid': 1200, 'process.name': 'curl', 'process.executable': '/usr/bin/curl',
      'user.id': '0', 'user.audit.id': '1000', 'user.name': 'root', 'user.audit.name': 'alice', tags: ['net_tools'],
      'auditd.log.sequence': 456, 'auditd.log.ses': '3', 'auditd.log.enriched.SYSCALL': 'execve',
    });
  });

  it('joins EXECVE arguments, including split long arguments', () => {
    const f = norm('type=EXECVE msg=audit(1700000000.123:456): argc=3 a0="bash" a1="-c" a2_len=10 a2[0]=6563686F20 a2[1]=6869212121');
    expect(f).toMatchObject({ 'process.args': ['bash', '-c', 'echo hi!!!'], 'process.args_count': 3, 'process.command_line': 'bash -c echo hi!!!' });
  });

  it('does not blow up on a huge argument index', () => {
    const f = norm('type=EXECVE msg=audit(1700000000.123:456): argc=2 a0="x" a9999999="y"');
    expect(f['process.args']).toEqual(['x', 'y']);
  });

  it('maps USER_* logins, PATH records and iam changes', () => {
    expect(norm("type=USER_AUTH msg=audit(1700000001.000:90): pid=4242 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication grantors=? acct=\"admin\" exe=\"/usr/sbin/sshd\" hostname=198.51.100.23 addr=198.51.100.23 terminal=ssh res=failed'")).toMatchObject({
      'event.category': ['authentication'], 'event.outcome': 'failure', 'user.name': 'admin', 'source.ip': '198.51.100.23', 'related.ip': ['198.51.100.23'],
    });
    expect(norm('type=PATH msg=audit(1700000000.123:456): item=0 name="/etc/shadow" inode=393 dev=fd:00 mode=0100640 ouid=0 ogid=42 rdev=00:00 nametype=NORMAL')).toMatchObject({
      'file.path': '/etc/shadow', 'file.inode': '393', 'file.mode': '0100640', 'file.uid': '0', 'file.gid': '42', 'event.category': ['file'],
    });
    expect(norm("type=ADD_USER msg=audit(1700000005.000:95): pid=1 uid=0 auid=1000 ses=2 msg='op=add-user id=1001 exe=\"/usr/sbin/useradd\" hostname=web1 addr=? terminal=pts/0 res=success'")).toMatchObject({
      'event.category': ['iam'], 'event.type': ['user', 'creation'], 'event.outcome': 'success', 'source.domain': 'web1',
    });
  });

  it('keeps repeated keys and AVC words', () => {
    const f = norm('type=AVC msg=audit(1700000003.000:13): avc:  denied  { read write } for  pid=1 comm="x" name="a" name="b" tclass=file permissive=0');
    expect(f['auditd.log.name']).toEqual(['a', 'b']);
    expect(f['auditd.log.text']).toBe('avc: denied { read write } for');
  });

  it('throws ParseError for lines that are not audit records', () => {
    expect(() => norm('type=SYSCALL')).toThrow(ParseError);
    expect(auditdSourceType.detect('type=SYSCALL msg=audit(1.1:1): x=1')).toBe(true);
    expect(auditdSourceType.detect('<13>type=')).toBe(false);
  });
});
