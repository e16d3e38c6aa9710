/**
 * Shared setup of the browser tests: a built console (web/dist) and Debian's Chromium driven by
 * playwright-core. Build and launch are the same for every browser test file.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../src/api/access.ts';
import type { ApiSession } from './api-session.ts';

export const CHROMIUM = '/usr/bin/chromium';
const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

/** Newest modification time under a folder. */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/**
 * Builds web/dist unless it is newer than every source file (npm test builds it first anyway). Test
 * files run in parallel: a lock folder keeps two builds from emptying web/dist under each other.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const index = join(WEB, 'dist', 'index.html');
  const lock = join(WEB, '.build-lock');
  const fresh = (): boolean => existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(join(WEB, 'src')), statSync(join(WEB, 'index.html')).mtimeMs);
  for (let waited = 0; ; waited += 250) {
    if (fresh()) return;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than two minutes is left over from a killed run.
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
    }
  }
  try {
    if (fresh()) return;
    const { build } = await import('vite');
    await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Headless Chromium without network side trips. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface PageOptions extends BrowserContextOptions {
  /** Uncaught errors of the page's scripts are pushed here, for tests that assert there were none. */
  errors?: string[];
  /** Signed in as this API session (its cookie), skipping the sign-in page. */
  session?: { session: ApiSession; url: string };
}

/** A page in a fresh browser context, with the console tests' viewport and timeout. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<Page> {
  const { errors, session, ...contextOptions } = options;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, ...contextOptions });
  if (session) {
    const value = session.session.cookieHeader.slice(`${SESSION_COOKIE}=`.length);
    await context.addCookies([{ name: SESSION_COOKIE, value, url: session.url, httpOnly: true, sameSite: 'Strict' }]);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  if (errors) page.on('pageerror', (err) => errors.push(err.message));
  return page;
}
