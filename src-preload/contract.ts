/**
 * The one contract between the host (Electron main process, or the headless
 * host's WebSocket bridge) and the renderer.
 *
 * Everything that crosses a process boundary is defined here and nowhere else:
 * channel names, request/response and event payload types, and the runtime
 * schemas that validate every input. Types are inferred from the schemas so the
 * two can never drift apart.
 *
 * Runtimes: imported by main (handlers + validation), by the preload (bundled
 * into its single CommonJS file) and by the renderer (types and channel names).
 * So this file imports nothing but zod, the game agent's protocol files
 * (game-agent-protocol.ts, network-conditions.ts, game-agent-schemas.ts) and
 * the engine's limits (src-renderer/p2p/limits.ts: plain values and the
 * `BrokerEndpoint` type, no imports).
 */
import { z } from 'zod';
import { BENCH_LIMITS, type InstanceEvents, type InstancesState } from './game-agent-protocol.js';
import { GetRecordingSchema, SetNetworkConditionsSchema } from './game-agent-schemas.js';
import * as limits from '../src-renderer/p2p/limits.js';

// ---------------------------------------------------------------------------
// Shared value schemas
// ---------------------------------------------------------------------------

// The limits themselves live in the engine (src-renderer/p2p/limits.ts), which cannot import zod.
/** PeerJS ids as the P2P spec allows them (letters/digits, single inner separators). */
export const PEER_ID_PATTERN = limits.PEER_ID_PATTERN;
export const PeerIdSchema = z
  .string()
  .max(limits.MAX_PEER_ID_LENGTH, `a peer id has at most ${limits.MAX_PEER_ID_LENGTH} characters`)
  .regex(PEER_ID_PATTERN, 'a peer id is letters and digits, optionally separated by single spaces, "-" or "_"');

export const BrokerPathSchema = z
  .string()
  .max(limits.MAX_BROKER_PATH_LENGTH, `the broker path has at most ${limits.MAX_BROKER_PATH_LENGTH} characters`)
  .regex(limits.BROKER_PATH_PATTERN, 'the broker path starts with "/" and uses URL-safe characters only');

export const BrokerKeySchema = z
  .string()
  .regex(limits.BROKER_KEY_PATTERN, `the broker key is 1 to ${limits.MAX_BROKER_KEY_LENGTH} letters, digits, "-" or "_"`);

export const PortSchema = z.number().int('a port is a whole number').min(0).max(limits.MAX_PORT, `a port is at most ${limits.MAX_PORT}`);

/**
 * Trimmed text typed by a user, `min` to `max` characters, each message naming
 * `what`. Control characters would garble TXT records and the UI.
 */
function typedText(what: string, min: number, max: number, tooShort = `${what} has at least ${min} characters`) {
  return z
    .string()
    .trim()
    .min(min, tooShort)
    .max(max, `${what} has at most ${max} characters`)
    .regex(/^[^\p{Cc}]+$/u, `${what} cannot contain control characters`);
}

export const DisplayNameSchema = typedText('the display name', 1, 40, 'the display name cannot be empty');

/** A folder or .zip path on the host machine, absolute (POSIX or Windows). */
export const GamePathSchema = z
  .string()
  .min(1, 'choose a game folder or .zip')
  .max(4096, 'the path is too long')
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'the game path must be absolute');

export const BrokerOptionsSchema = z
  .object({
    /** Preferred port; when taken, the next free one is used (the state says which). 0 = any. */
    port: PortSchema,
    path: BrokerPathSchema,
    key: BrokerKeySchema,
    concurrentLimit: z.number().int().min(1).max(100_000),
    /** Signaling sockets open at once from one address (one machine), so one machine cannot fill `concurrentLimit`. */
    perAddressLimit: z.number().int('clients per machine is a whole number').min(1, 'allow at least 1 client per machine').max(100_000),
    /** Milliseconds without a heartbeat before the broker drops a client. */
    aliveTimeoutMs: z.number().int().min(1_000).max(600_000),
    /** Whether `GET <path>/<key>/peers` lists the connected ids. */
    allowDiscovery: z.boolean(),
  })
  .strict();
