/**
 * The Search page in Chromium against a real Vigil: a known set of events arrives over the HTTP
 * intake; the test types a query and sees the count, the histogram and the rows; clicks a value to
 * filter; drags across the histogram to zoom; triggers a syntax error and sees it underlined; saves a
 * search and reopens it; runs `| stats count() by host.name` and a timechart; picks an absolute range;
 * completes a field name; opens the syntax help and uses an example; exports CSV and reads the download.
 * Set TEST_SCREENSHOTS=1 to save screenshots to /tmp/vigil-shots.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ApiSession } from '../helpers/api-session.ts';
import { CHROMIUM, ensureConsoleBuilt, launchChromium, openPage } from '../helpers/browser.ts';

const SHOTS = process.env.TEST_SCREENSHOTS ? '/tmp/vigil-shots' : undefined;
const MINUTE = 60_000;
const MARKUP = '<img src=x onerror=window.__pwned=1>';

/**
 * 30 successful logins on web-1 in the last hour, 10 failed ones on web-2 three to four hours ago,
 * 20 slow queries on db-1 in the last hour (no "login" in them).
 */
function knownEvents(now: number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < 30; i++) {
    events.push({ '@timestamp': new Date(now - (2 + i * 2) * MINUTE).toISOString(), message: `login ok ${i}`, host: { name: 'web-1' }, user: { name: 'alice' }, event: { action: 'login' } });
  }
  for (let i = 0; i < 10; i++) {
    events.push({ '@timestamp': new Date(now - (185 + i * 5) * MINUTE).toISOString(), message: `login failed ${i} ${MARKUP}`, host: { name: 'web-2' }, user: { name: 'mallory' }, event: { action: 'login' } });
  }
  for (let i = 0; i < 20; i++) {
    events.push({ '@timestamp': new Date(now - (1 + i * 3) * MINUTE).toISOString(), message: `query slow ${i}`, host: { name: 'db-1' }, user: { name: 'bob' } });
  }
  return events;
}

