// Hash routing (#/events, #/transactions?id=7): works over file:// in Electron and over http in
// headless mode alike. The part after `?` carries a view's own parameters.
import { useSyncExternalStore } from 'react';

export const routes = [
  'dashboard',
  'drift',
  'chains',
  'contracts',
  'events',
  'signers',
  'transactions',
  'alerts',
  'automation',
  'workspace',
  'audit',
] as const;
export type Route = (typeof routes)[number];

function currentRoute(): Route {
  const name = window.location.hash.replace(/^#\/?/, '').split('?')[0] as Route;
  return routes.includes(name) ? name : 'dashboard';
}

function currentQuery(): string {
  return window.location.hash.split('?')[1] ?? '';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}

/** The current route's parameters (`#/transactions?id=7` → id=7). */
export function useRouteParams(): URLSearchParams {
  const query = useSyncExternalStore(subscribe, currentQuery);
  return new URLSearchParams(query);
}

export function hrefFor(route: Route, params?: Record<string, string | number>): string {
  const query = params
    ? new URLSearchParams(
        Object.entries(params).map(([key, value]) => [key, String(value)]),
      ).toString()
    : '';
  return `#/${route}${query ? `?${query}` : ''}`;
}

/** Goes to a route, as following a link would. */
export function navigate(route: Route, params?: Record<string, string | number>): void {
  window.location.hash = hrefFor(route, params);
}
