/**
 * Every logsource of the SigmaHQ corpus (../shared/sigma/rules, read in place) is mapped or
 * refused with a reason; the refused ones are printed. Windows rules must all be served, the whole
 * corpus at least 99%.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSigmaDocuments } from '../sigma/sigma-rule.ts';
import { mapLogsource } from './logsource.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/sigma/rules', import.meta.url));

describe('SigmaHQ corpus logsources', () => {
  it.skipIf(!existsSync(CORPUS))('maps at least 99% of the logsources under rules/ and all of windows/, listing the others with reasons', () => {
    const byFolder = new Map<string, { rules: number; mapped: number }>();
    const refused: string[] = [];
    const served = new Map<string, number>();
    let withPredicate = 0;
    for (const file of readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.yml')).sort()) {
      for (const document of parseSigmaDocuments(readFileSync(join(CORPUS, file), 'utf8'))) {
        if (document.kind !== 'rule') continue;
        const folder = file.slice(0, file.indexOf('/'));
        const counts = byFolder.get(folder) ?? { rules: 0, mapped: 0 };
        byFolder.set(folder, counts);
        counts.rules++;
        const { product, category, service } = document.rule.logsource;
        const mapping = mapLogsource({ product, category, service });
        if (mapping.supported) {
          counts.mapped++;
          // Windows rules dispatch on channel and event ID alone: no per-event predicate on the hot path.
          if (folder === 'windows') withPredicate += mapping.targets.filter((target) => target.accepts !== undefined).length;
          served.set(mapping.description, (served.get(mapping.description) ?? 0) + 1);
        } else {
          refused.push(`${file}: ${mapping.reason}`);
        }
      }
    }
    const total = [...byFolder.values()].reduce((sum, c) => ({ rules: sum.rules + c.rules, mapped: sum.mapped + c.mapped }), { rules: 0, mapped: 0 });
    console.log(`Sigma logsources mapped: ${total.mapped} of ${total.rules} rules; by folder: ${
      [...byFolder].map(([folder, c]) => `${folder} ${c.mapped}/${c.rules}`).join(', ')}`);
    console.log(`Served as (rules):\n  ${[...served].sort((a, b) => b[1] - a[1]).map(([how, n]) => `${n} ${how}`).join('\n  ')}`);
    console.log(`Logsources not served (${refused.length}):\n  ${refused.join('\n  ')}`);
    const windows = byFolder.get('windows')!;
    expect(windows.rules).toBeGreaterThan(2000);
    expect(windows.mapped).toBe(windows.rules);
    expect(withPredicate).toBe(0);
    expect(total.mapped / total.rules).toBeGreaterThanOrEqual(0.99);
  });
});
