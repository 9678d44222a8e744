/**
 * Why a connection could not open, told from what ICE reported, and whether
 * an open one is direct or relayed.
 *
 * Three failures look the same from PeerJS (a timeout, or "negotiation
 * failed") but need different fixes from the user:
 * - this browser gathered no ICE candidate at all: Chromium on a LAN without
 *   a default route gathers none unless the page holds camera/microphone
 *   permission (DESIGN.md), so the hint about permission belongs here only;
 * - candidates on both sides but no pair worked: networks that cannot reach
 *   each other, which only a TURN server both can reach fixes;
 * - a TURN server refused the credentials: Chromium reports it within about
 *   0.1 s (`icecandidateerror`, 401), so it is told at once, not after the
 *   15 s connect timeout.
 *
 * `classifyConnectFailure` and `selectedPath` are pure (unit-tested);
 * `IceWatch` only collects their input from one RTCPeerConnection.
 */
import type { P2PErrorCode } from './errors.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** What ICE reported for one connection attempt. */
export interface IceReport {
  /** Local candidates gathered, by type (`relay` ones come from a TURN server). */
  local: Record<CandidateType, number>;
  /** Candidates the other side sent us. */
  remote: number;
  /** The other side answered (a remote description is set): it is there and negotiating. */
  answered: boolean;
  /** `turn:`/`turns:` URLs in the configuration this connection was made with. */
  turnServers: number;
  /** TURN URLs that refused our credentials (401), in the order reported. */
  turnAuthRefused: string[];
}

export interface ConnectFailure {
  code: P2PErrorCode;
  message: string;
}

export function emptyIceReport(): IceReport {
  return { local: { host: 0, srflx: 0, prflx: 0, relay: 0 }, remote: 0, answered: false, turnServers: 0, turnAuthRefused: [] };
}

function localTotal(report: IceReport): number {
  return report.local.host + report.local.srflx + report.local.prflx + report.local.relay;
}

/** A STUN error code from `icecandidateerror` that means the TURN server refused our credentials. */
export function isTurnAuthError(errorCode: unknown, url: unknown): boolean {
  return errorCode === 401 && typeof url === 'string' && /^turns?:/i.test(url);
}

/** The error recorded at once when a TURN server refuses the credentials. */
export function turnAuthFailure(peerId: string, url: string): ConnectFailure {
  return {
    code: 'turn-auth-failed',
    message: `TURN server ${url} refused the username/password (401) while connecting to peer ${peerId}: no relayed path through it; correct the ICE server's credentials`,
  };
}

/**
 * Why a connection attempt failed (`timeoutMs` when it timed out, null when
 * ICE itself reported failure). In order: refused TURN credentials that left
 * us without any relay candidate; no local candidate; the other side never
 * answered or sent no candidate; else no working path.
 */
export function classifyConnectFailure(peerId: string, report: IceReport, timeoutMs: number | null): ConnectFailure {
  const prefix = `Could not connect to peer ${peerId}`;
  const after = timeoutMs === null ? '' : ` after ${Math.round(timeoutMs / 1000)} s`;
  const total = localTotal(report);
  if (report.turnAuthRefused.length > 0 && report.local.relay === 0) {
    return {
      code: 'turn-auth-failed',
      message: `${prefix}${after}: TURN server ${report.turnAuthRefused[0]} refused the username/password (401); correct the ICE server's credentials`,
    };
  }
  if (total === 0) {
    return {
      code: 'no-ice-candidates',
      message: `${prefix}${after}: this browser gathered no ICE candidates (on a LAN without a default route, Chromium needs camera/microphone permission to gather them)`,
    };
  }
  if (!report.answered) {
    return { code: 'peer-unavailable', message: `${prefix}${after}: the peer did not answer` };
  }
  if (report.remote === 0) {
    return {
      code: 'no-ice-candidates',
      message: `${prefix}${after}: the peer sent no ICE candidates (its browser gathered none: on a LAN without a default route, Chromium needs camera/microphone permission to gather them)`,
    };
  }
  const counts = `${total} local and ${report.remote} remote candidates`;
  if (report.local.relay > 0) {
    return {
      code: 'no-ice-path',
      message: `${prefix}${after}: no working path between ${counts}, even through the TURN relay (the peer may not reach a TURN server; check its ICE servers)`,
    };
  }
  return {
    code: 'no-ice-path',
    message: `${prefix}${after}: no working path between ${counts} (the two networks cannot reach each other: add a TURN server both can reach)`,
  };
}

