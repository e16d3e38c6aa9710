import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStateStore } from '../store/sqlite/sqlite-state-store.ts';
import { BUNDLED_RULES_DIR, loadBundledRules } from './bundled-rules.ts';

const rule = (id: string, title: string) => `title: ${title}
id: ${id}
logsource: {product: windows, service: security}
detection: {selection: {EventID: 1102}, condition: selection}
`;
const A = '0f6a9a52-9d7e-4c1e-8f57-6a0d8e1c2b0a';
const B = '0f6a9a52-9d7e-4c1e-8f57-6a0d8e1c2b0b';

describe('bundled rules', () => {
  it('loads the shipped content: every rule active, origin bundled', async () => {
    const state = openSqliteStateStore({ path: ':memory:' });
    const { added } = await loadBundledRules(state, 1000);
    expect(added).toBeGreaterThanOrEqual(8);
    const rules = state.rules.list();
    expect(rules.every((r) => r.origin === 'bundled' && r.state === 'active' && r.enabled)).toBe(true);
    expect(BUNDLED_RULES_DIR).toMatch(/content[/\\]rules[/\\]$/);
    state.close();
  });

  it('adds new rules and updates changed ones on upgrade, keeping the flag, never over imports or deleted rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-bundled-'));
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A v1'));
    writeFileSync(join(dir, 'b.yml'), rule(B, 'B v1'));
    const state = openSqliteStateStore({ path: ':memory:' });
    expect(await loadBundledRules(state, 1000, dir)).toEqual({ added: 2, updated: 0 });
    const version = state.rules.version();
    expect(await loadBundledRules(state, 2000, dir)).toEqual({ added: 0, updated: 0 });
    expect(state.rules.version()).toBe(version);

    state.rules.setEnabled(A, false, 'ann');
    state.rules.remove(B);
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A v2'));
    expect(await loadBundledRules(state, 3000, dir)).toEqual({ added: 0, updated: 1 });
    expect(state.rules.get(A)).toMatchObject({ title: 'A v2', enabled: false, state: 'disabled', origin: 'bundled' });
    expect(state.rules.get(B)).toBeUndefined();

    state.rules.upsert([{ ...state.rules.get(A)!, title: 'Mine', origin: 'import:mine.zip' }]);
    writeFileSync(join(dir, 'a.yml'), rule(A, 'A v3'));
    await loadBundledRules(state, 4000, dir);
    expect(state.rules.get(A)!.title).toBe('Mine');
    state.close();
  });
});
