/** Small shared building blocks: page header, notices, empty states, kind badges. */
import type { ReactNode } from 'react';
import { errorMessage } from '../api/errors.ts';
import { formatTimestamp } from '../lib/format.ts';
import { usePrefs } from '../lib/prefs.ts';
import { IconWarning } from './icons.tsx';

/** Title row of a page with optional actions on the right. */
export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** An error notice. With `staleSince`, says that the data shown is from that time. */
export function ErrorNotice({ error, staleSince, onRetry }: { error: unknown; staleSince?: number | undefined; onRetry?: () => void }) {
  const { utc } = usePrefs();
  return (
    <div className="notice notice-error" role="alert">
      <IconWarning />
      <div className="notice-text">
        {errorMessage(error)}
        {staleSince !== undefined && <span className="muted"> Showing data from {formatTimestamp(staleSince, utc, false)}.</span>}
      </div>
      {onRetry && <button type="button" className="button button-small" onClick={onRetry}>Retry</button>}
    </div>
  );
}

/** A calm placeholder for an empty list, saying why it is empty and what to do. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <strong>{title}</strong>
      {children && <div className="muted">{children}</div>}
    </div>
  );
}

const KIND_LABELS: Record<string, string> = {
  syslog: 'Syslog', http: 'HTTP', hec: 'Splunk HEC', elastic: 'Elastic', otlp: 'OTLP', file: 'File', demo: 'Demo',
};

/** Display name of an intake kind. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** The intake kind as a compact tag. */
export function KindBadge({ kind }: { kind: string }) {
  return <span className={`tag tag-kind tag-kind-${KIND_LABELS[kind] ? kind : 'other'}`}>{kindLabel(kind)}</span>;
}

/** A centered spinner line for first loads. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return <div className="loading" role="status"><span className="spinner" aria-hidden="true" />{label}</div>;
}
