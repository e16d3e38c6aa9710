/**
 * Shared set-up of the security suite: a real Vigil on free ports with a temporary data folder, an
 * admin session signed in once per test file (login throttling and rate limits would refuse a
 * sign-in per test), the routes the server registered, API tokens made directly in the state store
 * (expired, revoked, over-scoped), and raw HTTP for requests that fetch would normalize or refuse.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { routeDecisions, type RouteDecision } from '../../src/api/access.ts';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { generateSecret, sha256Hex } from '../../src/auth/secrets.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { ApiSession } from '../helpers/api-session.ts';

export const ADMIN_PASSWORD = 'security suite passphrase of the first user';

export interface SecurityVigil {
  vigil: RunningVigil;
  url: string;
  /** The temporary data folder (state.sqlite, master.key, events): what traversal must never reach. */
  dataDir: string;
  admin: ApiSession;
  /** Every log line the server wrote, as written (pino JSON, one object per line). */
  logLines(): string[];
  close(): Promise<void>;
}

/** Starts Vigil with syslog on 127.0.0.1:0 and signs the admin in (completing the forced password change). */
export async function startSecurityVigil(): Promise<SecurityVigil> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-security-'));
  const config = loadConfig({
    overrides: {
      dataDir,
      // The walks send hundreds of requests a minute from one address. The limiter stays on, so its
      // code runs in every request, but its limits are far above the suite's traffic; the limits
      // themselves are tested in src/api/hardening.test.ts.
      server: {
        host: '127.0.0.1', port: 0,
        rateLimits: { signInPerMinute: 10_000, publicPerMinute: 100_000, apiPerMinute: 100_000, intakeAuthFailuresPerMinute: 100_000 },
      },
      intake: { syslog: { udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 } } },
    },
  });
  let logged = '';
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged += chunk.toString('utf8');
      done();
    },
  });
  const vigil = await startVigil({ config, log: createLogger('info', capture) });
  const admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, ADMIN_PASSWORD);
  return {
    vigil, url: vigil.url, dataDir, admin,
    logLines: () => logged.split('\n').filter((line) => line !== ''),
    async close() {
      await vigil.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Creates an API token for `username` directly in the state store (the API only makes live tokens)
 * and returns its secret: for expired and revoked tokens, or scopes the API would refuse.
 */
export function createApiToken(v: SecurityVigil, username: string, permissions: readonly string[], options: { expiresAt?: number; revokedAt?: number } = {}): string {
  const secret = generateSecret('vgt_');
  const now = Date.now();
  const user = v.vigil.core.state.findUserByName(username);
  if (!user) throw new Error(`no user ${username}`);
  v.vigil.core.state.createApiToken({
    id: randomUUID(), userId: user.id, name: `security-${randomUUID().slice(0, 8)}`, tokenHash: sha256Hex(secret),
    permissions: [...permissions], createdAt: now, expiresAt: options.expiresAt ?? now + 3_600_000,
  });
  if (options.revokedAt !== undefined) {
    const token = v.vigil.core.state.findApiTokenByHash(sha256Hex(secret))!;
    v.vigil.core.state.revokeApiToken(token.id, options.revokedAt);
  }
  return secret;
}

/** Every registered route except HEAD (Fastify adds one per GET; it answers like the GET). */
export function apiRoutes(v: SecurityVigil): RouteDecision[] {
  return routeDecisions(v.vigil.server).filter((r) => r.method !== 'HEAD');
}

/** Routes that need a principal: neither public nor intake (which checks its own source tokens). */
export function protectedRoutes(v: SecurityVigil): RouteDecision[] {
  return apiRoutes(v).filter((r) => r.access !== 'public' && r.access !== 'intake');
}

export const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A concrete path for a route pattern: `:id`-like parameters get a UUID (the usual id format, so
 * the request passes validation as far as it can), other parameters a plausible word, wildcards a file name.
 */
export function concretePath(url: string): string {
  return url
    .replace(/:([A-Za-z_]+)(\([^)]*\))?/g, (_m, name: string) => (/id$/i.test(name) ? randomUUID() : 'sample'))
    .replace(/\*/g, 'sample.txt');
}

export interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/**
 * Sends `request` as bytes on a fresh TCP connection and reads the answer until the server closes
 * it. Unlike fetch, nothing normalizes the path (`..`, `%2e`, backslashes) or refuses odd bytes.
 */
export function rawHttp(baseUrl: string, request: string | Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw HTTP request timed out')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, headers: end < 0 ? text : text.slice(0, end), body: end < 0 ? '' : text.slice(end + 4) });
    });
    // write, not end: a half-closed socket makes Node abort streamed replies (sendFile) before they are sent.
    socket.connect(Number(port), hostname, () => socket.write(request));
  });
}

/** A raw `GET` of `path` (sent exactly as given) with optional extra header lines. */
export function rawGet(baseUrl: string, path: string, headerLines: string[] = []): Promise<RawResponse> {
  return rawHttp(baseUrl, [`GET ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close', ...headerLines, '', ''].join('\r\n'));
}
