/**
 * The limits on values that cross a boundary: peer ids, broker endpoints, ICE
 * servers, and the host settings the dashboard checks as the user types.
 *
 * One source for each. The contract (`src-preload/contract.ts`) builds its
 * zod schemas from these values, the engine checks its arguments and what
 * `/api/lan` answers with them, and the dashboard imports them. They live in
 * the engine because the engine is the one part that may import nothing
 * outside its folder (a game bundles it: zod here would end up in every
 * game); everything else can import from here. Plain values (and the
 * `BrokerEndpoint` shape they bound), no zod.
 * `contract-compat.test.ts` feeds the same edge cases to the contract's
 * schemas and to the engine's public functions and requires the same verdict.
 */

/** Peer ids: letters/digits, single inner separators (the P2P spec's rule; PeerJS's own is looser). */
export const PEER_ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
export const MAX_PEER_ID_LENGTH = 64;

export function isPeerId(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_PEER_ID_LENGTH && PEER_ID_PATTERN.test(id);
}

/** A broker's host name or address (a DNS name is at most 253 characters; 255 leaves room for brackets). */
export const MAX_BROKER_HOST_LENGTH = 255;
export const MAX_PORT = 65_535;

/** The broker's path: starts with "/", URL-safe characters only (it is pasted into PeerJS's URLs as is). */
export const BROKER_PATH_PATTERN = /^\/[A-Za-z0-9._~/-]*$/;
export const MAX_BROKER_PATH_LENGTH = 100;

export function isBrokerPath(path: unknown): path is string {
  return typeof path === 'string' && path.length <= MAX_BROKER_PATH_LENGTH && BROKER_PATH_PATTERN.test(path);
}

export const MAX_BROKER_KEY_LENGTH = 64;
/** The broker's key: 1 to MAX_BROKER_KEY_LENGTH letters, digits, "-" or "_". */
export const BROKER_KEY_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_BROKER_KEY_LENGTH}}$`);

export function isBrokerKey(key: unknown): key is string {
  return typeof key === 'string' && BROKER_KEY_PATTERN.test(key);
}

/**
 * Where to register: what "use default broker" resolves to on this LAN. Its one
 * definition: the contract re-exports it (the host publishes it), the engine takes it.
 */
export interface BrokerEndpoint {
  host: string;
  port: number;
  path: string;
  key: string;
  secure: boolean;
}

/** ICE servers one list holds (settings, and one engine). */
export const MAX_ICE_SERVERS = 16;
export const ICE_URL_PATTERN = /^(stun|stuns|turn|turns):/;
export const MAX_ICE_URL_LENGTH = 500;
/** A TURN username or credential. */
export const MAX_ICE_CREDENTIAL_LENGTH = 200;

export function isIceServerUrl(urls: unknown): urls is string {
  return typeof urls === 'string' && urls.length <= MAX_ICE_URL_LENGTH && ICE_URL_PATTERN.test(urls);
}

/** Host setting: interface names to advertise and browse on. */
export const MAX_INTERFACES = 16;
export const MAX_INTERFACE_NAME_LENGTH = 64;