describe.skipIf(!existsSync(CHROMIUM))('the Search page in Chromium (needs /usr/bin/chromium)', () => {
  let dataDir: string;
  let vigil: Awaited<ReturnType<typeof startVigil>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const shot = async (name: string): Promise<void> => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `search-${name}.png`), fullPage: true });
  };
  const count = () => page.getByTestId('search-count').textContent();
  const queryBox = () => page.getByRole('combobox', { name: 'Search query' });
  const url = () => new URL(page.url());
  /** Types a query and runs it with Enter. */
  const search = async (query: string): Promise<void> => {
    await queryBox().fill(query);
    await queryBox().press('Enter');
    await expect.poll(() => url().searchParams.get('q')).toBe(query);
  };

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-browser-search-'));
    const config = loadConfig({
      overrides: {
        dataDir,
        server: { host: '127.0.0.1', port: 0 },
        intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
        log: { level: 'warn' },
      },
    });
    vigil = await startVigil({ config });
    const admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, 'search page test passphrase 7');
    const token = await admin.createSource('search-http', 'http');
    const ingest = await fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(knownEvents(Date.now())),
    });
    expect(ingest.status, await ingest.clone().text()).toBe(200);
    await vigil.pipeline.drain();

    browser = await launchChromium();
    page = await openPage(browser, { acceptDownloads: true, timezoneId: 'UTC', session: { session: admin, url: vigil.url }, errors: pageErrors });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a typed query and shows the count, the histogram and the rows', async () => {
    await page.goto(`${vigil.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: 'Search', exact: true }).waitFor();
    await expect.poll(count).toMatch(/^60 events/);

    await search('login');
    await expect.poll(count).toMatch(/^40 events/);
    expect(url().searchParams.get('from')).toBe('-24h');
    expect(url().searchParams.get('to')).toBe('now');
    const histogram = page.getByTestId('search-histogram');
    expect(await histogram.getAttribute('data-total')).toBe('40');
    expect(await histogram.locator('svg').getAttribute('aria-label')).toMatch(/^40 matching events from .* Drag across the chart/);
    expect(await histogram.locator('rect.chart-bar').count()).toBeGreaterThan(1);
    const results = page.getByTestId('event-results');
    expect(await results.getAttribute('data-rows')).toBe('40');
    // Virtualized: only the rows in view, and a margin, are in the page.
    const rendered = await results.locator('tr.row-expandable').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(40);
    expect(await results.locator('tr.row-expandable').first().textContent()).toContain('login ok 0');
    // Scrolled to the end, the oldest events are rendered; the markup in them is text, never run.
    await results.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await results.locator('tr.row-expandable', { hasText: 'login failed 9' }).waitFor();
    expect(await results.textContent()).toContain(MARKUP);
    expect(await page.locator('main img').count()).toBe(0);

    // Hovering a bar tells its time and count.
    const box = (await page.getByTestId('histogram-hit').boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    expect(await page.getByRole('tooltip').textContent()).toMatch(/\d\d:\d\d – \d\d:\d\d\d+ events/);

    // The field sidebar lists host.name with its top values.
    const sidebar = page.getByRole('complementary', { name: 'Fields' });
    await sidebar.locator('li[data-field="host.name"] > button').click();
    expect(await sidebar.locator('li[data-field="host.name"] .top-value').allTextContents()).toEqual([expect.stringMatching(/^web-130/), expect.stringMatching(/^web-210/)]);
    await shot('results');
  });

  it('adds a clicked value to the query as a filter, and excludes one with Alt+click', async () => {
    const results = page.getByTestId('event-results');
    await results.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await results.getByRole('button', { name: 'web-2' }).first().click();
    await expect.poll(() => url().searchParams.get('q')).toBe('login host.name:"web-2"');
    await expect.poll(count).toMatch(/^10 events/);
    expect(await queryBox().inputValue()).toBe('login host.name:"web-2"');

    // An expanded row shows every field; "Filter out" adds a NOT term.
    await search('login');
    await expect.poll(count).toMatch(/^40 events/);
    const first = page.getByTestId('event-results').locator('tr.row-expandable').first();
    await first.click();
    const details = page.locator('.row-details').first();
    await details.locator('tr[data-field="user.name"]').waitFor();
    expect(await details.locator('tr[data-field="event.action"] .kv-value').textContent()).toBe('login');
    await details.getByRole('button', { name: 'Filter out user.name' }).click();
    await expect.poll(() => url().searchParams.get('q')).toBe('login NOT user.name:"alice"');
    await expect.poll(count).toMatch(/^10 events/);

    // Alt+click on a value in the table excludes it too.
    await search('login');
    await expect.poll(count).toMatch(/^40 events/);
    await results.getByRole('button', { name: 'web-1' }).first().click({ modifiers: ['Alt'] });
    await expect.poll(() => url().searchParams.get('q')).toBe('login NOT host.name:"web-1"');
    await expect.poll(count).toMatch(/^10 events/);
  });

  it('zooms into the range dragged across on the histogram', async () => {
    await search('login');
    await expect.poll(count).toMatch(/^40 events/);
    const hit = page.getByTestId('histogram-hit');
    const box = (await hit.boundingBox())!;
    // The last 6% of 24 hours (about 86 minutes, widened to whole buckets): web-1's hour, not web-2's.
    await page.mouse.move(box.x + box.width * 0.94, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.97, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => url().searchParams.get('from')).toMatch(/^\d{4}-\d\d-\d\dT/);
    const from = Date.parse(url().searchParams.get('from')!);
    const to = Date.parse(url().searchParams.get('to')!);
    expect(to - from).toBeGreaterThan(60 * MINUTE);
    expect(to - from).toBeLessThan(3 * 3_600_000);
    await expect.poll(count).toMatch(/^30 events/);
    expect(await page.getByTestId('time-range').textContent()).toContain('→');
    await shot('zoomed');

    await page.getByTestId('time-range').click();
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await expect.poll(() => url().searchParams.get('from')).toBe('-7d');
    await expect.poll(count).toMatch(/^40 events/);
  });

  it('takes an absolute range from the time picker', async () => {
    await search('login');
    await page.getByTestId('time-range').click();
    const picker = page.getByRole('dialog', { name: 'Time range' });
    // The browser runs in UTC here, so local datetime inputs are UTC: web-2's failed logins, 3 to 4 hours ago.
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    await picker.getByLabel('From').fill(local(Date.now() - 5 * 3_600_000));
    await picker.getByLabel('To').fill(local(Date.now() - 2 * 3_600_000));
    await picker.getByRole('button', { name: 'Apply range' }).click();
    await expect.poll(() => url().searchParams.get('to')).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    await expect.poll(count).toMatch(/^10 events/);

    await page.getByTestId('time-range').click();
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await expect.poll(count).toMatch(/^40 events/);
  });

  it('completes field names seen in results', async () => {
    await queryBox().fill('');
    await queryBox().pressSequentially('login host.na');
    await page.getByRole('option', { name: 'host.name' }).waitFor();
    await queryBox().press('Tab');
    expect(await queryBox().inputValue()).toBe('login host.name:');
  });

  it('shows the syntax help, whose examples go into the query', async () => {
    await search('login');
    await page.getByRole('button', { name: 'Syntax help' }).click();
    const help = page.getByRole('dialog', { name: 'Query syntax' });
    expect(await help.locator('th').allTextContents()).toEqual(expect.arrayContaining(['field:value', '| stats', '| timechart']));
    // A pipe example is added after the query (a filter example would replace it).
    await help.getByRole('button', { name: '| head 20' }).click();
    expect(await help.count()).toBe(0);
    expect(await queryBox().inputValue()).toBe('login | head 20');
    await queryBox().press('Enter');
    await expect.poll(() => url().searchParams.get('q')).toBe('login | head 20');
    await expect.poll(count).toMatch(/^40 events · showing 20 /);
  });

  it('underlines a syntax error and shows its message', async () => {
    await queryBox().fill('user.name:alice AND (host.name:web-1');
    await queryBox().press('Enter');
    const error = page.getByTestId('query-error');
    await error.waitFor();
    expect((await error.textContent())?.length).toBeGreaterThan(5);
    expect(await queryBox().getAttribute('aria-invalid')).toBe('true');
    const mark = page.locator('.query-error-mark');
    await mark.waitFor();
    expect((await mark.textContent())?.length).toBeGreaterThan(0);
    await shot('syntax-error');

    // Fixing the query clears the error.
    await search('user.name:alice AND (host.name:web-1)');
    await expect.poll(count).toMatch(/^30 events/);
    await expect.poll(() => page.getByTestId('query-error').count()).toBe(0);
  });

  it('saves a search and reopens it from the list', async () => {
    await search('host.name:web-2');
    await expect.poll(count).toMatch(/^10 events/);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save search' });
    await dialog.getByLabel('Name').fill('failed web logins');
    await dialog.getByRole('checkbox', { name: /Shared/ }).check();
    await dialog.getByRole('button', { name: 'Save search' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await search('host.name:db-1');
    await expect.poll(count).toMatch(/^20 events/);
    await page.getByRole('button', { name: 'Saved searches' }).click();
    const item = page.locator('.saved-item[data-saved="failed web logins"]');
    expect(await item.textContent()).toContain('shared');
    await item.getByRole('menuitem').click();
    await expect.poll(() => url().searchParams.get('q')).toBe('host.name:web-2');
    await expect.poll(count).toMatch(/^10 events/);
  });

  it('shows the table of a stats query', async () => {
    await search('login | stats count() by host.name');
    const table = page.getByTestId('table-results');
    await table.waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual(['host.name', 'count']);
    const rows = (await table.locator('tbody tr').allTextContents()).sort();
    expect(rows).toEqual(['web-130', 'web-210']);
    expect(await page.getByTestId('event-results').count()).toBe(0);
    await shot('stats');

    // A timechart draws a line per group above its table.
    await search('login | timechart span=1h count() by host.name');
    await expect.poll(() => page.locator('.timechart polyline').count()).toBe(2);
    expect(await page.locator('.chart-legend li').allTextContents()).toEqual(['web-1', 'web-2']);
    expect(await table.locator('thead th').allTextContents()).toEqual(['_time', 'host.name', 'count']);
    await shot('timechart');
  });

  it('exports the current search as CSV', async () => {
    await search('login');
    await expect.poll(count).toMatch(/^40 events/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8');
    const lines = text.trim().split(/\r?\n/);
    expect(lines[0]?.startsWith('time,source,host.name,user.name,message')).toBe(true);
    expect(lines).toHaveLength(41);
    expect(lines.filter((l) => l.includes('web-2'))).toHaveLength(10);
    expect(lines.some((l) => l.includes('db-1'))).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
