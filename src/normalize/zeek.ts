/**
 * Zeek logs written as JSON (conn, dns, http, ssl, files, notice, weird, x509, ...). Zeek's own
 * dotted names are kept under `zeek.<log>.<name>` (e.g. `zeek.conn.id.orig_h`); the log is `_path`
 * when the writer adds it, otherwise inferred from fields only that log has.
 */
import type { EventFields } from '../core/event.ts';
import type { ObjectSourceType } from './source-type.ts';
import { addRelated, int, ip, keepOriginal, parseTime, port, put, putPath, str } from './json-fields.ts';

/** Log name from a field only that log carries; checked in order. */
const MARKERS: readonly (readonly [string, string])[] = [
  ['conn_state', 'conn'], ['qtype_name', 'dns'], ['query', 'dns'], ['status_code', 'http'], ['method', 'http'],
  ['certificate.subject', 'x509'], ['fingerprint', 'x509'], ['server_name', 'ssl'], ['cipher', 'ssl'], ['fuid', 'files'],
  ['note', 'notice'], ['auth_success', 'ssh'], ['request_type', 'kerberos'], ['mailfrom', 'smtp'], ['assigned_addr', 'dhcp'],
  ['name', 'weird'],
];

function logName(r: Record<string, unknown>): string {
  const path = str(r._path);
  if (path !== undefined && /^[a-z0-9_]{1,40}$/.test(path)) return path;
  for (const [field, name] of MARKERS) if (field in r) return name;
  return 'unknown';
}

function endpoint(out: EventFields, prefix: string, address: unknown, portValue: unknown): void {
  const addr = ip(address);
  put(out, `${prefix}.ip`, addr);
  addRelated(out, 'related.ip', addr);
  put(out, `${prefix}.port`, port(portValue));
}

/** Zeek writes `TLSv12`; ECS wants protocol `tls` and version `1.2`. */
function tlsVersion(out: EventFields, value: string | undefined): void {
  if (value === undefined) return;
  const m = /^(TLS|SSL|DTLS)v(\d)(\d)?$/.exec(value);
  if (!m) { out['tls.version'] = value; return; }
  out['tls.version_protocol'] = m[1]!.toLowerCase();
  out['tls.version'] = m[3] === undefined ? m[2]! : `${m[2]}.${m[3]}`;
}

