/**
 * Cross-site scripting through every rendered field, in a real browser (Debian's Chromium driven by
 * playwright-core). Events are attacker-controlled: they arrive over HTTP intake, Splunk HEC and
 * syslog with markup in every field (message, host, user, process, URLs, field names, parse-error
 * samples, HEC source types); users, roles, tokens and sessions carry markup where the API lets
 * them. The test then crawls every console page it can reach by links, expands every expandable
 * row, and checks that no payload ran, no dialog opened, and each payload is on screen as text.
 * The CSP must forbid inline script: checked on the response header and in the page.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/access.ts';
import { ADMIN_PASSWORD, startSecurityVigil, type SecurityVigil } from './security-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

// Unquoted attributes keep the payloads byte-identical through JSON escaping, so they can be searched for as text.
const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=2</script>';
const SVG = '"><svg onload=window.__xss=3>';
const JS_URL = 'javascript:window.__xss=4';
const ATTR = "' onmouseover='window.__xss=5' x='";
const IFRAME = '<iframe src=javascript:window.__xss=6></iframe>';
/** Right-to-left override: "invoice‮txt.exe" would display as "invoiceexe.txt". */
const RTL = 'invoice\u202etxt.exe';
const RTL_SHOWN = 'invoice\\u202etxt.exe';
// Syslog header fields cannot contain spaces.
const SYSLOG_HOST = '<img/src=x/onerror=window.__xss=7>';
const SYSLOG_APP = '<svg/onload=window.__xss=8>';

/** Texts that must be visible somewhere in the console once everything is rendered. */
const MUST_SHOW = [IMG, SCRIPT, SVG, JS_URL, ATTR, IFRAME, RTL_SHOWN, SYSLOG_HOST, SYSLOG_APP,
  `parse-error ${SCRIPT}`, `display ${IMG}`, `role ${SCRIPT}`, `token ${SVG}`, `agent ${IMG}`];

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** Builds web/dist unless it is newer than every source file (npm test builds it first anyway). */
async function ensureConsoleBuilt(): Promise<void> {
  const index = join(WEB, 'dist', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs)) return;
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers, body });
  expect(response.status, `${url}: ${await response.clone().text()}`).toBe(200);
}

function sendSyslogTcp(port: number, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.on('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.end(`${line}\n`, () => resolve()));
  });
}

/** Plants markup in every attacker- or user-controlled field the API accepts. */
async function plantPayloads(v: SecurityVigil): Promise<void> {
  const { admin } = v;
  const http = await admin.createSource('xss-http', 'http');
  await post(`${v.url}/api/v1/ingest`, { authorization: `Bearer ${http}`, 'content-type': 'application/json' }, JSON.stringify([{
    message: IMG, host: { name: SVG }, user: { name: SCRIPT, domain: ATTR },
    process: { name: IMG, executable: JS_URL, command_line: IFRAME, parent: { name: SCRIPT } },
    url: { original: JS_URL, full: JS_URL }, event: { action: SVG, reference: JS_URL }, file: { name: RTL, path: ATTR },
    http: { request: { referrer: JS_URL } }, tags: [IMG, SCRIPT], [IMG]: 'a field name with markup', custom: { [SVG]: ATTR },
  }]));
  await post(`${v.url}/api/v1/ingest`, { authorization: `Bearer ${http}`, 'content-type': 'text/plain' }, `${SVG} ${IMG} ${IFRAME} a plain line\n`);

  // A parse error: its reason and sample are shown on the Sources page and in the event.
  const json = await admin.createSource('xss-json', 'http', 'json');
  await post(`${v.url}/api/v1/ingest`, { authorization: `Bearer ${json}`, 'content-type': 'text/plain' }, `parse-error ${SCRIPT} {not json\n`);

  const hec = await admin.createSource('xss-hec', 'hec');
  await post(`${v.url}/services/collector/event`, { authorization: `Splunk ${hec}`, 'content-type': 'application/json' },
    JSON.stringify({ event: { message: SCRIPT, detail: IMG }, host: SVG, source: IMG, sourcetype: JS_URL, fields: { [SCRIPT]: SVG } }));

  await sendSyslogTcp(v.vigil.syslog.tcp!.port, `<13>1 2026-11-23T10:00:00.000Z ${SYSLOG_HOST} ${SYSLOG_APP} - - - ${IMG} from syslog`);

  // Names the API validates must refuse markup; free text must be stored verbatim (and rendered as text).
  expect((await admin.request('POST', '/api/v1/sources', { name: IMG, kind: 'http' })).status).toBe(400);
  expect((await admin.request('POST', '/api/v1/users', { username: IMG, role: 'viewer' })).status).toBe(400);
  expect((await admin.request('POST', '/api/v1/roles', { name: '<svg>', description: 'x', permissions: [] })).status).toBe(400);
  await admin.json('POST', '/api/v1/users', { username: 'markup-user', role: 'viewer', displayName: `display ${IMG}` });
  await admin.json('POST', '/api/v1/roles', { name: 'markup-role', description: `role ${SCRIPT}`, permissions: ['events:read'] });
  const token = await admin.json<{ token: { id: string } }>('POST', '/api/v1/tokens', { name: `token ${SVG}`, permissions: ['events:read'] });
  await admin.json('POST', '/api/v1/tokens', { name: `token ${SVG}`, permissions: ['events:read'] });
  // Revoking puts the token's name into the audit log too.
  expect((await admin.request('DELETE', `/api/v1/tokens/${token.token.id}`)).status).toBe(204);
  // The User-Agent of a sign-in is shown in the session lists.
  const login = await fetch(`${v.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': `agent ${IMG}` }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  await v.vigil.pipeline.drain();
}

describe('XSS: input reflected in API answers is never served as HTML', () => {
  let v: SecurityVigil;
  beforeAll(async () => {
    v = await startSecurityVigil();
  });
  afterAll(async () => v?.close());

  it('answers errors that quote the request as JSON or plain text, with nosniff', async () => {
    const payload = encodeURIComponent(IMG);
    const token = await v.admin.createSource('reflect-hec', 'hec');
    const requests: [string, RequestInit][] = [
      [`/api/v1/${payload}`, {}],
      [`/api/v1/events?field.${payload}=1`, {}],
      [`/api/v1/events?${payload}=1`, {}],
      [`/api/v1/events?from=${payload}`, {}],
      [`/assets/${payload}.js`, {}],
      [`/services/collector/${payload}`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: '{}' }],
      [`/services/collector/event?channel=${payload}`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: '{"event":"x"}' }],
      ['/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"username":"${IMG}"` }],
    ];
    for (const [path, init] of requests) {
      const response = await fetch(`${v.url}${path}`, { ...init, headers: { cookie: v.admin.cookieHeader, ...init.headers } });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('content-type'), path).not.toMatch(/html|xml|svg/i);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});

