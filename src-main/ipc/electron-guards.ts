// Security decisions for the Electron shell as pure functions (no electron import), so they are
// unit-tested without Electron; src-main/electron/ applies them to the real window.

/**
 * The renderer's own scheme and host: the desktop app serves the built renderer as
 * app://vigil/… (registered standard and secure, so 'self' in the CSP means exactly these files),
 * never from file://, whose pages Chromium grants extra reach over the disk.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'vigil';
export const appIndexUrl = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The app's own page: the built renderer over app://, or electron-vite's dev server. */
export interface AppOrigin {
  /** app://vigil/index.html */
  indexFileUrl: string;
  /** e.g. http://localhost:5173 in development; undefined when packaged. */
  devServerUrl?: string;
}

function withoutHashOrQuery(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '';
  }
}

/** True only for the app's own page: requests from any other frame or page are refused. */
export function isAppUrl(url: string, app: AppOrigin): boolean {
  if (!url) return false;
  if (withoutHashOrQuery(url) === withoutHashOrQuery(app.indexFileUrl)) return true;
  if (app.devServerUrl) {
    try {
      return new URL(url).origin === new URL(app.devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}

export interface IpcSender {
  /** The URL of the frame that sent the message. */
  frameUrl: string;
  /** Whether that frame is its page's top frame (not an iframe). */
  isMainFrame: boolean;
  /** Whether the sending page is one of the windows the app created. */
  fromAppWindow: boolean;
}

export function isTrustedSender(sender: IpcSender, app: AppOrigin): boolean {
  return sender.fromAppWindow && sender.isMainFrame && isAppUrl(sender.frameUrl, app);
}

/** In-app navigation is by hash only; anything that would load another page is denied. */
export function isNavigationAllowed(
  currentUrl: string,
  targetUrl: string,
  app: AppOrigin,
): boolean {
  return (
    isAppUrl(targetUrl, app) && withoutHashOrQuery(currentUrl) === withoutHashOrQuery(targetUrl)
  );
}

/**
 * The dev server to load instead of the built renderer: ELECTRON_RENDERER_URL, in development
 * only. A packaged app ignores it, so no environment variable can point the window (and its
 * access to the contract) at another page.
 */
export function devServerUrlFrom(
  env: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
): string | undefined {
  if (isPackaged) return undefined;
  return env['ELECTRON_RENDERER_URL'] || undefined;
}

/**
 * Switches that let another process drive or read the app (Chromium's remote debugging, Node's
 * inspector). Electron also reads them with one dash, and on Windows with a slash.
 */
const debugSwitches = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-publish-uid',
  'debug',
  'debug-brk',
];

/**
 * The first debugging switch on a packaged app's command line (the app then quits saying so), or
 * null. In development they stay available. Arguments after `--` are looked at too: refusing one
 * too many is cheap, starting with a debugger port open is not.
 */
export function refusedDebugSwitch(argv: readonly string[], isPackaged: boolean): string | null {
  if (!isPackaged) return null;
  for (const arg of argv) {
    const match = /^(?:--?|\/)([A-Za-z][A-Za-z0-9-]*)(?:=|$)/.exec(arg);
    if (match && debugSwitches.includes(match[1]!.toLowerCase())) return arg.split('=')[0]!;
  }
  return null;
}

/** What a packaged app says before quitting on a debugging switch. */
export function debugSwitchRefusal(switchName: string): string {
  return `Vigil does not start with ${switchName}: a packaged build accepts no debugger or remote-control switch, since whatever attaches could approve and sign in your name. Start it without the switch.`;
}

/**
 * The settings every window gets: the renderer sandboxed and isolated from Node, no <webview>,
 * and in a packaged build no DevTools (a console in the window could approve in the operator's
 * name). Plain data, so what a packaged window gets is tested without Electron.
 */
export function lockedWebPreferences(preloadPath: string, isPackaged: boolean) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    devTools: !isPackaged,
  } as const;
}

/** Keyboard shortcuts that open DevTools; a packaged app swallows them (devTools is off too). */
export function isDevToolsShortcut(input: {
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}): boolean {
  const key = input.key.toLowerCase();
  if (key === 'f12') return true;
  const ctrlShift = input.control && input.shift && !input.meta;
  const cmdAlt = input.meta && input.alt;
  return (ctrlShift || cmdAlt) && ['i', 'j', 'c'].includes(key);
}

/**
 * The https origins of the configured chains' explorers: the one the operator set on the chain,
 * else the one a registry of known chains gives.
 */
export function explorerOrigins(
  chains: readonly { chainId: number; explorerUrl?: string }[],
  knownChains: readonly { id: number; blockExplorers?: { default: { url: string } } }[],
): string[] {
  const origins = new Set<string>();
  for (const { chainId, explorerUrl } of chains) {
    const url =
      explorerUrl ?? knownChains.find((chain) => chain.id === chainId)?.blockExplorers?.default.url;
    if (!url) continue;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:') origins.add(parsed.origin);
    } catch {
      // A registry entry that is not a URL allows nothing.
    }
  }
  return [...origins];
}

/**
 * The URL to hand to the system browser, normalised, or null: only https pages of an allowed
 * explorer origin, without user info. The normalised form is what opens, so a handler that parses
 * differently (backslashes, odd escapes) cannot be led to another host. Host names compare after
 * IDNA, so a look-alike in another script is another origin.
 */
export function externalLinkToOpen(url: string, allowedOrigins: readonly string[]): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null;
  return allowedOrigins.includes(parsed.origin) ? parsed.href : null;
}
