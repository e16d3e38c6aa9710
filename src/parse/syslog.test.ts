import { describe, expect, it } from 'vitest';
import { ParseError } from '../core/parse-error.ts';
import { parseSyslog } from './syslog.ts';

const RECEIVED = Date.UTC(2024, 5, 15, 12, 0, 0);

describe('parseSyslog RFC 3164', () => {
  it('decodes the RFC 3164 example with hostname and tag', () => {
    const m = parseSyslog("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", RECEIVED);
    expect(m).toMatchObject({
      format: 'rfc3164', priority: 34, facility: 4, severity: 2, hostname: 'mymachine', appName: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8", timestamp: '2023-10-11T22:14:15.000Z',
    });
    expect(m.procId).toBeUndefined();
  });

  it('reads tag[pid] and a space-padded day (rsyslog traditional format)', () => {
    const m = parseSyslog('<86>Jun  3 07:01:02 bastion sshd[1234]: Accepted publickey for deploy from 10.1.2.3 port 50022 ssh2', RECEIVED);
    expect(m).toMatchObject({ hostname: 'bastion', appName: 'sshd', procId: '1234', timestamp: '2024-06-03T07:01:02.000Z' });
    expect(m.message).toBe('Accepted publickey for deploy from 10.1.2.3 port 50022 ssh2');
  });

  it('accepts lines without PRI, as in /var/log/auth.log', () => {
    const m = parseSyslog('Jun 15 11:59:59 web-01 CRON[99]: pam_unix(cron:session): session closed for user root', RECEIVED);
    expect(m.priority).toBeUndefined();
    expect(m).toMatchObject({ hostname: 'web-01', appName: 'CRON', procId: '99' });
  });

  it('handles util-linux logger output without hostname', () => {
    const m = parseSyslog('<13>Jun 15 10:00:00 alice: backup finished', RECEIVED);
    expect(m.hostname).toBeUndefined();
    expect(m).toMatchObject({ appName: 'alice', message: 'backup finished' });
  });

  it('reads a message with neither tag nor hostname after PRI', () => {
    const m = parseSyslog('<30>dnsmasq[812]: query[A] example.com from 10.0.0.5', RECEIVED);
    expect(m).toMatchObject({ appName: 'dnsmasq', procId: '812', message: 'query[A] example.com from 10.0.0.5' });
    expect(m.timestamp).toBeUndefined();
  });

  it('reads rsyslog high-precision ISO timestamps in the 3164 position', () => {
    const m = parseSyslog('<38>2024-06-15T11:22:33.456789+02:00 db1 sudo: pam_unix(sudo:session): session opened', RECEIVED);
    expect(m).toMatchObject({ format: 'rfc3164', timestamp: '2024-06-15T09:22:33.456Z', hostname: 'db1', appName: 'sudo' });
  });

  it('takes the year from the receive time and rolls back a year for dates more than a day ahead', () => {
    const newYear = Date.UTC(2024, 0, 1, 0, 5);
    expect(parseSyslog('<13>Dec 31 23:59:00 h app: x', newYear).timestamp).toBe('2023-12-31T23:59:00.000Z');
    expect(parseSyslog('<13>Jan  1 00:04:00 h app: x', newYear).timestamp).toBe('2024-01-01T00:04:00.000Z');
    // Clock skew of less than a day stays in the receive year.
    expect(parseSyslog('<13>Jan  1 20:00:00 h app: x', newYear).timestamp).toBe('2024-01-01T20:00:00.000Z');
  });

  it('accepts a year in the timestamp and fractional seconds', () => {
    expect(parseSyslog('<13>Mar  1 2021 08:00:00 h app: x', RECEIVED).timestamp).toBe('2021-03-01T08:00:00.000Z');
    expect(parseSyslog('<13>Mar  1 08:00:00.250 h app: x', RECEIVED).timestamp).toBe('2024-03-01T08:00:00.250Z');
  });

  it('treats a "-" hostname as unknown', () => {
    const m = parseSyslog('<13>Jun 15 10:00:00 - app[7]: hello', RECEIVED);
    expect(m.hostname).toBeUndefined();
    expect(m).toMatchObject({ appName: 'app', procId: '7', message: 'hello' });
  });

  it('keeps a message that follows the hostname without a tag', () => {
    const m = parseSyslog('<46>Jun 15 10:00:00 host last message repeated 3 times', RECEIVED);
    expect(m.appName).toBeUndefined();
    expect(m).toMatchObject({ hostname: 'host', message: 'last message repeated 3 times' });
  });

  it('does not mistake a CEF payload for a hostname', () => {
    const m = parseSyslog('Jun 15 10:00:00 CEF:0|Acme|FW|1|1|x|3|src=1.2.3.4', RECEIVED);
    expect(m.hostname).toBeUndefined();
    expect(m.message.startsWith('CEF:0|')).toBe(true);
  });

  it('reads program names with slashes and dots, and strips trailing newlines', () => {
    const m = parseSyslog('<22>Jun 15 10:00:00 mx postfix/smtpd[2211]: connect from unknown[203.0.113.7]\r\n', RECEIVED);
    expect(m).toMatchObject({ appName: 'postfix/smtpd', procId: '2211', message: 'connect from unknown[203.0.113.7]' });
  });

  it('rejects invalid priorities and records without PRI or timestamp', () => {
    expect(() => parseSyslog('<192>Jun 15 10:00:00 h a: b', RECEIVED)).toThrow(ParseError);
    expect(() => parseSyslog('<1234>Jun 15 10:00:00 h a: b', RECEIVED)).toThrow(/more than 3 digits/);
    expect(() => parseSyslog('<ab>x', RECEIVED)).toThrow(ParseError);
    expect(() => parseSyslog('just some text', RECEIVED)).toThrow(/no <PRI> and no timestamp/);
  });

  it('treats an impossible timestamp after PRI as message content', () => {
    const m = parseSyslog('<13>Foo 99 99:99:99 bad', RECEIVED);
    expect(m.timestamp).toBeUndefined();
    expect(m.message).toBe('Foo 99 99:99:99 bad');
  });
});

