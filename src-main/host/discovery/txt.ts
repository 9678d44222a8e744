/**
 * The LAN Party DNS-SD record: names, the versioned TXT record, and its strict
 * parser. Pure (no sockets), so every rule is unit-tested.
 *
 * Everything read here comes from the LAN and is untrusted: the parser never
 * throws, bounds every size, and accepts only values the rest of the app could
 * use safely (the contract's own schemas decide names, peer ids, paths, keys).
 */
import {
  BrokerKeySchema,
  BrokerPathSchema,
  DisplayNameSchema,
  PeerIdSchema,
  type LanBroker,
  type LanGame,
} from '../../../src-preload/contract.js';
import { signEntries, type PartySigning } from './party-signature.js';

/** DNS-SD service type, without the trailing dot (multicast-dns names have none). */
export const SERVICE_TYPE = '_lanparty._tcp.local';
export const PROTOCOL_VERSION = 1;

/**
 * Instance ids are embedded in a DNS label (`lanparty-<id>`, at most 63 bytes),
 * so they are short and label-safe.
 */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,48}$/;

/** Limits on what we accept from the LAN. Our own record stays far below them. */
export const TXT_LIMITS = {
  /** Total bytes of all strings of one TXT record (RFC 6763 suggests staying under 1300). */
  maxTotalBytes: 1300,
  /** Strings in one TXT record. */
  maxEntries: 24,
} as const;

/**
 * Hosted games in the record: `g0` .. `g7`, each `<port>|<name>`: every game
 * is its own origin, `http://<instance address>:<port>/`, so its port is all a
 * receiver needs (a game never shares the host's `hport`). The same bound as
 * GameHost's MAX_HOSTED_GAMES; the name is cut to MAX_GAME_NAME_BYTES so that
 * eight games and the longest other fields stay under TXT_LIMITS.maxTotalBytes
 * (and every string far under DNS's 255 bytes).
 */
export const MAX_ADVERTISED_GAMES = 8;
export const MAX_GAME_NAME_BYTES = 48;

export interface AdvertisedFields {
  instanceId: string;
  displayName: string;
  httpPort: number;
  peerId: string | null;
  broker: LanBroker | null;
  /** Hosted games; absent or empty when none. */
  games?: readonly LanGame[];
  /** With a party code: the record is signed (`pts`, `paddr`, `sig` entries, see party-signature.ts). */
  party?: PartySigning | null;
}

export interface ParsedTxt extends AdvertisedFields {
  protocolVersion: number;
  games: LanGame[];
}

/**
 * A valid record may still carry game entries we refuse (bad path, bad name,
 * duplicate): the instance is kept, those games are left out and reported in
 * `ignoredGames` so that discovery counts them.
 */
export type TxtResult = { ok: true; value: ParsedTxt; ignoredGames: string[] } | { ok: false; reason: string };

/** The service instance label: carries the unique id, so names never collide and probing can be skipped. */
export function serviceLabel(instanceId: string): string {
  return `lanparty-${instanceId}`;
}

export function serviceFqdn(instanceId: string): string {
  return `${serviceLabel(instanceId)}.${SERVICE_TYPE}`;
}

/** SRV target / A record name: explicit, so bonjour-service's OS hostname (shared by every instance on a machine) is never used. */
export function hostTarget(instanceId: string): string {
  return `lanparty-${instanceId}.local`;
}

