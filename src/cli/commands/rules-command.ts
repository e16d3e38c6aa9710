import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { DEFAULT_INPUT_LIMITS } from '../../core/limits.ts';
import { checkRuleTestCases, parseRuleTestCases } from '../../detect/rule-test.ts';
import { isZipName, readRulePaths, ruleFileBase, RuleFileError, type RuleFileSet } from '../../rules/rule-files.ts';
import { validateRuleFiles } from '../../rules/rule-import.ts';
import { parseOptions, type Command } from '../command.ts';
import { formatTable } from '../search-table.ts';
import { storedZip, type ZipMember } from '../zip-writer.ts';

const DEFAULT_URL = 'http://127.0.0.1:8080';
const PIPE_WIDTH = 160;

const HELP = `Usage: vigil rules <validate|test|import|list> [options] [PATH...]

Manages Sigma detection rules (docs/sigma.md "Managing rules"). PATH is a rule file (.yml, .yaml),
a folder (read recursively) or a .zip archive of rule files.

  vigil rules validate PATH...   Checks rules offline: each YAML document is parsed against the Sigma
                                 specification, compiled and its logsource mapped; prints the rules
                                 that would not run, with the reason. Exit 1 if any rule is invalid
                                 or a path cannot be read (unsupported rules are listed, not fatal).
  vigil rules test PATH...       Runs the test events kept beside each rule offline: <rule>.tests.yml
                                 next to <rule>.yml, with match: and no_match: lists of events (log
                                 lines, JSON records, or maps of fields). Prints PASS or FAIL per rule;
                                 exit 1 if any case fails or a tests file has no rule beside it.
  vigil rules import PATH...     Imports rules into a running Vigil through its API (rules:write);
                                 prints each rule that is not active with the reason.
  vigil rules list               Lists the rules of a running Vigil (rules:read): state, level,
                                 detections over the last 24 h, title.

Options:
  --format F          table (default) or json
  --url URL           Base URL of Vigil for import and list (default: $VIGIL_URL, else ${DEFAULT_URL})
  --token-file FILE   File holding an API token (default: the token in $VIGIL_TOKEN)
  -h, --help          Show this help

Exit codes: 0 success, 1 invalid rules, failed tests, Vigil unreachable or the token refused,
2 usage error.

Examples:
  vigil rules validate ./sigma/rules/windows
  vigil rules test content/rules
  vigil rules import ./my-rules ./sigma-rules.zip
  vigil rules list --format json
`;

/** A failure with its message for people and the exit code. */
class RulesCliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

