/**
 * Two-step sign-in in a real browser against a real Vigil: turn on TOTP from the Security page with a
 * code computed here from the key the page shows (playing the authenticator app), save the recovery
 * codes, sign out, then sign in with password + code, and with password + recovery code.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil } from '../../src/app/vigil.ts';
import { totpCode } from '../../src/auth/totp.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { CHROMIUM, ensureConsoleBuilt, launchChromium, openPage } from '../helpers/browser.ts';

const PASSWORD = 'browser mfa passphrase 7';

describe.skipIf(!existsSync(CHROMIUM))('two-step sign-in in Chromium (needs /usr/bin/chromium)', () => {
  let dataDir: string;
  let vigil: Awaited<ReturnType<typeof startVigil>>;
  let browser: Browser;
  let page: Page;
  let secret = '';
  let recoveryCodes: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-browser-mfa-'));
    const config = loadConfig({
      overrides: {
        dataDir, server: { host: '127.0.0.1', port: 0 }, log: { level: 'warn' },
        intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
      },
    });
    vigil = await startVigil({ config });
    browser = await launchChromium();
    page = await openPage(browser, { viewport: { width: 1280, height: 900 }, errors: pageErrors });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const signInWithPassword = async (): Promise<void> => {
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  const signOut = async (): Promise<void> => {
    await page.locator('.user-menu-button').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };

  it('turns on two-step sign-in from the Security page', async () => {
    await page.goto(vigil.url);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(vigil.initialAdminPassword!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Current password').fill(vigil.initialAdminPassword!);
    await page.getByLabel('New password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm new password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();

    await page.locator('.user-menu-button').click();
    await page.getByRole('menuitem', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'Security' }).waitFor();
    expect(await page.getByTestId('mfa-status').textContent()).toContain('Off');
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();

    const qr = page.getByTestId('totp-qr');
    await qr.waitFor();
    // The QR code is an image that really rendered (an SVG data: URL the CSP allows).
    expect(await qr.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    secret = (await page.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect((await page.getByTestId('totp-secret').textContent())?.replace(/\s/g, '')).toBe(secret);

    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('dialog').getByRole('button', { name: 'Turn on', exact: true }).click();
    expect(await page.getByTestId('mfa-setup-error').textContent()).toContain('does not match');
    await page.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
    await page.getByRole('dialog').getByRole('button', { name: 'Turn on', exact: true }).click();

    const list = page.getByTestId('recovery-codes');
    await list.waitFor();
    recoveryCodes = (await list.locator('code').allTextContents()).map((c) => c.trim());
    expect(recoveryCodes).toHaveLength(10);
    const done = page.getByRole('button', { name: 'Done' });
    expect(await done.isDisabled()).toBe(true);
    await page.getByLabel('I have saved these codes').check();
    await done.click();
    await expect.poll(() => page.getByTestId('mfa-status').textContent()).toContain('On');
    expect(await page.getByText('10 of 10 recovery codes left').count()).toBe(1);
  });

  it('asks for a code after the password, and signs in with it', async () => {
    await signOut();
    await signInWithPassword();
    await page.getByRole('heading', { name: 'Two-step sign-in' }).waitFor();
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByTestId('mfa-error').textContent()).toContain('not right');
    // The step of the enrolling code is used up: the app's next code (within the drift window) is what works.
    await page.getByLabel('Authentication code').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    // Signed in where the user left: the Security page, now showing two-step sign-in on.
    await expect.poll(() => page.getByTestId('mfa-status').textContent()).toContain('On');
  });

  it('signs in with a recovery code instead', async () => {
    await signOut();
    await signInWithPassword();
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByText('9 of 10 recovery codes left').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
