import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InputLimits } from '../../core/limits.ts';
import { runRuleTest, testEventFrom } from '../../detect/rule-test.ts';
import { RULE_ID } from '../../detect/rule-validation.ts';
import { readRuleZipBuffer, RuleFileError, type RuleFile } from '../../rules/rule-files.ts';
import { importRules } from '../../rules/rule-import.ts';
import { MAX_QUERY_LENGTH } from '../../search/query-ast.ts';
import type { EventStore } from '../../store/event-store.ts';
import type { StoredRule } from '../../store/rule-store.ts';
import type { StateStore } from '../../store/state-store.ts';
import { principalOf } from '../access.ts';
import { auditDetails } from '../audit-context.ts';
import { ApiError } from '../errors.ts';
import { checkedQuery, checkedRange, searchError } from '../search-input.ts';
import type { SearchLimits } from './search-routes.ts';

/** Largest import body (a zip of SigmaHQ's whole rules folder is about 4 MB). */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
/** Most events a rule test runs against, from a search. */
const MAX_TEST_EVENTS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const LEVEL = z.enum(['informational', 'low', 'medium', 'high', 'critical']);
const STATE = z.enum(['active', 'disabled', 'unsupported', 'invalid']);
const ruleId = z.string().regex(RULE_ID, 'must be a rule id (letters, digits, . _ : -)');

const ruleSummary = z.object({
  id: z.string(), title: z.string(), level: LEVEL, tags: z.array(z.string()), enabled: z.boolean(),
  origin: z.string().describe("'bundled', 'import:<file name>' or 'custom'"),
  state: STATE, reason: z.string().optional().describe('Why the rule does not run (unsupported, invalid)'),
  updatedAt: z.number(), updatedBy: z.string().optional(),
  hits24h: z.number().describe('Detections made over the last 24 hours'),
});
const ruleView = ruleSummary.extend({ yaml: z.string() });
const why = z.object({
  selections: z.array(z.string()),
  fields: z.array(z.object({ selection: z.string(), field: z.string().nullable(), value: z.string() })),
});
const eventView = z.object({
  seq: z.number().optional(), timestamp: z.number(), receivedAt: z.number(), source: z.string(), sourceType: z.string(),
  fields: z.record(z.string(), z.unknown()), original: z.string(), parseError: z.string().optional(),
});
const importAnswer = z.object({
  added: z.number(), updated: z.number(),
  skipped: z.number().describe('Archive members that are not YAML rule files'),
  errors: z.array(z.object({ name: z.string(), reason: z.string() })).describe('Archive members that could not be read'),
  rules: z.array(z.object({ id: z.string(), title: z.string(), state: STATE, reason: z.string().optional(), source: z.string() })),
});

/**
 * Sigma rules (docs/sigma.md "Managing rules"): list with hits, read, switch on and off, import
 * (YAML or a zip archive; zip bombs refused), delete, and test one rule against an event or the
 * results of a search with the pure core. Changes are audited.
 */
