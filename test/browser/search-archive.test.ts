/**
 * The Search page's "include archive" box in Chromium: today's events are archived (as if ten days
 * had passed), the page finds none and offers the archive; ticking the box searches it, and the
 * export links follow.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ApiSession } from '../helpers/api-session.ts';
import { CHROMIUM, ensureConsoleBuilt, launchChromium, openPage } from '../helpers/browser.ts';

const DAY = 86_400_000;

describe.skipIf(!existsSync(CHROMIUM))('searching the archive from the Search page (needs /usr/bin/chromium)', () => {
  let dataDir: string;
  let vigil: Awaited<ReturnType<typeof startVigil>>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-browser-archive-'));
    const config = loadConfig({
      overrides: { dataDir, server: { host: '127.0.0.1', port: 0 }, intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } }, log: { level: 'warn' } },
    });
    vigil = await startVigil({ config });
    const admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, 'archive page test passphrase 9');
    const token = await admin.createSource('archive-http', 'http');
    const ingest = await fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([1, 2, 3].map((i) => ({ message: `archived login ${i}`, host: { name: 'web-1' } }))),
    });
    expect(ingest.status).toBe(200);
    await vigil.pipeline.drain();
    expect((await vigil.core.events.archive({ hotDays: 7, retentionDays: 0 }, Date.now() + 10 * DAY)).archived).toHaveLength(1);

    browser = await launchChromium();
    page = await openPage(browser, { timezoneId: 'UTC', session: { session: admin, url: vigil.url } });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('offers the archive when the range reaches archived days, and searches it when ticked', async () => {
    await page.goto(`${vigil.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search', exact: true }).click();
    const count = () => page.getByTestId('search-count').textContent();
    await expect.poll(count).toMatch(/^0 events/);
    const box = page.getByLabel('Include archive (1 day)');
    expect(await box.isChecked()).toBe(false);
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).not.toContain('archive=');

    await box.check();
    await expect.poll(count).toMatch(/^3 events/);
    expect(await page.getByTestId('event-results').locator('tr.row-expandable').first().textContent()).toContain('archived login');
    expect(await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain('archive=true');

    await box.uncheck();
    await expect.poll(count).toMatch(/^0 events/);
  });
});
