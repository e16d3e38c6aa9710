/** The search API: run a query, export its results, and saved searches. Needs `events:read`. */
import { request } from './client.ts';
import { decodeSavedSearchAnswer, decodeSavedSearches, decodeSearchResult, type SavedSearch, type SearchResult } from './search-types.ts';

export interface SearchRequest {
  query: string;
  /** As typed: `-24h`, `now`, ISO 8601, or ms since the epoch. */
  from: string;
  to: string;
  /** Most events (or rows) to return. */
  limit?: number;
  /** Also search the archived days of the range (slower). */
  archive?: boolean;
}

/** Runs a query; a syntax error is an ApiError with code `QUERY_SYNTAX` (see `syntaxErrorSpan`). */
export async function runSearch(req: SearchRequest, signal?: AbortSignal): Promise<SearchResult> {
  const body = { query: req.query, from: req.from, to: req.to, ...(req.limit !== undefined ? { limit: req.limit } : {}), histogram: true, fields: true, archive: req.archive === true };
  return decodeSearchResult(await request('POST', '/search', { body, signal }));
}

export type ExportFormat = 'csv' | 'ndjson';

/** URL that downloads every result of the query as a file (the server streams it as an attachment). */
export function searchExportUrl(req: SearchRequest, format: ExportFormat): string {
  const query = new URLSearchParams({ query: req.query, from: req.from, to: req.to, format });
  if (req.archive) query.set('archive', 'true');
  return `/api/v1/search/export?${query.toString()}`;
}

/** What a saved search stores; `from`/`to` as typed. */
export interface SavedSearchInput {
  name: string;
  query: string;
  from?: string;
  to?: string;
  shared: boolean;
}

/** The user's own saved searches and everyone's shared ones. */
export async function listSavedSearches(signal?: AbortSignal): Promise<SavedSearch[]> {
  return decodeSavedSearches(await request('GET', '/saved-searches', { signal }));
}

/** Saves a search; a name the user already uses is refused with code `CONFLICT`. The server checks the query first. */
export async function createSavedSearch(input: SavedSearchInput): Promise<SavedSearch> {
  return decodeSavedSearchAnswer(await request('POST', '/saved-searches', { body: input }));
}

/** Changes a saved search (only its owner or a user administrator may). */
export async function updateSavedSearch(id: string, changes: Partial<SavedSearchInput>): Promise<SavedSearch> {
  return decodeSavedSearchAnswer(await request('PUT', `/saved-searches/${encodeURIComponent(id)}`, { body: changes }));
}

/** Deletes a saved search. */
export async function deleteSavedSearch(id: string): Promise<void> {
  await request('DELETE', `/saved-searches/${encodeURIComponent(id)}`);
}
