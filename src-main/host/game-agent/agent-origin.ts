/**
 * Whether an agent socket comes from a page of the game it connects to: its
 * Origin must be exactly `http://` + the Host header it sent, and that Host
 * must name the game's own port. A page of another game (another port), of
 * the dashboard, of a site elsewhere, or a tool without an Origin is refused:
 * telemetry and conditions are the business of the game's own pages only.
 */
export function isGameOwnOrigin(origin: string | undefined, host: string | undefined, gamePort: number): boolean {
  if (!origin || !host || origin !== `http://${host}`) return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  // Canonical spelling only (what a browser sends), and the game's port, never a default one.
  return parsed.host === host && parsed.port === String(gamePort);
}
