import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS } from '../core/limits.ts';
import { normalizeRecord } from './normalize-record.ts';

const norm = (doc: unknown) =>
  normalizeRecord({ source: 't', sourceType: 'auto', receivedAt: Date.UTC(2024, 0, 1), text: JSON.stringify(doc) }, DEFAULT_INPUT_LIMITS);

const id = { 'id.orig_h': '10.0.0.5', 'id.orig_p': 50000, 'id.resp_h': '192.0.2.53', 'id.resp_p': 53 };

describe('zeek', () => {
  it('maps conn with epoch-second ts and infers the log without _path', () => {
    const ev = norm({ ts: 1_690_000_000.25, uid: 'CAbc', ...id, proto: 'udp', service: 'dns', duration: 0.5, orig_bytes: 40, resp_bytes: 80,
      conn_state: 'SF', orig_pkts: 1, resp_pkts: 1 });
    expect(ev.sourceType).toBe('zeek');
    expect(ev.timestamp).toBe(1_690_000_000_250);
    expect(ev.fields).toMatchObject({ 'event.dataset': 'zeek.conn', 'source.ip': '10.0.0.5', 'destination.port': 53, 'network.transport': 'udp',
      'network.protocol': 'dns', 'event.duration': 500_000_000, 'source.bytes': 40, 'zeek.conn.id.orig_h': '10.0.0.5', 'zeek.conn.conn_state': 'SF' });
  });

  it('uses _path and ISO ts; maps dns, http, ssl, files, notice, x509', () => {
    const dns = norm({ _path: 'dns', ts: '2023-07-22T10:00:00.000000Z', uid: 'C1', ...id, query: 'evil.example', qtype_name: 'A', rcode_name: 'NOERROR', answers: ['192.0.2.9', 'cname.example'] }).fields;
    expect(dns).toMatchObject({ 'dns.question.name': 'evil.example', 'dns.resolved_ip': ['192.0.2.9'], 'zeek.dns.query': 'evil.example' });
    const http = norm({ ts: 1_690_000_000, uid: 'C2', ...id, method: 'POST', host: 'x.example', uri: '/upload?id=1', status_code: 200, user_agent: 'curl' }).fields;
    expect(http).toMatchObject({ 'event.dataset': 'zeek.http', 'http.request.method': 'POST', 'url.path': '/upload', 'url.domain': 'x.example' });
    const ssl = norm({ ts: 1_690_000_000, uid: 'C3', ...id, version: 'TLSv13', cipher: 'TLS_AES_128_GCM_SHA256', server_name: 'x.example', established: true }).fields;
    expect(ssl).toMatchObject({ 'tls.version': '1.3', 'tls.version_protocol': 'tls', 'tls.client.server_name': 'x.example', 'tls.established': true });
    const files = norm({ ts: 1_690_000_000, fuid: 'F1', mime_type: 'application/x-dosexec', filename: 'a.exe', total_bytes: 5, sha1: 'abc' }).fields;
    expect(files).toMatchObject({ 'event.dataset': 'zeek.files', 'file.hash.sha1': 'abc', 'file.mime_type': 'application/x-dosexec', 'event.id': 'F1' });
    const notice = norm({ ts: 1_690_000_000, uid: 'C4', ...id, note: 'Scan::Port_Scan', msg: '10.0.0.5 scanned 20 ports' }).fields;
    expect(notice).toMatchObject({ 'event.kind': 'alert', 'rule.name': 'Scan::Port_Scan', message: '10.0.0.5 scanned 20 ports' });
    const x509 = norm({ ts: 1_690_000_000, fingerprint: 'a'.repeat(64), 'certificate.version': 3, 'certificate.subject': 'CN=x', 'certificate.not_valid_after': 1_700_000_000 }).fields;
    expect(x509).toMatchObject({ 'event.dataset': 'zeek.x509', 'x509.subject.distinguished_name': 'CN=x', 'x509.not_after': '2023-11-14T22:13:20.000Z', 'file.hash.sha256': 'a'.repeat(64) });
  });

  it('tolerates broken values and a hostile _path', () => {
    const ev = norm({ _path: '../../etc', ts: 'never', 'id.orig_h': 5, 'id.orig_p': 'x', duration: -1 });
    expect(ev.sourceType).toBe('zeek');
    expect(ev.parseError).toBeUndefined();
    expect(ev.fields['event.dataset']).toBe('zeek.unknown');
    expect(ev.timestamp).toBe(Date.UTC(2024, 0, 1));
  });
});
