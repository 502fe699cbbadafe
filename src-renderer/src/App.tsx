// The app shell: left navigation, connection banner, and the current view.
import { AuditIntegrityBanner } from './components/AuditIntegrityBanner.tsx';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { useConnection } from './client/index.ts';
import { hrefFor, useRoute, type Route } from './route.ts';
import { DashboardView } from './views/DashboardView.tsx';
import { ChainsView } from './views/ChainsView.tsx';
import { ContractsView } from './views/ContractsView.tsx';
import { EventsView } from './views/EventsView.tsx';
import { WorkspaceView } from './views/WorkspaceView.tsx';
import { AuditView } from './views/AuditView.tsx';

const navItems: { route: Route; label: string }[] = [
  { route: 'dashboard', label: 'Dashboard' },
  { route: 'chains', label: 'Chains' },
  { route: 'contracts', label: 'Contracts' },
  { route: 'events', label: 'Events' },
  { route: 'workspace', label: 'Workspace' },
  { route: 'audit', label: 'Audit' },
];

export function App() {
  const route = useRoute();
  // Without an accepted token nothing can load; the banner says what to do instead.
  const refused = useConnection((state) => state.state === 'bad-token');
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Vigil
        </div>
        <ul>
          {navItems.map((item) => (
            <li key={item.route}>
              <a
                href={hrefFor(item.route)}
                aria-current={route === item.route ? 'page' : undefined}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <ConnectionBanner />
        <AuditIntegrityBanner />
        {!refused && <CurrentView route={route} />}
      </main>
    </div>
  );
}

function CurrentView({ route }: { route: Route }) {
  switch (route) {
    case 'dashboard':
      return <DashboardView />;
    case 'chains':
      return <ChainsView />;
    case 'contracts':
      return <ContractsView />;
    case 'events':
      return <EventsView />;
    case 'workspace':
      return <WorkspaceView />;
    case 'audit':
      return <AuditView />;
  }
}
