/**
 * The Audit page in Chromium against a real Vigil: actions made through the API are listed with
 * their actor, an entry expands to its before/after snapshots, filters narrow the list, "Verify
 * chain" reports the chain intact, export links point at the export API, and a failed sign-in's
 * attacker-chosen user name renders as text. Set TEST_SCREENSHOTS=1 to save screenshots to /tmp/vigil-shots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ApiSession } from '../helpers/api-session.ts';
import { CHROMIUM, ensureConsoleBuilt, launchChromium, openPage } from '../helpers/browser.ts';

const SHOTS = process.env.TEST_SCREENSHOTS ? '/tmp/vigil-shots' : undefined;
const PASSWORD = 'amber ledger harbor 6120';
const XSS_NAME = '<img src=x onerror=window.__pwned=1>';

describe.skipIf(!existsSync(CHROMIUM))('audit log in the console (needs /usr/bin/chromium)', () => {
  let dataDir: string;
  let vigil: Awaited<ReturnType<typeof startVigil>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = async (name: string): Promise<void> => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `audit-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-browser-audit-'));
    const config = loadConfig({
      overrides: {
        dataDir, server: { host: '127.0.0.1', port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } }, log: { level: 'warn' },
      },
    });
    vigil = await startVigil({ config });
    // Actions to find on the page: a source created by the admin, and a failed sign-in with a hostile name.
    const admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, PASSWORD);
    await admin.createSource('firewall-edge', 'http');
    await fetch(`${vigil.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: XSS_NAME, password: 'guess' }),
    });
    browser = await launchChromium();
    page = await openPage(browser, { errors: pageErrors });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists recorded actions with their actor and expands an entry to its snapshot', async () => {
    await page.goto(vigil.url);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit', exact: true }).waitFor();

    const created = page.locator('tr[data-seq]', { hasText: 'source.create' });
    await created.waitFor();
    expect(await created.textContent()).toContain('admin');
    expect(await created.textContent()).toContain('success');
    await created.getByRole('button', { name: 'Show entry details' }).click();
    const details = page.getByTestId('audit-details');
    await details.waitFor();
    expect(await details.textContent()).toContain('"name": "firewall-edge"');
    await shot('expanded');
  });

  it('shows a hostile user name from a failed sign-in as text', async () => {
    const failed = page.locator('tr[data-seq]', { hasText: 'not signed in' });
    await failed.waitFor();
    expect(await failed.textContent()).toContain(`${XSS_NAME} (not signed in)`);
    expect(await failed.textContent()).toContain('denied');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('filters by action', async () => {
    await page.getByLabel('Action').fill('source.');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tr[data-seq]').count()).toBe(1);
    expect(await page.locator('tr[data-seq]').textContent()).toContain('source.create');
    await page.getByLabel('Action').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tr[data-seq]').count()).toBeGreaterThan(3);
  });

  it('verifies the chain and offers both exports', async () => {
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const result = page.getByTestId('audit-verify-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Chain intact: \d+ entries verified/);
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toMatch(/^\/api\/v1\/audit\/export\?format=csv&from=\d+$/);
    const ndjson = await page.evaluate(async () => {
      const href = document.querySelector<HTMLAnchorElement>('a[href*="format=ndjson"]')!.href;
      const response = await fetch(href);
      return { disposition: response.headers.get('content-disposition'), first: (await response.text()).split('\n')[0] };
    });
    expect(ndjson.disposition).toMatch(/^attachment; filename="vigil-audit-.*\.ndjson"$/);
    expect(JSON.parse(ndjson.first!)).toMatchObject({ seq: 1, action: 'auth.login' });
    await shot('verified');
    expect(pageErrors).toEqual([]);
  });
});