describe.skipIf(!existsSync(CHROMIUM))('XSS: every rendered field in Chromium (needs /usr/bin/chromium)', () => {
  let v: SecurityVigil;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    v = await startSecurityVigil();
    await plantPayloads(v);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: v.admin.cookieHeader.slice(`${SESSION_COOKIE}=`.length), url: v.url, httpOnly: true, sameSite: 'Strict' }]);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await v?.close();
  });

  async function expectNothingRan(where: string): Promise<void> {
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), where).toBeUndefined();
    expect(dialogs, where).toEqual([]);
    const active = await page.locator('a[href^="javascript:" i], [src^="javascript:" i], iframe, object, embed, main img, main script').count();
    expect(active, `${where}: elements built from payloads`).toBe(0);
  }

  /** Clicks every collapsed expandable row (and <summary>) until none is left. */
  async function expandAll(where: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const collapsed = page.locator('tr.row-expandable:not(.row-expanded), details:not([open]) > summary');
      if ((await collapsed.count()) === 0) return;
      // At the row's start (the expand toggle on event tables): its middle may be a value that adds a search filter.
      await collapsed.first().click({ position: { x: 6, y: 6 } });
      await expectNothingRan(`${where} after expanding row ${i + 1}`);
    }
  }

  it('renders every payload as text on every page, with every row expanded, and runs none of them', async () => {
    const queue = ['/', '/search', '/account/tokens', '/account/sessions', '/account/security'];
    const seen = new Set<string>();
    const texts: string[] = [];
    while (queue.length > 0 && seen.size < 40) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      await page.goto(`${v.url}${path}`);
      await page.locator('main').waitFor();
      await page.waitForLoadState('networkidle');
      await expectNothingRan(path);
      await expandAll(path);
      await page.waitForLoadState('networkidle');
      await expectNothingRan(path);
      texts.push(await page.locator('body').innerText());
      const links = await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      for (const href of links) if (!href.startsWith('/api/') && !seen.has(href)) queue.push(href);
    }
    expect(seen.size, 'the crawl reached the console\'s pages').toBeGreaterThanOrEqual(6);
    for (const path of ['/sources', '/users', '/roles']) expect([...seen], path).toContain(path);
    const all = texts.join('\n');
    for (const payload of MUST_SHOW) expect(all, `shown as text: ${payload}`).toContain(payload);
    // The override character itself is never rendered: only its visible escape.
    expect(all).not.toContain(RTL);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('sends a CSP that forbids inline script, and the browser enforces it', async () => {
    const response = await fetch(`${v.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    const scripts = directives.get('script-src') ?? directives.get('default-src');
    expect(scripts, 'a script-src or default-src directive').toBeDefined();
    for (const loose of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) expect(scripts).not.toContain(loose);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    // Clickjacking: the console cannot be framed, on any page.
    for (const path of ['/', '/sources', '/users/00000000-0000-4000-8000-000000000000']) {
      const page = await fetch(`${v.url}${path}`);
      expect(page.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(page.headers.get('x-frame-options'), path).toBe('DENY');
    }

    await page.goto(`${v.url}/`);
    await page.locator('main').waitFor();
    const outcome = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const inline = document.createElement('script');
      inline.textContent = 'window.__cspProbe = 1';
      document.body.appendChild(inline);
      const handler = document.createElement('div');
      handler.setAttribute('onclick', 'window.__cspProbe = 2');
      document.body.appendChild(handler);
      handler.click();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { probe: (window as unknown as { __cspProbe?: number }).__cspProbe, violations };
    });
    expect(outcome.probe, 'inline script and inline handlers are blocked').toBeUndefined();
    expect(outcome.violations.length, 'the browser reported the violations').toBeGreaterThanOrEqual(2);
  });
});