/** Direct or relayed: the selected candidate pair's candidate types. */
export interface IcePath {
  path: 'direct' | 'relayed';
  local: string;
  remote: string;
}

type Stat = Record<string, unknown>;

/**
 * The path an open connection uses, from its `getStats()` report: the
 * transport's selected pair (Firefox: the nominated, succeeded pair), relayed
 * when either end is a `relay` candidate. Null when no pair is selected yet.
 */
export function selectedPath(stats: Iterable<Stat>): IcePath | null {
  const byId = new Map<string, Stat>();
  for (const stat of stats) byId.set(String(stat['id']), stat);
  let pair: Stat | undefined;
  for (const stat of byId.values()) {
    if (stat['type'] === 'transport' && typeof stat['selectedCandidatePairId'] === 'string') {
      pair = byId.get(stat['selectedCandidatePairId']);
      if (pair) break;
    }
  }
  if (!pair) {
    for (const stat of byId.values()) {
      if (stat['type'] === 'candidate-pair' && (stat['selected'] === true || (stat['nominated'] === true && stat['state'] === 'succeeded'))) {
        pair = stat;
        break;
      }
    }
  }
  if (!pair) return null;
  const local = byId.get(String(pair['localCandidateId']))?.['candidateType'];
  const remote = byId.get(String(pair['remoteCandidateId']))?.['candidateType'];
  if (typeof local !== 'string' || typeof remote !== 'string') return null;
  return { path: local === 'relay' || remote === 'relay' ? 'relayed' : 'direct', local, remote };
}

/** `typ <type>` of an SDP candidate line. */
function candidateType(line: string): CandidateType | null {
  const match = / typ (host|srflx|prflx|relay)(?: |$)/.exec(line);
  return match ? (match[1] as CandidateType) : null;
}

/**
 * Collects an IceReport from one RTCPeerConnection: its own listeners beside
 * PeerJS's `on...` handlers (which it does not replace), and a count of the
 * candidates PeerJS adds from the other side.
 */
export class IceWatch {
  readonly report = emptyIceReport();
  private readonly pc: RTCPeerConnection;

  constructor(pc: RTCPeerConnection, onTurnAuthRefused: (url: string) => void) {
    this.pc = pc;
    try {
      const servers = pc.getConfiguration().iceServers ?? [];
      for (const server of servers) {
        const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
        this.report.turnServers += urls.filter((u) => /^turns?:/i.test(u)).length;
      }
    } catch {
      // A fake or closed connection: counts stay 0.
    }
    pc.addEventListener('icecandidate', (event: RTCPeerConnectionIceEvent) => {
      const type = event.candidate ? candidateType(event.candidate.candidate) : null;
      if (type) this.report.local[type] += 1;
    });
    pc.addEventListener('icecandidateerror', (event: Event) => {
      const { errorCode, url } = event as RTCPeerConnectionIceErrorEvent;
      if (!isTurnAuthError(errorCode, url) || this.report.turnAuthRefused.includes(url)) return;
      this.report.turnAuthRefused.push(url);
      onTurnAuthRefused(url);
    });
    // PeerJS adds each trickled remote candidate through this method; counted on the instance only.
    const add = pc.addIceCandidate.bind(pc);
    pc.addIceCandidate = ((candidate?: RTCIceCandidateInit | null) => {
      if (candidate?.candidate) this.report.remote += 1;
      return add(candidate ?? undefined);
    }) as RTCPeerConnection['addIceCandidate'];
  }

  /** The report, with whether the other side has answered (read now: PeerJS may have dropped the connection's reference). */
  snapshot(): IceReport {
    let answered: boolean;
    try {
      answered = this.pc.remoteDescription !== null;
    } catch {
      answered = false;
    }
    return { ...this.report, local: { ...this.report.local }, turnAuthRefused: [...this.report.turnAuthRefused], answered };
  }

  /** The connection's current path, null when none is selected (or stats cannot be read). */
  async path(): Promise<IcePath | null> {
    try {
      const stats = await this.pc.getStats();
      const list: Stat[] = [];
      stats.forEach((value: Stat) => list.push(value));
      return selectedPath(list);
    } catch {
      return null;
    }
  }
}
