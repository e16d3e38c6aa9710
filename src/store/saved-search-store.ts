/**
 * Saved searches: a named query with its time range, private to its owner or shared with everyone
 * who may read events. Who may see or change one is decided by the API (src/api/routes/saved-search-routes.ts);
 * the store keeps the records and the rule that a name is unique per owner (in any case).
 */
export interface SavedSearch {
  id: string;
  /** The user who saved it; only they (or a user administrator) change or delete it. */
  ownerId: string;
  name: string;
  /** Query text in the query language (docs/query-language.md); checked by the parser before saving. */
  query: string;
  /** Time range as typed (`-7d`, `now`, ISO 8601, ms); absent means the search default. */
  from?: string;
  to?: string;
  /** Listed for every user who may read events, not only the owner. */
  shared: boolean;
  createdAt: number;
  updatedAt: number;
}

/** Fields of a saved search that can change; `null` clears `from`/`to`. */
export interface SavedSearchChanges {
  name?: string;
  query?: string;
  from?: string | null;
  to?: string | null;
  shared?: boolean;
}

/** Most saved searches one user may keep: a guard against filling the state database, far above real use. */
export const MAX_SAVED_SEARCHES_PER_OWNER = 1000;

export interface SavedSearchStore {
  /** Refused (`conflict`) when the owner already has a search with that name (any case). */
  create(search: SavedSearch): void;
  find(id: string): SavedSearch | undefined;
  /** The user's own searches plus everyone's shared ones, by name (any case), then id. */
  listVisible(userId: string): SavedSearch[];
  countOwnedBy(ownerId: string): number;
  /** Applies the changes; `not-found` for an unknown id, `conflict` for a name the owner already uses. */
  update(id: string, changes: SavedSearchChanges, at: number): SavedSearch;
  /** `not-found` for an unknown id. */
  delete(id: string): void;
}
