import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/config-schema.ts';
import { forbiddenReason, OutboundError, outboundPolicy, parseCidrs, safeFetch } from './outbound.ts';

let server: Server;
let base: string;
let port: number;
const seen: { url: string; authorization?: string; method: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url!, authorization: req.headers.authorization, method: req.method! });
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/redirect') {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to')! }).end();
    } else if (url.pathname === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else if (url.pathname === '/big') {
      res.end('x'.repeat(4096));
    } else if (url.pathname === '/slow') {
      setTimeout(() => res.end('late'), 2000);
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, path: url.pathname }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const LOCAL = { allowPrivateTargets: ['127.0.0.1/32'] };

describe('address policy', () => {
  it('refuses every non-public form of an address', () => {
    const cases: [string, string][] = [
      ['127.0.0.1', 'loopback'], ['127.1.2.3', 'loopback'], ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['192.168.1.1', 'private'],
      ['100.64.0.1', 'carrierGradeNat'], ['169.254.169.254', 'linkLocal'], ['0.0.0.0', 'unspecified'], ['224.0.0.1', 'multicast'],
      ['255.255.255.255', 'broadcast'], ['::1', 'loopback'], ['::', 'unspecified'], ['fd00::1', 'uniqueLocal'], ['fe80::1', 'linkLocal'],
      ['ff02::1', 'multicast'], ['::ffff:127.0.0.1', 'loopback'], ['::ffff:169.254.169.254', 'linkLocal'], ['::ffff:10.0.0.1', 'private'],
      ['64:ff9b::7f00:1', 'rfc6052'], ['2002:7f00:1::', '6to4'],
    ];
    for (const [address, reason] of cases) expect(forbiddenReason(address, []), address).toBe(reason);
    for (const address of ['93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8']) expect(forbiddenReason(address, []), address).toBeUndefined();
  });

  it('lets listed ranges through, and only them', () => {
    const allowed = parseCidrs(['10.20.0.0/16', 'fd00::/8']);
    expect(forbiddenReason('10.20.3.4', allowed)).toBeUndefined();
    expect(forbiddenReason('::ffff:10.20.3.4', allowed)).toBeUndefined();
    expect(forbiddenReason('fd12::1', allowed)).toBeUndefined();
    expect(forbiddenReason('10.21.0.1', allowed)).toBe('private');
    expect(() => parseCidrs(['10.0.0.0'])).toThrow(OutboundError);
  });

  it('validates outbound.allowPrivateTargets in the configuration', () => {
    expect(configSchema.safeParse({ outbound: { allowPrivateTargets: ['192.168.0.0/16'] } }).success).toBe(true);
    expect(configSchema.safeParse({ outbound: { allowPrivateTargets: ['192.168.0.0'] } }).success).toBe(false);
    expect(outboundPolicy(configSchema.parse({}).outbound)).toEqual({ allowPrivateTargets: [], timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 });
  });
});

describe('safeFetch', () => {
  it('refuses loopback, private, metadata, IPv6 and encoded forms before connecting', async () => {
    const before = seen.length;
    for (const url of [
      base, `http://2130706433:${port}/`, `http://0x7f.1:${port}/`, `http://0177.0.0.1:${port}/`, `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:a9fe:a9fe]/', 'http://10.0.0.1/',
      'http://100.64.1.1/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://0.0.0.0/', `http://localhost:${port}/`,
    ]) {
      await expect(safeFetch(url, {}, { allowPrivateTargets: [] }), url).rejects.toThrow(OutboundError);
    }
    expect(seen.length).toBe(before);
  });

  it('refuses other schemes', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1:70/', 'data:text/plain,hi']) {
      await expect(safeFetch(url, {}, LOCAL), url).rejects.toThrow(/only http and https/);
    }
  });

  it('reaches an allowed private range, by address and by a name that resolves to it', async () => {
    const direct = await safeFetch(`${base}/hook`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }, LOCAL);
    expect(direct.status).toBe(200);
    expect(direct.json()).toEqual({ ok: true, path: '/hook' });
    const named = await safeFetch(`http://localhost:${port}/named`, {}, { allowPrivateTargets: ['127.0.0.0/8', '::1/128'] });
    expect(named.json()).toEqual({ ok: true, path: '/named' });
  });

  it('checks every redirect hop: a redirect to loopback or metadata outside the allowed range is refused', async () => {
    const to = (target: string) => `${base}/redirect?to=${encodeURIComponent(target)}`;
    await expect(safeFetch(to(`http://127.0.0.2:${port}/`), {}, LOCAL)).rejects.toThrow(/loopback/);
    await expect(safeFetch(to('http://169.254.169.254/latest/meta-data/'), {}, LOCAL)).rejects.toThrow(/linkLocal/);
    await expect(safeFetch(to(`http://[::1]:${port}/`), {}, LOCAL)).rejects.toThrow(/loopback/);
    await expect(safeFetch(to('file:///etc/passwd'), {}, LOCAL)).rejects.toThrow(/only http and https/);
    const followed = await safeFetch(to('/final'), {}, LOCAL);
    expect(followed.json()).toEqual({ ok: true, path: '/final' });
    expect(followed.url).toBe(`${base}/final`);
  });

  it('follows at most 5 redirects, turns a 303 into GET and keeps credentials on the same origin only', async () => {
    await expect(safeFetch(`${base}/loop`, {}, LOCAL)).rejects.toThrow(/more than 5 redirects/);
    seen.length = 0;
    const response = await safeFetch(`${base}/redirect?status=303&to=${encodeURIComponent('/after')}`, {
      method: 'POST', body: 'x', headers: { authorization: 'Bearer s3cret' },
    }, LOCAL);
    expect(response.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ url: '/after', method: 'GET', authorization: 'Bearer s3cret' });
    seen.length = 0;
    await safeFetch(`${base}/redirect?to=${encodeURIComponent(`http://localhost:${port}/other-origin`)}`, {
      headers: { authorization: 'Bearer s3cret' },
    }, { allowPrivateTargets: ['127.0.0.0/8', '::1/128'] });
    expect(seen.at(-1)).toMatchObject({ url: '/other-origin' });
    expect(seen.at(-1)!.authorization).toBeUndefined();
  });

  it('caps the response size and the time taken', async () => {
    await expect(safeFetch(`${base}/big`, {}, { ...LOCAL, maxResponseBytes: 1024 })).rejects.toThrow(/larger than 1024 bytes/);
    await expect(safeFetch(`${base}/slow`, {}, { ...LOCAL, timeoutMs: 200 })).rejects.toThrow(/timed out/);
  });
});
