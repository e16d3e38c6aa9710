import { request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession } from '../../test/helpers/api-session.ts';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';
import { routeDecisions } from './access.ts';
import { rateLimitTier, tierLimit } from './rate-limits.ts';

const RATE_LIMITS = { signInPerMinute: 8, publicPerMinute: 60, apiPerMinute: 30, intakeAuthFailuresPerMinute: 4 };
const LIMITS = { maxHeaderBytes: 4096, maxUrlLength: 512, maxQueryParameters: 5, maxJsonDepth: 8 };

let vigil: RunningVigil;
let session: ApiSession;

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      dataDir: mkdtempSync(join(tmpdir(), 'vigil-hardening-')),
      server: { port: 0, rateLimits: RATE_LIMITS, limits: LIMITS },
      intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
    },
  });
  vigil = await startVigil({ config, log: createLogger('silent') });
  session = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!);
}, 60_000);
afterAll(async () => vigil?.close());

const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

/** Sends requests until one is answered 429 (at most `max`); returns it. */
async function until429(max: number, send: () => Promise<Response>): Promise<{ response: Response; sent: number }> {
  for (let sent = 1; sent <= max; sent++) {
    const response = await send();
    if (response.status === 429) return { response, sent };
    await response.body?.cancel();
  }
  throw new Error(`no 429 after ${max} requests`);
}

/** Raw HTTP/1.1 request, for headers fetch would refuse or normalize. */
function rawStatus(path: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(vigil.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request limits', () => {
  it('answers 414 to an over-long URL and 400 to too many query parameters', async () => {
    const long = await fetch(`${vigil.url}/healthz?pad=${'a'.repeat(600)}`);
    expect(long.status).toBe(414);
    expect(await errorCode(long)).toBe('URI_TOO_LONG');
    const many = await fetch(`${vigil.url}/api/v1/events?a=1&b=2&c=3&d=4&e=5&f=6`);
    expect(many.status).toBe(400);
    expect(await errorCode(many)).toBe('VALIDATION');
    expect((await fetch(`${vigil.url}/healthz?a=1&b=2`)).status).toBe(200);
  });

  it('answers 431 to oversized headers without crashing', async () => {
    expect(await rawStatus('/healthz', { 'x-pad': 'p'.repeat(8192) })).toBe(431);
    expect((await fetch(`${vigil.url}/healthz`)).status).toBe(200);
  });

  it('refuses API bodies nested too deep with 400, also absurdly deep ones', async () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    for (const depth of [20, 200_000]) {
      const deep = await fetch(`${vigil.url}/api/v1/auth/password`, {
        method: 'POST', headers: { cookie: session.cookieHeader, 'x-vigil-csrf': '1', 'content-type': 'application/json' },
        body: `{"currentPassword":"x","newPassword":${nested(depth)}}`,
      });
      expect(deep.status, `depth ${depth}`).toBe(400);
      expect(await deep.text()).toMatch(/nests deeper than 8 levels/);
    }
    expect((await fetch(`${vigil.url}/healthz`)).status).toBe(200);
  });

  it('answers 413 to a body over server.maxBodyBytes', async () => {
    const big = await fetch(`${vigil.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: 'p'.repeat(17 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
  });
});

describe('rate limits', () => {
  it('covers every public route by construction: each gets a per-address limit and sends its headers', async () => {
    const publicRoutes = routeDecisions(vigil.server).filter((d) => d.access === 'public');
    expect(publicRoutes.length).toBeGreaterThan(2);
    for (const route of routeDecisions(vigil.server)) {
      const tier = rateLimitTier(route.access, route.method, route.url);
      if (route.access === 'public') expect(['sign-in', 'public'], route.url).toContain(tier);
      else if (route.access === 'intake') expect(tier).toBe('intake');
      else expect(tier).toBe('api');
      expect(tierLimit(tier, { enabled: true, ...RATE_LIMITS })).toBeGreaterThan(0);
    }
    expect(rateLimitTier('public', 'POST', '/api/v1/auth/login')).toBe('sign-in');
    expect(rateLimitTier('public', 'GET', '/api/v1/auth/sso/example/start')).toBe('sign-in');
    expect(rateLimitTier(undefined, 'GET', undefined)).toBe('public');
    // And the limiter really runs on each of them (and on unmatched URLs).
    for (const route of publicRoutes.filter((r) => !r.url.includes(':') && !r.url.includes('*') && r.method !== 'HEAD')) {
      const response = await fetch(`${vigil.url}${route.url}`, { method: route.method, redirect: 'manual', ...(route.method === 'GET' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
      await response.body?.cancel();
      const tier = rateLimitTier('public', route.method, route.url);
      expect(response.headers.get('x-ratelimit-limit'), `${route.method} ${route.url}`).toBe(String(tierLimit(tier, { enabled: true, ...RATE_LIMITS })));
    }
    const missing = await fetch(`${vigil.url}/api/v1/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-ratelimit-limit')).toBe(String(RATE_LIMITS.publicPerMinute));
  });

  it('limits public routes per address with 429, Retry-After and the API error body', async () => {
    const { response } = await until429(RATE_LIMITS.publicPerMinute + 1, () => fetch(`${vigil.url}/healthz`));
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorCode(response)).toBe('THROTTLED');
  });

  it('limits sign-in attempts per address before the credentials are even read', async () => {
    const { response } = await until429(RATE_LIMITS.signInPerMinute + 1, () => fetch(`${vigil.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not":"credentials"}',
    }));
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorCode(response)).toBe('THROTTLED');
  });

  it('limits the API per signed-in user, apart from the per-address limits', async () => {
    const { sent, response } = await until429(RATE_LIMITS.apiPerMinute + 1, () => session.request('GET', '/api/v1/auth/me'));
    expect(sent).toBeGreaterThan(RATE_LIMITS.apiPerMinute - 5);
    expect(await errorCode(response)).toBe('THROTTLED');
  });

  it('never throttles authenticated intake by rate, but limits failed intake authentication per address', async () => {
    const { token } = vigil.core.auth.createSource({ name: 'limits', kind: 'http', sourceType: 'auto' }, Date.now());
    const ingest = (bearer: string) => fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${bearer}`, 'content-type': 'text/plain' }, body: 'hello from the rate limit test',
    });
    for (let i = 0; i < RATE_LIMITS.publicPerMinute + 10; i++) {
      const response = await ingest(token);
      expect(response.status, `request ${i}`).toBeLessThan(300);
      await response.body?.cancel();
    }
    const { sent, response } = await until429(RATE_LIMITS.intakeAuthFailuresPerMinute + 1, () => ingest('wrong-token'));
    expect(sent).toBe(RATE_LIMITS.intakeAuthFailuresPerMinute + 1);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    // The address is refused for the rest of the window, whatever token it sends.
    expect((await ingest(token)).status).toBe(429);
  });
});
