/**
 * The CSP of the LAN Party page, in Electron and in browsers. Brokers live on
 * arbitrary LAN addresses and ports, discovered at run time, so `connect-src`
 * admits any host but only over HTTP(S) and WebSocket; scripts, styles and
 * everything else come from the app itself.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  'connect-src \'self\' ws://*:* wss://*:* http://*:* https://*:*',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
