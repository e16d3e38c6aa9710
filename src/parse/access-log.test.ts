import { describe, expect, it } from 'vitest';
import { ParseError } from '../core/parse-error.ts';
import { looksLikeAccessLog, parseAccessLog } from './access-log.ts';

describe('parseAccessLog', () => {
  it('decodes the Apache common format', () => {
    const e = parseAccessLog('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326');
    expect(e).toMatchObject({ client: '127.0.0.1', user: 'frank', timestamp: '2000-10-10T20:55:36.000Z', method: 'GET', target: '/apache_pb.gif', httpVersion: '1.0', status: 200, bytes: 2326 });
    expect(e.ident).toBeUndefined();
  });

  it('decodes nginx combined with IPv6 client and escaped quotes in the user agent', () => {
    const e = parseAccessLog('2001:db8::7 - - [15/Jun/2024:08:01:02 +0000] "POST /api/login?next=%2F HTTP/2.0" 401 38 "https://app.example.com/login" "Mozilla/5.0 \\"quoted\\" (X11; Linux x86_64)"');
    expect(e).toMatchObject({ client: '2001:db8::7', method: 'POST', target: '/api/login?next=%2F', httpVersion: '2.0', status: 401, bytes: 38, referrer: 'https://app.example.com/login', userAgent: 'Mozilla/5.0 "quoted" (X11; Linux x86_64)' });
  });

  it('decodes vhost_combined and nginx main with X-Forwarded-For', () => {
    const v = parseAccessLog('www.example.com:443 192.0.2.10 - - [15/Jun/2024:08:01:02 +0200] "GET / HTTP/1.1" 304 - "-" "curl/8.5.0"');
    expect(v).toMatchObject({ vhost: 'www.example.com', vhostPort: 443, client: '192.0.2.10', status: 304, timestamp: '2024-06-15T06:01:02.000Z' });
    expect(v.bytes).toBeUndefined();
    expect(v.referrer).toBeUndefined();
    const m = parseAccessLog('10.0.0.2 - - [15/Jun/2024:08:01:02 +0000] "GET /x HTTP/1.1" 200 5 "-" "ua" "203.0.113.5, 10.0.0.1"');
    expect(m.extra).toEqual(['203.0.113.5, 10.0.0.1']);
  });

  it('keeps non-HTTP request lines (TLS on a plain port, empty connections)', () => {
    const tls = parseAccessLog('198.51.100.4 - - [15/Jun/2024:08:01:02 +0000] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03" 400 157 "-" "-"');
    expect(tls.method).toBeUndefined();
    expect(tls.request).toBe('\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03');
    expect(parseAccessLog('198.51.100.4 - - [15/Jun/2024:08:01:02 +0000] "-" 400 0 "-" "-"').method).toBeUndefined();
  });

  it('rejects broken lines with a reason', () => {
    expect(() => parseAccessLog('127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0"')).toThrow(/missing status/);
    expect(() => parseAccessLog('127.0.0.1 - - [99/Foo/2000:13:55:36 -0700] "GET /" 200 1')).toThrow(/invalid access log time/);
    expect(() => parseAccessLog('127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / 200 1')).toThrow(/unterminated request/);
    expect(() => parseAccessLog('127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /" abc 1')).toThrow(/invalid HTTP status/);
    expect(() => parseAccessLog('hello world')).toThrow(ParseError);
  });

  it('detects access-log lines and not syslog lines', () => {
    expect(looksLikeAccessLog('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1')).toBe(true);
    expect(looksLikeAccessLog('<13>Oct 11 22:14:15 host app: [10/Oct/2000:13:55:36 -0700] "x"')).toBe(false);
    expect(looksLikeAccessLog('Oct 11 22:14:15 host kernel: [12345.678] usb 1-1: new device')).toBe(false);
  });
});
