/**
 * The SigmaHQ corpus in ../shared/sigma/rules, read in place: every rule parses and compiles
 * without throwing, at least 99% are active, and the others are listed with their reasons.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SigmaCompiler } from './sigma-compile.ts';
import { plainSigmaEvent } from './sigma-event.ts';
import { parseSigmaDocuments } from './sigma-rule.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/sigma/rules', import.meta.url));

function ruleFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.yml') || name.endsWith('.yaml'))
    .map((name) => join(folder, name))
    .sort();
}

describe('SigmaHQ rules corpus', () => {
  it.skipIf(!existsSync(CORPUS))(`at least 99% of the rules under ${CORPUS} are active, none throws (skipped when the folder is absent)`, () => {
    const compiler = new SigmaCompiler();
    const scope = compiler.newScope();
    const probe = plainSigmaEvent({ EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c whoami' });
    const notActive: string[] = [];
    let detectionRules = 0;
    let active = 0;
    for (const file of ruleFiles(CORPUS)) {
      for (const document of parseSigmaDocuments(readFileSync(file, 'utf8'))) {
        if (document.kind === 'correlation' || document.kind === 'filter') continue;
        detectionRules++;
        if (document.kind === 'invalid') {
          notActive.push(`${file}: invalid: ${document.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
          continue;
        }
        const compiled = compiler.compile(document.rule);
        if (compiled.status.state === 'unsupported') {
          notActive.push(`${file}: unsupported: ${compiled.status.reason}`);
          continue;
        }
        active++;
        scope.reset(probe);
        compiled.matches(scope);
      }
    }
    if (notActive.length > 0) console.log(`Sigma rules not active (${notActive.length}):\n${notActive.join('\n')}`);
    console.log(`Sigma corpus: ${active} of ${detectionRules} rules active`);
    expect(detectionRules).toBeGreaterThan(1000);
    expect(active / detectionRules).toBeGreaterThanOrEqual(0.99);
  });
});