function normalizeZeek(r: Record<string, unknown>): EventFields {
  const out: EventFields = {};
  const log = logName(r);
  keepOriginal(out, r, `zeek.${log}`);
  put(out, '@timestamp', parseTime(r.ts));
  out['event.module'] = 'zeek';
  out['event.dataset'] = `zeek.${log}`;
  out['event.kind'] = log === 'notice' || log === 'weird' ? 'alert' : 'event';
  out['event.category'] = log === 'files' || log === 'x509' ? ['file'] : ['network'];
  out['event.type'] = [log === 'conn' ? 'connection' : log === 'notice' || log === 'weird' ? 'info' : 'protocol'];
  put(out, 'event.id', str(r.uid) ?? str(r.fuid));
  endpoint(out, 'source', r['id.orig_h'], r['id.orig_p']);
  endpoint(out, 'destination', r['id.resp_h'], r['id.resp_p']);
  put(out, 'network.transport', str(r.proto)?.toLowerCase());
  put(out, 'network.community_id', str(r.community_id));

  switch (log) {
    case 'conn': {
      put(out, 'network.protocol', str(r.service)?.toLowerCase());
      const duration = typeof r.duration === 'number' && Number.isFinite(r.duration) && r.duration >= 0 ? Math.round(r.duration * 1e9) : undefined;
      put(out, 'event.duration', duration);
      put(out, 'source.bytes', int(r.orig_ip_bytes) ?? int(r.orig_bytes));
      put(out, 'destination.bytes', int(r.resp_ip_bytes) ?? int(r.resp_bytes));
      put(out, 'source.packets', int(r.orig_pkts));
      put(out, 'destination.packets', int(r.resp_pkts));
      break;
    }
    case 'dns': {
      out['network.protocol'] = 'dns';
      const name = str(r.query);
      put(out, 'dns.question.name', name);
      put(out, 'dns.question.type', str(r.qtype_name));
      put(out, 'dns.response_code', str(r.rcode_name));
      put(out, 'dns.id', str(r.trans_id));
      addRelated(out, 'related.hosts', name);
      const resolved = (Array.isArray(r.answers) ? r.answers : []).map((a) => ip(a)).filter((a): a is string => a !== undefined);
      if (resolved.length > 0) out['dns.resolved_ip'] = resolved;
      break;
    }
    case 'http': {
      out['network.protocol'] = 'http';
      const host = str(r.host);
      const uri = str(r.uri);
      put(out, 'url.domain', host);
      put(out, 'url.original', uri);
      put(out, 'url.path', uri?.split('?')[0]);
      put(out, 'http.request.method', str(r.method));
      put(out, 'http.response.status_code', int(r.status_code));
      put(out, 'http.request.referrer', str(r.referrer));
      put(out, 'http.request.body.bytes', int(r.request_body_len));
      put(out, 'http.response.body.bytes', int(r.response_body_len));
      put(out, 'http.version', str(r.version));
      put(out, 'user_agent.original', str(r.user_agent));
      addRelated(out, 'related.hosts', host);
      break;
    }
    case 'ssl': {
      out['network.protocol'] = 'tls';
      tlsVersion(out, str(r.version));
      put(out, 'tls.cipher', str(r.cipher));
      put(out, 'tls.curve', str(r.curve));
      put(out, 'tls.established', typeof r.established === 'boolean' ? r.established : undefined);
      put(out, 'tls.resumed', typeof r.resumed === 'boolean' ? r.resumed : undefined);
      const sni = str(r.server_name);
      put(out, 'tls.client.server_name', sni);
      put(out, 'tls.server.subject', str(r.subject));
      put(out, 'tls.server.issuer', str(r.issuer));
      put(out, 'tls.client.ja3', str(r.ja3));
      put(out, 'tls.server.ja3s', str(r.ja3s));
      addRelated(out, 'related.hosts', sni);
      break;
    }
    case 'files': {
      putPath(out, 'file', str(r.filename));
      put(out, 'file.mime_type', str(r.mime_type));
      put(out, 'file.size', int(r.total_bytes) ?? int(r.seen_bytes));
      for (const algo of ['md5', 'sha1', 'sha256'] as const) {
        const hash = str(r[algo]);
        put(out, `file.hash.${algo}`, hash);
        addRelated(out, 'related.hash', hash);
      }
      break;
    }
    case 'notice':
      put(out, 'rule.name', str(r.note));
      put(out, 'message', str(r.msg));
      put(out, 'event.action', str(r.note));
      endpoint(out, 'source', r.src, undefined);
      endpoint(out, 'destination', r.dst, r.p);
      break;
    case 'weird':
      put(out, 'rule.name', str(r.name));
      put(out, 'message', str(r.name));
      break;
    case 'x509':
      put(out, 'x509.version_number', str(r['certificate.version']));
      put(out, 'x509.serial_number', str(r['certificate.serial']));
      put(out, 'x509.subject.distinguished_name', str(r['certificate.subject']));
      put(out, 'x509.issuer.distinguished_name', str(r['certificate.issuer']));
      put(out, 'x509.not_before', parseTime(r['certificate.not_valid_before']));
      put(out, 'x509.not_after', parseTime(r['certificate.not_valid_after']));
      put(out, 'x509.public_key_algorithm', str(r['certificate.key_alg']));
      put(out, 'x509.signature_algorithm', str(r['certificate.sig_alg']));
      {
        // Zeek fingerprints certificates with SHA-256 since 4.0, SHA-1 before.
        const fp = str(r.fingerprint);
        put(out, fp?.length === 40 ? 'file.hash.sha1' : 'file.hash.sha256', fp);
      }
      break;
  }
  return out;
}

export const zeekSourceType: ObjectSourceType = {
  name: 'zeek',
  description: 'Zeek logs in JSON (conn, dns, http, ssl, files, notice, weird, x509, ...)',
  input: 'object',
  detect: (r) => (typeof r._path === 'string' && ('ts' in r || '_write_ts' in r))
    || ('ts' in r && ('id.orig_h' in r || (typeof r.fuid === 'string') || 'certificate.version' in r)),
  normalize: normalizeZeek,
};
