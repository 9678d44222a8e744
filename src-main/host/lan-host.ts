/**
 * The host core: one HTTP server carrying the broker and `/api/lan`, mDNS
 * discovery of the other instances, and the election of the LAN's default
 * broker. Electron-free: the Electron app and the headless host both run it.
 */
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import type { NetworkConditions } from '../../src-preload/network-conditions.js';
import type {
  BrokerEndpoint,
  BrokerState,
  GdevelopRuntime,
  HostedGame,
  HostState,
  LanBroker,
  LanGame,
  LanState,
  LanTrust,
  Settings,
  SettingsPatch,
} from '../../src-preload/contract.js';
import { Broker } from './broker/broker.js';
import { Discovery, selfInstance, type Advertisement } from './discovery/discovery.js';
import { DefaultBrokerElection } from './discovery/election.js';
import { PARTY_TIMING, derivePartyKey, type PartySigning } from './discovery/party-signature.js';
import { GameAgentHub } from './game-agent/game-agent-hub.js';
import { gameAgentRoutes } from './game-agent/game-agent-routes.js';
import { SignalingRelay } from './game-agent/signaling-relay.js';
import { GameHost } from './games/game-host.js';
import { hostPageOrigins } from './games/game-origin.js';
import { HostHttpServer, sendJson } from './http-server.js';
import { reachableAddresses } from './network-addresses.js';
import { applyPatch } from './settings.js';

export type HostChange = 'broker' | 'lan' | 'settings' | 'games';

export interface LanHostOptions {
  mode: HostState['mode'];
  settings: Settings;
  /** Stable across restarts when given (Electron persists it); random otherwise. */
  instanceId?: string;
  /** Bind address of the HTTP server; default all IPv4 interfaces. */
  bindHost?: string;
  /** Start the embedded broker with the host (default true). */
  startBroker?: boolean;
  /** Coalesces bursts of state changes into one notification (ms). */
  notifyIntervalMs?: number;
  /** The built broker shim injected into hosted games (`out/shim/broker-shim.js`). */
  shimFile: string;
  /** Persists settings; called before a change is applied, so a failed save changes nothing. */
  saveSettings?: (settings: Settings) => void;
  /** `--network`: every game instance's uplink conditions from the start (game-agent/conditions-table.ts). */
  networkUplink?: NetworkConditions | null;
}

export function newInstanceId(): string {
  return randomBytes(6).toString('hex');
}

export class LanHost {
  readonly instanceId: string;
  readonly mode: HostState['mode'];
  readonly http = new HostHttpServer();
  readonly broker: Broker;
  readonly games: GameHost;
  /** The game agent (issue 11): instances of the hosted games, their conditions and the trace. */
  readonly agents: GameAgentHub;
  /** Hosted games' signaling, relayed to the LAN's default broker of the moment. */
  readonly relay: SignalingRelay;
  private settings: Settings;
  private discovery: Discovery | null = null;
  private readonly election = new DefaultBrokerElection();
  /** Key derived from the party code (null without one); the code itself is only in the settings. */
  private partyKey: Buffer | null = null;
  private partyTimer: NodeJS.Timeout | null = null;
  private ownPeerId: string | null = null;
  private readonly listeners = new Set<(changes: ReadonlySet<HostChange>) => void>();
  private pending = new Set<HostChange>();
  private notifyTimer: NodeJS.Timeout | null = null;
  private readonly notifyIntervalMs: number;
  private stopped = false;

