import { describe, expect, it } from 'vitest';
import { ParseError } from './source-type.ts';
import { apacheSourceType, nginxSourceType } from './web-access.ts';

const ctx = { receivedAt: 0 };

describe('nginx and apache source types', () => {
  it('maps a combined line to http, url, source and user agent fields', () => {
    const f = nginxSourceType.normalize('198.51.100.20 - bob [15/Jun/2024:08:01:02 +0000] "GET /search?q=%27+OR+1%3D1--#top HTTP/1.1" 500 1234 "https://shop.example.com/" "sqlmap/1.7.2#stable (https://sqlmap.org)"', ctx);
    expect(f).toMatchObject({
      '@timestamp': '2024-06-15T08:01:02.000Z', 'event.category': ['web'], 'event.type': ['access'], 'event.outcome': 'failure',
      'event.module': 'nginx', 'event.dataset': 'nginx.access', 'source.ip': '198.51.100.20', 'user.name': 'bob',
      'http.request.method': 'GET', 'url.original': '/search?q=%27+OR+1%3D1--#top', 'url.path': '/search', 'url.query': 'q=%27+OR+1%3D1--',
      'url.fragment': 'top', 'http.version': '1.1', 'http.response.status_code': 500, 'http.response.body.bytes': 1234,
      'http.request.referrer': 'https://shop.example.com/', 'user_agent.original': 'sqlmap/1.7.2#stable (https://sqlmap.org)',
      'related.ip': ['198.51.100.20'], 'related.user': ['bob'],
    });
  });

  it('maps vhost_combined to url.domain and destination.port, and success outcomes', () => {
    const f = apacheSourceType.normalize('intranet.example.com:8443 10.0.0.7 - - [15/Jun/2024:08:01:02 +0200] "HEAD /health HTTP/1.1" 204 - "-" "kube-probe/1.29"', ctx);
    expect(f).toMatchObject({ 'url.domain': 'intranet.example.com', 'destination.port': 8443, 'event.outcome': 'success', 'event.module': 'apache', 'http.request.method': 'HEAD' });
    expect(f['http.response.body.bytes']).toBeUndefined();
  });

  it('keeps proxy and CONNECT targets without splitting, and garbage request lines', () => {
    expect(nginxSourceType.normalize('10.0.0.1 - - [15/Jun/2024:08:01:02 +0000] "CONNECT api.example.com:443 HTTP/1.1" 200 0 "-" "-"', ctx)).toMatchObject({ 'url.original': 'api.example.com:443' });
    const tls = nginxSourceType.normalize('10.0.0.1 - - [15/Jun/2024:08:01:02 +0000] "\\x16\\x03\\x01" 400 157 "-" "-"', ctx);
    expect(tls['nginx.access.request_line']).toBe('\\x16\\x03\\x01');
    expect(tls['url.original']).toBeUndefined();
  });

  it('reads the X-Forwarded-For list of nginx main', () => {
    const f = nginxSourceType.normalize('10.0.0.2 - - [15/Jun/2024:08:01:02 +0000] "GET / HTTP/1.1" 200 5 "-" "ua" "203.0.113.5, 10.0.0.1"', ctx);
    expect(f['nginx.access.remote_ip_list']).toEqual(['203.0.113.5', '10.0.0.1']);
  });

  it('labels common and vhost lines apache, combined lines nginx, when detecting', () => {
    const common = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326';
    const combined = '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8"';
    const vhost = 'www.example.com:80 127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl/8"';
    expect([apacheSourceType.detect(common), apacheSourceType.detect(combined), apacheSourceType.detect(vhost)]).toEqual([true, false, true]);
    expect(nginxSourceType.detect(combined)).toBe(true);
  });

  it('throws ParseError on broken lines', () => {
    expect(() => nginxSourceType.normalize('10.0.0.1 - - [15/Jun/2024:08:01:02 +0000] "GET /', ctx)).toThrow(ParseError);
  });
});