export type BrokerOptions = z.infer<typeof BrokerOptionsSchema>;

export const DEFAULT_BROKER_OPTIONS: BrokerOptions = {
  port: 9000,
  path: '/',
  key: 'peerjs',
  concurrentLimit: 5_000,
  /** A machine running a handful of games and tabs, each a client, with a wide margin. */
  perAddressLimit: 64,
  aliveTimeoutMs: 60_000,
  allowDiscovery: true,
};

export const IceServerSchema = z
  .object({
    urls: z
      .string()
      .max(limits.MAX_ICE_URL_LENGTH)
      .regex(limits.ICE_URL_PATTERN, 'an ICE server URL starts with stun:, stuns:, turn: or turns:'),
    username: z.string().max(limits.MAX_ICE_CREDENTIAL_LENGTH).optional(),
    credential: z.string().max(limits.MAX_ICE_CREDENTIAL_LENGTH).optional(),
  })
  .strict();
export type IceServer = z.infer<typeof IceServerSchema>;

/**
 * Limits on a hosted game's .zip, checked against its central directory before
 * anything is inflated (defaults and why: src-main/host/settings.ts).
 */
export const ArchiveLimitsSchema = z
  .object({
    maxEntries: z.number().int('a whole number of files').min(1, 'at least 1 file').max(1_000_000, 'at most 1,000,000 files'),
    /** Bytes once inflated, declared and real, per archive. */
    maxTotalBytes: z.number().int('a whole number of bytes').min(1024 ** 2, 'at least 1 MiB').max(64 * 1024 ** 3, 'at most 64 GiB'),
    /** Inflated size over compressed size, per entry and for the whole archive. */
    maxRatio: z.number().min(1, 'a ratio of at least 1').max(100_000, 'a ratio of at most 100,000'),
  })
  .strict();
export type ArchiveLimits = z.infer<typeof ArchiveLimitsSchema>;

/**
 * A party code, typed on every machine of a party (see src-main/host/discovery/party-signature.ts):
 * instances sign what they advertise with a key derived from it and elect only
 * a broker that proves it. A secret: never advertised, logged or given to players.
 */
export const PartyCodeSchema = typedText('a party code', 6, 64);

/** An instance id as advertised on the LAN (it is part of a DNS label). */
export const InstanceIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,48}$/, 'an instance id is 1 to 48 letters, digits, "-" or "_"');

