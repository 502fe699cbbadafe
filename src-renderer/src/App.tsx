// The app shell: skip link, left navigation, connection banner, the current view, and the
// keyboard shortcuts with their `?` overlay.
import { useEffect, useRef, useState } from 'react';
import { AuditIntegrityBanner } from './components/AuditIntegrityBanner.tsx';
import { SafeModeBanner } from './components/SafeModeBanner.tsx';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { useConnection } from './client/index.ts';
import { hrefFor, useRoute, type Route } from './route.ts';
import { DashboardView } from './views/DashboardView.tsx';
import { DriftView } from './views/DriftView.tsx';
import { ChainsView } from './views/ChainsView.tsx';
import { ContractsView } from './views/ContractsView.tsx';
import { EventsView } from './views/EventsView.tsx';
import { WorkspaceView } from './views/WorkspaceView.tsx';
import { SignersView } from './views/SignersView.tsx';
import { TransactionsView } from './views/TransactionsView.tsx';
import { AWAITING, useTransactions } from './stores/transactions.ts';
import { AuditView } from './views/AuditView.tsx';
import { AlertsView } from './views/AlertsView.tsx';
import { AutomationView } from './views/AutomationView.tsx';
import { AutomationSwitch } from './components/AutomationSwitch.tsx';
import { useAlerts } from './stores/alerts.ts';
import { ShortcutHelp } from './components/ShortcutHelp.tsx';
import { installShortcuts } from './shortcuts.ts';
import { ANNOUNCER_ID } from './components/announce.ts';

const navItems: { route: Route; label: string }[] = [
  { route: 'dashboard', label: 'Dashboard' },
  { route: 'drift', label: 'Sync drift' },
  { route: 'chains', label: 'Chains' },
  { route: 'contracts', label: 'Contracts' },
  { route: 'events', label: 'Events' },
  { route: 'signers', label: 'Signers' },
  { route: 'transactions', label: 'Transactions' },
  { route: 'alerts', label: 'Alerts' },
  { route: 'automation', label: 'Automation' },
  { route: 'workspace', label: 'Workspace' },
  { route: 'audit', label: 'Audit' },
];

/** How many proposals wait for a person: shown on the navigation so none is forgotten. */
function useAwaitingApproval(): number {
  return useTransactions((state) => {
    let count = 0;
    for (const tx of state.byId.values()) if (AWAITING.includes(tx.status)) count++;
    return count;
  });
}

/** The window title names the view and, when any, the proposals waiting for approval. */
function useWindowTitle(route: Route, awaiting: number): void {
  useEffect(() => {
    const view = navItems.find((item) => item.route === route)?.label ?? 'Vigil';
    document.title = `${view}${awaiting > 0 ? ` (${awaiting} awaiting approval)` : ''} — Vigil`;
  }, [route, awaiting]);
}

export function App() {
  const route = useRoute();
  const awaiting = useAwaitingApproval();
  const [helpOpen, setHelpOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  useWindowTitle(route, awaiting);
  useEffect(() => installShortcuts(() => setHelpOpen(true)), []);
  // Without an accepted token nothing can load; the banner says what to do instead.
  const refused = useConnection((state) => state.state === 'bad-token');
  const unacknowledged = useAlerts((state) => state.unacknowledged);
  return (
    <div className="shell">
      {/* A link to an id would change the hash route, so the skip link moves focus itself. */}
      <a
        className="skip-link"
        href="#main-content"
        onClick={(event) => {
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to main content
      </a>
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
                {item.route === 'transactions' && awaiting > 0 && (
                  <span className="nav-count" aria-label={`${awaiting} awaiting approval`}>
                    {awaiting}
                  </span>
                )}
                {item.route === 'alerts' && unacknowledged > 0 && (
                  <span
                    className="nav-count nav-count-alert"
                    data-testid="alerts-count"
                    aria-label={`${unacknowledged} unacknowledged`}
                  >
                    {unacknowledged}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
        <AutomationSwitch />
        <button
          type="button"
          className="button-small shortcuts-button"
          onClick={() => setHelpOpen(true)}
        >
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </nav>
      <main className="content" id="main-content" tabIndex={-1} ref={mainRef}>
        <ConnectionBanner />
        <SafeModeBanner />
        <AuditIntegrityBanner />
        {!refused && <CurrentView route={route} />}
      </main>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
      <div id={ANNOUNCER_ID} className="visually-hidden" role="status" aria-live="polite" />
    </div>
  );
}

function CurrentView({ route }: { route: Route }) {
  switch (route) {
    case 'dashboard':
      return <DashboardView />;
    case 'drift':
      return <DriftView />;
    case 'chains':
      return <ChainsView />;
    case 'contracts':
      return <ContractsView />;
    case 'events':
      return <EventsView />;
    case 'signers':
      return <SignersView />;
    case 'transactions':
      return <TransactionsView />;
    case 'alerts':
      return <AlertsView />;
    case 'automation':
      return <AutomationView />;
    case 'workspace':
      return <WorkspaceView />;
    case 'audit':
      return <AuditView />;
  }
}
