import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { loadOrCreateMasterKey, SecretBox } from '../../src/auth/secret-box.ts';
import { CONFIG_SECRET_PURPOSE } from '../../src/config/config-secrets.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { freePort, startTestIdp, TestBrowser, type TestIdp } from './oidc-fixture.ts';

const hasOpenssl = existsSync('/usr/bin/openssl');
if (!hasOpenssl) console.warn('skipping single sign-on tests: /usr/bin/openssl not found to make the provider\'s certificate');

describe.skipIf(!hasOpenssl)('single sign-on with OpenID Connect, end to end', () => {
  let dir: string;
  let idp: TestIdp;
  let vigil: RunningVigil;
  let origin: string;
  const startUrl = () => `${origin}/api/v1/auth/sso/test-idp/start`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-sso-'));
    const dataDir = join(dir, 'data');
    idp = await startTestIdp(dir);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    idp.registerClient({ clientId: 'vigil', clientSecret: 'a-test-client-secret', redirectUri: `${origin}/api/v1/auth/sso/test-idp/callback` });
    // The client secret is written sealed, as `vigil secret seal` makes it, with the data folder's master key.
    const sealedSecret = new SecretBox(loadOrCreateMasterKey(join(dataDir, 'master.key'))).seal('a-test-client-secret', CONFIG_SECRET_PURPOSE);
    const config = loadConfig({
      overrides: {
        // Each sign-in here is several requests to the sign-in routes from one address: lift their rate limit.
        dataDir, server: { port, rateLimits: { signInPerMinute: 1000 } },
        intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
        auth: {
          oidc: {
            publicUrl: origin,
            providers: [{
              id: 'test-idp', displayName: 'Test IdP', issuer: idp.issuer, clientId: 'vigil', clientSecret: sealedSecret,
              scopes: ['openid', 'profile', 'email', 'groups'], caFile: idp.caFile,
              roleMapping: [{ group: 'vigil-admins', role: 'admin' }, { group: 'soc', role: 'analyst' }],
            }],
          },
        },
      },
    });
    vigil = await startVigil({ config, log: createLogger('silent') });
  }, 60_000);

  afterAll(async () => {
    await vigil?.close();
    await idp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Signs in as `accountId` in a fresh browser; answers where Vigil sent it and the `me` of its session, if any. */
  async function signIn(accountId: string, onRedirect?: (location: URL) => URL) {
    const browser = new TestBrowser(idp.caFile);
    const landed = await browser.signIn(startUrl(), accountId, origin, onRedirect);
    const session = browser.cookie(origin, 'vigil_session');
    const me = session === undefined ? undefined : await fetch(`${origin}/api/v1/auth/me`, { headers: { cookie: `vigil_session=${session}` } });
    const user = me?.ok ? ((await me.json()) as { user: { username: string; role: string; displayName?: string } }).user : undefined;
    return { landed, session, user };
  }

  it('lists the provider for the sign-in page', async () => {
    const response = await fetch(`${origin}/api/v1/auth/sso/providers`);
    expect(await response.json()).toEqual({ providers: [{ id: 'test-idp', displayName: 'Test IdP' }] });
  });

  it('provisions a member of the admin group as admin, with a working session', async () => {
    idp.accounts.set('alice', { name: 'Alice Admin', email: 'alice@example.com', groups: ['soc', 'vigil-admins'] });
    const { landed, session, user } = await signIn('alice');
    expect(landed.pathname + landed.search).toBe('/');
    expect(session).toMatch(/^vgs_/);
    expect(user).toMatchObject({ username: 'alice', role: 'admin', displayName: 'Alice Admin' });
  });

  it('gives a member of the analyst group the analyst role', async () => {
    idp.accounts.set('bob', { name: 'Bob Analyst', email: 'bob@example.com', groups: ['soc', 'unrelated'] });
    const { user } = await signIn('bob');
    expect(user).toMatchObject({ username: 'bob', role: 'analyst' });
  });

  it('refuses a user whose groups map to no role', async () => {
    idp.accounts.set('mallory', { name: 'Mallory', email: 'mallory@example.com', groups: ['contractors'] });
    const { landed, session } = await signIn('mallory');
    expect(landed.pathname + landed.search).toBe('/login?sso_error=no_role');
    expect(session).toBeUndefined();
  });

  it('follows a changed group on the next sign-in', async () => {
    idp.accounts.set('dave', { name: 'Dave', email: 'dave@example.com', groups: ['soc'] });
    expect((await signIn('dave')).user?.role).toBe('analyst');
    idp.accounts.set('dave', { name: 'Dave Promoted', email: 'dave@corp.example', groups: ['vigil-admins'] });
    expect((await signIn('dave')).user).toMatchObject({ role: 'admin', displayName: 'Dave Promoted' });
    idp.accounts.set('dave', { name: 'Dave', email: 'dave@example.com', groups: [] });
    expect((await signIn('dave')).landed.search).toBe('?sso_error=no_role');
  });

  it('refuses a tampered state, and a callback replayed into another browser', async () => {
    idp.accounts.set('erin', { name: 'Erin', email: 'erin@example.com', groups: ['soc'] });
    const tampered = await signIn('erin', (location) => {
      if (location.pathname.endsWith('/callback')) location.searchParams.set('state', `${location.searchParams.get('state')}x`);
      return location;
    });
    expect(tampered.landed.search).toBe('?sso_error=state_invalid');
    expect(tampered.session).toBeUndefined();

    // Login CSRF: an attacker's own callback URL opened in the victim's browser must not sign the victim in.
    let callback: URL | undefined;
    await signIn('erin', (location) => {
      if (!location.pathname.endsWith('/callback')) return location;
      callback = new URL(location);
      return new URL('/login?stopped', origin);
    });
    const victim = new TestBrowser(idp.caFile);
    const response = await victim.request(callback!);
    expect(response.headers.get('location')).toBe('/login?sso_error=state_invalid');
    expect(victim.cookie(origin, 'vigil_session')).toBeUndefined();
  });

  it('refuses a disabled user', async () => {
    idp.accounts.set('frank', { name: 'Frank', email: 'frank@example.com', groups: ['soc'] });
    const { user } = await signIn('frank');
    expect(user?.role).toBe('analyst');
    const { state } = vigil.core;
    state.updateUser(state.findUserByName('frank')!.id, { disabledAt: Date.now() });
    const again = await signIn('frank');
    expect(again.landed.search).toBe('?sso_error=account_disabled');
    expect(again.session).toBeUndefined();
  });

  it('does not take over a local account with the same user name', async () => {
    idp.accounts.set('impostor', { name: 'Not the admin', email: 'x@example.com', groups: ['vigil-admins'], preferredUsername: 'admin' });
    const { landed, session } = await signIn('impostor');
    expect(landed.search).toBe('?sso_error=account_conflict');
    expect(session).toBeUndefined();
    const admin = await fetch(`${origin}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: vigil.initialAdminPassword }),
    });
    expect(admin.status).toBe(200);
  });

  it('records every outcome in the audit log', () => {
    const entries = vigil.core.state.audit.search({ action: 'auth.sso.login', limit: 100 }).entries;
    const signedIn = entries.find((e) => e.actorName === 'alice' && e.outcome === 'success');
    expect(signedIn).toMatchObject({ targetType: 'user', details: { note: expect.stringMatching(/as admin \(new user provisioned\)/) } });
    const refused = entries.find((e) => e.actorName === 'mallory');
    expect(refused).toMatchObject({ outcome: 'denied', details: { note: expect.stringMatching(/^refused \(no_role\)/) } });
    expect(entries.some((e) => e.outcome === 'denied' && /state_invalid/.test(String(e.details.note)))).toBe(true);
  });

  it('links the provisioned user to the provider\'s subject, with no password', () => {
    const { state } = vigil.core;
    const alice = state.findUserByName('alice')!;
    expect(alice).toMatchObject({ authSource: 'oidc:test-idp', passwordHash: '', email: 'alice@example.com', mustChangePassword: false });
    expect(state.identities.find('test-idp', 'alice')).toMatchObject({ userId: alice.id, lastLoginAt: expect.any(Number) });
  });

  it('gives single sign-on users no password to sign in with', async () => {
    for (const password of ['x', ' ', 'alice']) {
      const response = await fetch(`${origin}/api/v1/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password }),
      });
      expect(response.status).toBe(401);
    }
  });

  it('sends an unknown provider back to the sign-in page', async () => {
    const response = await fetch(`${origin}/api/v1/auth/sso/nope/start`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?sso_error=provider_unknown');
  });
});