const SUBCOMMANDS = ['validate', 'test', 'import', 'list'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'Validate, test, import and list Sigma detection rules',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (!(SUBCOMMANDS as readonly (string | undefined)[]).includes(sub)) {
      process.stderr.write(`vigil rules: ${sub === undefined ? 'give a subcommand' : `unknown subcommand "${sub}"`}\n\n${HELP}`);
      return 2;
    }
    const parsed = parseOptions(rest, { format: { type: 'string' }, url: { type: 'string' }, 'token-file': { type: 'string' } }, HELP, true);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    try {
      const format = values.format ?? 'table';
      if (format !== 'table' && format !== 'json') throw new RulesCliError(`--format must be table or json, not "${format}"`, 2);
      const json = format === 'json';
      switch (sub as Subcommand) {
        case 'validate':
          return await validate(needPaths(positionals), json);
        case 'test':
          return await test(needPaths(positionals), json);
        case 'import':
          return await importPaths(needPaths(positionals), client(values), json);
        case 'list':
          if (positionals.length > 0) throw new RulesCliError('list takes no paths', 2);
          return await list(client(values), json);
      }
    } catch (err) {
      if (err instanceof RulesCliError) {
        process.stderr.write(`vigil rules: ${err.message}\n`);
        return err.exitCode;
      }
      if (err instanceof RuleFileError) {
        process.stderr.write(`vigil rules: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};

function needPaths(positionals: string[]): string[] {
  if (positionals.length === 0) throw new RulesCliError('give at least one rule file, folder or .zip archive', 2);
  return positionals;
}

async function read(paths: string[]): Promise<RuleFileSet> {
  const set = await readRulePaths(paths);
  for (const error of set.errors) process.stderr.write(`vigil rules: ${error.name}: ${error.reason}\n`);
  return set;
}

async function validate(paths: string[], json: boolean): Promise<number> {
  const set = await read(paths);
  const rules = validateRuleFiles(set.files);
  const count = (state: string) => rules.filter((r) => r.state === state).length;
  const summary = { rules: rules.length, active: count('active'), unsupported: count('unsupported'), invalid: count('invalid'), skippedFiles: set.skipped, unreadable: set.errors.length };
  if (json) {
    process.stdout.write(`${JSON.stringify({ summary, rules: rules.map(({ yaml: _yaml, duplicate: _duplicate, ...rest }) => rest) }, null, 2)}\n`);
  } else {
    const problems = rules.filter((r) => r.state !== 'active');
    if (problems.length > 0) {
      const lines = formatTable(['state', 'file', 'title', 'reason'], problems.map((r) => [r.state, r.source, r.title, r.reason ?? '']), width());
      process.stdout.write(`${lines.join('\n')}\n\n`);
    }
    process.stdout.write(`${summary.rules} rules: ${summary.active} active, ${summary.unsupported} unsupported, ${summary.invalid} invalid` +
      `${set.skipped > 0 ? `; ${set.skipped} other files skipped` : ''}${set.errors.length > 0 ? `; ${set.errors.length} unreadable` : ''}\n`);
  }
  return summary.invalid > 0 || set.errors.length > 0 ? 1 : 0;
}

async function test(paths: string[], json: boolean): Promise<number> {
  const set = await read(paths);
  const rulesByBase = new Map(set.files.map((file) => [ruleFileBase(file.name), file]));
  const now = Date.now();
  const outcomes: { rule: string; tests: string; cases: number; failures: string[] }[] = [];
  for (const tests of set.tests) {
    const rule = rulesByBase.get(ruleFileBase(tests.name));
    if (!rule) {
      outcomes.push({ rule: '', tests: tests.name, cases: 0, failures: ['no rule file beside it (x.tests.yml tests x.yml)'] });
      continue;
    }
    try {
      const outcome = checkRuleTestCases(rule.text, parseRuleTestCases(tests.text), DEFAULT_INPUT_LIMITS, now);
      outcomes.push({ rule: rule.name, tests: tests.name, ...outcome });
    } catch (err) {
      outcomes.push({ rule: rule.name, tests: tests.name, cases: 0, failures: [`${tests.name}: ${(err as Error).message}`] });
    }
  }
  const failed = outcomes.filter((o) => o.failures.length > 0);
  const untested = set.files.length - new Set(outcomes.map((o) => o.rule).filter((r) => r !== '')).size;
  if (json) {
    process.stdout.write(`${JSON.stringify({ passed: outcomes.length - failed.length, failed: failed.length, untested, results: outcomes }, null, 2)}\n`);
  } else {
    for (const outcome of outcomes) {
      process.stdout.write(`${outcome.failures.length === 0 ? 'PASS' : 'FAIL'}  ${outcome.rule || outcome.tests}  (${outcome.cases} events)\n`);
      for (const failure of outcome.failures) process.stdout.write(`      ${failure}\n`);
    }
    process.stdout.write(`${outcomes.length - failed.length} passed, ${failed.length} failed, ${untested} rule files without tests\n`);
  }
  return failed.length > 0 || set.errors.length > 0 ? 1 : 0;
}

interface Client {
  base: URL;
  token: string;
}

interface ImportAnswer {
  added: number; updated: number; skipped: number; errors: { name: string; reason: string }[];
  rules: { id: string; title: string; state: string; reason?: string; source: string }[];
}

async function importPaths(paths: string[], api: Client, json: boolean): Promise<number> {
  const answers: ImportAnswer[] = [];
  const plain: string[] = [];
  for (const path of paths) {
    if (isZipName(path)) answers.push(await upload(api, new Uint8Array(readFileSync(path)), basename(path)));
    else plain.push(path);
  }
  // Files and folders travel as one archive, so every rule is reported with its file name (a
  // folder's files under the folder's name).
  const members: ZipMember[] = [];
  for (const path of plain) {
    const parent = dirname(resolve(path));
    for (const file of (await read([path])).files) members.push({ name: relative(parent, resolve(file.name)), data: Buffer.from(file.text, 'utf8') });
  }
  if (members.length > 0) answers.push(await upload(api, new Uint8Array(storedZip(members)), plain.length === 1 ? basename(plain[0]!) : 'rules'));
  const rules = answers.flatMap((a) => a.rules);
  const added = answers.reduce((n, a) => n + a.added, 0);
  const updated = answers.reduce((n, a) => n + a.updated, 0);
  if (json) {
    process.stdout.write(`${JSON.stringify({ added, updated, rules }, null, 2)}\n`);
  } else {
    const problems = rules.filter((r) => r.state !== 'active' && r.state !== 'disabled');
    if (problems.length > 0) {
      process.stdout.write(`${formatTable(['state', 'file', 'title', 'reason'], problems.map((r) => [r.state, r.source, r.title, r.reason ?? '']), width()).join('\n')}\n\n`);
    }
    const active = rules.filter((r) => r.state === 'active').length;
    process.stdout.write(`${rules.length} rules imported (${added} new, ${updated} updated): ${active} active, ${problems.length} not running\n`);
  }
  return rules.some((r) => r.state === 'invalid') ? 1 : 0;
}

async function upload(api: Client, body: Uint8Array<ArrayBuffer>, name: string): Promise<ImportAnswer> {
  const response = await call(api, `/api/v1/rules/import?name=${encodeURIComponent(name)}`, { method: 'POST', body, type: 'application/zip' });
  return (await response.json()) as ImportAnswer;
}

async function list(api: Client, json: boolean): Promise<number> {
  const response = await call(api, '/api/v1/rules', { method: 'GET' });
  const { rules } = (await response.json()) as { rules: { id: string; title: string; state: string; level: string; hits24h: number; origin: string; reason?: string }[] };
  if (json) {
    process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
    return 0;
  }
  const lines = formatTable(['state', 'level', 'hits 24h', 'title', 'origin', 'id'], rules.map((r) => [r.state, r.level, r.hits24h, r.title, r.origin, r.id]), width());
  process.stdout.write(`${lines.join('\n')}\n${rules.length} rules\n`);
  return 0;
}

function width(): number {
  return process.stdout.columns ?? (Number(process.env.COLUMNS) || PIPE_WIDTH);
}

function client(values: { url?: string; 'token-file'?: string }): Client {
  const text = values.url ?? process.env.VIGIL_URL ?? DEFAULT_URL;
  let base: URL;
  try {
    base = new URL(text);
  } catch {
    throw new RulesCliError(`not a URL: "${text}"`, 2);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RulesCliError(`the Vigil URL must start with http:// or https://, not "${base.protocol}"`, 2);
  if (base.username || base.password) throw new RulesCliError('put no credentials in the Vigil URL: use VIGIL_TOKEN or --token-file', 2);
  let token: string | undefined;
  const file = values['token-file'];
  if (file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new RulesCliError(`cannot read the token file ${file}: ${(err as Error).message}`, 1);
    }
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) process.stderr.write(`vigil rules: warning: ${file} is readable by other users; chmod 600 it\n`);
  } else {
    token = process.env.VIGIL_TOKEN?.trim();
  }
  if (!token) throw new RulesCliError('needs an API token (rules:read to list, rules:write to import): set VIGIL_TOKEN or use --token-file FILE', 1);
  if (/\s/.test(token)) throw new RulesCliError('the API token holds spaces or line breaks; put only the token in VIGIL_TOKEN or the token file', 1);
  return { base, token };
}

async function call(api: Client, path: string, init: { method: string; body?: Uint8Array<ArrayBuffer>; type?: string }): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${api.token}`, accept: 'application/json' };
  if (init.type !== undefined) headers['content-type'] = init.type;
  let response: Response;
  try {
    // No redirects: the token is meant for this server only.
    response = await fetch(new URL(path, api.base), { method: init.method, headers, body: init.body, redirect: 'manual' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new RulesCliError(`cannot reach Vigil at ${api.base.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message} (is it running? set VIGIL_URL or --url)`, 1);
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let message = `${response.status} ${response.statusText}`;
  try {
    message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (response.status === 401) throw new RulesCliError(`Vigil refused the API token (${message}); it may be wrong, expired or revoked`, 1);
  if (response.status === 403) throw new RulesCliError(`not allowed: ${message} (listing needs rules:read, importing rules:write)`, 1);
  throw new RulesCliError(`Vigil answered ${response.status}: ${message}`, 1);
}