describe('parseSyslog RFC 5424', () => {
  it('decodes the RFC 5424 example with structured data and BOM', () => {
    const m = parseSyslog(
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \uFEFFAn application event log entry...',
      RECEIVED,
    );
    expect(m).toMatchObject({
      format: 'rfc5424', priority: 165, version: 1, timestamp: '2003-10-11T22:14:15.003Z', hostname: 'mymachine.example.com',
      appName: 'evntslog', msgId: 'ID47', message: 'An application event log entry...',
    });
    expect(m.procId).toBeUndefined();
    expect(m.structuredData).toEqual([{ id: 'exampleSDID@32473', params: [['iut', '3'], ['eventSource', 'Application'], ['eventID', '1011']] }]);
  });

  it('reads multiple SD elements, escapes and NILVALUE fields', () => {
    const m = parseSyslog('<13>1 2024-06-15T10:00:00+02:00 - - - - [a@1 q="say \\"hi\\"" b="c:\\\\tmp" r="x\\]y" o="\\n"][origin ip="10.0.0.1"]', RECEIVED);
    expect(m.timestamp).toBe('2024-06-15T08:00:00.000Z');
    expect(m.hostname).toBeUndefined();
    expect(m.message).toBe('');
    expect(m.structuredData).toEqual([
      { id: 'a@1', params: [['q', 'say "hi"'], ['b', 'c:\\tmp'], ['r', 'x]y'], ['o', '\\n']] },
      { id: 'origin', params: [['ip', '10.0.0.1']] },
    ]);
  });

  it('decodes util-linux logger --rfc5424 output', () => {
    const m = parseSyslog('<13>1 2024-06-15T11:30:00.123456+00:00 laptop alice 4242 - [timeQuality tzKnown="1" isSynced="1" syncAccuracy="12345"] hello', RECEIVED);
    expect(m).toMatchObject({ hostname: 'laptop', appName: 'alice', procId: '4242', message: 'hello', timestamp: '2024-06-15T11:30:00.123Z' });
  });

  it('accepts a record that ends right after the structured data', () => {
    expect(parseSyslog('<13>1 - - - - - -', RECEIVED).message).toBe('');
  });

  it('rejects broken records with a reason', () => {
    expect(() => parseSyslog('<13>1 2024-06-15T10:00:00Z host app', RECEIVED)).toThrow(/truncated RFC 5424 header/);
    expect(() => parseSyslog('<13>1 2024-13-45T10:00:00Z h a p m - x', RECEIVED)).toThrow(/invalid RFC 5424 timestamp/);
    expect(() => parseSyslog('<13>1 - h a p m [id k="unterminated', RECEIVED)).toThrow(/unterminated STRUCTURED-DATA/);
    expect(() => parseSyslog('<13>1 - h a p m [id k="v"', RECEIVED)).toThrow(/unterminated STRUCTURED-DATA element/);
    expect(() => parseSyslog('<13>1 - h a p m [id k=v]', RECEIVED)).toThrow(/name="value"/);
    expect(() => parseSyslog('<13>1 - h a p m x', RECEIVED)).toThrow(/expected "-" or "\["/);
    expect(() => parseSyslog('<13>1 - h a p m [id]x', RECEIVED)).toThrow(/space after STRUCTURED-DATA/);
  });

  it('handles a huge structured-data value in linear time', () => {
    const big = 'x'.repeat(500_000);
    const m = parseSyslog(`<13>1 - h a - - [big v="${big}"] tail`, RECEIVED);
    expect(m.structuredData?.[0]?.params[0]?.[1].length).toBe(500_000);
    expect(() => parseSyslog(`<13>1 - h a - - [big v="${'\\'.repeat(400_001)}`, RECEIVED)).toThrow(ParseError);
  });
});