export const ruleRoutes: FastifyPluginAsyncZod<{ state: StateStore; events: EventStore; limits: InputLimits; search: SearchLimits }> = async (app, opts) => {
  const { state, events } = opts;
  const rules = state.rules;

  // Import bodies: a zip archive as bytes, YAML as text; JSON stays Fastify's own parser.
  app.addContentTypeParser(['application/zip', 'application/x-zip-compressed'], { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_request, body, done) => done(null, new ZipUpload(body as Buffer)));
  app.addContentTypeParser(['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml'], { parseAs: 'string', bodyLimit: MAX_IMPORT_BYTES }, (_request, body, done) => done(null, body));

  const withHits = (rule: StoredRule, hits: Map<string, number>) => ({ ...rule, hits24h: hits.get(rule.id) ?? 0 });
  const found = (id: string): StoredRule => {
    const rule = rules.get(id);
    if (!rule) throw new ApiError('NOT_FOUND', `no rule with id "${id}"`);
    return rule;
  };
  const summaryOf = ({ yaml: _yaml, ...rest }: StoredRule) => rest;

  app.get('/api/v1/rules', {
    config: { access: 'rules:read' },
    schema: {
      summary: 'Every rule with its state, the reason when it does not run, and its hits over the last 24 hours', tags: ['rules'],
      response: { 200: z.object({ rules: z.array(ruleSummary) }) },
    },
  }, async () => {
    const hits = state.detections.hitsByRule(Date.now() - DAY_MS);
    return { rules: rules.list().map((rule) => withHits(summaryOf(rule) as StoredRule, hits)) };
  });

  app.get('/api/v1/rules/:id', {
    config: { access: 'rules:read' },
    schema: {
      summary: 'One rule with its YAML', tags: ['rules'],
      params: z.object({ id: ruleId }), response: { 200: ruleView },
    },
  }, async (request) => withHits(found(request.params.id), state.detections.hitsByRule(Date.now() - DAY_MS)));

  app.put('/api/v1/rules/:id', {
    config: { access: 'rules:write' },
    schema: {
      summary: 'Switch a rule on or off', tags: ['rules'],
      params: z.object({ id: ruleId }), body: z.object({ enabled: z.boolean() }).strict(), response: { 200: ruleView },
    },
  }, async (request) => {
    const before = found(request.params.id);
    const rule = rules.setEnabled(before.id, request.body.enabled, principalOf(request).user.username);
    if (!rule) throw new ApiError('NOT_FOUND', `no rule with id "${before.id}"`);
    auditDetails(request, {
      action: request.body.enabled ? 'rule.enable' : 'rule.disable', targetType: 'rule', targetId: rule.id,
      before: auditView(before), after: auditView(rule),
    });
    return withHits(rule, state.detections.hitsByRule(Date.now() - DAY_MS));
  });

  app.delete('/api/v1/rules/:id', {
    config: { access: 'rules:write' },
    schema: { summary: 'Delete a rule', tags: ['rules'], params: z.object({ id: ruleId }), response: { 204: z.null() } },
  }, async (request, reply) => {
    const before = found(request.params.id);
    if (!rules.remove(before.id)) throw new ApiError('NOT_FOUND', `no rule with id "${before.id}"`);
    auditDetails(request, { action: 'rule.delete', targetType: 'rule', targetId: before.id, before: auditView(before) });
    return reply.code(204).send(null);
  });

  app.post('/api/v1/rules/import', {
    config: { access: 'rules:write' },
    bodyLimit: MAX_IMPORT_BYTES,
    schema: {
      summary: 'Import rules: a zip archive of .yml files (application/zip), YAML with one or several --- documents (text/yaml), or JSON { yaml }',
      tags: ['rules'],
      querystring: z.object({ name: z.string().trim().min(1).max(200).optional().describe('Origin name shown for the rules (file name); default "upload"') }),
      // The body is one of three media types, checked in the handler: the schema language has no zip.
      response: { 200: importAnswer },
    },
  }, async (request) => {
    const name = request.query.name ?? 'upload';
    const body: unknown = request.body;
    let files: RuleFile[];
    let skipped = 0;
    let errors: { name: string; reason: string }[] = [];
    if (body instanceof ZipUpload) {
      try {
        ({ files, skipped, errors } = await readRuleZipBuffer(body.data, name));
      } catch (err) {
        if (err instanceof RuleFileError) throw new ApiError('IMPORT_REFUSED', err.message);
        throw err;
      }
    } else {
      const parsed = z.union([z.string(), z.object({ yaml: z.string() }).strict()]).safeParse(body);
      if (!parsed.success) throw new ApiError('VALIDATION', 'send a zip archive (application/zip), YAML (text/yaml) or JSON { "yaml": "..." }');
      const text = typeof parsed.data === 'string' ? parsed.data : parsed.data.yaml;
      if (text.trim() === '') throw new ApiError('VALIDATION', 'the body holds no YAML');
      files = [{ name, text }];
    }
    const by = principalOf(request).user.username;
    const result = importRules(rules, files, `import:${name}`, Date.now(), by);
    const counts = Object.fromEntries(['active', 'disabled', 'unsupported', 'invalid'].map((s) => [s, result.rules.filter((r) => r.state === s).length]));
    auditDetails(request, {
      action: 'rule.import', targetType: 'rule', targetId: name,
      after: { added: result.added, updated: result.updated, skipped, errors: errors.length, ...counts },
    });
    return { ...result, skipped, errors };
  });

  app.post('/api/v1/rules/test', {
    config: { access: 'rules:read' },
    schema: {
      summary: 'Test one rule (YAML or a stored rule) against an event (raw record or fields) or the events of a search; needs events:read too',
      tags: ['rules'],
      body: z.object({
        yaml: z.string().min(1).max(1024 * 1024).optional(),
        ruleId: ruleId.optional(),
        event: z.union([z.string().min(1).max(1024 * 1024), z.record(z.string(), z.unknown())]).optional()
          .describe('A raw record (log line or JSON object, normalized as intake would) or a map of event fields'),
        query: z.string().max(MAX_QUERY_LENGTH).optional().describe('A search whose events the rule runs against'),
        from: z.union([z.string().max(64), z.number().int()]).optional(),
        to: z.union([z.string().max(64), z.number().int()]).optional(),
        limit: z.number().int().min(1).max(MAX_TEST_EVENTS).default(100),
      }).strict()
        .refine((b) => (b.yaml === undefined) !== (b.ruleId === undefined), { message: 'give either yaml or ruleId' })
        .refine((b) => (b.event === undefined) !== (b.query === undefined), { message: 'give either event or query' }),
      response: {
        200: z.object({
          state: STATE, reason: z.string().optional(),
          results: z.array(z.object({ event: eventView, matched: z.boolean(), why: why.optional(), note: z.string().optional() })),
        }),
      },
    },
  }, async (request) => {
    requireEventsRead(request);
    const body = request.body;
    const yaml = body.yaml ?? found(body.ruleId!).yaml;
    // A test changes nothing, but POSTs are audited: name it, and what it ran over.
    auditDetails(request, {
      action: 'rule.test', targetType: 'rule', ...(body.ruleId === undefined ? {} : { targetId: body.ruleId }),
      note: body.query === undefined ? 'against one event' : `against the search: ${body.query.slice(0, 200)}`,
    });
    const now = Date.now();
    let tested;
    if (body.event !== undefined) {
      tested = runRuleTest(yaml, [testEventFrom(body.event, opts.limits, now)]);
    } else {
      const query = checkedQuery(body.query!);
      const { from, to } = checkedRange(query, body, now);
      let result;
      try {
        result = await events.search({
          query, from, to, limit: body.limit, maxRows: Math.min(opts.search.maxRows, MAX_TEST_EVENTS),
          histogram: false, fieldStats: false, timeoutMs: opts.search.timeoutMs,
        });
      } catch (err) {
        throw searchError(err);
      }
      if (result.kind !== 'events') throw new ApiError('VALIDATION', 'the query makes a table (stats, top, ...); give a query that returns events');
      tested = runRuleTest(yaml, result.events ?? []);
    }
    return {
      state: tested.state, ...(tested.reason === undefined ? {} : { reason: tested.reason }),
      results: tested.results.map((r) => ({ ...r, event: { ...r.event, fields: r.event.fields as Record<string, unknown> } })),
    };
  });
};

/** A zip upload; the bytes sit in a private field so generic body walks (the JSON depth check) skip them. */
class ZipUpload {
  readonly #data: Buffer;
  constructor(data: Buffer) {
    this.#data = data;
  }
  get data(): Buffer {
    return this.#data;
  }
}

function requireEventsRead(request: FastifyRequest): void {
  if (!principalOf(request).permissions.has('events:read')) throw new ApiError('FORBIDDEN', 'testing a rule reads events: it needs events:read too');
}

/** What the audit log keeps of a rule: not its YAML (large), which the rule store holds. */
function auditView(rule: StoredRule) {
  return { id: rule.id, title: rule.title, enabled: rule.enabled, state: rule.state, origin: rule.origin };
}
