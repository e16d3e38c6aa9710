/** Inline SVG icons (stroke-based, 16px grid) so the console needs no icon font or network. */
import type { ReactNode } from 'react';

function Icon({ children, size = 16, className }: { children: ReactNode; size?: number; className?: string | undefined }) {
  return (
    <svg className={className ? `icon ${className}` : 'icon'} width={size} height={size} viewBox="0 0 16 16" fill="none"
      stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

type P = { size?: number; className?: string };

export const IconOverview = (p: P) => <Icon {...p}><path d="M1.5 9h3l2-5 3 9 2-4h3" /></Icon>;
export const IconSources = (p: P) => (
  <Icon {...p}><ellipse cx="8" cy="3.5" rx="5.5" ry="2" /><path d="M2.5 3.5v9c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2v-9" /><path d="M2.5 8c0 1.1 2.5 2 5.5 2s5.5-.9 5.5-2" /></Icon>
);
export const IconChevron = (p: P) => <Icon {...p}><path d="m6 4 4 4-4 4" /></Icon>;
export const IconCaretDown = (p: P) => <Icon {...p}><path d="m4.5 6.5 3.5 3.5 3.5-3.5" /></Icon>;
export const IconUser = (p: P) => <Icon {...p}><circle cx="8" cy="5.5" r="2.75" /><path d="M2.5 14c.7-2.6 2.9-4 5.5-4s4.8 1.4 5.5 4" /></Icon>;
export const IconCopy = (p: P) => <Icon {...p}><rect x="5.5" y="5.5" width="8" height="8" rx="1.5" /><path d="M10.5 5.5v-2a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h2" /></Icon>;
export const IconCheck = (p: P) => <Icon {...p}><path d="m3 8.5 3 3 7-7" /></Icon>;
export const IconWarning = (p: P) => <Icon {...p}><path d="M8 2 1.5 13.5h13L8 2z" /><path d="M8 6.5v3M8 11.7v.1" /></Icon>;
export const IconRefresh = (p: P) => <Icon {...p}><path d="M13.5 8a5.5 5.5 0 1 1-1.6-3.9" /><path d="M13.5 2.5v3h-3" /></Icon>;
export const IconPlus = (p: P) => <Icon {...p}><path d="M8 3v10M3 8h10" /></Icon>;
export const IconClose = (p: P) => <Icon {...p}><path d="m4 4 8 8M12 4l-8 8" /></Icon>;
export const IconFilter = (p: P) => <Icon {...p}><path d="M2 3h12l-4.5 5.5V13l-3-1.5v-3L2 3z" /></Icon>;
/** A list with a check mark: the audit log. */
export const IconAudit = (p: P) => <Icon {...p}><path d="M2 3.5h8M2 7.5h6M2 11.5h4" /><path d="m8.5 12 2 2 4-4.5" /></Icon>;
/** A page with lines: detection rules. */
export const IconRules = (p: P) => <Icon {...p}><path d="M3.5 1.5h6l3 3v10h-9z" /><path d="M6 8h4M6 11h2.5" /></Icon>;
/** A bell: detections. */
export const IconDetections = (p: P) => <Icon {...p}><path d="M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11z" /><path d="M6.5 14h3" /></Icon>;
export const IconClock = (p: P) => <Icon {...p}><circle cx="8" cy="8" r="6" /><path d="M8 4.5V8l2.5 1.5" /></Icon>;

/** The Vigil mark: a shield with a "V". */
export function Logo({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className="logo-mark">
      <path d="M16 2 4 6.5v8.2c0 7.3 5 13.4 12 15.3 7-1.9 12-8 12-15.3V6.5L16 2z" fill="var(--logo-fill)" stroke="var(--accent)" strokeWidth="2" />
      <path d="M9.5 12.5 16 23l6.5-10.5" fill="none" stroke="var(--accent)" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
export const IconUsers = (p: P) => (
  <Icon {...p}><circle cx="6" cy="5.5" r="2.5" /><path d="M1.5 13.5c.5-2.3 2.3-3.6 4.5-3.6s4 1.3 4.5 3.6" /><path d="M10.5 3.2a2.5 2.5 0 0 1 0 4.6M12 10.2c1.3.5 2.2 1.6 2.5 3.3" /></Icon>
);
export const IconRoles = (p: P) => <Icon {...p}><path d="M8 1.5 2.5 3.5v4c0 3.3 2.3 6 5.5 7 3.2-1 5.5-3.7 5.5-7v-4L8 1.5z" /><path d="m5.5 8 1.8 1.8L10.8 6.3" /></Icon>;
export const IconSearch = (p: P) => <Icon {...p}><circle cx="7" cy="7" r="4.5" /><path d="m10.3 10.3 3.7 3.7" /></Icon>;
export const IconMinus = (p: P) => <Icon {...p}><path d="M3 8h10" /></Icon>;
export const IconDownload = (p: P) => <Icon {...p}><path d="M8 2.5v8M4.5 7 8 10.5 11.5 7M2.5 13.5h11" /></Icon>;
export const IconHelp = (p: P) => <Icon {...p}><circle cx="8" cy="8" r="6" /><path d="M6.3 6.2a1.8 1.8 0 0 1 3.5.6c0 1.2-1.8 1.5-1.8 2.6M8 11.6v.1" /></Icon>;
export const IconStar = (p: P) => <Icon {...p}><path d="m8 1.8 1.9 3.9 4.3.6-3.1 3 .7 4.3L8 11.6l-3.8 2 .7-4.3-3.1-3 4.3-.6L8 1.8z" /></Icon>;
