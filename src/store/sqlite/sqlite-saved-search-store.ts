import type { SQLInputValue } from 'node:sqlite';
import type { SavedSearch, SavedSearchChanges, SavedSearchStore } from '../saved-search-store.ts';
import { StoreWriteError } from '../store-errors.ts';
import { requireText, type SqliteDb, time } from './sqlite-db.ts';

interface SavedSearchRow {
  id: string; owner_id: string; name: string; query: string; from_text: string | null; to_text: string | null; shared: number;
  created_at: number; updated_at: number;
}

/** {@link SavedSearchStore} on the `saved_searches` table (migration 4); rows go with their owner (ON DELETE CASCADE). */
export class SqliteSavedSearchStore implements SavedSearchStore {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  create(search: SavedSearch): void {
    requireText(search?.id, 'saved search id');
    requireText(search.ownerId, 'saved search owner');
    requireText(search.name, 'saved search name');
    requireText(search.query, 'saved search query');
    this.db.write(`cannot save search "${search.name}"`, () => this.db.sql(
      `INSERT INTO saved_searches (id, owner_id, name, query, from_text, to_text, shared, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(search.id, search.ownerId, search.name, search.query, search.from ?? null, search.to ?? null, search.shared ? 1 : 0,
      time(search.createdAt, 'createdAt'), time(search.updatedAt, 'updatedAt')));
  }

  find(id: string): SavedSearch | undefined {
    const row = this.db.sql('SELECT * FROM saved_searches WHERE id = ?').get(id) as SavedSearchRow | undefined;
    return row && toSavedSearch(row);
  }

  listVisible(userId: string): SavedSearch[] {
    return (this.db.sql('SELECT * FROM saved_searches WHERE owner_id = ? OR shared = 1 ORDER BY name COLLATE NOCASE, id')
      .all(userId) as unknown as SavedSearchRow[]).map(toSavedSearch);
  }

  countOwnedBy(ownerId: string): number {
    return (this.db.sql('SELECT count(*) AS n FROM saved_searches WHERE owner_id = ?').get(ownerId) as { n: number }).n;
  }

  update(id: string, changes: SavedSearchChanges, at: number): SavedSearch {
    const columns: string[] = [];
    const values: SQLInputValue[] = [];
    const set = (column: string, value: SQLInputValue) => {
      columns.push(`${column} = ?`);
      values.push(value);
    };
    if (changes.name !== undefined) {
      requireText(changes.name, 'saved search name');
      set('name', changes.name);
    }
    if (changes.query !== undefined) {
      requireText(changes.query, 'saved search query');
      set('query', changes.query);
    }
    if (changes.from !== undefined) set('from_text', changes.from);
    if (changes.to !== undefined) set('to_text', changes.to);
    if (changes.shared !== undefined) set('shared', changes.shared ? 1 : 0);
    set('updated_at', time(at, 'at'));
    let row: SavedSearchRow | undefined;
    this.db.transaction('cannot update saved search', () => {
      // Column names come from the fixed list above, never from the caller.
      this.db.sql(`UPDATE saved_searches SET ${columns.join(', ')} WHERE id = ?`).run(...values, id);
      row = this.db.sql('SELECT * FROM saved_searches WHERE id = ?').get(id) as SavedSearchRow | undefined;
    });
    if (!row) throw new StoreWriteError(`cannot update saved search: no saved search with id "${id}"`, 'not-found');
    return toSavedSearch(row);
  }

  delete(id: string): void {
    const result = this.db.write('cannot delete saved search', () => this.db.sql('DELETE FROM saved_searches WHERE id = ?').run(id));
    if (result.changes === 0) throw new StoreWriteError(`cannot delete saved search: no saved search with id "${id}"`, 'not-found');
  }
}

function toSavedSearch(row: SavedSearchRow): SavedSearch {
  return {
    id: row.id, ownerId: row.owner_id, name: row.name, query: row.query,
    ...(row.from_text === null ? {} : { from: row.from_text }),
    ...(row.to_text === null ? {} : { to: row.to_text }),
    shared: row.shared === 1, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}
