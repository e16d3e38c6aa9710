import type { SQLInputValue } from 'node:sqlite';
import type { Incident, IncidentChanges, IncidentMember, IncidentStore } from '../incident-store.ts';
import { StoreWriteError } from '../store-errors.ts';
import { requireText, type SqliteDb, time } from './sqlite-db.ts';

interface IncidentRow {
  id: string; title: string; description: string; severity: string; status: string; restricted: number;
  created_by: string; created_at: number; updated_at: number;
}
interface MemberRow { user_id: string; added_by: string; added_at: number }

/** The visibility rule, in SQL: every read of incidents goes through it. */
const VISIBLE = '(restricted = 0 OR EXISTS (SELECT 1 FROM incident_members m WHERE m.incident_id = incidents.id AND m.user_id = $viewer))';

export class SqliteIncidentStore implements IncidentStore {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  create(incident: Incident): void {
    requireText(incident?.id, 'incident id');
    requireText(incident.title, 'incident title');
    requireText(incident.createdBy, 'incident creator');
    this.db.transaction(`cannot create incident "${incident.title}"`, () => {
      this.db.sql(`INSERT INTO incidents (id, title, description, severity, status, restricted, created_by, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(incident.id, incident.title, incident.description, incident.severity, incident.status,
        incident.restricted ? 1 : 0, incident.createdBy, time(incident.createdAt, 'createdAt'), time(incident.updatedAt, 'updatedAt'));
      this.db.sql('INSERT INTO incident_members (incident_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?)')
        .run(incident.id, incident.createdBy, incident.createdBy, incident.createdAt);
    });
  }

  findVisible(id: string, viewerId: string): Incident | undefined {
    const row = this.db.sql(`SELECT * FROM incidents WHERE id = $id AND ${VISIBLE}`).get({ id, viewer: viewerId }) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  listVisible(viewerId: string, limit: number): Incident[] {
    const capped = Number.isSafeInteger(limit) ? Math.min(Math.max(limit, 0), 10_000) : 0;
    return (this.db.sql(`SELECT * FROM incidents WHERE ${VISIBLE} ORDER BY created_at DESC, id LIMIT $limit`)
      .all({ viewer: viewerId, limit: capped }) as unknown as IncidentRow[]).map(toIncident);
  }

  update(id: string, changes: IncidentChanges, at: number): Incident {
    const columns: string[] = [];
    const values: SQLInputValue[] = [];
    const set = (column: string, value: SQLInputValue) => {
      columns.push(`${column} = ?`);
      values.push(value);
    };
    if (changes.title !== undefined) set('title', changes.title);
    if (changes.description !== undefined) set('description', changes.description);
    if (changes.severity !== undefined) set('severity', changes.severity);
    if (changes.status !== undefined) set('status', changes.status);
    if (changes.restricted !== undefined) set('restricted', changes.restricted ? 1 : 0);
    set('updated_at', time(at, 'at'));
    let row: IncidentRow | undefined;
    this.db.transaction('cannot update incident', () => {
      // Column names come from the fixed list above, never from the caller.
      this.db.sql(`UPDATE incidents SET ${columns.join(', ')} WHERE id = ?`).run(...values, id);
      row = this.db.sql('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
    });
    if (!row) throw new StoreWriteError(`cannot update incident: no incident with id "${id}"`, 'not-found');
    return toIncident(row);
  }

  listMembers(id: string): IncidentMember[] {
    return (this.db.sql('SELECT user_id, added_by, added_at FROM incident_members WHERE incident_id = ? ORDER BY added_at, user_id')
      .all(id) as unknown as MemberRow[]).map((r) => ({ userId: r.user_id, addedBy: r.added_by, addedAt: r.added_at }));
  }

  isMember(id: string, userId: string): boolean {
    return this.db.sql('SELECT 1 AS found FROM incident_members WHERE incident_id = ? AND user_id = ?').get(id, userId) !== undefined;
  }

  /** Adding a member twice keeps the first record. */
  addMember(id: string, member: IncidentMember): void {
    this.db.write('cannot add incident member', () => this.db.sql(
      'INSERT INTO incident_members (incident_id, user_id, added_by, added_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ).run(id, member.userId, member.addedBy, time(member.addedAt, 'addedAt')));
  }

  removeMember(id: string, userId: string): void {
    this.db.transaction('cannot remove incident member', () => {
      const incident = this.db.sql('SELECT restricted FROM incidents WHERE id = ?').get(id) as { restricted: number } | undefined;
      if (!incident) throw new StoreWriteError(`no incident with id "${id}"`, 'not-found');
      const members = (this.db.sql('SELECT count(*) AS n FROM incident_members WHERE incident_id = ?').get(id) as { n: number }).n;
      if (incident.restricted === 1 && members <= 1) {
        throw new StoreWriteError('a restricted incident keeps at least one member, or nobody could see it again', 'conflict');
      }
      const result = this.db.sql('DELETE FROM incident_members WHERE incident_id = ? AND user_id = ?').run(id, userId);
      if (result.changes === 0) throw new StoreWriteError('that user is not a member of the incident', 'not-found');
    });
  }
}

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id, title: row.title, description: row.description, severity: row.severity as Incident['severity'],
    status: row.status as Incident['status'], restricted: row.restricted === 1, createdBy: row.created_by,
    createdAt: row.created_at, updatedAt: row.updated_at,
  };
}
