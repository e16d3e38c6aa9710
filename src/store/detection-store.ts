import type { Detection, DetectionLevel } from '../detect/detection.ts';

export interface DetectionQuery {
  /** Event time range in ms, `from` inclusive, `to` exclusive. */
  from?: number;
  to?: number;
  ruleId?: string;
  /** Any of these levels; absent or empty: every level. */
  level?: DetectionLevel[];
  limit: number;
  /** Paging: only detections with an id below this one (the last id of the previous page). */
  before?: number;
}

export type StoredDetection = Detection & { id: number };

/** Detections found by the streaming engine, newest first; bounded by `detections.retentionDays`. */
export interface DetectionStore {
  add(detections: readonly Detection[]): void;
  /** Newest (highest id) first. */
  list(q: DetectionQuery): StoredDetection[];
  get(id: number): StoredDetection | undefined;
  /** Detections per rule id detected at or after `since` (the Rules page's hits over the last 24 h). */
  hitsByRule(since: number): Map<string, number>;
  /** Deletes detections detected before `time` (retention, `detections.retentionDays`); returns how many. */
  deleteBefore(time: number): number;
}
