import { readFileSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fieldSelection, type FieldSelection } from '../../search/field-selection.ts';
import { parseQuery } from '../../search/query-parser.ts';
import { parseOptions, type Command } from '../command.ts';
import { caretLines, formatTable, type Cell } from '../search-table.ts';

const FORMATS = ['table', 'json', 'csv', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

/** Default rows for table and json (the search API's default); csv and ndjson default to the export's maximum. */
const DEFAULT_LIMIT = 100;
const MAX_SEARCH_LIMIT = 10_000;
const MAX_EXPORT_LIMIT = 1_000_000;
const DEFAULT_URL = 'http://127.0.0.1:8080';
/** Width for tables when standard output is not a terminal and COLUMNS is not set. */
const PIPE_WIDTH = 160;

const HELP = `Usage: vigil search [options] QUERY

Runs a search on a running Vigil through its REST API and prints the result. The query language is
described in docs/query-language.md; quote the query for your shell, e.g. 'user.name:admin | head 5'
(a query starting with - goes after --: vigil search -- '-user.name:admin').

Options:
  --from TIME         Start of the time range: -15m, -24h, -7d, now, ISO 8601 or ms (default: -24h)
  --to TIME           End of the time range (default: now)
  --archive           Also read days archived to Parquet (storage.archive; slower, read-only)
  --limit N           Most events or rows: table and json up to ${MAX_SEARCH_LIMIT} (default ${DEFAULT_LIMIT}),
                      csv and ndjson up to ${MAX_EXPORT_LIMIT} (default: all, up to ${MAX_EXPORT_LIMIT})
  --format F          table (default): aligned columns fitting the terminal
                      json: the API's answer (events or table, histogram, field statistics)
                      csv, ndjson: every result, streamed (cells that would run as formulas get a ')
  --url URL           Base URL of Vigil (default: $VIGIL_URL, else ${DEFAULT_URL})
  --token-file FILE   File holding an API token (default: the token in $VIGIL_TOKEN)
  -h, --help          Show this help

The API token needs the events:read permission; create one on the console's API tokens page. It is
never taken on the command line, where it would end up in the shell history and the process list.

Exit codes: 0 success, 1 Vigil unreachable, token refused or the search failed, 2 usage or query
syntax error (the query is printed with a caret under the error).

Examples:
  read -rs VIGIL_TOKEN && export VIGIL_TOKEN     # paste the token: not echoed, not in the history
  vigil search 'event.code:4625' --from -7d
  vigil search 'source.ip:10.0.0.0/8 | stats count() by host.name' --token-file ~/.vigil-token
  vigil search 'event.category:authentication' --from -30d --format csv > logons.csv
`;

interface ErrorBody {
  error?: { code?: string; message?: string; position?: { start: number; end: number }; details?: { position?: { start: number; end: number } } };
}

interface SearchAnswer {
  kind: 'events' | 'table';
  events?: { timestamp: number; source: string; fields: Record<string, unknown>; original: string }[];
  columns?: string[];
  rows?: Cell[][];
  meta?: { truncated?: boolean };
}

/** A failure with its message for people and the exit code. */
class SearchCliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

export const searchCommand: Command = {
  name: 'search',
  summary: 'Search stored events from the command line',
  help: HELP,
  async run(argv) {
    const parsed = parseOptions(joinRelativeTimes(argv), {
      from: { type: 'string' }, to: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' },
      url: { type: 'string' }, 'token-file': { type: 'string' }, archive: { type: 'boolean' },
    }, HELP, true);
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    try {
      if (positionals.length !== 1) throw new SearchCliError('give exactly one query (quote it for your shell)', 2);
      const query = positionals[0]!;
      const format = (values.format ?? 'table') as Format;
      if (!FORMATS.includes(format)) throw new SearchCliError(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`, 2);
      const streamed = format === 'csv' || format === 'ndjson';
      const limit = parseLimit(values.limit, streamed ? MAX_EXPORT_LIMIT : MAX_SEARCH_LIMIT);
      const base = baseUrl(values.url ?? process.env.VIGIL_URL ?? DEFAULT_URL);
      const token = readToken(values['token-file']);
      const client = { base, token, query, archive: values.archive === true };
      const range = { from: values.from, to: values.to };
      if (streamed) return await exportResults(client, format, range, limit);
      const answer = await searchOnce(client, range, limit ?? DEFAULT_LIMIT, format === 'json');
      if (format === 'json') {
        process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
        return 0;
      }
      printTable(answer, query);
      return 0;
    } catch (err) {
      if (err instanceof SearchCliError) {
        process.stderr.write(`vigil search: ${err.message}\n`);
        return err.exitCode;
      }
      throw err;
    }
  },
};

interface Client {
  base: URL;
  token: string;
  query: string;
  archive: boolean;
}

/**
 * `--from -7d` as `--from=-7d`: relative times start with a dash, which the option parser would
 * otherwise take for an option and refuse as ambiguous.
 */
function joinRelativeTimes(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if ((arg === '--from' || arg === '--to') && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function parseLimit(text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new SearchCliError(`--limit must be a whole number from 1 to ${max}, not "${text}"`, 2);
  return n;
}

function baseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SearchCliError(`"${text}" is not a URL; expected e.g. ${DEFAULT_URL} (--url or VIGIL_URL)`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SearchCliError(`the Vigil URL must start with http:// or https://, not "${url.protocol}"`, 2);
  if (url.username || url.password) throw new SearchCliError('put no credentials in the Vigil URL: use VIGIL_TOKEN or --token-file', 2);
  return url;
}

function readToken(file: string | undefined): string {
  let token: string | undefined;
  if (file !== undefined) {
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new SearchCliError(`cannot read the token file ${file}: ${(err as Error).message}`, 1);
    }
    // Like ssh with private keys: a token others can read is a token others can use.
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      process.stderr.write(`vigil search: warning: ${file} is readable by other users; chmod 600 it\n`);
    }
  } else {
    token = process.env.VIGIL_TOKEN?.trim();
  }
  if (!token) throw new SearchCliError('needs an API token with events:read: set VIGIL_TOKEN or use --token-file FILE', 1);
  if (/\s/.test(token)) throw new SearchCliError('the API token holds spaces or line breaks; put only the token in VIGIL_TOKEN or the token file', 1);
  return token;
}

async function call(client: Client, path: string, init: { method: string; body?: unknown; query?: Record<string, string> }): Promise<Response> {
  const url = new URL(path, client.base);
  for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { authorization: `Bearer ${client.token}`, accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    // No redirects: the token is meant for this server only.
    response = await fetch(url, { method: init.method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), redirect: 'manual' });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new SearchCliError(`cannot reach Vigil at ${client.base.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}` +
      ' (is it running? set VIGIL_URL or --url)', 1);
  }
  if (response.ok) return response;
  throw await failure(client, response);
}

/** The error of a refused request as a message and exit code; a syntax error shows the query with a caret. */
async function failure(client: Client, response: Response): Promise<SearchCliError> {
  const text = await response.text().catch(() => '');
  let body: ErrorBody = {};
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const code = body.error?.code;
  const message = body.error?.message ?? `${response.status} ${response.statusText}`;
  if (response.status >= 300 && response.status < 400) {
    return new SearchCliError(`Vigil at ${client.base.origin} answered with a redirect to ${response.headers.get('location') ?? '?'}; use that address in VIGIL_URL or --url`, 1);
  }
  if (code === 'QUERY_SYNTAX') {
    const position = body.error?.position ?? body.error?.details?.position;
    if (!position) return new SearchCliError(`syntax error: ${message}`, 2);
    const [line, carets] = caretLines(client.query, position, terminalWidth(process.stderr) - 2);
    return new SearchCliError(`syntax error: ${message}\n  ${line}\n  ${carets}`, 2);
  }
  if (response.status === 401) return new SearchCliError(`Vigil refused the API token (${message}); it may be wrong, expired or revoked`, 1);
  if (response.status === 403) return new SearchCliError(`not allowed: ${message} (the token needs events:read)`, 1);
  if (code === 'URI_TOO_LONG') return new SearchCliError('the query is too long for an export URL; shorten it or use --format json', 2);
  if (code === 'VALIDATION') return new SearchCliError(message, 2);
  return new SearchCliError(`the search failed: ${message}${code ? ` (${code})` : ''}`, 1);
}

async function searchOnce(client: Client, range: { from?: string; to?: string }, limit: number, full: boolean): Promise<SearchAnswer> {
  const body = { query: client.query, ...definedOnly(range), limit, histogram: full, fields: full, ...(client.archive ? { archive: true } : {}) };
  const response = await call(client, '/api/v1/search', { method: 'POST', body });
  return (await response.json()) as SearchAnswer;
}

/** Streams the export route to standard output with backpressure; a closed pipe (`| head`) ends quietly. */
async function exportResults(client: Client, format: 'csv' | 'ndjson', range: { from?: string; to?: string }, limit: number | undefined): Promise<number> {
  const query: Record<string, string> = { query: client.query, format, ...definedOnly(range) };
  if (limit !== undefined) query.limit = String(limit);
  if (client.archive) query.archive = 'true';
  const response = await call(client, '/api/v1/search/export', { method: 'GET', query });
  if (!response.body) return 0;
  try {
    await pipeline(response.body, process.stdout);
  } catch (err) {
    if ((err as { code?: string }).code === 'EPIPE') return 0;
    throw new SearchCliError(`the export stopped: ${(err as Error).message}`, 1);
  }
  return 0;
}

const DEFAULT_EVENT_COLUMNS = ['time', 'source', 'host.name', 'user.name', 'message'];

/** The query's `| fields` stages, to show the kept fields as columns; the server already checked the query. */
function selectionOf(query: string): FieldSelection | undefined {
  try {
    return fieldSelection(parseQuery(query));
  } catch {
    return undefined;
  }
}

function eventColumns(selection: FieldSelection | undefined): string[] {
  if (selection?.keep !== undefined) return ['time', ...selection.keep.filter((name) => name !== '@timestamp' && name !== 'time')];
  return DEFAULT_EVENT_COLUMNS.filter((name) => name === 'time' || !selection?.drop.has(name));
}

function printTable(answer: SearchAnswer, query: string): void {
  const width = terminalWidth(process.stdout);
  let lines: string[];
  let count: number;
  if (answer.kind === 'table') {
    const rows = answer.rows ?? [];
    lines = formatTable(answer.columns ?? [], rows, width);
    count = rows.length;
  } else {
    const events = answer.events ?? [];
    const columns = eventColumns(selectionOf(query));
    const rows = events.map((e) => columns.map((column): Cell => {
      if (column === 'time') return new Date(e.timestamp).toISOString();
      if (column === 'source') return e.source;
      const value = Object.hasOwn(e.fields, column) ? e.fields[column] : undefined;
      // Events no parser understood have no message: their original text is what there is to read.
      return column === 'message' && value === undefined ? e.original : text(value);
    }));
    lines = formatTable(columns, rows, width);
    count = events.length;
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const more = answer.meta?.truncated ? ' (more matched: raise --limit, or use --format csv for everything)' : '';
  process.stderr.write(`${count} ${answer.kind === 'table' ? 'rows' : 'events'}${more}\n`);
}

function text(value: unknown): Cell {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function terminalWidth(stream: NodeJS.WriteStream): number {
  if (stream.isTTY && stream.columns > 0) return stream.columns;
  const columns = Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : PIPE_WIDTH;
}

function definedOnly(range: { from?: string; to?: string }): Record<string, string> {
  return Object.fromEntries(Object.entries(range).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
