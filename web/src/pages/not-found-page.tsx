/** Shown for a console path that does not exist. */
import { Link } from '../components/link.tsx';
import { EmptyState, PageHeader } from '../components/ui.tsx';

/** Says the page does not exist and links back. */
export function NotFoundPage({ path }: { path: string }) {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title={`There is no page at ${path.slice(0, 200)}`}>
        <Link to="/">Go to the overview</Link>
      </EmptyState>
    </>
  );
}
