/**
 * The `nginx` and `apache` source types: web server access logs in the NCSA formats (common,
 * combined, vhost_combined, nginx `main`) mapped to ECS `http.*`, `url.*`, `source.*`,
 * `user_agent.original`. Both servers write the same formats, so auto-detection cannot tell them
 * apart: lines in the common and vhost formats (Apache defaults) are detected as `apache`, combined
 * lines as `nginx`. Set the source type on the input to label a server's logs exactly.
 */
import type { EventFields } from '../core/event.ts';
import { type AccessLogEntry, looksLikeAccessLog, parseAccessLog } from '../parse/access-log.ts';
import type { NormalizeContext, TextSourceType } from './source-type.ts';
import { addRelated, setEndpoint, setUser } from './text-fields.ts';

/**
 * Maps a decoded access-log entry to ECS, labelled with the server `module` (`nginx`/`apache`).
 *
 * @example
 * accessLogToEcs(parseAccessLog('10.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /?q=1 HTTP/1.1" 404 0'), 'nginx')['url.query'] // 'q=1'
 */
export function accessLogToEcs(entry: AccessLogEntry, module: 'nginx' | 'apache'): EventFields {
  const out: EventFields = {
    '@timestamp': entry.timestamp,
    'event.kind': 'event',
    'event.category': ['web'],
    'event.type': ['access'],
    'event.module': module,
    'event.dataset': NAMES[module].dataset,
  };
  setEndpoint(out, 'source', entry.client);
  setUser(out, 'user.name', entry.user);
  if (entry.vhost !== undefined) {
    out['url.domain'] = entry.vhost;
    out['destination.domain'] = entry.vhost;
    addRelated(out, 'related.hosts', entry.vhost);
  }
  if (entry.vhostPort !== undefined) out['destination.port'] = entry.vhostPort;
  if (entry.method !== undefined) {
    out['http.request.method'] = entry.method;
    const target = entry.target ?? '';
    out['url.original'] = target;
    // Origin-form targets split into path and query; absolute-form (proxies) and CONNECT keep the original only.
    if (target.startsWith('/')) {
      const hash = target.indexOf('#');
      const path = hash < 0 ? target : target.slice(0, hash);
      const q = path.indexOf('?');
      out['url.path'] = q < 0 ? path : path.slice(0, q);
      if (q >= 0) out['url.query'] = path.slice(q + 1);
      if (hash >= 0) out['url.fragment'] = target.slice(hash + 1);
    }
    if (entry.httpVersion !== undefined) out['http.version'] = entry.httpVersion;
  } else if (entry.request !== '' && entry.request !== '-') {
    // Not an HTTP request line (TLS handshake or scanner garbage on a plain port): keep it visibly.
    out[NAMES[module].requestLine] = entry.request;
  }
  if (entry.status !== undefined) {
    out['http.response.status_code'] = entry.status;
    out['event.outcome'] = entry.status < 400 ? 'success' : 'failure';
  }
  if (entry.bytes !== undefined) out['http.response.body.bytes'] = entry.bytes;
  if (entry.referrer !== undefined) out['http.request.referrer'] = entry.referrer;
  if (entry.userAgent !== undefined) out['user_agent.original'] = entry.userAgent;
  if (entry.extra.length > 0) {
    out[NAMES[module].extra] = entry.extra;
    // nginx "main": the first extra field is $http_x_forwarded_for.
    const forwarded = entry.extra[0];
    if (module === 'nginx' && forwarded !== undefined && forwarded !== '-') {
      out['nginx.access.remote_ip_list'] = forwarded.split(',').map((s) => s.trim()).filter((s) => s !== '');
    }
  }
  return out;
}

// Field names spelled out once (names built per record cost a string-table lookup per store).
const NAMES = {
  nginx: { dataset: 'nginx.access', requestLine: 'nginx.access.request_line', extra: 'nginx.access.extra' },
  apache: { dataset: 'apache.access', requestLine: 'apache.access.request_line', extra: 'apache.access.extra' },
} as const;

function sourceType(module: 'nginx' | 'apache', detect: (text: string) => boolean): TextSourceType {
  return {
    name: module,
    description: `${module === 'nginx' ? 'nginx' : 'Apache httpd'} access log (common, combined, vhost_combined)`,
    input: 'text',
    detect,
    normalize(text: string, _ctx: NormalizeContext): EventFields {
      return accessLogToEcs(parseAccessLog(text), module);
    },
  };
}

/** Counts closing quotes after the request: combined lines have referrer and user agent quoted. */
function isCombined(text: string): boolean {
  const close = text.indexOf('] "');
  const request = close < 0 ? -1 : text.indexOf('" ', close + 3);
  return request > 0 && text.indexOf(' "', request + 2) > 0;
}

/** vhost_combined: four words (`vhost:port client ident user`) before the `[time]`. */
function isVhost(text: string): boolean {
  const open = text.indexOf(' [');
  let words = 1;
  for (let i = 0; i < open; i++) if (text.charCodeAt(i) === 32) words++;
  return words === 4;
}

/** Apache httpd access logs; auto-detects the common and vhost_combined formats. */
export const apacheSourceType = sourceType('apache', (t) => looksLikeAccessLog(t) && (!isCombined(t) || isVhost(t)));

/** nginx access logs; auto-detects the combined and main formats. */
export const nginxSourceType = sourceType('nginx', looksLikeAccessLog);
