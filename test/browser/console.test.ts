/**
 * End-to-end test of the web console in a real browser (Debian's Chromium driven by playwright-core)
 * against a real Vigil started on a free port with a temporary data folder: first sign-in with the
 * generated password, the forced password change, Sources with live statistics, adding an HTTP source,
 * sending an event with its token, finding it through an old Events page link (now a search), and attacker-controlled fields
 * rendered as text. Set TEST_SCREENSHOTS=1 to save screenshots to /tmp/vigil-shots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { CHROMIUM, ensureConsoleBuilt, launchChromium } from '../helpers/browser.ts';

const SHOTS = process.env.TEST_SCREENSHOTS ? '/tmp/vigil-shots' : undefined;
const NEW_PASSWORD = 'browser test passphrase 42';
// Unquoted attributes, so the payloads survive JSON escaping verbatim and can be searched for.
const XSS = '<img src=x onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=2</script>';
const XSS_LINE = '<svg onload=window.__pwned=3> plain text line';

describe.skipIf(!existsSync(CHROMIUM))('web console in Chromium (needs /usr/bin/chromium: apt-get install chromium)', () => {
  let dataDir: string;
  let vigil: Awaited<ReturnType<typeof startVigil>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token = '';
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  const shot = async (name: string): Promise<void> => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `browser-${name}.png`) });
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-browser-'));
    const config = loadConfig({
      overrides: {
        dataDir,
        server: { host: '127.0.0.1', port: 0 },
        intake: { syslog: { udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 } } },
        log: { level: 'warn' },
        demo: true,
      },
    });
    vigil = await startVigil({ config });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: vigil.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with the generated password and forces a password change first', async () => {
    expect(vigil.initialAdminPassword, 'a fresh data folder generates an admin password').toBeTruthy();
    await page.goto(vigil.url);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Incorrect user name or password');

    await page.getByLabel('Password').fill(vigil.initialAdminPassword!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // Nothing else of the console is reachable before the change.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);

    await page.getByLabel('Current password').fill(vigil.initialAdminPassword!);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(`${NEW_PASSWORD}!`);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    expect(await page.getByTestId('password-error').textContent()).toContain('do not match');
    await shot('change-password');

    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('Ingest rate').first().waitFor();
    await shot('overview');
  });

  it('lists the syslog and demo sources with live statistics', async () => {
    await page.getByRole('link', { name: 'Sources', exact: true }).click();
    await page.getByRole('heading', { name: 'Sources' }).waitFor();
    for (const name of ['syslog', 'demo-web', 'demo-linux', 'demo-windows']) {
      await page.locator(`tr[data-source="${name}"]`).waitFor();
    }
    // The demo data flows through the pipeline; auto-refresh shows its totals without a reload.
    const total = page.locator('tr[data-source="demo-web"] td').nth(6);
    await expect.poll(async () => Number((await total.textContent())?.replaceAll(',', '')), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('tr[data-source="demo-web"] svg.sparkline').count()).toBe(1);

    // demo-linux includes unparseable records: its parse errors are highlighted and listed.
    const errors = page.locator('tr[data-source="demo-linux"] .count-badge-danger');
    await expect.poll(() => errors.count(), { timeout: 30_000 }).toBe(1);
    await page.locator('tr[data-source="demo-linux"]').click();
    await page.getByRole('heading', { name: 'Recent parse errors' }).waitFor();
    expect(await page.locator('pre.sample').count()).toBeGreaterThan(0);
    await shot('sources');
  });

  it('adds an HTTP source and shows its token once, with examples', async () => {
    await page.getByRole('button', { name: 'Add source' }).click();
    await page.getByLabel('Name').fill('browser http');
    await page.getByRole('button', { name: 'Create source' }).click();
    expect(await page.getByRole('dialog').getByRole('alert').textContent()).toContain('space');

    await page.getByLabel('Name').fill('browser-http');
    await expect.poll(() => page.locator('select[name="sourceType"]').inputValue()).toBe('auto');
    await page.getByRole('button', { name: 'Create source' }).click();
    token = (await page.getByTestId('source-token').textContent()) ?? '';
    expect(token.length).toBeGreaterThan(16);
    expect(await page.getByRole('dialog').textContent()).toContain('shown only once');
    expect(await page.locator('pre.code').first().textContent()).toContain(`Authorization: Bearer ${token}`);
    await shot('token');

    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.locator('tr[data-source="browser-http"]').waitFor();
    expect(await page.getByTestId('source-token').count()).toBe(0);
  });

  it('opens an old Events page link as the same search, and shows an event posted with the token there', async () => {
    const post = async (body: string, contentType: string): Promise<void> => {
      const res = await fetch(`${vigil.url}/api/v1/ingest`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body,
      });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    await post(JSON.stringify([
      { message: 'hello from the browser test', host: { name: 'browser-host' }, event: { action: 'browser-check' } },
      { message: XSS, user: { name: SCRIPT } },
    ]), 'application/json');
    await post(`${XSS_LINE}\n`, 'text/plain');

    // The Events page is gone; an old link to it (range, source, field filters) opens the same search,
    // in place of the link in the history so Back returns to where the user was.
    await page.goto(`${vigil.url}/sources`);
    await page.locator('tr[data-source="browser-http"]').waitFor();
    await page.goto(`${vigil.url}/events?range=24h&source=browser-http`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/search');
    expect(new URL(page.url()).searchParams.get('q')).toBe('vigil.source:"browser-http"');
    expect(new URL(page.url()).searchParams.get('from')).toBe('-24h');
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Search', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Events' }).count()).toBe(0);
    // Storing is asynchronous after the intake acknowledged: search again until all three events are there.
    const queryBox = page.getByRole('combobox', { name: 'Search query' });
    const count = page.getByTestId('search-count');
    await expect.poll(async () => {
      await queryBox.press('Enter');
      await count.waitFor();
      return count.textContent();
    }, { timeout: 30_000, interval: 500 }).toMatch(/^3 events/);

    const results = page.getByTestId('event-results');
    await results.locator('tr.row-expandable', { hasText: 'hello from the browser test' }).click();
    const details = page.locator('.row-details');
    await details.getByRole('heading', { name: /^Fields/ }).waitFor();
    expect(await details.getByTestId('event-original').textContent()).toContain('browser-host');

    // Filtering on a field value from the details adds it to the query, narrows the list, and lives in the URL.
    await details.getByRole('button', { name: 'Filter on message' }).click();
    await expect.poll(() => count.textContent()).toMatch(/^1 event\b/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('vigil.source:"browser-http" message:"hello from the browser test"');
    await shot('events');

    await page.goBack();
    await page.goBack();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sources');
  });

  it('renders attacker-controlled event fields as text, never as HTML', async () => {
    await page.goto(`${vigil.url}/search?q=${encodeURIComponent('vigil.source:"browser-http"')}&from=-24h&to=now`);
    const results = page.getByTestId('event-results');
    await expect.poll(() => page.getByTestId('search-count').textContent()).toMatch(/^3 events/);
    // The JSON event: markup in `message` (shown in the summary) and in `user.name`.
    await results.locator('tr.row-expandable', { hasText: XSS }).click();
    const json = page.locator('.row-details', { hasText: SCRIPT });
    await json.waitFor();
    expect(await json.getByTestId('event-original').textContent()).toContain(XSS);
    // The text line: whatever the parser made of it, the original is shown verbatim.
    await results.locator('tr.row-expandable', { hasText: XSS_LINE }).click();
    const line = page.locator('.row-details', { hasText: XSS_LINE });
    expect(await line.getByTestId('event-original').textContent()).toBe(XSS_LINE);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await shot('xss');
  });

  it('filters on one value of a multi-valued field, in the table and the details, and groups by each value', async () => {
    const res = await fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'multi-valued check', host: { name: 'mv-host' }, user: { name: ['dave', 'erin'] }, related: { ip: ['10.9.9.1', '10.9.9.2'] } }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    await page.goto(`${vigil.url}/search?q=${encodeURIComponent('host.name:"mv-host"')}&from=-24h&to=now`);
    const queryBox = page.getByRole('combobox', { name: 'Search query' });
    const count = page.getByTestId('search-count');
    const q = () => new URL(page.url()).searchParams.get('q');
    await expect.poll(async () => {
      await queryBox.press('Enter');
      await count.waitFor();
      return count.textContent();
    }, { timeout: 30_000, interval: 500 }).toMatch(/^1 event\b/);

    // Each user.name value is a filter of its own in the table.
    const results = page.getByTestId('event-results');
    await results.getByRole('button', { name: 'erin', exact: true }).click();
    await expect.poll(q).toBe('host.name:"mv-host" user.name:"erin"');
    await expect.poll(() => count.textContent()).toMatch(/^1 event\b/);

    // In the details too; Alt+click on one address excludes the events holding it.
    await results.locator('tr.row-expandable').first().getByRole('button', { name: 'Show event details' }).click();
    const ips = page.locator('.row-details tr[data-field="related.ip"] .value-button');
    expect(await ips.allTextContents()).toEqual(['10.9.9.1', '10.9.9.2']);
    await ips.first().click({ modifiers: ['Alt'] });
    await expect.poll(q).toBe('host.name:"mv-host" user.name:"erin" NOT related.ip:"10.9.9.1"');
    await expect.poll(() => count.textContent()).toMatch(/^0 events/);

    // Grouping counts the event once under each address.
    await queryBox.fill('host.name:"mv-host" | stats count() by related.ip');
    await queryBox.press('Enter');
    const table = page.getByTestId('table-results');
    await expect.poll(() => table.locator('tbody tr').allTextContents()).toEqual(['10.9.9.11', '10.9.9.21']);
  });

  it('signs out back to the sign-in page, and had no script errors', async () => {
    await page.getByRole('button', { name: 'admin' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${vigil.url}/sources`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
