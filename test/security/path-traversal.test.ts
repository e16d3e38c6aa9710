/**
 * Path traversal: the console's static files are served from web/dist and nothing else, however the
 * path is encoded (raw bytes on a socket, so no client normalizes it first); `vigil ingest` walks a
 * folder without following symbolic links out of it. Decision (also in docs/security-testing.md):
 * a path the operator names explicitly is read even when it is a link (they chose it); links met
 * while walking a folder are followed only when their target stays inside that folder.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_ROOT } from '../../src/api/server.ts';
import { planFiles } from '../../src/intake/file/walk-paths.ts';
import { rawGet, rawHttp, startSecurityVigil, type RawResponse, type SecurityVigil } from './security-harness.ts';

let v: SecurityVigil;

beforeAll(async () => {
  v = await startSecurityVigil();
});
afterAll(async () => v?.close());

/** Markers of files outside web/dist that a traversal would expose. */
const SECRETS: Record<string, string> = {
  'package.json': '"devDependencies"',
  '/etc/passwd': 'root:x:0:0',
  'src/app/vigil.ts': 'export async function startVigil',
  'state.sqlite': 'SQLite format 3',
};

function expectNothingLeaked(response: RawResponse, path: string): void {
  for (const [file, marker] of Object.entries(SECRETS)) expect(response.body, `${path} exposed ${file}`).not.toContain(marker);
  expect(response.status, path).not.toBe(500);
}

/** Traversals to `target` (a path relative to the repository root), in the encodings servers have been fooled by. */
function traversals(target: string, depth: number): string[] {
  const up = (sep: string) => Array.from({ length: depth }, () => `..${sep}`).join('');
  const enc = target.replace(/\//g, '%2f');
  return [
    `/assets/${up('/')}${target}`, `/${up('/')}${target}`, `/assets/${up('%2f')}${enc}`, `/assets/${up('%2F')}${target}`,
    `/assets/${'%2e%2e/'.repeat(depth)}${target}`, `/assets/${'%2e%2e%2f'.repeat(depth)}${enc}`, `/assets/${'%252e%252e%252f'.repeat(depth)}${target}`,
    `/assets/${'..\\'.repeat(depth)}${target.replace(/\//g, '\\')}`, `/assets/${'..%5c'.repeat(depth)}${target}`, `/assets/${'..%255c'.repeat(depth)}${target}`,
    `/assets/${'....//'.repeat(depth)}${target}`, `/assets/${'%c0%ae%c0%ae/'.repeat(depth)}${target}`, `/assets/${'.%2e/'.repeat(depth)}${target}`,
    `/assets/${'..;/'.repeat(depth)}${target}`, `/assets/${up('/')}${target}%00.js`, `/${up('/')}${target}%00`, `/index.html/${up('/')}${target}`,
    `/assets/%2f${enc}`, `/assets//${target}`, `/${enc}`, `//${target}`,
  ];
}

describe('path traversal: static files', () => {
  it('serves the console\'s real files (so the refusals below are not a broken server)', async () => {
    const index = await rawGet(v.url, '/index.html');
    expect(index.status).toBe(200);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(index.body)?.[1];
    expect(script).toBeDefined();
    expect((await rawGet(v.url, script!)).status).toBe(200);
  });

  it('never serves a file outside web/dist, however the path is encoded', async () => {
    const webDist = realpathSync(DEFAULT_WEB_ROOT);
    const repo = realpathSync(join(webDist, '..', '..'));
    // From web/dist/assets: two levels up to the repository, more for absolute paths and the data folder.
    const depth = relative(join(webDist, 'assets'), repo).split('/').length;
    const toRoot = relative(join(webDist, 'assets'), '/').split('/').length + 2;
    const dataDirFile = `${realpathSync(v.dataDir).slice(1)}/state.sqlite`;
    const targets: [string, number][] = [['package.json', depth], ['src/app/vigil.ts', depth], ['etc/passwd', toRoot], [dataDirFile, toRoot]];
    for (const [target, levels] of targets) {
      for (const path of traversals(target, levels)) expectNothingLeaked(await rawGet(v.url, path), path);
    }
    for (const absolute of ['/etc/passwd', `/${dataDirFile}`, `${repo}/package.json`]) {
      expectNothingLeaked(await rawGet(v.url, absolute), absolute);
      expectNothingLeaked(await rawGet(v.url, `/assets${absolute}`), `/assets${absolute}`);
    }
  });

  it('refuses a raw NUL or backslash path from a hand-written client without crashing', async () => {
    for (const path of ['/assets/\u0000../../package.json', '/assets/..\\..\\package.json', '/\u0000', '/assets/%00']) {
      const response = await rawHttp(v.url, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, 'latin1'));
      expectNothingLeaked(response, JSON.stringify(path));
    }
    expect((await rawGet(v.url, '/healthz')).status).toBe(200);
  });
});

describe('path traversal: `vigil ingest` folder walking', () => {
  let base: string;
  let root: string;

  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'vigil-walk-')));
    root = join(base, 'logs');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'a.log'), 'a\n');
    writeFileSync(join(root, 'sub', 'b.log'), 'b\n');
    // A sibling whose name starts like the root: a prefix check ("starts with /…/logs") would let it in.
    mkdirSync(join(base, 'logs-private'));
    writeFileSync(join(base, 'logs-private', 'secret.log'), 'secret\n');
    writeFileSync(join(base, 'outside.log'), 'outside\n');
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync('/etc/passwd', join(root, 'passwd.log'));
    symlinkSync(join(base, 'outside.log'), join(root, 'outside-link.log'));
    symlinkSync(join(base, 'logs-private'), join(root, 'sibling-link'));
    symlinkSync('../../outside.log', join(root, 'sub', 'relative-up.log'));
    symlinkSync(join(root, 'sub'), join(root, 'inside-link'));
    symlinkSync(root, join(root, 'sub', 'loop'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('follows links only while they stay inside the folder, each file once, and says what it skipped', async () => {
    const skipped: Record<string, string> = {};
    const errors: string[] = [];
    const files = await planFiles([root], { skip: (file, reason) => (skipped[relative(root, file)] = reason), error: (file, reason) => errors.push(`${file}: ${reason}`) });
    expect(errors).toEqual([]);
    const planned = files.map((f) => relative(root, f.path));
    // sub/b.log and inside-link/b.log are one file: read once.
    expect(planned.filter((p) => basename(p) === 'b.log')).toHaveLength(1);
    expect(planned).toContain('a.log');
    for (const p of planned) {
      const real = realpathSync(join(root, p));
      expect(real.startsWith(`${root}/`), `${p} -> ${real}`).toBe(true);
    }
    for (const outside of ['etc-link', 'passwd.log', 'outside-link.log', 'sibling-link', join('sub', 'relative-up.log')]) {
      expect(skipped[outside], outside).toBe('symbolic link points outside the folder');
    }
    expect(skipped[join('sub', 'loop')]).toBe('symbolic link loop');
  });

  it('reads a link the operator names explicitly (they chose it)', async () => {
    const files = await planFiles([join(root, 'outside-link.log')], { skip: () => undefined, error: () => undefined });
    expect(files.map((f) => f.path)).toEqual([join(root, 'outside-link.log')]);
  });
});
