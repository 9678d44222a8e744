/**
 * The game agent's protocol: what the agent injected into every hosted game
 * page (src-renderer/game-shim/) and the host serving that page
 * (src-main/host/game-agent/) say to each other, and what the host publishes
 * about running instances to control dashboards.
 *
 * One game page = one instance. The agent opens one WebSocket to AGENT_PATH on
 * the game's own origin (the host checks the Origin is that game's origin),
 * says hello, then sends a report at most every REPORT_INTERVAL_MS. The host
 * validates every message with the schemas of game-agent-schemas.ts (built
 * from these types and limits) and answers with conditions and status.
 *
 * Runtimes: host, game agent (page) and dashboard. Imports nothing (no zod),
 * so the agent bundle stays small.
 */
import type { DirectedConditions } from './network-conditions.js';

/** The agent's socket, on each game's own origin. */
export const AGENT_PATH = '/lan-party/agent';
/**
 * The signaling relay, on each game's own origin: the agent rewrites PeerJS
 * cloud-broker URLs here (socket `${RELAY_PATH}peerjs?...`, REST `${RELAY_PATH}<key>/id`),
 * and the host relays to the LAN's default broker of the moment.
 */
export const RELAY_PATH = '/lan-party/broker/';
/**
 * Query parameter the agent adds to the relayed signaling socket so the host
 * ties it to the instance (the agent's instance id; on the relay socket's URL
 * only, never confused with the bench's BENCH_PARAMS.instance of the page URL).
 */
export const RELAY_INSTANCE_PARAM = 'lanPartyInstance';

// ---------------------------------------------------------------------------
// The test bench (issue 12): N instances of one game in frames of one page
// ---------------------------------------------------------------------------

/** Page URL parameters the bench adds to each instance frame (after the game's own query). */
export const BENCH_PARAMS = {
  /** 1-based index of the instance in the bench. */
  instance: 'lanPartyInstance',
  /** Instances in the bench. */
  count: 'lanPartyCount',
  /** The bench's id: BENCH_LIMITS.benchIdPattern, random per bench page load. */
  bench: 'lanPartyBench',
} as const;

export const BENCH_LIMITS = {
  minCount: 2,
  maxCount: 16,
  benchIdPattern: /^[0-9a-f]{8}$/,
  /** `size` posts an instance makes in its page's life (the canvas is sized a few times at start, then rarely). */
  maxSizePosts: 8,
} as const;

/** Who a bench instance is: its bench, its index (1..count) and the count. */
export interface BenchIdentity {
  id: string;
  instance: number;
  count: number;
}

/**
 * Instance frame -> bench page (window.parent), by postMessage. F8 / Shift+F8
 * inside an instance ask the bench to move the focus (the agent swallows the
 * key); `size` is the game's main (largest) canvas, for the tile's aspect ratio.
 */
export type BenchFrameMessage =
  | { lanParty: 'focus-next' }
  | { lanParty: 'focus-previous' }
  | { lanParty: 'size'; width: number; height: number };

/** Bench page -> instance frame, by postMessage: accepted only from window.parent, only on a bench instance. */
export type BenchParentMessage = { lanParty: 'mute'; muted: boolean };

export const AGENT_LIMITS = {
  /** An instance id: 16 lowercase hex characters, random per page load. */
  instanceIdPattern: /^[0-9a-f]{16}$/,
  /** Reports are batched: at most one per interval per instance. */
  reportIntervalMs: 500,
  /** Largest agent message the host accepts (bytes of JSON); larger closes the socket. */
  maxMessageBytes: 64 * 1024,
  /** Messages per second per socket before the host drops the excess (counted). */
  maxMessagesPerSecond: 10,
  /** Links one instance reports (a game with more: the rest are summed into `dropped`). */
  maxLinksPerInstance: 32,
  /** Events in one report; the agent counts what it leaves out in `droppedEvents`. */
  maxEventsPerReport: 200,
  /** Event names tracked per instance (rates, backlog); more are counted under `(other)`. */
  maxEventNamesPerInstance: 64,
  /** Characters of an event name kept. */
  maxEventNameChars: 64,
  /** Characters of an event's data kept (a preview; the size is the real one). */
  maxEventDataChars: 256,
  /** Characters of a link label or remote peer id kept. */
  maxLabelChars: 64,
  /** Instances one host tracks at once, over all its games (a page past this gets no telemetry slot). */
  maxInstances: 64,
} as const;

