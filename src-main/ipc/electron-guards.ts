// Security decisions for the Electron shell as pure functions (no electron import), so they are
// unit-tested without Electron; src-main/electron/ applies them to the real window.

/** The app's own page: the built renderer over file://, or electron-vite's dev server. */
export interface AppOrigin {
  /** e.g. file:///…/out/renderer/index.html */
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

/** Links the operator clicks (an explorer, docs) may open in the system browser, nothing else. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

export const contentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
