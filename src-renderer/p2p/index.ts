/**
 * Public entry of the LAN Party P2P engine (also the entry of the standalone
 * bundle `out/p2p/lan-party-p2p.js`, built by vite.p2p.config.ts).
 * See docs/p2p-api.md for the mapping to GDevelop's P2P extension.
 */
import { P2PEngine, type P2PEngineOptions } from './engine.js';

export { P2PEngine, OUTGOING_CONNECTION_OPTIONS, DEFAULT_CONNECT_TIMEOUT_MS } from './engine.js';
export {
  PEER_ID_PATTERN,
  MAX_PEER_ID_LENGTH,
  isPeerId,
  BROKER_PATH_PATTERN,
  MAX_BROKER_PATH_LENGTH,
  isBrokerPath,
  BROKER_KEY_PATTERN,
  MAX_BROKER_KEY_LENGTH,
  isBrokerKey,
  MAX_BROKER_HOST_LENGTH,
  MAX_PORT,
  ICE_URL_PATTERN,
  MAX_ICE_URL_LENGTH,
  MAX_ICE_CREDENTIAL_LENGTH,
  MAX_ICE_SERVERS,
  isIceServerUrl,
  MAX_INTERFACES,
  MAX_INTERFACE_NAME_LENGTH,
} from './limits.js';
export type { P2PEngineOptions } from './engine.js';
export { createHttpDefaultBrokerSource, createStaticDefaultBrokerSource, sameEndpoint } from './default-broker.js';
export type { HttpSourceOptions } from './default-broker.js';
export type { QueuedEvent, FrameLimits, FrameQueueMode } from './frame-state.js';
export { DEFAULT_FRAME_LIMITS } from './frame-state.js';
export type { P2PErrorCode, P2PErrorEntry } from './errors.js';
export type { HeartbeatTiming } from './heartbeat.js';
export { DEFAULT_HEARTBEAT_TIMING } from './heartbeat.js';
export { MAX_EVENT_DATA_BYTES, MAX_EVENT_NAME_LENGTH, MAX_MESSAGE_BYTES, utf8Length } from './wire.js';
export type { WireEvent } from './wire.js';
export type * from './types.js';

/** Creates an engine; `options.defaultBroker` defaults to `/api/lan` on the page's origin. */
export function createP2PEngine(options: P2PEngineOptions = {}): P2PEngine {
  return new P2PEngine(options);
}