  constructor(private readonly options: LanHostOptions) {
    this.instanceId = options.instanceId ?? newInstanceId();
    this.mode = options.mode;
    this.settings = structuredClone(options.settings);
    this.notifyIntervalMs = options.notifyIntervalMs ?? 50;
    this.broker = new Broker(this.http, this.settings.broker, () => this.addresses());
    this.broker.onChange(() => {
      this.syncAdvertisedBroker();
      this.changed('broker');
    });
    this.election.onChange(() => this.changed('lan'));
    this.agents = new GameAgentHub({ hostInstanceId: this.instanceId, cliUplink: options.networkUplink ?? null });
    this.relay = new SignalingRelay({
      upstream: () => this.relayUpstream(),
      onState: (instance, gameId, address, state) => this.agents.relayState(instance, gameId, address, state),
    });
    // Any change may have moved the default broker (or made one appear): relayed games follow within one notification.
    this.listeners.add(() => this.relay.reconsider());
    this.games = new GameHost(this.http, {
      agentRoutes: (game) => gameAgentRoutes(this.agents, this.relay, game),
      shimFile: options.shimFile,
      bindHost: options.bindHost,
      // The launch port decides (a changed port applies at the next launch): fixed -> the ports after ours, 0 -> ephemeral.
      firstGamePort: () => (options.settings.broker.port === 0 ? 0 : (this.http.port ?? 0) + 1),
      archiveLimits: () => this.settings.archive,
      // The test bench (a page of this host) frames games; live reload tells a changed game's pages to reload.
      framers: () => hostPageOrigins(this.http.port, this.addresses()),
      onFilesChanged: (gameId) => this.agents.reloadGame(gameId),
      onChange: () => {
        this.syncAdvertisedGames();
        this.changed('games');
      },
    });
    // Browsers cannot do mDNS: they learn the LAN (and its default broker) here; games, on other origins, read it too (sendJson sends CORS).
    this.http.addRequestRoute((req, res, url) => {
      if (url.pathname !== '/api/lan') return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(res, 405, { error: 'Only GET is allowed' });
        return true;
      }
      sendJson(res, 200, this.getLanState(req));
      return true;
    });
    this.applyTrust(true);
  }

  /** Listens (preferred port or the next free one), starts the broker and discovery. */
  async start(): Promise<void> {
    await this.http.listen({ port: this.settings.broker.port, host: this.options.bindHost });
    if (this.options.startBroker ?? true) this.broker.start();
    if (this.settings.discovery) this.startDiscovery();
    this.changed('broker');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    if (this.partyTimer) clearInterval(this.partyTimer);
    this.listeners.clear();
    await this.stopDiscovery();
    this.election.dispose();
    // Waits for every game's port to close: no listener outlives the host.
    await this.games.close();
    this.relay.close();
    this.agents.close();
    this.broker.stop();
    await this.http.close();
  }

  get port(): number | null {
    return this.http.port;
  }

  getSettings(): Settings {
    return structuredClone(this.settings);
  }

  getBrokerState(): BrokerState {
    return this.broker.getState();
  }

  /** With a request, the default broker is given as that client can reach it (see defaultEndpointFor). */
  getLanState(req?: http.IncomingMessage): LanState {
    const found = this.getLanStateWithoutElection();
    const elected = this.election.get();
    const defaultBroker = elected && req ? { ...elected, endpoint: this.defaultEndpointFor(req.headers.host) ?? elected.endpoint } : elected;
    return { ...found, defaultBroker };
  }

  /**
   * The LAN default broker for a browser that reached this host as `hostHeader`.
   * When the default is this host's own broker, the address the browser used is
   * the one it can reach (this host may have several); otherwise the elected
   * instance's address, as this host sees it on the shared subnet.
   */
  defaultEndpointFor(hostHeader: string | undefined): BrokerEndpoint | null {
    const elected = this.election.get();
    if (!elected) return null;
    if (elected.instanceId !== this.instanceId || !hostHeader) return { ...elected.endpoint };
    let hostname: string;
    try {
      hostname = new URL(`http://${hostHeader}`).hostname.replace(/^\[|\]$/g, '');
    } catch {
      return { ...elected.endpoint };
    }
    return { ...elected.endpoint, host: hostname };
  }

  /**
   * The default broker as this host's relay reaches it: its own broker on
   * the address it listens on (loopback when it listens on every interface),
   * another instance's at the address the election gives.
   */
  private relayUpstream(): BrokerEndpoint | null {
    const elected = this.election.get();
    if (!elected) return null;
    if (elected.instanceId !== this.instanceId) return { ...elected.endpoint };
    const bind = this.options.bindHost;
    const host = bind && bind !== '0.0.0.0' && bind !== '::' ? bind : '127.0.0.1';
    return { ...elected.endpoint, host, port: this.http.port ?? elected.endpoint.port };
  }

  /** A player's view carries no settings (TURN credentials, interfaces, broker limits) and no game sources. */
  getHostState(canControl: boolean): HostState {
    const common = {
      instanceId: this.instanceId,
      mode: this.mode,
      broker: this.getBrokerState(),
      lan: this.getLanState(),
    };
    if (canControl) return { ...common, canControl, settings: this.getSettings(), games: this.games.list() };
    return { ...common, canControl, settings: null, games: this.games.list().map((game) => ({ ...game, source: '' })) };
  }

  hostGame(source: string, gdevelopRuntime?: GdevelopRuntime): Promise<HostedGame> {
    return this.games.host(source, gdevelopRuntime);
  }

  /** Resolves once the game's port is closed. */
  async stopHostingGame(id: string): Promise<void> {
    if (!(await this.games.stop(id))) throw new Error(`No hosted game has the id ${id}`);
  }

  startBroker(): BrokerState {
    return this.broker.start();
  }

  stopBroker(): BrokerState {
    return this.broker.stop();
  }

  /**
   * Applies a validated patch. Broker path/key/limits restart a running broker
   * (its clients re-register); a new port applies at the next launch, since the
   * page and the bridge share that port.
   */
  async updateSettings(patch: SettingsPatch): Promise<Settings> {
    const before = this.settings;
    const next = applyPatch(before, patch);
    if (this.options.saveSettings) {
      try {
        this.options.saveSettings(next);
      } catch (error) {
        throw new Error(`Settings not changed: they could not be saved (${(error as Error).message})`, { cause: error });
      }
    }
    this.settings = next;
    const brokerChanged = JSON.stringify(before.broker) !== JSON.stringify(next.broker);
    if (brokerChanged) {
      const wasRunning = this.broker.running;
      if (wasRunning) this.broker.stop();
      this.broker.setOptions(next.broker);
      if (wasRunning) this.broker.start();
    }
    const partyChanged = before.partyCode !== next.partyCode;
    if (partyChanged || before.pinnedBroker !== next.pinnedBroker) this.applyTrust(partyChanged);
    // A new party code restarts discovery: records are signed and checked with the new key from the first one.
    const discoveryChanged =
      before.discovery !== next.discovery || JSON.stringify(before.interfaces) !== JSON.stringify(next.interfaces) || partyChanged;
    if (discoveryChanged) {
      await this.stopDiscovery();
      if (next.discovery && this.http.listening) this.startDiscovery();
    } else if (before.displayName !== next.displayName) {
      this.advertise({ displayName: next.displayName });
    }
    this.changed('settings');
    this.changed('lan');
    return this.getSettings();
  }

  setOwnPeerId(peerId: string | null): void {
    this.ownPeerId = peerId;
    this.advertise({ peerId });
    this.changed('lan');
  }

  /** Subscribe to state changes (coalesced); returns the unsubscribe function. */
  onChange(listener: (changes: ReadonlySet<HostChange>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where others reach this host: the bind address when bound to one, else every LAN address. */
  addresses(): string[] {
    const bind = this.options.bindHost;
    if (bind && bind !== '0.0.0.0' && bind !== '::') return [bind];
    return reachableAddresses(this.settings.interfaces);
  }

  private advertisedBroker(): LanBroker | null {
    const state = this.broker.getState();
    if (!state.running || state.port === null || state.startedAt === null) return null;
    return { port: state.port, path: state.path, key: state.key, startedAt: state.startedAt };
  }

  /**
   * Clients coming and going and refused frames change nothing the LAN sees:
   * re-advertise and re-elect only when the advertisement did (re-electing on
   * every broker change made 400k garbage frames cost 3x 400k heartbeats).
   * The record Discovery holds is the one copy of what was advertised. Without
   * discovery the LAN is this instance alone: re-electing over it is one
   * comparison, at most once per BROKER_NOTIFY_INTERVAL_MS (the broker
   * coalesces client churn), and notifies only a new choice.
   */
  private syncAdvertisedBroker(): void {
    const broker = this.advertisedBroker();
    if (this.discovery) {
      if (sameLanBroker(broker, this.discovery.advertised().broker)) return;
      this.advertise({ broker });
    }
    this.refreshElection();
  }

  /** The hosted games as the LAN sees them: name and port (the source on disk stays private). */
  private advertisedGames(): LanGame[] {
    return this.games.list().map((game) => ({ name: game.name, port: game.port }));
  }

  /** Hosting started or stopped: re-announce the record with the current games (withdrawn ones are simply absent). */
  private syncAdvertisedGames(): void {
    const games = this.advertisedGames();
    if (this.discovery && !sameLanGames(games, this.discovery.advertised().games ?? [])) this.advertise({ games });
    // Our own entry in the LAN state lists them too, with discovery on or off.
    this.changed('lan');
  }

  private startDiscovery(): void {
    if (this.http.port === null) return;
    const discovery = new Discovery({
      advertisement: { ...this.advertisement(), party: this.partySigning() },
      partyKey: this.partyKey,
      interfaces: this.settings.interfaces,
      // Socket trouble is also in the LAN state; the log line helps whoever runs the host.
      log: (message) => console.warn(`lan-party discovery: ${message}`),
    });
    discovery.onChange(() => {
      this.refreshElection();
      this.changed('lan');
    });
    this.discovery = discovery;
    discovery.start();
    this.refreshElection();
  }

  private async stopDiscovery(): Promise<void> {
    const discovery = this.discovery;
    this.discovery = null;
    if (discovery) await discovery.stop();
    this.refreshElection();
  }

  private refreshElection(): void {
    if (this.stopped) return;
    this.election.update(this.getLanStateWithoutElection().instances);
  }

  private getLanStateWithoutElection(): Omit<LanState, 'defaultBroker'> {
    const now = Date.now();
    // With discovery off, the LAN is just this instance (its broker is the default).
    const state = this.discovery?.getState() ?? {
      discovery: 'off' as const,
      lastError: null,
      ignoredRecords: 0,
      instances: [selfInstance(this.advertisement(), this.addresses(), now, now)],
    };
    const { partyCode, pinnedBroker } = this.settings;
    const trust: LanTrust =
      pinnedBroker !== null ? { mode: 'pinned', instanceId: pinnedBroker } : partyCode !== null ? { mode: 'party' } : { mode: 'open' };
    if (partyCode === null) return { ...state, trust };
    // This instance holds the code: it is a member, reached where it signs.
    const instances = state.instances.map((i) => (i.self ? { ...i, party: { member: true as const, addresses: this.addresses() } } : i));
    return { ...state, trust, instances };
  }

  /**
   * Derives the party key when the code changed (scrypt, ~50 ms, never per
   * record), tells the election who may win, and keeps re-signing the record
   * while there is a code so that it stays fresh (PARTY_TIMING).
   */
  private applyTrust(codeChanged: boolean): void {
    const code = this.settings.partyCode;
    if (codeChanged) this.partyKey = code === null ? null : derivePartyKey(code);
    this.election.setPolicy({ partyOnly: code !== null, pinned: this.settings.pinnedBroker });
    if (this.partyTimer) clearInterval(this.partyTimer);
    this.partyTimer = null;
    if (code !== null) {
      this.partyTimer = setInterval(() => this.advertise({}), PARTY_TIMING.resignMs);
      this.partyTimer.unref();
    }
    this.refreshElection();
  }

  private partySigning(): PartySigning | null {
    return this.partyKey ? { key: this.partyKey, now: Date.now, addresses: this.addresses() } : null;
  }

  /** Every change to the record goes out signed anew (a fresh `pts`) under a party code; so does `{}` (the periodic re-sign). */
  private advertise(patch: Parameters<Discovery['update']>[0]): void {
    this.discovery?.update({ ...patch, party: this.partySigning() });
  }

  /** This host's mDNS record, derived from its settings, broker and games (party signing aside). */
  private advertisement(): Advertisement {
    return {
      instanceId: this.instanceId,
      displayName: this.settings.displayName,
      httpPort: this.http.port ?? 0,
      peerId: this.ownPeerId,
      broker: this.advertisedBroker(),
      games: this.advertisedGames(),
    };
  }

  private changed(change: HostChange): void {
    if (this.stopped) return;
    this.pending.add(change);
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      const changes = this.pending;
      this.pending = new Set();
      for (const listener of this.listeners) listener(changes);
    }, this.notifyIntervalMs);
    this.notifyTimer.unref();
  }
}

function sameLanBroker(a: LanBroker | null, b: LanBroker | null): boolean {
  if (a === null || b === null) return a === b;
  return a.port === b.port && a.path === b.path && a.key === b.key && a.startedAt === b.startedAt;
}

function sameLanGames(a: readonly LanGame[], b: readonly LanGame[]): boolean {
  return a.length === b.length && a.every((game, i) => game.name === b[i]?.name && game.port === b[i]?.port);
}
