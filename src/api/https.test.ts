import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, type Pki } from '../../test/intake/syslog/rsyslog-fixture.ts';
import { startVigil, type RunningVigil } from '../app/vigil.ts';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../ops/logger.ts';

const hasOpenssl = existsSync('/usr/bin/openssl');

const configFor = (dataDir: string, tls: Record<string, unknown>) => loadConfig({
  overrides: {
    dataDir, server: { port: 0, tls },
    intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
  },
});

describe.skipIf(!hasOpenssl)('HTTPS (server.tls)', () => {
  let pki: Pki;
  let vigil: RunningVigil;
  let dispatcher: Agent;

  beforeAll(async () => {
    pki = makePki(mkdtempSync(join(tmpdir(), 'vigil-https-pki-')));
    vigil = await startVigil({
      config: configFor(mkdtempSync(join(tmpdir(), 'vigil-https-')), { certFile: pki.serverCert, keyFile: pki.serverKey }),
      log: createLogger('silent'),
    });
    dispatcher = new Agent({ connect: { ca: readFileSync(pki.caCert) } });
  }, 60_000);
  afterAll(async () => {
    await vigil?.close();
    await dispatcher?.close();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  it('serves the API over HTTPS with HSTS, and nothing over plain HTTP', async () => {
    expect(vigil.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${vigil.url}/healthz`, { dispatcher });
    expect(health.status).toBe(200);
    expect(health.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(health.headers.get('x-frame-options')).toBe('DENY');
    await expect(fetch(vigil.url.replace('https:', 'http:') + '/healthz')).rejects.toThrow();
  });

  it('refuses clients that do not trust the certificate', async () => {
    await expect(fetch(`${vigil.url}/healthz`)).rejects.toThrow();
  });

  it('sets Secure on the session cookie', async () => {
    const login = await fetch(`${vigil.url}/api/v1/auth/login`, {
      dispatcher, method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: vigil.initialAdminPassword }),
    });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/;\s*Secure/i);
  });

  it('takes intake from a real Elasticsearch client over HTTPS', async () => {
    const token = vigil.core.auth.createSource({ name: 'es-tls', kind: 'elastic', sourceType: 'auto' }, Date.now()).token;
    const client = new Client({
      node: `${vigil.url}/elastic`, auth: { username: 'elastic', password: token }, maxRetries: 0,
      tls: { ca: readFileSync(pki.caCert) },
    });
    const result = await client.bulk({ operations: [{ index: { _index: 'logs' } }, { message: 'over tls', 'event.action': 'tls-test' }] });
    expect(result.errors).toBe(false);
    expect(result.items).toHaveLength(1);
    await client.close();
  });

  it('stops at start with the setting named when a certificate file is missing or does not match its key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-https-bad-'));
    await expect(startVigil({ config: configFor(dataDir, { certFile: join(pki.dir, 'nope.pem'), keyFile: pki.serverKey }), log: createLogger('silent') }))
      .rejects.toThrow(/server\.tls\.certFile: cannot read .*nope\.pem/);
    await expect(startVigil({ config: configFor(dataDir, { certFile: pki.serverCert, keyFile: pki.clientKey }), log: createLogger('silent') }))
      .rejects.toThrow(/server\.tls: the certificate .* cannot be used together/);
    expect(() => configFor(dataDir, { certFile: pki.serverCert, keyFile: pki.serverKey, requireClientCert: true })).toThrow(/requireClientCert needs caFile/);
  });
});