/** Kind of the ICE candidate in use, local side (mDNS = a `.local` host candidate). */
export type CandidateKind = 'host' | 'mdns' | 'srflx' | 'prflx' | 'relay';

export type LinkState = 'connecting' | 'open' | 'closing' | 'closed';

export interface TrafficCount {
  messages: number;
  bytes: number;
}

/** One data channel of the instance, as its agent sees it. */
export interface LinkReport {
  /** Agent-local id, stable for the page's life (e.g. "l3"). */
  id: string;
  /** The remote PeerJS id when PeerJS names it (the channel's label or the connection's metadata), else null. */
  peer: string | null;
  /** The channel's label. */
  label: string;
  state: LinkState;
  /** Ordered with no retransmit limit: nothing is lost. */
  reliable: boolean;
  /** From getStats (the candidate pair's current RTT), null until known. */
  rttMs: number | null;
  candidate: CandidateKind | null;
  sent: TrafficCount;
  received: TrafficCount;
}

/** An `{eventName, data}` message seen on a link, in any PeerJS serialization. */
export interface EventReport {
  /** Epoch ms on the page's clock when sent or delivered to the game. */
  t: number;
  link: string;
  dir: 'in' | 'out';
  name: string;
  /** Bytes on the wire. */
  size: number;
  /** A preview of the data, at most maxEventDataChars. */
  data: string;
}

/** Per event name: counts since the page loaded, and the backlog when a frame-loop runtime tells it. */
export interface EventNameReport {
  name: string;
  in: number;
  out: number;
  /** Events received but not yet consumed by a GDevelop-style frame loop; null when unknown. */
  backlog: number | null;
}

export type AgentMessage =
  | {
      type: 'hello';
      instance: string;
      /** Path and query of the page (no origin). */
      page: string;
      /** Who the page is on the test bench, from its URL; null when it is not a bench instance. */
      bench: BenchIdentity | null;
    }
  | {
      type: 'report';
      links: LinkReport[];
      events: EventReport[];
      names: EventNameReport[];
      /** Events left out of reports since the last one (over maxEventsPerReport). */
      droppedEvents: number;
      /** The PeerJS id this page registered, when the agent saw it. */
      peerId: string | null;
    };

/** Host to agent. */
export type HostToAgentMessage =
  | {
      type: 'conditions';
      /** For every link of the instance. */
      instance: DirectedConditions;
      /** Per link id, overriding `instance` for that link. */
      links: Record<string, DirectedConditions>;
      /** A lag spike in force now: this much added delay each way, for `forMs` from receipt; null when none. */
      spike: { ms: number; forMs: number } | null;
    }
  | {
      /** A file of the game's folder changed (live reload): the agent reloads the page. */
      type: 'reload';
    }
  | {
      /** The signaling relay's state for this page, logged once per change in the game's console. */
      type: 'broker';
      state: 'waiting' | 'connected' | 'moving';
      message: string;
    };

// ---------------------------------------------------------------------------
// What a control dashboard gets (contract event `instances`)
// ---------------------------------------------------------------------------

export interface InstanceLink extends LinkReport {
  /** Messages/s each way over the last few seconds (host-computed). */
  rateIn: number;
  rateOut: number;
  /** The conditions in force on this link. */
  conditions: DirectedConditions;
}

export interface GameInstance {
  /** The agent's instance id. */
  id: string;
  gameId: string;
  gameName: string;
  page: string;
  /** Who the instance is on the test bench; null when it is not a bench instance. */
  bench: BenchIdentity | null;
  peerId: string | null;
  /** The relay's state for this instance (null when the game does not use the cloud broker). */
  broker: 'waiting' | 'connected' | 'moving' | null;
  connectedAt: number;
  links: InstanceLink[];
  names: (EventNameReport & { rateIn: number; rateOut: number })[];
  conditions: DirectedConditions;
  droppedEvents: number;
}

export interface InstancesState {
  instances: GameInstance[];
  /** Recording in progress, null when none. */
  recording: { startedAt: number; lines: number; bytes: number; truncated: boolean; file: string | null } | null;
}

/** Events of instances, pushed in batches to control dashboards (bounded per push). */
export interface InstanceEvents {
  events: (EventReport & { instance: string })[];
  /** Events left out of this push (over the per-push bound). */
  dropped: number;
}
