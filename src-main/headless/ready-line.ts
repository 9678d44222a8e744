/**
 * The one machine-readable line `lan-party host` prints once it serves:
 * `LAN_PARTY_READY {json}`. Launchers (e2e, the LAN tier, bench/) read it
 * instead of the human text, which stays free to change wording. Pure (no
 * Node APIs): the CLI writes it, test tooling parses it.
 */

export const READY_PREFIX = 'LAN_PARTY_READY ';

export interface ReadyGame {
  id: string;
  name: string;
  port: number;
  /** The game at the host's LAN address (loopback when it has none), as the human "Hosting game" line prints it. */
  url: string;
}

export interface HostReady {
  /** The port actually bound (the preferred one may have been taken). */
  port: number;
  /** Page URLs: loopback first, then each LAN address. */
  urls: string[];
  /** The control token (also printed in the human control address). */
  token: string;
  /** This host's instance id on the LAN. */
  instance: string;
  /** The broker on the host's port, or null when started with it stopped. */
  broker: { path: string; key: string } | null;
  games: ReadyGame[];
}

export function formatReadyLine(ready: HostReady): string {
  return `${READY_PREFIX}${JSON.stringify(ready)}`;
}

/** The ready payload of one output line, or null when the line is not a (well-formed) ready line. */
export function parseReadyLine(line: string): HostReady | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith(READY_PREFIX)) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed.slice(READY_PREFIX.length));
  } catch {
    return null;
  }
  return isHostReady(value) ? value : null;
}

function isHostReady(value: unknown): value is HostReady {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const broker = v['broker'];
  return (
    Number.isInteger(v['port']) &&
    Array.isArray(v['urls']) &&
    v['urls'].every((url) => typeof url === 'string') &&
    typeof v['token'] === 'string' &&
    typeof v['instance'] === 'string' &&
    (broker === null || (typeof broker === 'object' && typeof (broker as Record<string, unknown>)['path'] === 'string')) &&
    Array.isArray(v['games']) &&
    v['games'].every((game) => typeof game === 'object' && game !== null && Number.isInteger((game as Record<string, unknown>)['port']))
  );
}
