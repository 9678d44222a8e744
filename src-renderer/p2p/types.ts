/**
 * Public types of the P2P engine.
 *
 * `BrokerEndpoint` is defined in limits.ts, which the contract re-exports.
 * `IceServer` mirrors `src-preload/contract.ts`, which infers it from its zod
 * schema: it is restated here, structurally, only so that the standalone
 * bundle's `.d.ts` is self-contained (the contract pulls zod's types);
 * `contract-compat.test.ts` fails to compile if the two ever drift apart.
 */
import type { P2PErrorCode } from './errors.js';
import type { BrokerEndpoint } from './limits.js';

export type { BrokerEndpoint };

export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

/**
 * Where the LAN's default broker comes from: `/api/lan` over HTTP in a
 * browser (`createHttpDefaultBrokerSource`), the host bridge in the dashboard.
 */
export interface DefaultBrokerSource {
  /** The current default broker, null when the LAN has none yet. */
  get(): Promise<BrokerEndpoint | null>;
  /** Called whenever the default changes; returns the function that unsubscribes. */
  subscribe(listener: (endpoint: BrokerEndpoint | null) => void): () => void;
}

export type Direction = 'incoming' | 'outgoing';

/**
 * Why a peer was reported disconnected:
 * - `closed`: the other side (or the channel) closed the connection;
 * - `local`: this engine closed it (disconnect from peer / all peers / all);
 * - `timeout`: nothing (no frame, no packet on the transport) came from an engine peer for 2 s (vanished);
 * - `ice-failed`: ICE reported the path failed, or a stock peer's transport went silent (probes unanswered, or ICE disconnected with no packets);
 * - `error`: the connection errored.
 */
export type DisconnectReason = 'closed' | 'local' | 'timeout' | 'ice-failed' | 'error';

export interface ReadyEvent {
  id: string;
  broker: BrokerEndpoint;
}

export interface PeerConnectedEvent {
  peerId: string;
  direction: Direction;
  /** The other side is a LAN Party engine (known at once for incoming, after its hello for outgoing). */
  engine: boolean;
}

export interface PeerDisconnectedEvent {
  peerId: string;
  reason: DisconnectReason;
}

export interface GameEvent {
  name: string;
  data: string;
  sender: string;
}

export interface ErrorEvent {
  code: P2PErrorCode;
  message: string;
  at: number;
}

/**
 * What a send (`triggerEvent*`) did, for callers that check (the frame API
 * ignores it, as the reference's actions return nothing). `peers`: the
 * connections that took the event (sent, or queued for this task's batch).
 * `ok: false` carries the code and message of the error it recorded. A batch
 * that fails when it leaves at the end of the task records its own error
 * (`send-failed`) after this result was returned.
 */
export type SendOutcome = { ok: true; peers: number } | { ok: false; peers: number; code: P2PErrorCode; message: string };

/** The listener API: every item once, in order of arrival. */
export interface P2PEventMap {
  ready: ReadyEvent;
  /** The broker link closed (explicitly, lost, or replaced on a default-broker move). */
  brokerDisconnected: { id: string };
  peerConnected: PeerConnectedEvent;
  peerDisconnected: PeerDisconnectedEvent;
  event: GameEvent;
  error: ErrorEvent;
}

export type P2PEventName = keyof P2PEventMap;

export type ConnectionState = 'connecting' | 'open';

export interface PeerStats {
  peerId: string;
  state: ConnectionState;
  /** Direction of the connection that made the peer connected (or of the first attempt). */
  direction: Direction;
  engine: boolean;
  /** Serialization of the connection used to send (binary, binary-utf8, json, raw). */
  serialization: string;
  /** Data connections currently held with that peer (overlapping connects make 2). */
  connections: number;
  /** Latest round-trip time in ms: heartbeat for engine peers, ICE stats for stock peers; null until measured. */
  rttMs: number | null;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  /**
   * Messages carrying events, received / sent: one per single event or per
   * batch, so `messagesOut / framesOut` is the coalescing factor. Events sent
   * in a batch are counted (messages, bytes, frame) when the batch leaves, at
   * the end of the task that queued them.
   */
  framesIn: number;
  framesOut: number;
  /** Malformed messages received from that peer and dropped. */
  malformedIn: number;
  /** Epoch ms when the peer became connected, null while connecting. */
  connectedSince: number | null;
  /**
   * How the connection used to send gets through, from its selected ICE
   * candidate pair: `relayed` when either end is a TURN `relay` candidate,
   * `direct` otherwise; null until known (connecting, or stats unreadable).
   */
  path: 'direct' | 'relayed' | null;
  /** The selected pair's local and remote candidate types (host, srflx, prflx, relay), null until known. */
  candidateTypes: { local: string; remote: string } | null;
}

export interface EngineStats {
  ready: boolean;
  id: string;
  broker: BrokerEndpoint | null;
  /** Malformed messages dropped since creation, all peers together. */
  malformedIn: number;
  /** Events dropped because a queue was full. */
  droppedEvents: number;
  errorsRecorded: number;
}
