/**
 * Keeps docs/parsers.md and docs/intake.md true to the code: every source type has a section in
 * detection order, every documented example produces the documented fields, and the endpoint
 * reference matches the routes the HTTP intake registers (both ways), so adding or removing a
 * parser or an endpoint without updating the docs fails here.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_INPUT_LIMITS } from '../../src/core/limits.ts';
import { registerHttpIntake } from '../../src/intake/http/index.ts';
import { MemoryAuth, MemorySink } from '../../src/intake/http/test-helpers.ts';
import { syslogListenerConfigSchema } from '../../src/intake/syslog/syslog-config.ts';
import { normalizeRecord } from '../../src/normalize/normalize-record.ts';
import { SOURCE_TYPES } from '../../src/normalize/registry.ts';

const parsersMd = readFileSync(new URL('../../docs/parsers.md', import.meta.url), 'utf8');
const intakeMd = readFileSync(new URL('../../docs/intake.md', import.meta.url), 'utf8');

interface Block {
  info: string;
  body: string;
  /** The `## ` heading the block is under. */
  section: string;
}

/** Fenced code blocks with their info string and enclosing `##` section. */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let open: { info: string; lines: string[] } | undefined;
  for (const line of markdown.split('\n')) {
    if (open) {
      if (line.startsWith('```')) {
        blocks.push({ info: open.info, body: open.lines.join('\n'), section });
        open = undefined;
      } else {
        open.lines.push(line);
      }
    } else if (line.startsWith('```')) {
      open = { info: line.slice(3).trim(), lines: [] };
    } else if (line.startsWith('## ')) {
      section = line.slice(3).trim();
    }
  }
  return blocks;
}

/** The text of a `## ` section (up to the next `## `). */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs have no section "## ${heading}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** Backticked words of a line, in order. */
function ticked(line: string): string[] {
  return line.split('`').filter((_, i) => i % 2 === 1);
}

describe('docs/parsers.md', () => {
  const names = SOURCE_TYPES.map((t) => t.name);

  it('has one section per source type, in auto-detection order', () => {
    const headings = parsersMd.split('\n').filter((l) => l.startsWith('## `')).map((l) => ticked(l)[0]);
    expect(headings).toEqual(names);
  });

  it('lists the detection order of text and JSON types as the registry has it', () => {
    const row = (label: string) => {
      const line = parsersMd.split('\n').find((l) => l.trimStart().startsWith(`| ${label} |`));
      if (!line) throw new Error(`no detection-order row "${label}"`);
      return ticked(line);
    };
    expect(row('text')).toEqual(SOURCE_TYPES.filter((t) => t.input === 'text').map((t) => t.name));
    expect(row('JSON object')).toEqual(SOURCE_TYPES.filter((t) => t.input === 'object').map((t) => t.name));
  });

  it('names the vendor-field prefix of every source type', () => {
    const table = section(parsersMd, 'How the source type is chosen').split('\n').filter((l) => l.startsWith('| `'));
    const listed = new Set(table.flatMap((l) => ticked(l.split('|')[1] ?? '')));
    expect(names.filter((n) => !listed.has(n))).toEqual([]);
  });

  const receivedAtText = /received at `([^`]+)`/.exec(parsersMd)?.[1];
  const receivedAt = Date.parse(receivedAtText ?? '');
  const blocks = codeBlocks(parsersMd);
  const examples = blocks.flatMap((block, i) => {
    if (!block.info.split(' ').includes('example')) return [];
    const result = blocks[i + 1];
    if (!result || result.info !== 'json result') throw new Error(`example in "${block.section}" is not followed by a json result block`);
    const override = block.info.split(' ').find((w) => w.startsWith('sourceType='));
    return [{ section: block.section, input: block.body, sourceType: override?.slice('sourceType='.length) ?? 'auto', result: result.body }];
  });

  it('states the receive time its examples were produced with', () => {
    expect(Number.isFinite(receivedAt)).toBe(true);
  });

  it('shows at least one example for every source type, recognised as that type', () => {
    for (const name of names) {
      const own = examples.filter((e) => e.section === `\`${name}\``);
      expect(own.length, `examples under ${name}`).toBeGreaterThan(0);
      expect(own.some((e) => (JSON.parse(e.result) as { sourceType: string }).sourceType === name), `an example of ${name} parsed as ${name}`).toBe(true);
    }
  });

  const resultSchema = z.object({ sourceType: z.string(), parseError: z.string().optional(), fields: z.record(z.string(), z.unknown()) }).strict();

  it.each(examples.map((e, i) => [`${i + 1} (${e.section})`, e] as const))('example %s produces the documented result', (_label, example) => {
    const expected = resultSchema.parse(JSON.parse(example.result));
    const event = normalizeRecord({ source: 'docs', sourceType: example.sourceType, receivedAt, text: example.input }, DEFAULT_INPUT_LIMITS);
    expect(event.sourceType).toBe(expected.sourceType);
    expect(event.parseError).toBe(expected.parseError);
    for (const [name, value] of Object.entries(expected.fields)) {
      expect(event.fields[name], `field ${name}`).toEqual(value);
    }
  });
});

