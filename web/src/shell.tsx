/** The signed-in console: top bar, navigation and the current page. */
import { useEffect, useState } from 'react';
import { logout } from './api/client.ts';
import type { User } from './api/types.ts';
import { IconAudit, IconDetections, IconOverview, IconRoles, IconRules, IconSearch, IconSources, IconUsers, Logo } from './components/icons.tsx';
import { Link } from './components/link.tsx';
import { Modal } from './components/modal.tsx';
import { Redirect } from './components/redirect.tsx';
import { UserMenu } from './components/user-menu.tsx';
import { can } from './lib/access.ts';
import { searchUrlForEventsLink } from './lib/events-redirect.ts';
import { useLocation } from './lib/router.ts';
import { ApiTokensPage } from './pages/api-tokens-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { DetectionsPage } from './pages/detections-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { PasswordForm } from './pages/password-form.tsx';
import { RolesPage } from './pages/roles-page.tsx';
import { RuleViewPage } from './pages/rules/rule-view-page.tsx';
import { RulesPage } from './pages/rules/rules-page.tsx';
import { SearchPage } from './pages/search/search-page.tsx';
import { SecurityPage } from './pages/security-page.tsx';
import { SessionsPage } from './pages/sessions-page.tsx';
import { SourcesPage } from './pages/sources-page.tsx';
import { UserDetailPage } from './pages/user-detail-page.tsx';
import { UsersPage } from './pages/users-page.tsx';

/** `need`: the permission the page's data needs; without it the entry is hidden (the server would refuse anyway). */
const NAV: readonly { to: string; label: string; icon: typeof IconOverview; need?: string }[] = [
  { to: '/', label: 'Overview', icon: IconOverview },
  { to: '/sources', label: 'Sources', icon: IconSources, need: 'sources:read' },
  { to: '/search', label: 'Search', icon: IconSearch, need: 'events:read' },
  { to: '/detections', label: 'Detections', icon: IconDetections, need: 'events:read' },
  { to: '/rules', label: 'Rules', icon: IconRules, need: 'rules:read' },
  { to: '/users', label: 'Users', icon: IconUsers, need: 'users:read' },
  { to: '/roles', label: 'Roles', icon: IconRoles, need: 'users:read' },
  { to: '/audit', label: 'Audit', icon: IconAudit, need: 'audit:read' },
];

/** A path segment as written in a link (`encodeURIComponent`), or as it is when it is not valid percent-encoding. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function page(path: string, search: string, user: User, onUserChanged: (user: User) => void) {
  switch (path) {
    case '/':
    case '/overview':
      return <OverviewPage />;
    case '/sources':
      return <SourcesPage />;
    case '/search':
      return <SearchPage search={search} />;
    case '/events':
      // The Events page that Search replaced: its bookmarks open the same search there.
      return <Redirect to={searchUrlForEventsLink(search)} />;
    case '/rules':
      return <RulesPage search={search} />;
    case '/detections':
      return <DetectionsPage search={search} />;
    case '/users':
      return <UsersPage />;
    case '/roles':
      return <RolesPage />;
    case '/audit':
      return <AuditPage />;
    case '/account/tokens':
      return <ApiTokensPage />;
    case '/account/sessions':
      return <SessionsPage />;
    case '/account/security':
      return <SecurityPage user={user} onUserChanged={onUserChanged} />;
    default:
      if (/^\/users\/[^/]+$/.test(path)) return <UserDetailPage userId={path.slice('/users/'.length)} />;
      if (/^\/rules\/[^/]+$/.test(path)) return <RuleViewPage ruleId={decodePathSegment(path.slice('/rules/'.length))} />;
      return <NotFoundPage path={path} />;
  }
}

/** The application frame around the pages. */
export function Shell({ user, onSignedOut, onUserChanged }: { user: User; onSignedOut(): void; onUserChanged(user: User): void }) {
  const { path, search } = useLocation();
  const [changing, setChanging] = useState(false);
  const [passwordChanged, setPasswordChanged] = useState(false);
  const current = path === '/overview' ? '/' : path.startsWith('/users/') ? '/users' : path.startsWith('/rules/') ? '/rules' : path;

  useEffect(() => {
    if (!passwordChanged) return;
    const t = window.setTimeout(() => setPasswordChanged(false), 6000);
    return () => window.clearTimeout(t);
  }, [passwordChanged]);

  const signOut = (): void => {
    // Even if the request fails, the user asked to leave: drop the local session view.
    void logout().catch(() => undefined).finally(onSignedOut);
  };

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand"><Logo /><span className="brand-name">Vigil</span></Link>
        <div className="topbar-spacer" />
        {passwordChanged && <span className="topbar-note" role="status">Password changed</span>}
        <UserMenu user={user} onChangePassword={() => { setPasswordChanged(false); setChanging(true); }} onSignOut={signOut} />
      </header>
      <nav className="sidenav" aria-label="Main">
        {NAV.filter((n) => n.need === undefined || can(user, n.need)).map(({ to, label, icon: Icon }) => (
          <Link key={to} to={to} className={current === to ? 'nav-item nav-item-active' : 'nav-item'} current={current === to}>
            <Icon /><span>{label}</span>
          </Link>
        ))}
      </nav>
      <main className="content">{page(path, search, user, onUserChanged)}</main>
      {changing && (
        <Modal title="Change password" onClose={() => setChanging(false)}>
          <PasswordForm username={user.username} submitLabel="Change password" onChanged={() => { setChanging(false); setPasswordChanged(true); }}
            extraActions={<button type="button" className="button button-ghost" onClick={() => setChanging(false)}>Cancel</button>} />
        </Modal>
      )}
    </div>
  );
}
