/**
 * Suricata EVE JSON (alert, dns, http, tls, flow, fileinfo, ...). The original event is kept under
 * `suricata.eve.<originalName>`; the connection and protocol details are mapped to ECS.
 */
import type { EventFields } from '../core/event.ts';
import type { ObjectSourceType } from './source-type.ts';
import { addRelated, int, ip, keepOriginal, obj, parseTime, port, put, putPath, str } from './json-fields.ts';

function putEndpoint(out: EventFields, prefix: string, address: unknown, portValue: unknown): void {
  const addr = ip(address);
  put(out, `${prefix}.ip`, addr);
  addRelated(out, 'related.ip', addr);
  put(out, `${prefix}.port`, port(portValue));
}

/** `TLS 1.2` → protocol `tls`, version `1.2`, as ECS splits them. */
function putTlsVersion(out: EventFields, version: string | undefined): void {
  if (version === undefined) return;
  const space = version.indexOf(' ');
  if (space > 0) {
    out['tls.version_protocol'] = version.slice(0, space).toLowerCase();
    out['tls.version'] = version.slice(space + 1);
  } else {
    out['tls.version'] = version;
  }
}

function normalizeSuricata(r: Record<string, unknown>): EventFields {
  const out: EventFields = {};
  keepOriginal(out, r, 'suricata.eve');
  put(out, '@timestamp', parseTime(r.timestamp));
  const type = r.event_type as string;
  out['event.module'] = 'suricata';
  out['event.dataset'] = 'suricata.eve';
  out['event.kind'] = type === 'alert' ? 'alert' : type === 'stats' ? 'metric' : 'event';
  out['event.category'] = type === 'alert' ? ['network', 'intrusion_detection'] : type === 'fileinfo' ? ['network', 'file'] : ['network'];
  out['event.type'] = [type === 'flow' ? 'connection' : type === 'alert' ? 'info' : 'protocol'];
  put(out, 'event.id', str(r.flow_id));
  putEndpoint(out, 'source', r.src_ip, r.src_port);
  putEndpoint(out, 'destination', r.dest_ip, r.dest_port);
  put(out, 'network.transport', str(r.proto)?.toLowerCase());
  put(out, 'network.protocol', str(r.app_proto)?.toLowerCase());
  put(out, 'network.community_id', str(r.community_id));
  put(out, 'network.vlan.id', Array.isArray(r.vlan) ? str(r.vlan[0]) : undefined);
  put(out, 'observer.ingress.interface.name', str(r.in_iface));
  put(out, 'host.name', str(r.host));

  const alert = obj(r.alert);
  if (alert) {
    const signature = str(alert.signature);
    put(out, 'rule.id', str(alert.signature_id));
    put(out, 'rule.name', signature);
    put(out, 'rule.category', str(alert.category));
    put(out, 'rule.version', str(alert.rev));
    put(out, 'rule.uuid', str(alert.gid) !== undefined && str(alert.signature_id) !== undefined ? `${str(alert.gid)}:${str(alert.signature_id)}` : undefined);
    put(out, 'event.severity', int(alert.severity));
    put(out, 'event.action', str(alert.action));
    put(out, 'message', signature);
  }

  const dns = obj(r.dns);
  if (dns) {
    const query = obj(Array.isArray(dns.queries) ? dns.queries[0] : undefined);
    const name = str(dns.rrname) ?? str(query?.rrname);
    put(out, 'dns.question.name', name);
    put(out, 'dns.question.type', str(dns.rrtype) ?? str(query?.rrtype));
    put(out, 'dns.type', str(dns.type));
    put(out, 'dns.id', str(dns.id));
    put(out, 'dns.response_code', str(dns.rcode));
    addRelated(out, 'related.hosts', name);
    const answers = Array.isArray(dns.answers) ? dns.answers : [];
    const resolved = answers.map((a) => ip(obj(a)?.rdata)).filter((a): a is string => a !== undefined);
    const grouped = obj(dns.grouped);
    for (const a of [...(Array.isArray(grouped?.A) ? grouped.A : []), ...(Array.isArray(grouped?.AAAA) ? grouped.AAAA : [])]) {
      const addr = ip(a);
      if (addr !== undefined) resolved.push(addr);
    }
    if (resolved.length > 0) out['dns.resolved_ip'] = [...new Set(resolved)];
  }

  const http = obj(r.http);
  if (http) {
    const host = str(http.hostname);
    const url = str(http.url);
    put(out, 'url.domain', host);
    put(out, 'url.original', url);
    put(out, 'url.path', url?.split('?')[0]);
    put(out, 'http.request.method', str(http.http_method));
    put(out, 'http.response.status_code', int(http.status));
    put(out, 'http.request.referrer', str(http.http_refer));
    put(out, 'http.response.body.bytes', int(http.length));
    put(out, 'http.response.mime_type', str(http.http_content_type));
    put(out, 'http.version', str(http.protocol)?.replace(/^HTTP\//, ''));
    put(out, 'user_agent.original', str(http.http_user_agent));
    addRelated(out, 'related.hosts', host);
  }

  const tls = obj(r.tls);
  if (tls) {
    putTlsVersion(out, str(tls.version));
    const sni = str(tls.sni);
    put(out, 'tls.client.server_name', sni);
    put(out, 'tls.server.subject', str(tls.subject));
    put(out, 'tls.server.issuer', str(tls.issuerdn));
    put(out, 'tls.server.not_before', parseTime(tls.notbefore));
    put(out, 'tls.server.not_after', parseTime(tls.notafter));
    put(out, 'tls.server.hash.sha1', str(tls.fingerprint)?.replaceAll(':', '').toUpperCase());
    put(out, 'tls.client.ja3', str(obj(tls.ja3)?.hash));
    put(out, 'tls.server.ja3s', str(obj(tls.ja3s)?.hash));
    addRelated(out, 'related.hosts', sni);
  }

  const flow = obj(r.flow);
  if (flow) {
    const toServer = [int(flow.pkts_toserver), int(flow.bytes_toserver)];
    const toClient = [int(flow.pkts_toclient), int(flow.bytes_toclient)];
    put(out, 'source.packets', toServer[0]);
    put(out, 'source.bytes', toServer[1]);
    put(out, 'destination.packets', toClient[0]);
    put(out, 'destination.bytes', toClient[1]);
    if (toServer[1] !== undefined && toClient[1] !== undefined) out['network.bytes'] = toServer[1] + toClient[1];
    if (toServer[0] !== undefined && toClient[0] !== undefined) out['network.packets'] = toServer[0] + toClient[0];
    put(out, 'event.start', parseTime(flow.start));
    put(out, 'event.end', parseTime(flow.end));
  }

  const file = obj(r.fileinfo);
  if (file) {
    putPath(out, 'file', str(file.filename));
    put(out, 'file.size', int(file.size));
    for (const algo of ['md5', 'sha1', 'sha256'] as const) {
      const hash = str(file[algo]);
      put(out, `file.hash.${algo}`, hash);
      addRelated(out, 'related.hash', hash);
    }
  }
  return out;
}

export const suricataSourceType: ObjectSourceType = {
  name: 'suricata',
  description: 'Suricata EVE JSON events',
  input: 'object',
  detect: (r) => typeof r.event_type === 'string' && typeof r.timestamp === 'string' && ('src_ip' in r || 'flow_id' in r || 'stats' in r),
  normalize: normalizeSuricata,
};
