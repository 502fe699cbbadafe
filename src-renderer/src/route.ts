// Hash routing (#/events): works over file:// in Electron and over http in headless mode alike.
import { useSyncExternalStore } from 'react';

export const routes = [
  'dashboard',
  'chains',
  'contracts',
  'events',
  'alerts',
  'workspace',
] as const;
export type Route = (typeof routes)[number];

function currentRoute(): Route {
  const name = window.location.hash.replace(/^#\/?/, '').split('?')[0] as Route;
  return routes.includes(name) ? name : 'dashboard';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}

export function hrefFor(route: Route): string {
  return `#/${route}`;
}
