// The one Content-Security-Policy of the renderer, for both shells: the desktop app's app://
// handler and headless mode's HTTP server send it as a header (index.html carries no copy).
// No inline script or style anywhere: everything loads from the bundle. connect-src 'self' also
// covers headless mode's WebSocket (same origin).
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
