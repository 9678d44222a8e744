/**
 * "Auto-connect to everyone on the LAN": who dials whom, as pure functions.
 *
 * One rule decides: of two peers, the one with the smaller id (code-unit
 * order, the same on every machine) dials. When every dashboard has
 * auto-connect on, that builds a full mesh with exactly one connection per
 * pair, never two crossing attempts. A larger id dials too, but only after
 * the other side stayed silent for `fallbackAfterMs` (it may have auto-connect
 * off, or be a game that never dials); by then a dialing smaller peer would
 * long be connected, so this does not create duplicates either.
 */

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The id that dials when `a` and `b` should be connected. */
export function dialerOf(a: string, b: string): string {
  return compareIds(a, b) <= 0 ? a : b;
}

export interface DialPlanInput {
  self: string;
  /** Ids known to be on the LAN / broker right now (may include self). */
  candidates: readonly string[];
  /** Peers connected or being connected (either direction). */
  busy: ReadonlySet<string>;
  /** Peers the user disconnected by hand: never re-dialed automatically. */
  excluded: ReadonlySet<string>;
  /** When each candidate was first seen (epoch ms). */
  firstSeen: ReadonlyMap<string, number>;
  /** When we last dialed each id (epoch ms). */
  lastAttempt: ReadonlyMap<string, number>;
  now: number;
  /** How long a larger id waits for the smaller one to dial. */
  fallbackAfterMs: number;
  /** How long after an attempt the same id may be dialed again. */
  retryAfterMs: number;
  /** Dials started per plan at most (a big LAN is joined progressively, not all at once). */
  maxDials: number;
}

/** The ids to dial now, in a stable order. */
export function planDials(input: DialPlanInput): string[] {
  const { self, now } = input;
  if (self === '') return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const id of [...input.candidates].sort(compareIds)) {
    if (out.length >= input.maxDials) break;
    if (id === self || seen.has(id)) continue;
    seen.add(id);
    if (input.busy.has(id) || input.excluded.has(id)) continue;
    const last = input.lastAttempt.get(id);
    if (last !== undefined && now - last < input.retryAfterMs) continue;
    if (dialerOf(self, id) === self) {
      out.push(id);
      continue;
    }
    const first = input.firstSeen.get(id) ?? now;
    if (now - first >= input.fallbackAfterMs) out.push(id);
  }
  return out;
}
