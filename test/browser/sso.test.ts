/**
 * Single sign-on in a real browser: the sign-in page's provider button, the provider's own login
 * and consent pages (a real oidc-provider over HTTPS, on another origin), and the console after the
 * cross-site redirect back — the session cookie (SameSite=Strict) must work for the console's
 * requests even though the navigation came from the provider. A refused sign-in shows its message.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil, type RunningVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { freePort, startTestIdp, type TestIdp } from '../e2e/oidc-fixture.ts';
import { CHROMIUM, ensureConsoleBuilt, launchChromium } from '../helpers/browser.ts';

const canRun = existsSync(CHROMIUM) && existsSync('/usr/bin/openssl');

describe.skipIf(!canRun)('single sign-on in Chromium (needs /usr/bin/chromium and /usr/bin/openssl)', () => {
  let dir: string;
  let idp: TestIdp;
  let vigil: RunningVigil;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dir = mkdtempSync(join(tmpdir(), 'vigil-sso-browser-'));
    idp = await startTestIdp(dir);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    idp.registerClient({ clientId: 'vigil', clientSecret: 'browser-test-secret', redirectUri: `${origin}/api/v1/auth/sso/corp/callback` });
    idp.accounts.set('alice', { name: 'Alice Admin', email: 'alice@example.com', groups: ['vigil-admins'] });
    idp.accounts.set('mallory', { name: 'Mallory', email: 'mallory@example.com', groups: ['contractors'] });
    vigil = await startVigil({
      config: loadConfig({
        overrides: {
          dataDir: join(dir, 'data'), server: { port }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
          auth: {
            oidc: {
              publicUrl: origin,
              providers: [{
                id: 'corp', displayName: 'Corp SSO', issuer: idp.issuer, clientId: 'vigil', clientSecret: 'browser-test-secret',
                scopes: ['openid', 'profile', 'email', 'groups'], caFile: idp.caFile, roleMapping: [{ group: 'vigil-admins', role: 'admin' }],
              }],
            },
          },
        },
      }),
      log: createLogger('silent'),
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    await idp?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh browser profile that trusts the test provider's self-signed certificate. */
  async function signInAs(account: string): Promise<Page> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(origin);
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(account);
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === origin);
    return page;
  }

  it('signs a provider user into the console through the provider\'s pages', async () => {
    const page = await signInAs('alice');
    await expect.poll(() => page.locator('.user-menu-name').textContent()).toBe('alice');
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).getByText('Users').isVisible()).toBe(true);
    // The identity provider keeps the password and the second factor: the menu does not offer them.
    await page.getByRole('button', { name: 'alice', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Sessions' }).waitFor();
    expect(await page.getByRole('menuitem', { name: 'Change password' }).count()).toBe(0);
    expect(await page.getByRole('menuitem', { name: 'Security' }).count()).toBe(0);
    await page.context().close();
  });

  it('shows why a sign-in was refused, and takes the code off the address bar', async () => {
    const page = await signInAs('mallory');
    await expect.poll(() => page.getByTestId('sso-error').textContent()).toMatch(/no group that gives access to Vigil/);
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.getByRole('link', { name: 'Sign in with Corp SSO' }).isVisible()).toBe(true);
    await page.context().close();
  });
});
