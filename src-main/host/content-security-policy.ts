/**
 * The CSP of the LAN Party page, in Electron and in browsers. Brokers live on
 * arbitrary LAN addresses and ports, discovered at run time, so `connect-src`
 * admits any host but only over HTTP(S) and WebSocket, and `frame-src` admits
 * the hosted games the test bench frames; scripts, styles and everything else
 * come from the app itself.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  'connect-src \'self\' ws://*:* wss://*:* http://*:* https://*:*',
  // The test bench frames hosted games, each its own origin at `http://<host address>:<game port>/`
  // (the game's own CSP names who may frame it). Nothing else is framed: the dashboard frames nothing.
  'frame-src http://*:* https://*:*',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * No page of ours ever sends a Referer: a dashboard address may carry the
 * control token in its fragment, and a link or navigation elsewhere (a game,
 * another site) must learn nothing about it. Set on every response of the
 * dashboard's origin, not only HTML, so no document of that origin lacks it.
 */
export const REFERRER_POLICY = 'no-referrer';

/** Headers of the dashboard page (headless static route and Electron's `lan-party://app`). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Referrer-Policy': REFERRER_POLICY,
  'X-Frame-Options': 'DENY',
};
