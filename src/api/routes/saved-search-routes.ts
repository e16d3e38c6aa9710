import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_QUERY_LENGTH } from '../../search/query-ast.ts';
import { MAX_SAVED_SEARCHES_PER_OWNER, type SavedSearch, type SavedSearchChanges } from '../../store/saved-search-store.ts';
import type { StateStore } from '../../store/state-store.ts';
import { StoreWriteError } from '../../store/store-errors.ts';
import { principalOf } from '../access.ts';
import { auditDetails } from '../audit-context.ts';
import { ApiError } from '../errors.ts';
import { checkedQuery, checkedTime } from '../search-input.ts';

const savedSearchView = z.object({
  id: z.string(), name: z.string(), query: z.string(),
  from: z.string().optional().describe('Start of the time range as typed (-7d, ISO 8601, ms); absent: the search default'),
  to: z.string().optional().describe('End of the time range as typed; absent: now'),
  shared: z.boolean().describe('Listed for everyone who may read events'),
  ownerId: z.string(), ownerName: z.string().optional(),
  editable: z.boolean().describe('Whether you may change or delete it (its owner, or a user administrator)'),
  createdAt: z.number(), updatedAt: z.number(),
});

const name = z.string().trim().min(1).max(100);
const queryText = z.string().trim().min(1).max(MAX_QUERY_LENGTH);
const timeText = z.union([z.string().trim().min(1).max(64), z.number().int()]).transform(String);

const NOT_VISIBLE = 'no saved search with that id';

/**
 * Saved searches (docs/query-language.md): everyone who may read events keeps their own and sees
 * the shared ones. Only the owner, or a user administrator (`users:write`), changes or deletes one;
 * someone else's private search answers 404 like a missing one, so its existence does not leak. The
 * query and time range are checked by the language's parser before they are stored.
 */
export const savedSearchRoutes: FastifyPluginAsyncZod<{ state: StateStore }> = async (app, opts) => {
  const { state } = opts;
  const store = state.savedSearches;

  const view = (search: SavedSearch, request: FastifyRequest, names: Map<string, string | undefined>) => {
    if (!names.has(search.ownerId)) names.set(search.ownerId, state.findUserById(search.ownerId)?.username);
    const ownerName = names.get(search.ownerId);
    return { ...search, ...(ownerName === undefined ? {} : { ownerName }), editable: mayChange(search, request) };
  };

  /** The search if the caller may change it; 404 for a private search of someone else, 403 for a shared one. */
  const changeable = (id: string, request: FastifyRequest): SavedSearch => {
    const search = store.find(id);
    const principal = principalOf(request);
    const admin = principal.permissions.has('users:write');
    if (!search || (search.ownerId !== principal.user.id && !search.shared && !admin)) throw new ApiError('NOT_FOUND', NOT_VISIBLE);
    if (!mayChange(search, request)) throw new ApiError('FORBIDDEN', 'only its owner (or a user administrator) changes or deletes a shared search');
    return search;
  };

  app.get('/api/v1/saved-searches', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Your saved searches and everyone\'s shared ones, by name', tags: ['search'],
      response: { 200: z.object({ savedSearches: z.array(savedSearchView) }) },
    },
  }, async (request) => {
    const names = new Map<string, string | undefined>();
    return { savedSearches: store.listVisible(principalOf(request).user.id).map((s) => view(s, request, names)) };
  });

  app.post('/api/v1/saved-searches', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Save a search (the query must parse)', tags: ['search'],
      body: z.object({ name, query: queryText, from: timeText.optional(), to: timeText.optional(), shared: z.boolean().default(false) }).strict(),
      response: { 201: z.object({ savedSearch: savedSearchView }) },
    },
  }, async (request, reply) => {
    const { body } = request;
    checkedQuery(body.query);
    if (body.from !== undefined) checkedTime(body.from, 'from');
    if (body.to !== undefined) checkedTime(body.to, 'to');
    const ownerId = principalOf(request).user.id;
    if (store.countOwnedBy(ownerId) >= MAX_SAVED_SEARCHES_PER_OWNER) {
      throw new ApiError('CONFLICT', `you have ${MAX_SAVED_SEARCHES_PER_OWNER} saved searches, the most one user keeps; delete some first`);
    }
    const now = Date.now();
    const search: SavedSearch = {
      id: randomUUID(), ownerId, name: body.name, query: body.query, shared: body.shared, createdAt: now, updatedAt: now,
      ...(body.from === undefined ? {} : { from: body.from }), ...(body.to === undefined ? {} : { to: body.to }),
    };
    storeWrite(() => store.create(search), body.name);
    auditDetails(request, { action: 'search.saved.create', targetType: 'saved-search', targetId: search.id, after: search });
    return reply.code(201).send({ savedSearch: view(search, request, new Map()) });
  });

  app.put('/api/v1/saved-searches/:id', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Change a saved search (its owner or a user administrator); give only what changes, null clears from/to', tags: ['search'],
      params: z.object({ id: z.string().uuid() }),
      body: z.object({
        name: name.optional(), query: queryText.optional(), from: timeText.nullable().optional(), to: timeText.nullable().optional(),
        shared: z.boolean().optional(),
      }).strict(),
      response: { 200: z.object({ savedSearch: savedSearchView }) },
    },
  }, async (request) => {
    const before = changeable(request.params.id, request);
    const { body } = request;
    if (body.query !== undefined) checkedQuery(body.query);
    if (typeof body.from === 'string') checkedTime(body.from, 'from');
    if (typeof body.to === 'string') checkedTime(body.to, 'to');
    const changes: SavedSearchChanges = body;
    const search = storeWrite(() => store.update(before.id, changes, Date.now()), body.name ?? before.name);
    auditDetails(request, { action: 'search.saved.update', targetType: 'saved-search', targetId: search.id, before, after: search });
    return { savedSearch: view(search, request, new Map()) };
  });

  app.delete('/api/v1/saved-searches/:id', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Delete a saved search (its owner or a user administrator)', tags: ['search'],
      params: z.object({ id: z.string().uuid() }), response: { 204: z.null() },
    },
  }, async (request, reply) => {
    const before = changeable(request.params.id, request);
    storeWrite(() => store.delete(before.id), before.name);
    auditDetails(request, { action: 'search.saved.delete', targetType: 'saved-search', targetId: before.id, before });
    return reply.code(204).send(null);
  });
};

function mayChange(search: SavedSearch, request: FastifyRequest): boolean {
  const principal = principalOf(request);
  return search.ownerId === principal.user.id || principal.permissions.has('users:write');
}

/** Store refusals as API errors: a name the owner already uses, or a search deleted meanwhile. */
function storeWrite<T>(fn: () => T, searchName: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StoreWriteError && err.failure === 'conflict') throw new ApiError('CONFLICT', `a saved search named "${searchName}" exists already; choose another name`);
    if (err instanceof StoreWriteError && err.failure === 'not-found') throw new ApiError('NOT_FOUND', NOT_VISIBLE);
    throw err;
  }
}
