import { describe, expect, it } from 'vitest';
import { cefSourceType, leefSourceType } from './cef.ts';
import { ParseError } from './source-type.ts';

const ctx = { receivedAt: Date.UTC(2024, 5, 15) };

describe('cef source type', () => {
  it('maps header and extensions to ECS, keeping every extension', () => {
    const f = cefSourceType.normalize('CEF:0|Trend Micro|Deep Security Agent|20.0|4000030|Blocked outbound connection|8|rt=Jun 15 2024 10:11:12 GMT src=10.2.3.4 spt=49812 dst=185.220.101.5 dpt=443 proto=TCP suser=CORP\\\\alice act=block outcome=failure request=https://185.220.101.5/x.php requestMethod=POST dvchost=ws-17 cs1Label=Policy cs1=Block Tor deviceDirection=1 in=512 out=1024', ctx);
    expect(f).toMatchObject({
      '@timestamp': '2024-06-15T10:11:12.000Z', 'event.module': 'cef', 'event.code': '4000030', 'event.severity': 8, message: 'Blocked outbound connection',
      'observer.vendor': 'Trend Micro', 'observer.product': 'Deep Security Agent', 'observer.version': '20.0', 'observer.hostname': 'ws-17',
      'source.ip': '10.2.3.4', 'source.port': 49812, 'destination.ip': '185.220.101.5', 'destination.port': 443, 'network.transport': 'tcp',
      'source.user.name': 'CORP\\alice', 'user.name': 'CORP\\alice', 'event.action': 'block', 'event.outcome': 'failure',
      'url.original': 'https://185.220.101.5/x.php', 'http.request.method': 'POST', 'network.direction': 'outbound',
      'source.bytes': 512, 'destination.bytes': 1024, 'cef.extensions.cs1Label': 'Policy', 'cef.extensions.cs1': 'Block Tor',
      'related.ip': ['10.2.3.4', '185.220.101.5'], 'related.user': ['CORP\\alice'],
    });
  });

  it('reads epoch rt, named severities, and ignores invalid ports and addresses', () => {
    const f = cefSourceType.normalize('CEF:0|A|B|1|2|n|High|rt=1718445072000 spt=99999 src=not-an-ip msg=hello', ctx);
    expect(f).toMatchObject({ '@timestamp': '2024-06-15T09:51:12.000Z', 'event.severity': 8, message: 'hello', 'source.domain': 'not-an-ip' });
    expect(f['source.port']).toBeUndefined();
    expect(f['source.ip']).toBeUndefined();
  });

  it('does not let an extension named like an Object property reach a mapper', () => {
    const f = cefSourceType.normalize('CEF:0|A|B|1|2|n|1|constructor=x toString=y __proto__=z', ctx);
    expect(f['cef.extensions.constructor']).toBe('x');
    expect(f['cef.extensions.__proto__']).toBe('z');
  });

  it('throws ParseError for truncated records', () => {
    expect(() => cefSourceType.normalize('CEF:0|A|B', ctx)).toThrow(ParseError);
  });
});

describe('leef source type', () => {
  it('maps QRadar LEEF 1.0 with devTime', () => {
    const f = leefSourceType.normalize('LEEF:1.0|Microsoft|MSExchange|4.0 SP1|15345|devTime=Jun 15 2024 10:11:12\tdevTimeFormat=MMM dd yyyy HH:mm:ss\tsrc=192.0.2.10\tdst=172.16.1.1\tsev=5\tcat=anomaly\tsrcPort=81\tdstPort=21\tusrName=joe.black\tproto=TCP', ctx);
    expect(f).toMatchObject({
      '@timestamp': '2024-06-15T10:11:12.000Z', 'event.module': 'leef', 'event.code': '15345', 'event.severity': 5, 'observer.vendor': 'Microsoft',
      'source.ip': '192.0.2.10', 'destination.ip': '172.16.1.1', 'source.port': 81, 'destination.port': 21, 'user.name': 'joe.black',
      'network.transport': 'tcp', 'leef.attributes.cat': 'anomaly',
    });
  });

  it('throws ParseError for truncated records', () => {
    expect(() => leefSourceType.normalize('LEEF:2.0|A', ctx)).toThrow(ParseError);
  });
});
