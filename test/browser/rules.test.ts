/**
 * The Rules, rule and Detections pages in Chromium against a real Vigil: an engineer imports a rule
 * file and reads the import report, finds the rule active in the table (its markup-laden title shown
 * as text), disables it and sees the state change, opens the rule view with its YAML, tests it
 * against a pasted event and sees the matched fields highlighted, tests it against a search over
 * ingested events, and finds a detection on the Detections page linking to the rule and the event.
 * A viewer sees the rules but no switch and no import. Set TEST_SCREENSHOTS=1 to save screenshots
 * to /tmp/vigil-shots.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVigil } from '../../src/app/vigil.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { ApiSession } from '../helpers/api-session.ts';
import { CHROMIUM, ensureConsoleBuilt, launchChromium, openPage } from '../helpers/browser.ts';

const SHOTS = process.env.TEST_SCREENSHOTS ? '/tmp/vigil-shots' : undefined;
const MARKUP = '<img src=x onerror=window.__pwned=1>';
const RULE_ID = 'b7e2c1a4-5d3f-4f00-9a00-0c1e2d3f4a5b';
const RULE_TITLE = `Whoami run from a browser test ${MARKUP}`;
const RULE_YAML = `title: ${JSON.stringify(RULE_TITLE)}
id: ${RULE_ID}
status: test
level: high
tags:
  - attack.discovery
  - attack.t1033
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\whoami.exe'
    CommandLine|contains: 'whoami'
  condition: selection
`;
/** A rule of the zip import: `logsource` is the YAML under `logsource:`. */
function bulkRule(id: string, title: string, logsource: string): string {
  return `title: ${title}\nid: ${id}\nlevel: low\nlogsource:\n  ${logsource}\ndetection:\n  selection:\n    message|contains: 'bulk-${id}'\n  condition: selection\n`;
}
const MATCHING_EVENT = { Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', User: 'alice', Note: MARKUP };

describe.skipIf(!existsSync(CHROMIUM))('the Rules and Detections pages in Chromium (needs /usr/bin/chromium)', () => {
  let dataDir: string;
  let vigil: Awaited<ReturnType<typeof startVigil>>;
  let browser: Browser;
  let page: Page;
  let admin: ApiSession;
  const pageErrors: string[] = [];

  /** A screenshot of the page, or of one part of it (the console scrolls inside its content area). */
  const shot = async (name: string, part?: Locator): Promise<void> => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    const path = join(SHOTS, `rules-${name}.png`);
    await (part ? part.screenshot({ path }) : page.screenshot({ path, fullPage: true }));
  };
  const ruleRow = () => page.getByTestId('rule-results').locator(`tr[data-rule-id="${RULE_ID}"]`);

  beforeAll(async () => {
    await ensureConsoleBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-browser-rules-'));
    const config = loadConfig({
      overrides: {
        dataDir,
        server: { host: '127.0.0.1', port: 0 },
        intake: { syslog: { udp: { enabled: false }, tcp: { enabled: false } } },
        log: { level: 'warn' },
      },
    });
    vigil = await startVigil({ config });
    admin = await ApiSession.signIn(vigil.url, vigil.initialAdminPassword!, 'rules page test passphrase 7');
    browser = await launchChromium();
    page = await openPage(browser, { timezoneId: 'UTC', session: { session: admin, url: vigil.url }, errors: pageErrors });
  });

  afterAll(async () => {
    await browser?.close();
    await vigil?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports a rule file and shows the import report', async () => {
    await page.goto(`${vigil.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules', exact: true }).click();
    await page.getByRole('heading', { name: 'Rules', exact: true }).waitFor();
    // The bundled rules are there from the start.
    await expect.poll(() => page.getByTestId('rule-counts').textContent()).toMatch(/\d+ active/);
    const before = Number((await page.getByTestId('rule-results').getAttribute('data-rows')) ?? '0');
    expect(before).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Import rules' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import rules' });
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'whoami.yml', mimeType: 'text/yaml', buffer: Buffer.from(RULE_YAML) });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    const report = dialog.getByTestId('import-report');
    await report.waitFor();
    expect(await report.textContent()).toMatch(/1 added, 0 updated/);
    expect(await report.locator(`tr[data-rule-id="${RULE_ID}"]`).textContent()).toContain('active');
    await shot('import-report');
    await dialog.getByRole('button', { name: 'Done' }).click();

    await expect.poll(async () => Number(await page.getByTestId('rule-results').getAttribute('data-rows'))).toBe(before + 1);
  });

  it('finds the rule active, its title as text, its tags linked to ATT&CK, and disables it', async () => {
    await page.getByRole('searchbox', { name: 'Search titles' }).fill('whoami browser');
    await expect.poll(() => page.getByTestId('rule-shown').textContent()).toMatch(/^1 of \d+ rules/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('whoami browser');
    const row = ruleRow();
    expect(await row.locator('[data-state]').textContent()).toBe('active');
    expect(await row.textContent()).toContain(MARKUP);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await row.getByRole('link', { name: 'T1033' }).getAttribute('href')).toBe('https://attack.mitre.org/techniques/T1033/');
    expect(await row.getByRole('link', { name: 'Discovery' }).getAttribute('href')).toBe('https://attack.mitre.org/tactics/TA0007/');
    await shot('table');

    const toggle = row.getByRole('switch');
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await expect.poll(() => row.locator('[data-state]').textContent()).toBe('disabled');
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    expect(vigil.core.state.rules.get(RULE_ID)).toMatchObject({ enabled: false, state: 'disabled', updatedBy: 'admin' });

    // The state filter narrows the table to disabled rules, and the URL says so.
    await page.getByRole('group', { name: 'State' }).getByRole('button', { name: /^disabled/ }).click();
    expect(new URL(page.url()).searchParams.get('state')).toBe('disabled');
    await expect.poll(() => page.getByTestId('rule-shown').textContent()).toMatch(/^1 of/);
    // Enabled again, it leaves the disabled-only view.
    await row.getByRole('switch').click();
    await expect.poll(() => page.getByTestId('rule-shown').textContent()).toMatch(/^0 of/);
    await page.getByRole('group', { name: 'State' }).getByRole('button', { name: /^disabled/ }).click();
    await expect.poll(() => row.locator('[data-state]').textContent()).toBe('active');
  });

  it('opens the rule view with its YAML and tests it against a pasted event, matched fields highlighted', async () => {
    await ruleRow().getByRole('link', { name: RULE_TITLE }).click();
    await page.getByRole('heading', { name: RULE_TITLE }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/rules/${RULE_ID}`);
    const yaml = page.getByTestId('rule-yaml');
    expect(await yaml.locator('.yaml-line').count()).toBe(RULE_YAML.trimEnd().split('\n').length);
    expect(await yaml.locator('.yaml-line').nth(1).textContent()).toBe(`2id: ${RULE_ID}`);
    expect(await page.locator('main img').count()).toBe(0);

    await page.getByLabel(/^Event: a JSON object/).fill(JSON.stringify(MATCHING_EVENT, null, 2));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => page.getByTestId('test-summary').textContent()).toBe('1 of 1 event matched.');
    const result = page.getByTestId('test-result');
    expect(await result.getAttribute('data-matched')).toBe('true');
    // Why: the selection with field = value for each matched field.
    const why = result.getByTestId('match-why');
    expect(await why.locator('[data-field="Image"]').textContent()).toBe('Image = C:\\Windows\\System32\\whoami.exe');
    expect(await why.locator('[data-field="CommandLine"]').textContent()).toBe('CommandLine = whoami /all');
    // The event's fields that satisfied the rule are highlighted; the others are not.
    const matched = await result.locator('tr[data-matched="true"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    expect(matched.sort()).toEqual(['CommandLine', 'Image']);
    expect(await result.locator('tr[data-field="CommandLine"] mark').textContent()).toBe('whoami /all');
    expect(await result.locator('tr[data-field="User"] mark').count()).toBe(0);
    expect(await result.locator('tr[data-field="Note"]').textContent()).toContain(MARKUP);
    expect(await page.locator('main img').count()).toBe(0);
    await shot('test-event', page.locator('section.rule-test'));

    // An event that does not match says so.
    await page.getByLabel(/^Event: a JSON object/).fill(JSON.stringify({ ...MATCHING_EVENT, Image: 'C:\\Windows\\notepad.exe' }));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await expect.poll(() => page.getByTestId('test-summary').textContent()).toBe('0 of 1 event matched.');
    // Broken JSON is refused in the page with what is wrong.
    await page.getByLabel(/^Event: a JSON object/).fill('{"Image": ');
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid JSON' }).waitFor();
  });

  it('tests the rule against a search over stored events', async () => {
    const token = await admin.createSource('rules-http', 'http');
    const now = Date.now();
    const events = [
      { '@timestamp': new Date(now - 60_000).toISOString(), message: 'proc one', host: { name: 'ws-1' }, Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami' },
      { '@timestamp': new Date(now - 120_000).toISOString(), message: 'proc two', host: { name: 'ws-1' }, Image: 'C:\\Windows\\explorer.exe', CommandLine: 'explorer' },
    ];
    const ingest = await fetch(`${vigil.url}/api/v1/ingest`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(events),
    });
    expect(ingest.status, await ingest.clone().text()).toBe(200);
    await vigil.pipeline.drain();

    await page.getByRole('group', { name: 'Test against' }).getByRole('button', { name: 'A search' }).click();
    const query = page.getByRole('combobox', { name: 'Search query' });
    await query.fill('host.name:ws-1');
    await query.press('Enter');
    await page.getByTestId('test-summary').filter({ hasText: 'of 2 events' }).waitFor();
    const results = page.getByTestId('test-result');
    expect(await results.count()).toBe(2);
    // Stored JSON events carry no Windows logsource: the first event has the rule's fields, and the page says why it does not count.
    const first = results.filter({ hasText: 'proc one' });
    expect(await first.getAttribute('data-matched')).toBe('false');
    expect(await first.textContent()).toContain('fields match, other logsource');
    await first.getByRole('button', { expanded: false }).click();
    expect(await first.getByRole('note').textContent()).toMatch(/logsource .*does not cover/);
    expect(await first.locator('tr[data-matched="true"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')).sort())).toEqual(['CommandLine', 'Image']);
    expect(await results.filter({ hasText: 'proc two' }).textContent()).not.toContain('fields match');
    await shot('test-search', page.locator('section.rule-test'));
  });

  it('lists detections newest first, linked to the rule and to the event on the Search page', async () => {
    const now = Date.now();
    // Detections are listed in the order they were made, the latest first.
    vigil.core.state.detections.add([{
      ruleId: 'other-rule', ruleTitle: 'A low one', level: 'low', tags: [], eventSeqs: [2], eventTime: now - 120_000, detectedAt: now - 1000, why: { selections: ['sel'], fields: [] },
    }]);
    vigil.core.state.detections.add([{
      ruleId: RULE_ID, ruleTitle: RULE_TITLE, level: 'high', tags: ['attack.t1033'], eventSeqs: [1], eventTime: now - 60_000, detectedAt: now,
      host: 'ws-1', user: 'alice', why: { selections: ['selection'], fields: [{ selection: 'selection', field: 'CommandLine', value: 'whoami' }] },
    }]);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Detections', exact: true }).click();
    await page.getByRole('heading', { name: 'Detections', exact: true }).waitFor();
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toBe('2 detections');
    const rows = page.locator('tr[data-detection-id]');
    expect(await rows.first().textContent()).toContain('CommandLine = whoami');
    expect(await rows.nth(1).textContent()).toContain('A low one');
    expect(await rows.first().textContent()).toContain(MARKUP);
    expect(await page.locator('main img').count()).toBe(0);

    await page.getByRole('group', { name: 'Level' }).getByRole('button', { name: 'high' }).click();
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toBe('1 detection');
    expect(new URL(page.url()).searchParams.get('level')).toBe('high');
    await shot('detections');

    await rows.first().getByRole('link', { name: 'Event', exact: true }).click();
    await page.getByRole('heading', { name: 'Search', exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('host.name:"ws-1"');
    await page.goBack();
    await rows.first().getByRole('link', { name: RULE_TITLE }).click();
    await page.getByRole('heading', { name: RULE_TITLE }).waitFor();
    expect(Number(await page.getByTestId('rule-hits').textContent())).toBe(1);
    // In the Rules table, the hits link to the rule's detections.
    await page.getByRole('link', { name: 'Rules', exact: true }).first().click();
    await page.getByRole('searchbox', { name: 'Search titles' }).fill('whoami browser');
    await ruleRow().locator('a.hits-link').click();
    await expect.poll(() => page.getByTestId('detection-count').textContent()).toBe('1 detection');
    expect(new URL(page.url()).searchParams.get('rule')).toBe(RULE_ID);
    expect(pageErrors).toEqual([]);
  });

  it('imports a zip archive of many rules: the report puts rules that do not run first, the table stays virtualized', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 300; i++) {
      files[`bulk/rule-${i}.yml`] = strToU8(bulkRule(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `Bulk rule ${i}`, 'product: linux\n  service: sshd'));
    }
    files['bulk/odd-logsource.yml'] = strToU8(bulkRule('00000000-0000-4000-8000-100000000001', 'Bulk rule on an unknown product', 'product: no_such_product'));
    files['bulk/broken.yml'] = strToU8('title: Bulk broken rule\nid: 00000000-0000-4000-8000-100000000002\nlogsource:\n  product: linux\n');
    files['bulk/README.md'] = strToU8('not a rule');
    await page.goto(`${vigil.url}/rules`);
    await page.getByRole('button', { name: 'Import rules' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import rules' });
    await dialog.locator('input[type="file"]').setInputFiles({ name: 'bulk.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    const report = dialog.getByTestId('import-report');
    await report.waitFor();
    expect(await report.locator('p').first().textContent()).toMatch(/^302 added, 0 updated, 1 file skipped \(not YAML\)\. 300 active, 1 unsupported, 1 invalid$/);
    const firstRows = await report.locator('tbody tr').evaluateAll((rows) => rows.slice(0, 2).map((r) => r.querySelector('[data-state]')?.textContent));
    expect(firstRows.sort()).toEqual(['invalid', 'unsupported']);
    expect(await report.locator('tbody tr', { hasText: 'unknown product' }).textContent()).toMatch(/no_such_product/);
    await shot('import-zip', dialog);
    await dialog.getByRole('button', { name: 'Done' }).click();

    const results = page.getByTestId('rule-results');
    await expect.poll(async () => Number(await results.getAttribute('data-rows'))).toBeGreaterThan(300);
    const total = Number(await results.getAttribute('data-rows'));
    const rendered = await results.locator('tr.rule-row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(total);
    // The counts and the state filter show the rules that do not run, with their reason in the row.
    expect(await page.getByTestId('rule-counts').textContent()).toMatch(/\d+ active, 1 unsupported, 1 invalid\.$/);
    await page.getByRole('group', { name: 'State' }).getByRole('button', { name: /^invalid/ }).click();
    await expect.poll(() => page.getByTestId('rule-shown').textContent()).toMatch(/^1 of/);
    expect(await results.locator('.rule-reason').textContent()).toMatch(/detection/);
  });

  it('shows a viewer the rules without switches or import', async () => {
    const viewer = await admin.createUserSession('val', 'viewer');
    const viewerPage = await openPage(browser, { timezoneId: 'UTC', session: { session: viewer, url: vigil.url } });
    await viewerPage.goto(`${vigil.url}/rules`);
    await viewerPage.getByTestId('rule-results').waitFor();
    expect(await viewerPage.getByRole('switch').count()).toBe(0);
    expect(await viewerPage.getByRole('button', { name: 'Import rules' }).count()).toBe(0);
    const nav = viewerPage.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Rules', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(await nav.getByRole('link', { name: 'Detections', exact: true }).count()).toBe(1);
    await viewerPage.context().close();
  });
});