export const SettingsSchema = z
  .object({
    displayName: DisplayNameSchema,
    broker: BrokerOptionsSchema,
    iceServers: z.array(IceServerSchema).max(limits.MAX_ICE_SERVERS),
    /** Interface names to advertise and browse on; empty = every IPv4 interface. */
    interfaces: z.array(z.string().min(1).max(limits.MAX_INTERFACE_NAME_LENGTH)).max(limits.MAX_INTERFACES),
    discovery: z.boolean(),
    autoConnect: z.boolean(),
    archive: ArchiveLimitsSchema,
    /** Null: no party code (any instance may be the default broker). */
    partyCode: PartyCodeSchema.nullable(),
    /** Null: the default broker is elected; else only this instance's broker is used. */
    pinnedBroker: InstanceIdSchema.nullable(),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

/** Any of the settings; of `broker` and `archive`, any of their fields. */
export const SettingsPatchSchema = SettingsSchema.extend({
  broker: BrokerOptionsSchema.partial().strict(),
  archive: ArchiveLimitsSchema.partial().strict(),
})
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

// ---------------------------------------------------------------------------
// State published by the host
// ---------------------------------------------------------------------------

/** At most this many ids in `BrokerState.clientIds` (64 ids of at most 64 characters: ~4.5 KiB). */
export const BROKER_STATE_MAX_CLIENT_IDS = 64;

export interface BrokerState {
  running: boolean;
  /** The port actually bound (may differ from the preferred one), null when the host is not listening. */
  port: number | null;
  /** Addresses a LAN client can use to reach this broker (IPv4 of the chosen interfaces, plus loopback). */
  addresses: string[];
  path: string;
  key: string;
  /**
   * Ids of the signaling clients currently registered, the first
   * BROKER_STATE_MAX_CLIENT_IDS in sort order (`clients` is the total), so what
   * a dashboard receives stays small whatever the LAN's clients do.
   */
  clientIds: string[];
  /** Registered clients in total: not `clientIds.length`, which stops at BROKER_STATE_MAX_CLIENT_IDS. */
  clients: number;
  /** Epoch ms when the broker started, null when stopped. */
  startedAt: number | null;
  uptimeMs: number;
  /** Last broker-level problem (bad frames, socket errors), null when none. */
  lastError: string | null;
  /** Garbage or malformed frames received and dropped since start. */
  rejectedFrames: number;
  /** Well-formed messages dropped since start: over the byte bound for absent ids, or to a client that does not read. */
  droppedMessages: number;
  /** Registrations refused since start by the per-address limit or an invalid id. */
  refusedRegistrations: number;
}

/** Where a browser or the engine should register: what "use default broker" means on this LAN (defined with the engine's limits). */
export type BrokerEndpoint = limits.BrokerEndpoint;

export interface LanBroker {
  port: number;
  path: string;
  key: string;
  /** Epoch ms when that instance's broker started: input to the election. */
  startedAt: number;
}

/** A game another instance serves to the LAN, as its mDNS record advertises it. */
export interface LanGame {
  /** Display name (bounded, no control characters; may be shortened to fit the record). */
  name: string;
  /**
   * The game's own HTTP port on that instance: each hosted game is its own
   * origin (`http://<address>:<port>/`), never the origin of a dashboard or a bridge.
   */
  port: number;
}

export interface LanInstance {
  instanceId: string;
  name: string;
  /** An address this machine can reach the instance on (same subnet as the packet's source). */
  address: string | null;
  addresses: string[];
  /** HTTP port of that instance's host (serves /api/lan and the broker; games have ports of their own). */
  httpPort: number;
  broker: LanBroker | null;
  peerId: string | null;
  /** Games this instance serves, each at `http://<address>:<game port>/` (at most 8). */
  games: LanGame[];
  protocolVersion: number;
  self: boolean;
  firstSeen: number;
  lastSeen: number;
  /** With a party code on this host: whether the instance proved it. Absent without a code. */
  party?: PartyStanding;
}

/**
 * `member`: its record is signed with the party's key, fresh, from an address
 * it signed (`addresses`: where its broker is reached). Otherwise why not.
 */
export type PartyStanding = { member: true; addresses: string[] } | { member: false; reason: string };

/** How this host chooses the default broker: any instance, party members only, or one pinned by hand. */
export type LanTrust = { mode: 'open' } | { mode: 'party' } | { mode: 'pinned'; instanceId: string };

export interface DefaultBroker {
  instanceId: string;
  endpoint: BrokerEndpoint;
  /** Human-readable reason for the choice ("earliest broker start on the LAN", "only broker", ...). */
  reason: string;
}

/** A game this host serves to the LAN at the root of its own port (its own origin). */
export interface HostedGame {
  id: string;
  name: string;
  /** Folder or .zip on the host machine (shown to callers with host control only). */
  source: string;
  kind: 'folder' | 'zip';
  /** The game's own HTTP port on this host: the game is `http://<host address>:<port>/`. */
  port: number;
  startedAt: number;
  /**
   * A GDevelop export using the P2P extension: which runtime its P2P events
   * run on (`lan-party`: our engine, served in place of the extension's
   * files; `original`: GDevelop's own). Absent for other games.
   */
  gdevelopRuntime?: GdevelopRuntime;
}

/** See `HostedGame.gdevelopRuntime`. */
export type GdevelopRuntime = 'lan-party' | 'original';

export interface LanState {
  discovery: 'off' | 'starting' | 'running' | 'error';
  lastError: string | null;
  instances: LanInstance[];
  defaultBroker: DefaultBroker | null;
  /** Which instances may be the default broker (absent: `open`). Never carries the party code. */
  trust?: LanTrust;
  /** Malformed or hostile mDNS records ignored so far. */
  ignoredRecords: number;
}

interface HostStateBase {
  instanceId: string;
  /** 'electron' when the contract is served over IPC, 'headless' over the WebSocket bridge. */
  mode: 'electron' | 'headless';
  broker: BrokerState;
  lan: LanState;
  /** Games this host serves (`source` blanked for callers without control). */
  games: HostedGame[];
}

/**
 * What a caller learns about the host. A player (no control) gets no settings
 * at all: they hold TURN credentials, interface names and broker limits, and a
 * player's dashboard keeps its own name and auto-connect in its browser.
 */
export type HostState = HostStateBase & (ControlView | PlayerView);

interface ControlView {
  /** Whether this caller may use control channels (start/stop broker, settings). */
  canControl: true;
  settings: Settings;
}

interface PlayerView {
  canControl: false;
  settings: null;
}

/**
 * A page of the recorded game trace (JSONL): whole lines from `fromLine`, at
 * most RECORDING_PAGE_MAX_BYTES, so one reply stays far below the bridge's
 * slow-reader bound (8 MiB) whatever the trace's size.
 */
export interface RecordingPage {
  text: string;
  /** Lines in `text`. */
  lines: number;
  /** Where the next page starts; null when `text` reaches the end of the trace so far. */
  nextLine: number | null;
  /** The trace stopped at its byte bound. */
  truncated: boolean;
}
export const RECORDING_PAGE_MAX_BYTES = 1024 * 1024;
/** A trace recorded for a dashboard (kept in the host's memory): ~100,000 lines of ~300 bytes, read in RECORDING_PAGE_MAX_BYTES pages. */
export const MEMORY_TRACE_MAX_BYTES = 32 * 1024 * 1024;

// ---------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------

/** Who may call a channel over the headless bridge: 'control' = loopback or token; 'player' = anyone. */
export type Access = 'control' | 'player';

const NoInput = z.undefined();

/**
 * Invoke channels: renderer asks, host answers. Every input has a schema; the
 * output type is declared with `z.custom` (never parsed: the host produces it).
 */
export const invokeChannels = {
  getHostState: { channel: 'lan-party:host:get-state', access: 'player', input: NoInput, output: z.custom<HostState>() },
  getLanState: { channel: 'lan-party:lan:get-state', access: 'player', input: NoInput, output: z.custom<LanState>() },
  startBroker: { channel: 'lan-party:broker:start', access: 'control', input: NoInput, output: z.custom<BrokerState>() },
  stopBroker: { channel: 'lan-party:broker:stop', access: 'control', input: NoInput, output: z.custom<BrokerState>() },
  updateSettings: {
    channel: 'lan-party:settings:update',
    access: 'control',
    input: SettingsPatchSchema,
    output: z.custom<Settings>(),
  },
  /** The window's own P2P peer id, advertised in this instance's mDNS record. */
  setOwnPeerId: {
    channel: 'lan-party:p2p:set-own-peer-id',
    access: 'control',
    input: z.object({ peerId: PeerIdSchema.nullable() }).strict(),
    output: z.custom<null>(),
  },
  /** Start serving a game folder or .zip to the LAN. */
  hostGame: {
    channel: 'lan-party:games:host',
    access: 'control',
    // gdevelopRuntime (default 'lan-party'): see HostedGame.gdevelopRuntime.
    input: z.object({ path: GamePathSchema, gdevelopRuntime: z.enum(['lan-party', 'original']).optional() }).strict(),
    output: z.custom<HostedGame>(),
  },
  stopHostingGame: {
    channel: 'lan-party:games:stop',
    access: 'control',
    input: z.object({ id: z.string().regex(/^[0-9a-f]{8}$/, 'unknown game id') }).strict(),
    output: z.custom<null>(),
  },
  /**
   * Electron: a native picker (folder or .zip: Linux and Windows dialogs cannot
   * offer both at once); headless: `{ supported: false }` (the page asks for a typed path).
   */
  chooseGamePath: {
    channel: 'lan-party:games:choose-path',
    access: 'control',
    input: z.object({ kind: z.enum(['folder', 'zip']) }).strict(),
    output: z.custom<{ supported: boolean; path: string | null }>(),
  },
  /** Electron: opens the game in its own sandboxed window; headless: `{ opened: false }` (the page opens a tab). */
  playGame: {
    channel: 'lan-party:games:play',
    access: 'player',
    input: z.object({ url: z.string().max(2048).regex(/^https?:\/\//, 'a game URL is http(s)') }).strict(),
    output: z.custom<{ opened: boolean }>(),
  },
  /**
   * The test bench (issue 12): `count` instances of a game hosted here, side by side. Electron: opens its own
   * window on `bench.html`; headless: `{ opened: false }` (the page opens `/bench.html?...` itself).
   */
  openBench: {
    channel: 'lan-party:games:open-bench',
    access: 'control',
    input: z
      .object({
        gameId: z.string().regex(/^[0-9a-f]{8}$/, 'unknown game id'),
        count: z
          .number()
          .int('a whole number of players')
          .min(BENCH_LIMITS.minCount, `at least ${BENCH_LIMITS.minCount} players`)
          .max(BENCH_LIMITS.maxCount, `at most ${BENCH_LIMITS.maxCount} players`),
      })
      .strict(),
    output: z.custom<{ opened: boolean }>(),
  },
  /** Game agent (issue 11): every running instance of the games hosted here. Control only: game traffic is the host's. */
  getInstances: { channel: 'lan-party:instances:get', access: 'control', input: NoInput, output: z.custom<InstancesState>() },
  /** Conditions for a link > an instance (or a bench slot, kept for its next pages) > a game's instances > every instance; answers the instances as they are now. */
  setNetworkConditions: {
    channel: 'lan-party:instances:set-conditions',
    access: 'control',
    input: SetNetworkConditionsSchema,
    output: z.custom<InstancesState>(),
  },
  /** Starts a trace of every instance's events (kept on the host; read it with getRecording). */
  startRecording: { channel: 'lan-party:recording:start', access: 'control', input: NoInput, output: z.custom<InstancesState['recording']>() },
  /** Stops the trace; it stays readable with getRecording until the next start. */
  stopRecording: { channel: 'lan-party:recording:stop', access: 'control', input: NoInput, output: z.custom<InstancesState['recording']>() },
  /** The trace (running or last stopped), one page at a time: the dashboard's download. */
  getRecording: { channel: 'lan-party:recording:get', access: 'control', input: GetRecordingSchema, output: z.custom<RecordingPage>() },
} as const satisfies Record<string, { channel: `lan-party:${string}`; access: Access; input: z.ZodType; output: z.ZodType }>;

/** Event channels: host pushes, renderer listens. */
export const eventChannels = {
  hostState: { channel: 'lan-party:event:host-state', payload: z.custom<HostState>() },
  lanState: { channel: 'lan-party:event:lan-state', payload: z.custom<LanState>() },
  /** Control callers only (never a player's dashboard): at most every 500 ms. */
  instances: { channel: 'lan-party:event:instances', payload: z.custom<InstancesState>() },
  /** Control callers only: batches of instance events, bounded per push in count and bytes. */
  instanceEvents: { channel: 'lan-party:event:instance-events', payload: z.custom<InstanceEvents>() },
} as const satisfies Record<string, { channel: `lan-party:${string}`; payload: z.ZodType }>;

export type InvokeName = keyof typeof invokeChannels;
export type EventName = keyof typeof eventChannels;
export type InvokeInput<N extends InvokeName> = z.input<(typeof invokeChannels)[N]['input']>;
export type InvokeOutput<N extends InvokeName> = z.output<(typeof invokeChannels)[N]['output']>;
export type EventPayload<N extends EventName> = z.output<(typeof eventChannels)[N]['payload']>;

/** Subscribe to an event; returns the function that unsubscribes. */
export type Subscribe<P> = (listener: (payload: P) => void) => () => void;

/** Maps `hostState` to `onHostState`. */
export type EventMethodName<N extends EventName> = `on${Capitalize<N>}`;

/**
 * What the renderer sees as `window.lanParty` (Electron) and what the
 * WebSocket bridge implements (browser). Derived from the channel tables, so a
 * channel cannot exist without its function.
 */
export type LanPartyApi = {
  [N in InvokeName]: InvokeInput<N> extends undefined
    ? () => Promise<InvokeOutput<N>>
    : (input: InvokeInput<N>) => Promise<InvokeOutput<N>>;
} & {
  [N in EventName as EventMethodName<N>]: Subscribe<EventPayload<N>>;
};

/** What a host must implement: one handler per invoke channel, with the parsed input. */
export type InvokeHandlers = {
  [N in InvokeName]: (input: z.output<(typeof invokeChannels)[N]['input']>) => Promise<InvokeOutput<N>> | InvokeOutput<N>;
};

export function eventMethodName<N extends EventName>(name: N): EventMethodName<N> {
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as EventMethodName<N>;
}

/** A validation failure as one readable sentence, for error replies. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'input';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** How every invoke is answered, over IPC and over the bridge: never a thrown Electron error. */
export type InvokeReply<T = unknown> = { ok: true; value: T } | { ok: false; error: string };

/** Parses a channel's input; returns a clear error message instead of throwing. */
export function parseInvokeInput<N extends InvokeName>(
  name: N,
  raw: unknown,
): { ok: true; value: z.output<(typeof invokeChannels)[N]['input']> } | { ok: false; error: string } {
  const result = invokeChannels[name].input.safeParse(raw);
  if (result.success) return { ok: true, value: result.data as z.output<(typeof invokeChannels)[N]['input']> };
  return { ok: false, error: `Invalid input for ${name}: ${describeIssues(result.error)}` };
}

// ---------------------------------------------------------------------------
// Headless WebSocket bridge framing (same contract, carried as JSON)
// ---------------------------------------------------------------------------

/** Path of the bridge WebSocket on the headless host. */
export const BRIDGE_PATH = '/lan-party/bridge';

/** The control token `lan-party host` prints (or is given with `--token`). */
export const ControlTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,128}$/, 'the token is 8 to 128 letters, digits, "-" or "_"');

/** The bridge's WebSocket subprotocol; the host selects it in the handshake. */
export const BRIDGE_PROTOCOL = 'lan-party.v1';
const TOKEN_PROTOCOL_PREFIX = 'lan-party.token.';

/**
 * The subprotocols a bridge client offers: the token travels in the handshake's
 * `Sec-WebSocket-Protocol` header, never in the URL (URLs end up in logs,
 * history and Referer headers). The token's characters are all valid there.
 */
export function bridgeProtocols(token?: string | null): string[] {
  return token ? [BRIDGE_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`] : [BRIDGE_PROTOCOL];
}

/** The token a client offered among its subprotocols (the raw header value), or null. */
export function tokenFromProtocols(header: string | undefined): string | null {
  for (const protocol of (header ?? '').split(',')) {
    const name = protocol.trim();
    if (name.startsWith(TOKEN_PROTOCOL_PREFIX)) return name.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}

export const BridgeRequestSchema = z
  .object({
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    method: z.string().max(64),
    input: z.unknown().optional(),
  })
  .strict();
export type BridgeRequest = z.infer<typeof BridgeRequestSchema>;

export type BridgeMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'event'; event: EventName; payload: unknown }
  /** A frame that was not a request at all (not JSON, wrong shape): nothing to reply to. */
  | { kind: 'protocol-error'; error: string };
