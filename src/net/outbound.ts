import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import type { OutboundConfig } from './outbound-config.ts';

/**
 * Outbound HTTP for URLs that come from configuration or users (webhooks, notification channels,
 * threat-intelligence feeds): protection against server-side request forgery. Only http/https; the
 * target must be a public unicast address, unless `allowPrivateTargets` lists it (an on-premises chat
 * server). The check runs inside the connection's own DNS lookup, so the socket connects to exactly
 * the address that was checked: a name that resolves to a public address at check time and to
 * 127.0.0.1 at connect time (DNS rebinding) cannot slip through. Redirects are followed by hand, each
 * hop checked again.
 *
 * Libraries considered: request-filtering-agent (and ssrf-req-filter) guard node:http agents only,
 * not undici/fetch; ipaddr.js does the address classification here.
 */

/** Where outbound requests may go, and how much they may take. */
export interface OutboundPolicy {
  /** CIDR ranges of private or loopback targets that are allowed anyway (e.g. `10.20.0.0/16`). */
  allowPrivateTargets: readonly string[];
  /** Whole request including redirects and body, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Largest response body read; a larger one fails the request (default 1 MiB). */
  maxResponseBytes?: number;
  /** Redirects followed at most (default 5). */
  maxRedirects?: number;
}

/** The policy of the `outbound` configuration section. */
export function outboundPolicy(config: OutboundConfig): OutboundPolicy {
  return { allowPrivateTargets: config.allowPrivateTargets, timeoutMs: config.timeoutSeconds * 1000, maxResponseBytes: config.maxResponseBytes };
}

export interface SafeFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  headers: Headers;
  body: Buffer;
  text(): string;
  json(): unknown;
}

/** A request refused by the policy (the target, the scheme, a redirect) or cut short by a limit. */
export class OutboundError extends Error {
  override name = 'OutboundError';
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses the allowed CIDRs; throws naming the first that is not one. */
export function parseCidrs(cidrs: readonly string[]): Cidr[] {
  return cidrs.map((cidr) => {
    try {
      return ipaddr.parseCIDR(cidr);
    } catch {
      throw new OutboundError(`"${cidr}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8`);
    }
  });
}

/**
 * Why an address may not be a target, or undefined when it may. Only public unicast addresses pass:
 * loopback, RFC 1918, shared (RFC 6598), link-local (cloud metadata at 169.254.169.254), unique-local,
 * multicast, unspecified, broadcast, documentation and other reserved ranges are refused, as are IPv6
 * forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) unless the embedded one passes.
 *
 * @example forbiddenReason('169.254.169.254', []) // 'linkLocal'
 */
export function forbiddenReason(address: string, allowed: readonly Cidr[]): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return 'not an IP address';
  }
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return undefined;
  const range = ip.range();
  return range === 'unicast' ? undefined : range;
}

/**
 * Fetches `url` under `policy`: refuses non-http(s) URLs and forbidden targets with an
 * {@link OutboundError}, follows up to `maxRedirects` redirects (each checked; credentials are not sent
 * to another origin), enforces the time and size limits, and returns the buffered response.
 *
 * @example const res = await safeFetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body }, { allowPrivateTargets: [] })
 * @see forbiddenReason
 */
export async function safeFetch(url: string | URL, init: SafeFetchInit, policy: OutboundPolicy): Promise<OutboundResponse> {
  const allowed = parseCidrs(policy.allowPrivateTargets);
  const maxBytes = policy.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRedirects = policy.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const timeout = AbortSignal.timeout(policy.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  const dispatcher = new Agent({ connect: { lookup: checkedLookup(allowed) } });
  let target = parseTarget(url);
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body;
  let headers = { ...init.headers };
  try {
    for (let hop = 0; ; hop++) {
      checkLiteralHost(target, allowed);
      const response = await request(target, { method: method as 'GET', headers, body, signal, dispatcher }).catch((err: unknown) => {
        throw asOutboundError(err, target, signal);
      });
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump();
        if (hop >= maxRedirects) throw new OutboundError(`more than ${maxRedirects} redirects from ${describe(parseTarget(url))}`);
        const next = parseTarget(new URL(location, target));
        if (next.origin !== target.origin) headers = withoutCredentials(headers);
        if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          headers = withoutBodyHeaders(headers);
        }
        target = next;
        continue;
      }
      const bytes = await readCapped(response.body, maxBytes, target).catch((err: unknown) => {
        throw asOutboundError(err, target, signal);
      });
      return toResponse(target, response.statusCode, response.headers, bytes);
    }
  } finally {
    await dispatcher.close();
  }
}

function parseTarget(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundError('not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OutboundError(`only http and https URLs may be fetched, not ${parsed.protocol}`);
  return parsed;
}

/** IP literals never reach the lookup (the WHATWG parser already turned `2130706433` into `127.0.0.1`). */
function checkLiteralHost(target: URL, allowed: readonly Cidr[]): void {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return;
  const reason = forbiddenReason(host, allowed);
  if (reason) throw new OutboundError(`${describe(target)} is a ${reason} address, which outbound requests may not reach (outbound.allowPrivateTargets)`);
}

/** A DNS lookup that fails when any address of the name is forbidden, so the connection uses only checked addresses. */
function checkedLookup(allowed: readonly Cidr[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.map((a) => [a.address, forbiddenReason(a.address, allowed)] as const).find(([, reason]) => reason);
      if (bad) {
        const error = new OutboundError(`${hostname} resolves to ${bad[0]}, a ${bad[1]} address, which outbound requests may not reach (outbound.allowPrivateTargets)`);
        return callback(error as NodeJS.ErrnoException, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`) as NodeJS.ErrnoException, '', 0);
      callback(null, first.address, first.family);
    });
  };
}

async function readCapped(body: AsyncIterable<Buffer>, maxBytes: number, target: URL): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw new OutboundError(`the response of ${describe(target)} is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function asOutboundError(err: unknown, target: URL, signal: AbortSignal): Error {
  if (err instanceof OutboundError) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof OutboundError) return cause;
  if (signal.aborted) return new OutboundError(`the request to ${describe(target)} timed out or was cancelled`);
  return new OutboundError(`the request to ${describe(target)} failed: ${(err as Error).message}`);
}

/** Scheme, host and port only: paths and queries of webhook URLs often hold their secret. */
function describe(target: URL): string {
  return target.origin;
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(authorization|cookie|proxy-authorization)$/i.test(name)));
}

function withoutBodyHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !/^content-/i.test(name)));
}

function toResponse(target: URL, status: number, raw: Record<string, string | string[] | undefined>, body: Buffer): OutboundResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return {
    url: target.href, status, headers, body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}
