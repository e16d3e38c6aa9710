/**
 * Incidents as far as access control needs them: who may see one. A restricted incident is visible
 * only to its members — not to admins who are not members either, so a sensitive case (an insider, an
 * executive's account) stays need-to-know. The incident-response issue adds phases, tasks, timeline
 * and evidence on top of this record.
 */
export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
export const INCIDENT_STATUSES = ['open', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Incident {
  id: string;
  title: string;
  description: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  restricted: boolean;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface IncidentMember {
  userId: string;
  addedBy: string;
  addedAt: number;
}

export type IncidentChanges = Partial<Pick<Incident, 'title' | 'description' | 'severity' | 'status' | 'restricted'>>;

export interface IncidentStore {
  /** Creates the incident with its creator as the first member, in one transaction. */
  create(incident: Incident): void;
  /** The incident if `viewerId` may see it (unrestricted, or a member); undefined otherwise — unknown and hidden look the same. */
  findVisible(id: string, viewerId: string): Incident | undefined;
  /** Incidents `viewerId` may see, newest first. Visibility is decided in the query, never after a limit. */
  listVisible(viewerId: string, limit: number): Incident[];
  update(id: string, changes: IncidentChanges, at: number): Incident;
  listMembers(id: string): IncidentMember[];
  isMember(id: string, userId: string): boolean;
  addMember(id: string, member: IncidentMember): void;
  /** Refused (`conflict`) when it would leave a restricted incident without members. */
  removeMember(id: string, userId: string): void;
}
