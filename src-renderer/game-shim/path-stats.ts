/**
 * Reading and freezing a peer connection's stats, for the game agent:
 * - `readPath`: the RTT and the local candidate kind of the candidate pair in
 *   use (the transport's selected pair, else the nominated succeeded one), as
 *   the dashboard shows them;
 * - `freezeReceived`: during a cut, the packet/byte counters the GAME reads
 *   through getStats stay at their values from the cut's start, so a game or
 *   engine that judges liveness from its transport (ours does:
 *   src-renderer/p2p/transport-stats.ts) sees silence, as with a pulled cable,
 *   although the browser still exchanges SCTP acks and ICE checks underneath.
 *
 * Works on anything with `forEach` over stats objects (RTCStatsReport, a Map).
 */
import type { CandidateKind } from '../../src-preload/game-agent-protocol.js';

type Stat = Record<string, unknown> & { type?: unknown; id?: unknown };
interface StatsLike {
  forEach(callback: (stat: Stat) => void): void;
}

export interface PathReading {
  rttMs: number | null;
  candidate: CandidateKind | null;
}

function selectedPair(report: StatsLike): { pair: Stat | null; byId: Map<string, Stat> } {
  const byId = new Map<string, Stat>();
  const transports: Stat[] = [];
  report.forEach((stat) => {
    if (typeof stat.id === 'string') byId.set(stat.id, stat);
    if (stat.type === 'transport') transports.push(stat);
  });
  for (const transport of transports) {
    const id = transport.selectedCandidatePairId;
    const pair = typeof id === 'string' ? byId.get(id) : undefined;
    if (pair) return { pair, byId };
  }
  for (const stat of byId.values()) if (stat.type === 'candidate-pair' && stat.nominated === true && stat.state === 'succeeded') return { pair: stat, byId };
  return { pair: null, byId };
}

const KINDS: readonly string[] = ['host', 'srflx', 'prflx', 'relay'];

export function readPath(report: StatsLike): PathReading {
  const { pair, byId } = selectedPair(report);
  if (!pair) return { rttMs: null, candidate: null };
  const rtt = pair.currentRoundTripTime;
  const rttMs = typeof rtt === 'number' && Number.isFinite(rtt) && rtt >= 0 ? Math.round(rtt * 10_000) / 10 : null;
  const local = typeof pair.localCandidateId === 'string' ? byId.get(pair.localCandidateId) : undefined;
  let candidate: CandidateKind | null = null;
  if (local && typeof local.candidateType === 'string' && KINDS.includes(local.candidateType)) {
    candidate = local.candidateType as CandidateKind;
    const address = typeof local.address === 'string' ? local.address : typeof local.ip === 'string' ? local.ip : '';
    if (candidate === 'host' && address.endsWith('.local')) candidate = 'mdns';
  }
  return { rttMs, candidate };
}

/** Counters of received traffic, per stats id (transport and candidate pairs). */
export type ReceivedSnapshot = Map<string, Record<string, number>>;

const TRANSPORT_FIELDS = ['packetsReceived', 'bytesReceived'] as const;
const PAIR_FIELDS = ['packetsReceived', 'bytesReceived', 'requestsReceived', 'responsesReceived', 'lastPacketReceivedTimestamp'] as const;

function fieldsOf(stat: Stat): readonly string[] {
  if (stat.type === 'transport') return TRANSPORT_FIELDS;
  if (stat.type === 'candidate-pair') return PAIR_FIELDS;
  return [];
}

export function snapshotReceived(report: StatsLike): ReceivedSnapshot {
  const snapshot: ReceivedSnapshot = new Map();
  report.forEach((stat) => {
    const fields = fieldsOf(stat);
    if (fields.length === 0 || typeof stat.id !== 'string') return;
    const values: Record<string, number> = {};
    for (const field of fields) {
      const value = stat[field];
      if (typeof value === 'number') values[field] = value;
    }
    snapshot.set(stat.id, values);
  });
  return snapshot;
}

/** A copy of `report` (as a Map, like RTCStatsReport) whose received counters are those of `snapshot`. */
export function freezeReceived(report: StatsLike, snapshot: ReceivedSnapshot): Map<string, Stat> {
  const out = new Map<string, Stat>();
  report.forEach((stat) => {
    const id = typeof stat.id === 'string' ? stat.id : String(out.size);
    const frozen = fieldsOf(stat).length > 0 ? snapshot.get(id) : undefined;
    if (!frozen && fieldsOf(stat).length > 0) {
      // Appeared during the cut: nothing has been received on it.
      const copy: Stat = { ...stat };
      for (const field of fieldsOf(stat)) if (typeof copy[field] === 'number') copy[field] = 0;
      out.set(id, copy);
      return;
    }
    out.set(id, frozen ? { ...stat, ...frozen } : stat);
  });
  return out;
}
