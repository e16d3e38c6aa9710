/**
 * Expands the paths given to `vigil ingest` into the list of files to read, before reading starts, so
 * progress can show totals. Folders are walked recursively in sorted order; hidden entries are skipped;
 * symbolic links are followed only when they stay inside the folder being walked (and never in a loop).
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** A regular file to read. */
export interface PlannedFile {
  path: string;
  size: number;
}

/** Receives paths that were not planned and why. */
export interface PlanReporter {
  error(file: string, reason: string): void;
  skip(file: string, reason: string): void;
}

/** Turns a Node file-system error into a short reason a user can act on. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'ENOTDIR': return 'a path component is not a directory';
    case 'EISDIR': return 'is a directory';
    case 'EMFILE':
    case 'ENFILE': return 'too many open files';
    default: return (err as Error | undefined)?.message ?? String(err);
  }
}

/** Lists the files to read, in order, each once; problems go to `report` and planning continues. */
export async function planFiles(paths: readonly string[], report: PlanReporter, signal?: AbortSignal): Promise<PlannedFile[]> {
  const out: PlannedFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, st: Stats): void => {
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, size: st.size });
  };

  async function walk(dir: string, root: string, visited: Set<string>): Promise<void> {
    signal?.throwIfAborted();
    let names: string[];
    try {
      names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (err) {
      report.error(dir, `cannot list folder: ${describeFsError(err)}`);
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      if (name.startsWith('.')) {
        report.skip(full, 'hidden');
        continue;
      }
      try {
        const link = await lstat(full);
        let st = link;
        if (link.isSymbolicLink()) {
          const target = await realpath(full);
          if (!inside(target, root)) {
            report.skip(full, 'symbolic link points outside the folder');
            continue;
          }
          st = await stat(full);
          if (st.isDirectory() && visited.has(target)) {
            report.skip(full, 'symbolic link loop');
            continue;
          }
        }
        if (st.isDirectory()) {
          const real = await realpath(full);
          visited.add(real);
          await walk(full, root, visited);
        } else if (st.isFile()) {
          add(full, st);
        } else {
          report.skip(full, 'not a regular file');
        }
      } catch (err) {
        report.error(full, describeFsError(err));
      }
    }
  }

  for (const path of paths) {
    signal?.throwIfAborted();
    try {
      // A path named explicitly is followed even if it is a symbolic link: the user chose it.
      const st = await stat(path);
      if (st.isDirectory()) {
        const root = await realpath(path);
        await walk(path, root, new Set([root]));
      } else if (st.isFile()) {
        add(path, st);
      } else {
        report.error(path, 'not a regular file or folder');
      }
    } catch (err) {
      report.error(path, describeFsError(err));
    }
  }
  return out;
}

function inside(target: string, root: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