/** Strict decimal port 1..65535 (no signs, exponents, spaces or leading zeros). */
export function parsePort(text: string): number | null {
  if (!/^[1-9][0-9]{0,4}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Throws on values this instance must never advertise (programmer errors, not LAN input). */
export function assertAdvertisable(fields: AdvertisedFields): void {
  if (!INSTANCE_ID_PATTERN.test(fields.instanceId)) {
    throw new RangeError(`instance id ${JSON.stringify(fields.instanceId)} must match ${String(INSTANCE_ID_PATTERN)}`);
  }
  if (!isPort(fields.httpPort)) throw new RangeError(`httpPort ${fields.httpPort} is not a port (1..65535)`);
  if (fields.peerId !== null && !PeerIdSchema.safeParse(fields.peerId).success) {
    throw new RangeError(`peer id ${JSON.stringify(fields.peerId)} is not a valid peer id`);
  }
  const broker = fields.broker;
  if (broker) {
    if (!isPort(broker.port)) throw new RangeError(`broker port ${broker.port} is not a port (1..65535)`);
    if (!BrokerPathSchema.safeParse(broker.path).success) throw new RangeError(`broker path ${JSON.stringify(broker.path)} is invalid`);
    if (!BrokerKeySchema.safeParse(broker.key).success) throw new RangeError(`broker key ${JSON.stringify(broker.key)} is invalid`);
    if (!Number.isSafeInteger(broker.startedAt) || broker.startedAt < 0) {
      throw new RangeError(`broker startedAt ${broker.startedAt} is not an epoch time in ms`);
    }
  }
  const games = fields.games ?? [];
  if (games.length > MAX_ADVERTISED_GAMES) throw new RangeError(`${games.length} games: at most ${MAX_ADVERTISED_GAMES} fit in the record`);
  const ports = new Set<number>();
  for (const game of games) {
    if (!isPort(game.port)) throw new RangeError(`game port ${game.port} is not a port (1..65535)`);
    if (game.port === fields.httpPort) throw new RangeError(`game port ${game.port} is the host's own HTTP port`);
    if (ports.has(game.port)) throw new RangeError(`game port ${game.port} is advertised twice`);
    ports.add(game.port);
  }
}

/**
 * A display name others will accept: the user may type anything in settings,
 * but a name the receivers reject would make this instance invisible.
 */
export function advertisableName(name: string): string {
  const cleaned = Array.from(name.replace(/\p{Cc}/gu, ' ').trim()).slice(0, 40).join('').trim();
  return cleaned.length > 0 ? cleaned : 'LAN Party';
}

/**
 * Bidirectional embedding, override and isolate controls: not control
 * characters to Unicode (\p{Cc}), but they reorder the text around them in
 * the UI, so a game name never carries them.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/u;

/**
 * A game name as advertised: control characters become spaces, bidi controls
 * go, and the name is cut to MAX_GAME_NAME_BYTES of UTF-8 between code points
 * (never inside a multi-byte character). The receivers accept exactly these.
 */
export function advertisableGameName(name: string): string {
  const cleaned = name.replace(/\p{Cc}/gu, ' ').replace(new RegExp(BIDI_CONTROL.source, 'gu'), '').trim();
  let out = '';
  let bytes = 0;
  for (const char of cleaned) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > MAX_GAME_NAME_BYTES) break;
    out += char;
    bytes += size;
  }
  out = out.trim();
  return out.length > 0 ? out : 'Game';
}

/** A received `<port>|<name>` game entry, or why it is refused. */
function parseGame(value: string, httpPort: number): { ok: true; game: LanGame } | { ok: false; reason: string } {
  const bar = value.indexOf('|');
  if (bar === -1) return { ok: false, reason: 'no "|" between port and name' };
  const port = parsePort(value.slice(0, bar));
  const name = value.slice(bar + 1);
  if (port === null) return { ok: false, reason: 'port is not a decimal port (1..65535)' };
  // The host's own port carries its page and bridge: never a game's origin.
  if (port === httpPort) return { ok: false, reason: "port is the host's own HTTP port" };
  if (Buffer.byteLength(name, 'utf8') > MAX_GAME_NAME_BYTES) return { ok: false, reason: `name longer than ${MAX_GAME_NAME_BYTES} bytes` };
  if (/\p{Cc}/u.test(name) || BIDI_CONTROL.test(name)) return { ok: false, reason: 'name has control characters' };
  const trimmed = name.trim();
  if (trimmed.length === 0) return { ok: false, reason: 'empty name' };
  return { ok: true, game: { name: trimmed, port } };
}

