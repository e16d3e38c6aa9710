/**
 * User administration in the console, in Chromium against a real Vigil: an admin creates a viewer
 * and reads the one-time password from the dialog; the viewer signs in in a second browser context,
 * changes it, and sees neither the Users page nor "Add source"; the admin builds a custom role from
 * two permission checkboxes and assigns it; an API token made in the console works against the API
 * only within its scopes; server refusals (last admin, role in use) are shown; user agents render as
 * text. Set TEST_SCREENSHOTS=1 to save screenshots to /tmp/vigil-shots.
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
const ADMIN_PASSWORD = 'quiet lantern orchard 4721';
const VIEWER_PASSWORD = 'brisk copper meadow 9035';
const XSS_AGENT = '<img src=x onerror=window.__pwned=1> EvilBrowser/1.0';

describe.skipIf(!existsSync(CHROMIUM))('users, roles and API tokens in the console (needs /usr/bin/chromium)', () => {
  let dataDir: string;
  let vigil: Awaited<ReturnType<typeof startVigil>>;
  let browser: Browser;
  let adminContext: BrowserContext;
  let viewerContext: BrowserContext;
  let admin: Page;
  let viewer: Page;
  let oneTimePassword = '';
  const pageErrors: string[] = [];

  const shot = async (page: Page, name: string): Promise<void> => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `users-${name}.png`), fullPage: true });
  };

  const newPage = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    return page;
  };

  /** Signs in and completes the forced password change. */
  const signInFirstTime = async (page: Page, username: string, password: string, newPassword: string): Promise<void> => {
    await page.goto(vigil.url);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password').fill(newPassword);
    await page.getByRole('button', { name: 'Set password and continue' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  };

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

  const openUser = async (username: string): Promise<void> => {
    await nav(admin).getByRole('link', { name: 'Users', exact: true }).click();
    await admin.locator(`tr[data-user="${username}"]`).getByRole('link', { name: username }).click();
    await admin.getByRole('heading', { name: username, exact: true }).waitFor();
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-browser-users-'));
    const config = loadConfig({
      overrides: {
        dataDir,
        server: { host: '127.0.0.1', port: 0 },
        intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
        log: { level: 'warn' },
      },
    });
    vigil = await startVigil({ config });
    browser = await launchChromium();
    adminContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: vigil.url });
    viewerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    admin = await newPage(adminContext);
    viewer = await newPage(viewerContext);
    await signInFirstTime(admin, 'admin', vigil.initialAdminPassword!, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('admin creates a viewer and sees the one-time password once, with a copy button', async () => {
    await nav(admin).getByRole('link', { name: 'Users', exact: true }).click();
    await admin.getByRole('heading', { name: 'Users' }).waitFor();
    await admin.locator('tr[data-user="admin"]').waitFor();

    await admin.getByRole('button', { name: 'New user' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('User name').fill('vera');
    await expect.poll(() => dialog.getByLabel('Role').locator('option').count()).toBeGreaterThanOrEqual(5);
    await dialog.getByLabel('Role').selectOption('viewer');
    await dialog.getByLabel(/Display name/).fill('Vera Viewer');
    await dialog.getByLabel(/E-mail/).fill('vera@example.org');
    await dialog.getByRole('button', { name: 'Create user' }).click();

    oneTimePassword = (await admin.getByTestId('one-time-password').textContent()) ?? '';
    expect(oneTimePassword.length).toBeGreaterThanOrEqual(12);
    const text = await admin.getByRole('dialog').textContent();
    expect(text).toContain('shown only once');
    expect(text).toContain('must change it at their first sign-in');
    await shot(admin, 'one-time-password');
    await admin.getByRole('button', { name: 'Copy password' }).click();
    await admin.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(oneTimePassword);
    await admin.getByRole('button', { name: 'Done' }).click();
    expect(await admin.getByTestId('one-time-password').count()).toBe(0);

    const row = admin.locator('tr[data-user="vera"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Vera Viewer');
    expect(await row.textContent()).toContain('viewer');
    expect(await row.textContent()).toContain('must change password');

    // Sorting by user name flips on the second click; the filter narrows the list.
    await admin.getByRole('button', { name: 'User name' }).click();
    expect(await admin.locator('.users-table tbody tr').first().getAttribute('data-user')).toBe('vera');
    await admin.getByLabel('Filter users').fill('VIEWER');
    await expect.poll(() => admin.getByTestId('users-count').textContent()).toBe('1 of 2 users');
    await admin.getByLabel('Filter users').fill('');
    await shot(admin, 'users');
  });

  it('the viewer signs in, changes the password and sees only what a viewer may do', async () => {
    await signInFirstTime(viewer, 'vera', oneTimePassword, VIEWER_PASSWORD);
    await nav(viewer).getByRole('link', { name: 'Sources', exact: true }).waitFor();
    expect(await nav(viewer).getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    expect(await nav(viewer).getByRole('link', { name: 'Roles', exact: true }).count()).toBe(0);

    await nav(viewer).getByRole('link', { name: 'Sources', exact: true }).click();
    await viewer.getByRole('heading', { name: 'Sources' }).waitFor();
    await viewer.locator('.sources-table, .empty-state').first().waitFor();
    expect(await viewer.getByRole('button', { name: 'Add source' }).count()).toBe(0);

    // Viewers cannot create API tokens: the user menu does not offer them.
    await viewer.getByRole('button', { name: 'vera', exact: true }).click();
    await viewer.getByRole('menuitem', { name: 'Sessions' }).waitFor();
    expect(await viewer.getByRole('menuitem', { name: 'API tokens' }).count()).toBe(0);
    await viewer.getByRole('menuitem', { name: 'Sessions' }).click();
    await viewer.getByRole('heading', { name: 'Sessions' }).waitFor();
    // The heading renders before the list arrives: wait for the rows, then count.
    await viewer.locator('tr', { hasText: 'this session' }).first().waitFor();
    expect(await viewer.locator('tr', { hasText: 'this session' }).count()).toBe(1);
  });

  it('admin creates a custom role with two permissions and assigns it', async () => {
    await nav(admin).getByRole('link', { name: 'Roles', exact: true }).click();
    await admin.getByRole('heading', { name: 'Roles' }).waitFor();
    await admin.getByTestId('permission-matrix').waitFor();
    // Built-in roles are read-only.
    expect(await admin.locator('tr[data-role="viewer"]').getByRole('button').count()).toBe(0);

    await admin.getByRole('button', { name: 'New role' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Name').fill('auditor-lite');
    await dialog.getByLabel('Description').fill('Reads events and the audit log');
    await dialog.getByRole('checkbox', { name: /^events:read/ }).check();
    await dialog.getByRole('checkbox', { name: /^audit:read/ }).check();
    await dialog.getByRole('button', { name: 'Create role' }).click();
    const roleRow = admin.locator('tr[data-role="auditor-lite"]');
    await roleRow.waitFor();
    expect(await roleRow.locator('td').nth(4).textContent()).toBe('2');
    // The matrix has a column for the new role with exactly two check marks.
    const column = await admin.locator('.permission-matrix thead th').allTextContents();
    const index = column.indexOf('auditor-lite');
    expect(index).toBeGreaterThan(0);
    const granted = admin.locator(`.permission-matrix tbody tr td:nth-child(${index + 1}).matrix-yes`);
    expect(await granted.count()).toBe(2);
    await shot(admin, 'roles');

    await openUser('vera');
    await admin.getByLabel('Role').selectOption('auditor-lite');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    // The viewer's console follows the new role at the next load: Search yes, Sources no.
    await viewer.goto(vigil.url);
    await nav(viewer).getByRole('link', { name: 'Search', exact: true }).waitFor();
    expect(await nav(viewer).getByRole('link', { name: 'Sources', exact: true }).count()).toBe(0);

    // A role in use cannot be deleted: the server's reason is shown.
    await nav(admin).getByRole('link', { name: 'Roles', exact: true }).click();
    await admin.locator('tr[data-role="auditor-lite"]').getByRole('button', { name: 'Delete' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Delete role' }).click();
    await expect.poll(() => admin.getByRole('dialog').getByRole('alert').textContent()).toContain('still have the role');
    await admin.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows the server\'s refusal to disable the last admin', async () => {
    await openUser('admin');
    await admin.getByRole('button', { name: 'Disable' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Disable user' }).click();
    await expect.poll(() => admin.getByRole('dialog').getByRole('alert').textContent()).toContain('last active admin');
    await admin.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('admin creates an API token that works only within its scopes, then revokes it', async () => {
    await admin.getByRole('button', { name: 'admin', exact: true }).click();
    await admin.getByRole('menuitem', { name: 'API tokens' }).click();
    await admin.getByRole('heading', { name: 'API tokens' }).waitFor();
    await admin.getByRole('button', { name: 'New token' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Name').fill('browser-export');
    await dialog.getByRole('checkbox', { name: /^events:read/ }).check();
    expect(await dialog.getByLabel('Expires in (days)').inputValue()).toBe('90');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const secret = (await admin.getByTestId('api-token-secret').textContent()) ?? '';
    expect(secret.length).toBeGreaterThan(20);
    expect(await admin.getByTestId('api-token-example').textContent()).toContain(`curl -H "Authorization: Bearer ${secret}" "${vigil.url}/api/v1/events`);
    await shot(admin, 'token');
    await admin.getByRole('button', { name: 'Copy token' }).click();
    await admin.getByRole('button', { name: 'Done' }).click();
    const row = admin.locator('tr[data-token="browser-export"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('events:read');

    const call = (path: string) => fetch(`${vigil.url}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await call('/api/v1/events')).status).toBe(200);
    expect((await call('/api/v1/users')).status).toBe(403);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect((await call('/api/v1/events')).status).toBe(401);
  });

  it('admin sees the user\'s sessions (user agent as text), signs them out everywhere and resets the password', async () => {
    // A sign-in whose user agent carries markup: the console must show it as text.
    const login = await fetch(`${vigil.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': XSS_AGENT },
      body: JSON.stringify({ username: 'vera', password: VIEWER_PASSWORD }),
    });
    expect(login.status).toBe(200);

    await openUser('vera');
    await expect.poll(() => admin.locator('.session-table tbody tr').count()).toBeGreaterThanOrEqual(2);
    expect(await admin.locator('.session-table').textContent()).toContain(XSS_AGENT);
    expect(await admin.locator('main img').count()).toBe(0);
    await shot(admin, 'user-detail');

    await admin.getByRole('button', { name: 'Sign out everywhere' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect.poll(() => admin.locator('.session-table').count()).toBe(0);
    await viewer.reload();
    await viewer.getByRole('heading', { name: 'Sign in' }).waitFor();

    await admin.getByRole('button', { name: 'Reset password' }).click();
    expect(await admin.getByRole('dialog').textContent()).toContain('signs vera out everywhere');
    await admin.getByRole('dialog').getByRole('button', { name: 'Reset password' }).click();
    const reset = (await admin.getByTestId('one-time-password').textContent()) ?? '';
    expect(reset.length).toBeGreaterThanOrEqual(12);
    expect(reset).not.toBe(oneTimePassword);
    await admin.getByRole('button', { name: 'Done' }).click();
    await admin.getByRole('button', { name: 'Close without copying' }).click();
    expect(await admin.getByTestId('one-time-password').count()).toBe(0);

    expect(await admin.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  });
});
