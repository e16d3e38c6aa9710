import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { fieldSelection } from '../../search/field-selection.ts';
import { MAX_QUERY_LENGTH } from '../../search/query-ast.ts';
import type { EventStore, SearchBatch } from '../../store/event-store.ts';
import { auditDetails } from '../audit-context.ts';
import {
  MAX_EXPORT_ROWS, SEARCH_EXPORT_CONTENT_TYPES, SEARCH_EXPORT_FORMATS, searchExportChunks, searchExportFileName,
} from '../search-export.ts';
import { checkedQuery, checkedRange, searchError } from '../search-input.ts';
import type { SearchLimits } from './search-routes.ts';

/**
 * Bytes of export text buffered ahead of the client. The stream pulls the next batch from the store
 * only when the client has taken this much: a slow download holds back the query instead of filling
 * memory, and a closed connection stops it.
 */
const EXPORT_BUFFER_BYTES = 256 * 1024;

/** `GET /api/v1/search/export`: a search's whole result (up to a million rows) streamed as a CSV or NDJSON file. */
export const searchExportRoutes: FastifyPluginAsyncZod<{ events: EventStore; limits: SearchLimits }> = async (app, opts) => {
  app.get('/api/v1/search/export', {
    config: { access: 'events:read' },
    schema: {
      summary: 'Download every result of a search as CSV or NDJSON, streamed', tags: ['events'],
      description: 'CSV of events: `time`, `source`, `host.name`, `user.name`, `message`, then every other field of the first 1,000 events '
        + '(exactly the kept fields after `| fields`); tables: their columns. Cells a spreadsheet would run as formulas start with `\'`. '
        + 'NDJSON: one event (or table row) per line. Errors in the query or time range answer 400 before any data.',
      querystring: z.object({
        query: z.string().max(MAX_QUERY_LENGTH).describe('Query text (docs/query-language.md); empty matches every event'),
        from: z.string().max(64).optional().describe('Start (inclusive): now, -15m, -24h, -7d, ISO 8601 or ms since the epoch; default -24h'),
        to: z.string().max(64).optional().describe('End (exclusive), same forms; default now'),
        format: z.enum(SEARCH_EXPORT_FORMATS).default('csv'),
        limit: z.coerce.number().int().min(1).max(MAX_EXPORT_ROWS).default(MAX_EXPORT_ROWS).describe('Most events or rows'),
        archive: z.enum(['true', 'false']).default('false').describe('`true`: also export the archived days of the range'),
      }).strict(),
    },
  }, async (request, reply) => {
    const { format, limit } = request.query;
    const query = checkedQuery(request.query.query);
    const { from, to } = checkedRange(query, request.query);
    const describe = (rows: number) => `${format}, ${rows} rows, ${new Date(from).toISOString()} to ${new Date(to).toISOString()}: ${request.query.query}`;
    // Who took a copy of which events is worth recording; the count grows as the rows go out.
    auditDetails(request, { action: 'search.export', targetType: 'search', note: describe(0) });
    const includeArchive = request.query.archive === 'true';
    const batches = opts.events.exportSearch({ query, from, to, limit, timeoutMs: opts.limits.timeoutMs, includeArchive })[Symbol.asyncIterator]();
    // The first batch before the headers: a timeout or a refused query still answers with a proper error.
    let first: IteratorResult<SearchBatch>;
    try {
      first = await batches.next();
    } catch (err) {
      throw searchError(err);
    }
    const chunks = searchExportChunks(resumed(first, batches), format, fieldSelection(query), (rows) => auditDetails(request, { note: describe(rows) }));
    return reply
      .header('content-type', SEARCH_EXPORT_CONTENT_TYPES[format])
      .header('content-disposition', `attachment; filename="${searchExportFileName(format, Date.now())}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(chunks, { objectMode: false, highWaterMark: EXPORT_BUFFER_BYTES }));
  });
};

/** The batches again from the one already read; ending early (a closed connection) stops the store's query. */
async function* resumed(first: IteratorResult<SearchBatch>, rest: AsyncIterator<SearchBatch>): AsyncGenerator<SearchBatch> {
  try {
    for (let next = first; !next.done; next = await rest.next()) yield next.value;
  } finally {
    await rest.return?.();
  }
}