/** TXT strings for our own record (`key=value`, UTF-8). Keys are short and stable: they are the wire format. */
export function encodeTxt(fields: AdvertisedFields): Buffer[] {
  const entries: string[] = [
    `v=${PROTOCOL_VERSION}`,
    `id=${fields.instanceId}`,
    `name=${advertisableName(fields.displayName)}`,
    `hport=${fields.httpPort}`,
  ];
  if (fields.peerId !== null) entries.push(`peer=${fields.peerId}`);
  if (fields.broker) {
    const { port, path, key, startedAt } = fields.broker;
    entries.push(`bport=${port}`, `bpath=${path}`, `bkey=${key}`, `bstart=${startedAt}`);
  }
  for (const [index, game] of (fields.games ?? []).entries()) entries.push(`g${index}=${game.port}|${advertisableGameName(game.name)}`);
  const buffers = entries.map((entry) => Buffer.from(entry, 'utf8'));
  return fields.party ? signEntries(buffers, fields.party) : buffers;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/**
 * Splits TXT strings into a key -> value map. Keys are case-insensitive and the
 * first occurrence wins (RFC 6763 section 6.4); a string without "=" is a
 * boolean attribute and carries nothing we use.
 */
function readEntries(data: unknown): { ok: true; map: Map<string, string> } | { ok: false; reason: string } {
  if (!Array.isArray(data)) return { ok: false, reason: 'TXT data is not a list of strings' };
  if (data.length > TXT_LIMITS.maxEntries) return { ok: false, reason: `TXT record has more than ${TXT_LIMITS.maxEntries} strings` };
  let total = 0;
  const map = new Map<string, string>();
  for (const item of data as unknown[]) {
    if (!isBytes(item)) return { ok: false, reason: 'TXT string is not bytes' };
    total += item.length;
    if (total > TXT_LIMITS.maxTotalBytes) return { ok: false, reason: `TXT record is larger than ${TXT_LIMITS.maxTotalBytes} bytes` };
    let text: string;
    try {
      text = utf8.decode(item);
    } catch {
      return { ok: false, reason: 'TXT string is not valid UTF-8' };
    }
    const eq = text.indexOf('=');
    if (eq === 0) return { ok: false, reason: 'TXT string has an empty key' };
    const key = (eq === -1 ? text : text.slice(0, eq)).toLowerCase();
    // RFC 6763: keys are printable US-ASCII, "=" excluded.
    if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(key)) return { ok: false, reason: 'TXT key is not printable ASCII' };
    if (eq === -1 || map.has(key)) continue;
    map.set(key, text.slice(eq + 1));
  }
  return { ok: true, map };
}

const BROKER_KEYS = ['bport', 'bpath', 'bkey', 'bstart'] as const;

/** Parses and validates a received TXT record; never throws. */
export function parseTxt(data: unknown): TxtResult {
  const entries = readEntries(data);
  if (!entries.ok) return entries;
  const get = (key: string): string | undefined => entries.map.get(key);

  const version = get('v');
  if (version === undefined) return { ok: false, reason: 'missing protocol version (v)' };
  if (version !== String(PROTOCOL_VERSION)) return { ok: false, reason: `unsupported protocol version ${JSON.stringify(version.slice(0, 8))}` };

  const instanceId = get('id');
  if (instanceId === undefined || !INSTANCE_ID_PATTERN.test(instanceId)) return { ok: false, reason: 'missing or invalid instance id' };

  const rawName = get('name');
  const name = rawName === undefined ? undefined : DisplayNameSchema.safeParse(rawName);
  if (!name?.success) return { ok: false, reason: 'missing or invalid display name' };

  const httpPort = parsePort(get('hport') ?? '');
  if (httpPort === null) return { ok: false, reason: 'missing or invalid HTTP port' };

  let peerId: string | null = null;
  const rawPeer = get('peer');
  if (rawPeer !== undefined) {
    const peer = PeerIdSchema.safeParse(rawPeer);
    if (!peer.success) return { ok: false, reason: 'invalid peer id' };
    peerId = peer.data;
  }

  const present = BROKER_KEYS.filter((key) => get(key) !== undefined);
  let broker: LanBroker | null = null;
  if (present.length > 0) {
    if (present.length !== BROKER_KEYS.length) return { ok: false, reason: 'incomplete broker fields' };
    const port = parsePort(get('bport') ?? '');
    const path = BrokerPathSchema.safeParse(get('bpath'));
    const key = BrokerKeySchema.safeParse(get('bkey'));
    const start = get('bstart') ?? '';
    const startedAt = /^[0-9]{1,15}$/.test(start) ? Number(start) : null;
    if (port === null) return { ok: false, reason: 'invalid broker port' };
    if (!path.success) return { ok: false, reason: 'invalid broker path' };
    if (!key.success) return { ok: false, reason: 'invalid broker key' };
    if (startedAt === null) return { ok: false, reason: 'invalid broker start time' };
    broker = { port, path: path.data, key: key.data, startedAt };
  }

  // Games: a bad entry costs only that game (it is counted), never the instance and its broker.
  const games: LanGame[] = [];
  const ignoredGames: string[] = [];
  for (let index = 0; index < MAX_ADVERTISED_GAMES; index += 1) {
    const raw = get(`g${index}`);
    if (raw === undefined) continue;
    const game = parseGame(raw, httpPort);
    if (!game.ok) ignoredGames.push(`g${index}: ${game.reason}`);
    else if (games.some((known) => known.port === game.game.port)) ignoredGames.push(`g${index}: port advertised twice`);
    else games.push(game.game);
  }

  return {
    ok: true,
    value: { protocolVersion: PROTOCOL_VERSION, instanceId, displayName: name.data, httpPort, peerId, broker, games },
    ignoredGames,
  };
}
