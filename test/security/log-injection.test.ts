/**
 * Log and export injection: attacker-chosen text (user names at sign-in, single sign-on provider
 * names in the URL, syslog headers) must not forge log lines — pino writes one JSON object per
 * line and escapes newlines inside values — and must reach the audit log as data, exported to CSV
 * without cells a spreadsheet would run as formulas.
 */
import { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiSession } from '../helpers/api-session.ts';
import { ADMIN_PASSWORD, apiRoutes, startSecurityVigil, type SecurityVigil } from './security-harness.ts';

const FORGED = '{"level":60,"msg":"forged","forged":true}';
const NEWLINE_NAMES = [`mallory\n${FORGED}`, `mallory\r\n${FORGED}`, `mallory\u2028${FORGED}`, `mallory\u0085${FORGED}`];
const FORMULA_NAMES = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", '@SUM(1+1)*cmd|"/C calc"!A0', '-2+3+cmd|" /C calc"!A0'];

let v: SecurityVigil;

beforeAll(async () => {
  v = await startSecurityVigil();
});
afterAll(async () => v?.close());

async function failSignIn(username: string): Promise<void> {
  const response = await fetch(`${v.url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'not the password at all' }),
  });
  expect(response.status, JSON.stringify(username)).toBe(401);
}

/** Fails sign-in with each name, signing the admin in after every four (the throttle allows five failures per address). */
async function failSignIns(names: readonly string[]): Promise<void> {
  for (let i = 0; i < names.length; i++) {
    await failSignIn(names[i]!);
    if (i % 4 === 3) await ApiSession.signIn(v.url, ADMIN_PASSWORD);
  }
}

/** RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe('log injection', () => {
  it('keeps every log line one JSON object: newlines in user names, provider names and syslog headers are escaped', async () => {
    await failSignIns(NEWLINE_NAMES);
    const start = apiRoutes(v).find((r) => r.url.endsWith('/:provider/start'))!;
    const provider = `evil\n${FORGED}`;
    await fetch(`${v.url}${start.url.replace(':provider', encodeURIComponent(provider))}`, { redirect: 'manual' });
    // Octet counting lets a syslog frame carry a raw newline inside the header.
    const syslog = `<13>1 2026-11-23T10:00:00.000Z host\n${FORGED} app - - - message\n${FORGED}`;
    await new Promise<void>((resolve, reject) => {
      const socket = new Socket();
      socket.on('error', reject);
      socket.connect(v.vigil.syslog.tcp!.port, '127.0.0.1', () => socket.end(`${Buffer.byteLength(syslog)} ${syslog}`, () => resolve()));
    });
    await v.vigil.pipeline.drain();

    const lines = v.logLines();
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.filter((entry) => entry.forged === true || entry.msg === 'forged')).toEqual([]);
    // The provider name was logged, and logged as data inside its line (not dropped, not split).
    expect(parsed.some((entry) => entry.provider === provider), lines.join('\n')).toBe(true);
  });

  it('records the tried user names verbatim in the audit log', async () => {
    const { entries } = await v.admin.json<{ entries: { action: string; actorName?: string; outcome: string }[] }>('GET', '/api/v1/audit?action=auth.login&limit=100');
    const tried = entries.filter((e) => e.outcome !== 'success').map((e) => e.actorName);
    for (const name of NEWLINE_NAMES) expect(tried, JSON.stringify(name)).toContain(name);
  });

  it('exports attacker-chosen text to CSV without formulas', async () => {
    await failSignIns(FORMULA_NAMES);
    await ApiSession.signIn(v.url, ADMIN_PASSWORD);
    const response = await v.admin.request('GET', '/api/v1/audit/export?format=csv');
    expect(response.status).toBe(200);
    const rows = parseCsv(await response.text());
    const header = rows[0]!;
    const actor = header.indexOf('actor_name');
    expect(actor).toBeGreaterThanOrEqual(0);
    for (const row of rows.slice(1)) {
      for (const cell of row) expect(/^[=+\-@\t\r]/.test(cell), `cell ${JSON.stringify(cell.slice(0, 80))}`).toBe(false);
    }
    const names = rows.slice(1).map((row) => row[actor]);
    for (const name of FORMULA_NAMES) expect(names, name).toContain(`'${name}`);
    // Multi-line values stay inside their cell: every row has the header's width.
    expect(rows.every((row) => row.length === header.length)).toBe(true);
  });
});
