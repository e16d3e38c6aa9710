/**
 * Reads Sigma rule files from folders, single files and zip archives (import, `vigil rules ...`).
 * Archives are checked before anything is inflated: too many members or too many declared bytes
 * refuse the whole archive, and each member stops inflating past its declared size, so a zip bomb
 * costs nothing. Non-YAML members and files are skipped and counted; `<rule>.tests.yml` files hold
 * test events (docs/sigma.md "Managing rules"), not rules.
 */
import { open, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describeFsError, planFiles } from '../intake/file/walk-paths.ts';
import { zipEntries, zipEntryData, ZipFormatError, type ZipEntry } from '../intake/file/zip-reader.ts';

export interface RuleFile {
  /** Path, or `archive.zip:member/path.yml` for archive members. */
  name: string;
  text: string;
}

export interface RuleFileLimits {
  /** Most members an archive may list (SigmaHQ's full repository has about 4,000 rule files). */
  maxEntries: number;
  /** Most uncompressed bytes of YAML read in total, from files and archives. */
  maxTotalBytes: number;
  /** Largest single rule file. */
  maxFileBytes: number;
}

export const DEFAULT_RULE_FILE_LIMITS: RuleFileLimits = { maxEntries: 20_000, maxTotalBytes: 64 * 1024 * 1024, maxFileBytes: 1024 * 1024 };

export interface RuleFileSet {
  files: RuleFile[];
  /** `<rule>.tests.yml` files: test events for the rule beside them (`vigil rules test`). */
  tests: RuleFile[];
  /** Files and members that are neither rule files nor rule tests. */
  skipped: number;
  /** Paths and members that could not be read, with the reason. */
  errors: { name: string; reason: string }[];
}

/** Refused input (a zip bomb, a too-large archive): the whole import stops. */
export class RuleFileError extends Error {
  override name = 'RuleFileError';
}

const TESTS_SUFFIX = /\.tests\.ya?ml$/i;

/** What pairs a rule file with its tests file: `x.yml` and `x.tests.yml` (or `.yaml`) both give `x`. */
export function ruleFileBase(name: string): string {
  return name.replace(TESTS_SUFFIX, '').replace(/\.ya?ml$/i, '');
}

/** Whether a name is a rule file (`.yml`/`.yaml`, not a `.tests.yml` test file). */
export function isRuleFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !TESTS_SUFFIX.test(name);
}

/** Whether a name is a zip archive by its extension. */
export function isZipName(name: string): boolean {
  return /\.zip$/i.test(name);
}

/**
 * Reads rule files from paths (files, folders walked recursively, `.zip` archives).
 *
 * @throws RuleFileError when an archive or the whole set breaks a limit
 */
export async function readRulePaths(paths: readonly string[], limits: RuleFileLimits = DEFAULT_RULE_FILE_LIMITS): Promise<RuleFileSet> {
  const set: RuleFileSet = { files: [], tests: [], skipped: 0, errors: [] };
  const budget = { bytes: 0 };
  const planned = await planFiles(paths, {
    error: (name, reason) => set.errors.push({ name, reason }),
    // Hidden entries (.git, editor files) are not the user's rules: not worth a count.
    skip: (_name, reason) => {
      if (reason !== 'hidden') set.skipped++;
    },
  });
  for (const file of planned) {
    if (isZipName(file.path)) {
      await readZipInto(file.path, basename(file.path), set, limits, budget);
      continue;
    }
    const tests = TESTS_SUFFIX.test(file.path);
    if (!tests && !isRuleFileName(file.path)) {
      set.skipped++;
      continue;
    }
    if (file.size > limits.maxFileBytes) {
      set.errors.push({ name: file.path, reason: `file of ${file.size} bytes is larger than the ${limits.maxFileBytes}-byte limit for one rule file` });
      continue;
    }
    spend(budget, file.size, limits);
    try {
      (tests ? set.tests : set.files).push({ name: file.path, text: await readFile(file.path, 'utf8') });
    } catch (err) {
      set.errors.push({ name: file.path, reason: describeFsError(err) });
    }
  }
  return set;
}

/**
 * Reads the rule files of a zip archive held in memory (an API upload), through a private temporary
 * file: the zip reader needs random access to the central directory.
 *
 * @throws RuleFileError for a zip bomb or an unreadable archive
 */
export async function readRuleZipBuffer(data: Uint8Array, label: string, limits: RuleFileLimits = DEFAULT_RULE_FILE_LIMITS): Promise<RuleFileSet> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rules-'));
  try {
    const path = join(dir, 'upload.zip');
    await writeFile(path, data, { mode: 0o600 });
    const set: RuleFileSet = { files: [], tests: [], skipped: 0, errors: [] };
    await readZipInto(path, label, set, limits, { bytes: 0 });
    return set;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readZipInto(path: string, label: string, set: RuleFileSet, limits: RuleFileLimits, budget: { bytes: number }): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    set.errors.push({ name: path, reason: describeFsError(err) });
    return;
  }
  try {
    const size = (await fh.stat()).size;
    const wanted: ZipEntry[] = [];
    let entries = 0;
    let declared = 0;
    for await (const entry of zipEntries(fh, size)) {
      if (++entries > limits.maxEntries) throw new RuleFileError(`archive ${label} has more than ${limits.maxEntries} members; refused`);
      if (entry.name.endsWith('/')) continue;
      const hidden = entry.name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
      const tests = TESTS_SUFFIX.test(entry.name);
      if (hidden || (!tests && !isRuleFileName(entry.name))) {
        if (!hidden) set.skipped++;
        continue;
      }
      if (entry.size > limits.maxFileBytes) {
        set.errors.push({ name: `${label}:${entry.name}`, reason: `member of ${entry.size} bytes is larger than the ${limits.maxFileBytes}-byte limit for one rule file` });
        continue;
      }
      declared += entry.size;
      if (budget.bytes + declared > limits.maxTotalBytes) {
        throw new RuleFileError(`archive ${label} holds more than ${limits.maxTotalBytes} bytes of YAML uncompressed; refused (zip bomb?)`);
      }
      wanted.push(entry);
    }
    spend(budget, declared, limits);
    for (const entry of wanted) {
      const name = `${label}:${entry.name}`;
      try {
        const chunks: Uint8Array[] = [];
        for await (const chunk of zipEntryData(fh, size, entry, () => {})) chunks.push(chunk);
        (TESTS_SUFFIX.test(entry.name) ? set.tests : set.files).push({ name, text: Buffer.concat(chunks).toString('utf8') });
      } catch (err) {
        if (!(err instanceof ZipFormatError)) throw err;
        set.errors.push({ name, reason: err.message });
      }
    }
  } catch (err) {
    if (err instanceof ZipFormatError) throw new RuleFileError(`archive ${label} cannot be read: ${err.message}`);
    throw err;
  } finally {
    await fh.close();
  }
}

function spend(budget: { bytes: number }, bytes: number, limits: RuleFileLimits): void {
  budget.bytes += bytes;
  if (budget.bytes > limits.maxTotalBytes) throw new RuleFileError(`the rules add up to more than ${limits.maxTotalBytes} bytes of YAML; refused`);
}
