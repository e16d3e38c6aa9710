import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const norm = (doc: unknown) =>
  normalizeRecord({ source: 't', sourceType: 'auto', receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

const base = { timestamp: '2023-08-01T10:00:00.123456+0200', flow_id: 1234567890123, in_iface: 'eth0', src_ip: '10.0.0.5', src_port: 51515,
  dest_ip: '198.51.100.7', dest_port: 443, proto: 'TCP', community_id: '1:abc=' };

describe('suricata', () => {
  it('maps an alert to rule.* and event.kind alert, honouring the zone offset', () => {
    const ev = norm({ ...base, event_type: 'alert', app_proto: 'tls',
      alert: { action: 'allowed', gid: 1, signature_id: 2027758, rev: 3, signature: 'ET POLICY Suspicious TLS', category: 'Potentially Bad Traffic', severity: 2 } });
    expect(ev.sourceType).toBe('suricata');
    expect(ev.timestamp).toBe(Date.parse('2023-08-01T08:00:00.123Z'));
    expect(ev.fields).toMatchObject({ 'event.kind': 'alert', 'event.category': ['network', 'intrusion_detection'], 'rule.id': '2027758',
      'rule.name': 'ET POLICY Suspicious TLS', 'event.severity': 2, 'source.ip': '10.0.0.5', 'destination.port': 443,
      'network.transport': 'tcp', 'network.protocol': 'tls', 'suricata.eve.alert.signature_id': 2027758, 'related.ip': ['10.0.0.5', '198.51.100.7'] });
  });

  it('maps dns, http, tls, flow and fileinfo details', () => {
    const dns = norm({ ...base, event_type: 'dns', dns: { type: 'answer', id: 7, rrname: 'evil.example', rrtype: 'A', rcode: 'NOERROR', grouped: { A: ['192.0.2.1'] } } }).fields;
    expect(dns).toMatchObject({ 'dns.question.name': 'evil.example', 'dns.resolved_ip': ['192.0.2.1'], 'dns.response_code': 'NOERROR' });
    const http = norm({ ...base, event_type: 'http', http: { hostname: 'x.example', url: '/a/b?c=1', http_method: 'GET', status: 200, protocol: 'HTTP/1.1', http_user_agent: 'curl' } }).fields;
    expect(http).toMatchObject({ 'url.domain': 'x.example', 'url.path': '/a/b', 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.version': '1.1' });
    const tls = norm({ ...base, event_type: 'tls', tls: { version: 'TLS 1.2', sni: 'x.example', fingerprint: 'aa:bb', ja3: { hash: 'j3' } } }).fields;
    expect(tls).toMatchObject({ 'tls.version': '1.2', 'tls.version_protocol': 'tls', 'tls.client.server_name': 'x.example', 'tls.server.hash.sha1': 'AABB', 'tls.client.ja3': 'j3' });
    const flow = norm({ ...base, event_type: 'flow', flow: { pkts_toserver: 3, pkts_toclient: 2, bytes_toserver: 300, bytes_toclient: 200, start: '2023-08-01T10:00:00.000000+0200' } }).fields;
    expect(flow).toMatchObject({ 'network.bytes': 500, 'network.packets': 5, 'event.start': '2023-08-01T08:00:00.000Z', 'event.type': ['connection'] });
    const file = norm({ ...base, event_type: 'fileinfo', fileinfo: { filename: '/dl/payload.exe', size: 10, sha256: 'ab' } }).fields;
    expect(file).toMatchObject({ 'file.name': 'payload.exe', 'file.extension': 'exe', 'file.hash.sha256': 'ab', 'file.size': 10 });
  });

  it('tolerates broken values', () => {
    const ev = norm({ timestamp: 'garbage', event_type: 'alert', src_ip: 'x', src_port: 70000, alert: 'nope', dns: [] });
    expect(ev.sourceType).toBe('suricata');
    expect(ev.parseError).toBeUndefined();
    expect(ev.fields['source.ip']).toBeUndefined();
    expect(ev.fields['source.port']).toBeUndefined();
  });
});
