/**
 * Shared setup of the browser tests: a built console (web/dist) and Debian's Chromium driven by
 * playwright-core. Build and launch are the same for every browser test file.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

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
