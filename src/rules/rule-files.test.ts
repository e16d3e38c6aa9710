import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { storedZip } from '../cli/zip-writer.ts';
import { DEFAULT_RULE_FILE_LIMITS, readRulePaths, readRuleZipBuffer, ruleFileBase, RuleFileError } from './rule-files.ts';

const RULE = 'title: t\nlogsource: {product: windows}\ndetection: {sel: {EventID: 1}, condition: sel}\n';

describe('reading rule files', () => {
  it('walks folders: rules, their tests files, skipped other files, hidden folders ignored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rule-files-'));
    mkdirSync(join(dir, 'sub'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'a.yml'), RULE);
    writeFileSync(join(dir, 'a.tests.yml'), 'match: []\n');
    writeFileSync(join(dir, 'sub', 'b.yaml'), RULE);
    writeFileSync(join(dir, 'notes.md'), '# notes');
    writeFileSync(join(dir, '.git', 'c.yml'), RULE);
    const set = await readRulePaths([dir]);
    expect(set.files.map((f) => f.name)).toEqual([join(dir, 'a.yml'), join(dir, 'sub', 'b.yaml')]);
    expect(set.tests.map((f) => f.name)).toEqual([join(dir, 'a.tests.yml')]);
    expect(set.skipped).toBe(1);
    expect(set.errors).toEqual([]);
    expect(ruleFileBase(set.tests[0]!.name)).toBe(ruleFileBase(set.files[0]!.name));
  });

  it('reads zip archives (also ones written by the CLI) and reports unreadable members without stopping', async () => {
    const set = await readRuleZipBuffer(zipSync({ 'r/a.yml': strToU8(RULE), 'r/a.tests.yml': strToU8('match: []\n'), '__MACOSX/r/._a.yml': strToU8('x'), 'r/x.txt': strToU8('x') }), 'up.zip');
    expect(set.files).toEqual([{ name: 'up.zip:r/a.yml', text: RULE }]);
    expect(set.tests.map((f) => f.name)).toEqual(['up.zip:r/a.tests.yml']);
    expect(set.skipped).toBe(1);
    const written = await readRuleZipBuffer(storedZip([{ name: 'dir/ü.yml', data: strToU8(RULE) }]), 'cli.zip');
    expect(written.files).toEqual([{ name: 'cli.zip:dir/ü.yml', text: RULE }]);
  });

  it('refuses archives over the member or size limits before inflating, and a member lying about its size', async () => {
    const limits = { ...DEFAULT_RULE_FILE_LIMITS, maxEntries: 3, maxTotalBytes: 10_000 };
    const four = zipSync({ 'a.yml': strToU8(RULE), 'b.yml': strToU8(RULE), 'c.yml': strToU8(RULE), 'd.yml': strToU8(RULE) });
    await expect(readRuleZipBuffer(four, 'four.zip', limits)).rejects.toThrow(new RuleFileError('archive four.zip has more than 3 members; refused'));
    const big = zipSync({ 'a.yml': new Uint8Array(6000).fill(0x20), 'b.yml': new Uint8Array(6000).fill(0x20) });
    await expect(readRuleZipBuffer(big, 'big.zip', limits)).rejects.toThrow(/more than 10000 bytes of YAML uncompressed/);
    const one = zipSync({ 'huge.yml': new Uint8Array(2 * 1024 * 1024).fill(0x20) });
    expect((await readRuleZipBuffer(one, 'one.zip')).errors).toEqual([{ name: 'one.zip:huge.yml', reason: expect.stringContaining('larger than the 1048576-byte limit') }]);

    // The central directory says 10 bytes; the data inflates to far more: stopped at the declared size.
    const liar = zipSync({ 'a.yml': new Uint8Array(5000).fill(0x20) }, { level: 9 });
    const view = new DataView(liar.buffer);
    const central = liar.findLastIndex((_, i) => i + 4 <= liar.length && view.getUint32(i, true) === 0x02014b50);
    view.setUint32(central + 24, 10, true);
    const set = await readRuleZipBuffer(liar, 'liar.zip');
    expect(set.files).toEqual([]);
    expect(set.errors[0]!.reason).toMatch(/past its declared size/);
    await expect(readRuleZipBuffer(strToU8('not a zip'), 'junk.zip')).rejects.toThrow(RuleFileError);
  });
});