describe('docs/intake.md', () => {
  /** Path → methods (HEAD left out: Fastify adds it to every GET) of every HTTP intake route. */
  async function intakeRoutes(): Promise<Map<string, Set<string>>> {
    const app = Fastify({ logger: false });
    const routes = new Map<string, Set<string>>();
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat().filter((m) => m !== 'HEAD');
      if (methods.length === 0) return;
      const set = routes.get(route.url) ?? new Set<string>();
      for (const m of methods) set.add(m);
      routes.set(route.url, set);
    });
    await registerHttpIntake(app, { sink: new MemorySink(), auth: new MemoryAuth() });
    await app.ready();
    await app.close();
    return routes;
  }

  function documentedRoutes(): Map<string, Set<string>> {
    const rows = section(intakeMd, 'Endpoint reference').split('\n').filter((l) => l.startsWith('| `'));
    const out = new Map<string, Set<string>>();
    for (const row of rows) {
      const [methods, path] = ticked(row);
      if (!methods || !path) throw new Error(`malformed endpoint row: ${row}`);
      if (out.has(path)) throw new Error(`endpoint ${path} listed twice`);
      out.set(path, new Set(methods.split(',').map((m) => m.trim())));
    }
    return out;
  }

  const asObject = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([p, s]) => [p, [...s].sort()]));

  it('lists exactly the routes the HTTP intake registers, with their methods', async () => {
    expect(asObject(documentedRoutes())).toEqual(asObject(await intakeRoutes()));
  });

  it('names only intake paths that exist', async () => {
    const patterns = [...(await intakeRoutes()).keys()].map((p) => p.split('/'));
    const matches = (path: string) => patterns.some((pattern) => {
      const parts = path.split('/');
      // A parameter stands for a name, never for an API word: `_bulkk` must not pass as an index.
      return parts.length === pattern.length && pattern.every((seg, i) => seg === parts[i] || /^\{\w+\}$/.test(parts[i] ?? '') ||
        (seg.startsWith(':') && !(parts[i] ?? '_').startsWith('_')));
    });
    const prefixes = ['/api/v1/ingest', '/services/collector', '/elastic', '/v1/'];
    const mentioned = new Set<string>();
    for (const text of ticked(intakeMd.replaceAll('\n', ' '))) {
      for (const word of text.split(/[\s,]+/)) {
        const path = word.replace(/^(?:GET|POST|PUT)\s*/, '').split(/[?[]/)[0]!.replace(/\/$/, '');
        if (prefixes.some((p) => path.startsWith(p))) mentioned.add(path);
      }
    }
    expect(mentioned.size).toBeGreaterThan(10);
    expect([...mentioned].filter((p) => !matches(p))).toEqual([]);
  });

  it('documents every syslog listener setting', () => {
    const keys: string[] = [];
    const walk = (schema: z.core.JSONSchema.BaseSchema, prefix: string) => {
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (typeof child !== 'object') continue;
        const nested = child.properties ? child : child.anyOf?.find((c) => typeof c === 'object' && c.properties);
        if (nested && typeof nested === 'object' && nested.properties) walk(nested, `${prefix}${key}.`);
        else keys.push(`${prefix}${key}`);
      }
    };
    walk(z.toJSONSchema(syslogListenerConfigSchema, { io: 'input', unrepresentable: 'any' }), 'intake.syslog.');
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k) => !intakeMd.includes(`\`${k}\``))).toEqual([]);
  });
});

describe('docs/access-control.md', () => {
  it('shows every permission with the roles that grant it, as the code defines them', async () => {
    const { BUILTIN_ROLES, PERMISSIONS } = await import('../../src/auth/permissions.ts');
    const doc = readFileSync(new URL('../../docs/access-control.md', import.meta.url), 'utf8');
    const header = `| Permission | What it allows | ${BUILTIN_ROLES.map((r) => r.name).join(' | ')} |`;
    expect(doc).toContain(header);
    for (const [permission, description] of Object.entries(PERMISSIONS)) {
      const marks = BUILTIN_ROLES.map((r) => ((r.permissions as readonly string[]).includes(permission) ? '✓' : '')).join(' | ');
      expect(doc).toContain(`| \`${permission}\` | ${description} | ${marks} |`);
    }
  });
});
