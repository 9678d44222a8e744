/**
 * Everything the dashboard knows and does, without React: the host (through
 * the bridge), the P2P engine, the event console's feed, the broker's player
 * listing, auto-connect, errors and personal settings. Components read its
 * stores with `useSyncExternalStore` and call its actions; nothing else talks
 * to the bridge or the engine.
 */
import type { BrokerEndpoint, IceServer, LanInstance, SettingsPatch } from '../../../src-preload/contract';
import type { Bridge } from '../../bridge';
import { shouldAdvertise } from './advertised-id';
import { createBridgeDefaultBrokerSource } from './bridge-default-broker';
import { DirectoryPoller, type DirectoryState } from './broker-directory';
import { ErrorFeed, type ErrorEntry, type ErrorSource } from './error-feed';
import { EventFeed } from './event-feed';
import { HostFeed } from './host-feed';
import { InstanceFeed } from './instance-feed';
import { peerOfLink } from './instances-view';
import { planDials } from './mesh';
import { RedialPlanner } from './redial';
import type { SendOutcome } from '../../p2p';
import { DashboardP2P } from './dashboard-p2p';
import { DEFAULT_PERSONAL, loadPersonal, loadSessionId, savePersonal, saveSessionId, type PersonalSettings } from './personal-settings';
import { Store } from './store';
import type { EventPayload } from './validation';

/** Auto-connect: how long a larger id waits for the smaller one to dial, and the pause between attempts at one id. */
const MESH_FALLBACK_MS = 8_000;
const MESH_RETRY_MS = 20_000;
const MESH_MAX_DIALS = 8;

/** While a lost peer is back on the LAN but not on our broker, its listing is read at most this often. */
const LISTING_REFRESH_MS = 300;

/** How long a sent setOwnPeerId may take to show in the LAN state before it is sent again. */
const ADVERTISE_RETRY_MS = 5_000;

const NO_ICE_SERVERS: readonly IceServer[] = [];

/** Display name of a browser player who never chose one (the host's OS user is not theirs). */
export const DEFAULT_PLAYER_NAME = 'Player';

export interface ErrorsView {
  entries: readonly ErrorEntry[];
  unseen: number;
}

export interface DashboardEnvironment {
  localStorage: Storage | null;
  sessionStorage: Storage | null;
  requestFrame: (callback: () => void) => void;
}

function safeStorage(get: () => Storage): Storage | null {
  try {
    return get();
  } catch {
    return null;
  }
}

export function browserEnvironment(): DashboardEnvironment {
  return {
    localStorage: safeStorage(() => window.localStorage),
    sessionStorage: safeStorage(() => window.sessionStorage),
    requestFrame: (callback) => {
      // Animation frames stop in a hidden page; a timer keeps the history current there (browsers throttle it).
      if (document.visibilityState === 'hidden') setTimeout(callback, 250);
      else requestAnimationFrame(() => callback());
    },
  };
}

export class DashboardModel {
  readonly host: HostFeed;
  readonly p2p: DashboardP2P;
  readonly events: EventFeed;
  /** Game instances hosted here (control dashboards only). */
  readonly instances: InstanceFeed;
  readonly errors = new Store<ErrorsView>({ entries: [], unseen: 0 });
  readonly directory = new Store<DirectoryState>({ status: 'idle', ids: [] });
  readonly personal: Store<PersonalSettings>;
  /** Ticks once a second: uptimes and "last seen" re-render from it. */
  readonly clock = new Store<number>(Date.now());

  private readonly errorFeed = new ErrorFeed();
  private readonly poller: DirectoryPoller;
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  /** Auto-connect bookkeeping: when ids were first seen and last dialed; ids the user disconnected by hand. */
  private readonly firstSeen = new Map<string, number>();
  private readonly lastDial = new Map<string, number>();
  private readonly excluded = new Set<string>();
  /** Links that vanished (no disconnect), dialled again when their peer is back. */
  private readonly redial = new RedialPlanner();
  private lastListingRefresh = 0;
  private started = false;
  /** The last id sent to setOwnPeerId and when: host state events arrive before the LAN reflects it. */
  private lastAdvertised: { id: string; at: number } | null = null;

  constructor(
    readonly bridge: Bridge,
    private readonly env: DashboardEnvironment,
  ) {
    this.personal = new Store(env.localStorage ? loadPersonal(env.localStorage) : { ...DEFAULT_PERSONAL });
    this.host = new HostFeed(bridge, (source, message) => this.recordError(source, message));
    this.p2p = new DashboardP2P(createBridgeDefaultBrokerSource(bridge.api));
    this.events = new EventFeed(env.requestFrame);
    this.instances = new InstanceFeed(bridge.api, (batch) =>
      this.events.onInstanceEvents(batch, (instance, link) => peerOfLink(this.instances.state.get(), instance, link)),
    );
    this.poller = new DirectoryPoller({ onChange: (state) => this.onDirectory(state) });
    this.wireEngine();
  }

  /** Starts everything; called once (module level, outside React's double effects). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.host.start();
    let lastIce: readonly IceServer[] | null = null;
    let wasConnected = false;
    this.unsubscribers.push(
      this.host.view.subscribe(() => {
        const { state, connected } = this.host.view.get();
        if (!state) return;
        this.instances.setControl(state.canControl);
        // Instance pushes missed while the bridge was down are gone: read the state again on reconnect.
        if (connected && !wasConnected) void this.instances.refresh();
        wasConnected = connected;
        // The host's ICE servers (TURN credentials included) reach only a page that controls it; a player's engine keeps its own.
        const ice = state.canControl ? state.settings.iceServers : NO_ICE_SERVERS;
        if (ice !== lastIce) {
          lastIce = ice;
          this.p2p.applyIceServers(ice);
        }
        this.maybeAdvertise();
        this.runAutoConnect();
        this.runRedial();
      }),
    );
    // First launch: straight onto the LAN's default broker, nothing to type.
    this.p2p.useDefaultBroker(loadSessionId(this.env.sessionStorage));
    this.timers.push(
      // No frame-queue drain: the dashboard never calls a frame function, so the engine keeps none (frameQueues 'auto').
      setInterval(() => this.tick(), 1_000),
    );
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    this.poller.stop();
    this.host.stop();
    this.instances.stop();
    this.events.dispose();
    this.p2p.engine.destroy();
  }

  // ---------------------------------------------------------------------------
  // Derived values
  // ---------------------------------------------------------------------------

  get canControl(): boolean {
    return this.host.state?.canControl ?? false;
  }

  /** The host's settings when we control it; this browser's own otherwise. */
  displayName(): string {
    const state = this.host.state;
    if (state?.canControl) return state.settings.displayName;
    return this.personal.get().displayName ?? DEFAULT_PLAYER_NAME;
  }

  autoConnect(): boolean {
    const state = this.host.state;
    if (state?.canControl) return state.settings.autoConnect;
    return this.personal.get().autoConnect;
  }

  // ---------------------------------------------------------------------------
  // Actions
  // ---------------------------------------------------------------------------

  connectTo(peerId: string): void {
    this.excluded.delete(peerId);
    this.p2p.engine.connect(peerId);
    this.p2p.refreshPeers(false);
  }

  disconnectPeer(peerId: string): void {
    // Auto-connect and redial must not undo what the user just did.
    this.excluded.add(peerId);
    this.redial.forget(peerId);
    this.p2p.engine.disconnectFromPeer(peerId);
    this.p2p.refreshPeers(false);
  }

  disconnectAllPeers(): void {
    for (const peer of this.p2p.peers.get()) {
      this.excluded.add(peer.peerId);
      this.redial.forget(peer.peerId);
    }
    this.p2p.engine.disconnectFromAllPeers();
    this.p2p.refreshPeers(false);
  }

  /** Sends an event; the engine's result says whether it was refused, and why (also in the error log). */
  sendEvent(target: string | null, name: string, payload: EventPayload): SendOutcome {
    const engine = this.p2p.engine;
    let result: SendOutcome;
    if (payload.mode === 'text') {
      result = target ? engine.triggerEventOnPeer(target, name, payload.data) : engine.triggerEvent(name, payload.data);
    } else result = target ? engine.triggerVariableEventOnPeer(target, name, payload.value) : engine.triggerVariableEvent(name, payload.value);
    if (result.ok) this.events.onSent(target ?? '', name, payload.mode === 'text' ? payload.data : JSON.stringify(payload.value));
    return result;
  }

  /** Registers again under `id` (kept for this tab's session). */
  useCustomId(id: string): void {
    saveSessionId(this.env.sessionStorage, id);
    this.p2p.reconnectAs(id);
  }

  useDefaultBroker(): void {
    this.p2p.useDefaultBroker();
  }

  joinBroker(instance: LanInstance): void {
    if (!instance.broker || !instance.address) return;
    const { port, path, key } = instance.broker;
    this.p2p.useBroker({ host: instance.address, port, path, key, secure: false });
  }

  disconnectBroker(): void {
    this.p2p.disconnectBroker();
  }

  async setDisplayName(name: string): Promise<boolean> {
    if (this.canControl) return (await this.host.updateSettings({ displayName: name })) !== null;
    return this.savePersonal({ ...this.personal.get(), displayName: name });
  }

  async setAutoConnect(on: boolean): Promise<void> {
    if (on) this.excluded.clear();
    if (this.canControl) await this.host.updateSettings({ autoConnect: on });
    else this.savePersonal({ ...this.personal.get(), autoConnect: on });
    this.runAutoConnect();
  }

  async updateHostSettings(patch: SettingsPatch): Promise<boolean> {
    return (await this.host.updateSettings(patch)) !== null;
  }

  dismissWelcome(): void {
    this.savePersonal({ ...this.personal.get(), welcomed: true });
  }

  markErrorsSeen(): void {
    this.errorFeed.markSeen();
    this.publishErrors();
  }

  clearErrors(): void {
    this.errorFeed.clear();
    this.publishErrors();
  }

  recordError(source: ErrorSource, message: string): void {
    this.errorFeed.record(source, message, Date.now());
    this.publishErrors();
  }

  /** peer id -> display name, from the LAN's advertised ids. */
  nameOf(peerId: string): string | null {
    for (const instance of this.host.state?.lan.instances ?? []) if (instance.peerId === peerId) return instance.name;
    return null;
  }

  // ---------------------------------------------------------------------------
  // Internals
  // ---------------------------------------------------------------------------

  private wireEngine(): void {
    const engine = this.p2p.engine;
    engine.on('ready', ({ broker }) => {
      this.startDirectory(broker);
      this.maybeAdvertise();
    });
    engine.on('brokerDisconnected', () => this.poller.stop());
    engine.on('peerConnected', ({ peerId }) => {
      this.redial.linkUp(peerId);
      this.p2p.refreshPeers(false);
      this.poller.refresh();
    });
    engine.on('peerDisconnected', ({ peerId, reason }) => {
      this.redial.linkDown(peerId, reason, Date.now());
      this.p2p.refreshPeers(false);
      this.poller.refresh();
    });
    engine.on('event', ({ name, data, sender }) => {
      this.events.onReceived(sender, name, data);
    });
    engine.on('error', ({ message }) => this.recordError('p2p', message));
  }

  private startDirectory(broker: BrokerEndpoint): void {
    this.poller.start(broker);
  }

  private onDirectory(state: DirectoryState): void {
    this.directory.set(state);
    const now = Date.now();
    for (const id of state.ids) if (!this.firstSeen.has(id)) this.firstSeen.set(id, now);
    this.maybeAdvertise();
    this.runAutoConnect();
    this.runRedial();
  }

  private tick(): void {
    const now = Date.now();
    this.clock.set(now);
    this.p2p.refreshPeers(true, now);
    this.events.sampleRate();
    this.runAutoConnect();
    this.runRedial();
  }

  /** Advertises our id in this instance's mDNS record when we control the host and the slot is free or stale. */
  private maybeAdvertise(): void {
    const state = this.host.state;
    const registration = this.p2p.registration.get();
    if (!state?.canControl || registration.state !== 'connected') return;
    const self = state.lan.instances.find((i) => i.self);
    const directory = this.directory.get();
    const brokerIds = directory.status === 'listed' ? directory.ids : null;
    if (!shouldAdvertise({ myId: registration.id, advertised: self?.peerId ?? null, brokerIds })) return;
    const now = Date.now();
    if (this.lastAdvertised?.id === registration.id && now - this.lastAdvertised.at < ADVERTISE_RETRY_MS) return;
    this.lastAdvertised = { id: registration.id, at: now };
    void this.host.setOwnPeerId(registration.id);
  }

  private runAutoConnect(): void {
    const registration = this.p2p.registration.get();
    if (!this.autoConnect() || registration.state !== 'connected') return;
    const directory = this.directory.get();
    // The broker's listing says who is reachable right now; without one, the ids the LAN advertises.
    const candidates =
      directory.status === 'listed'
        ? directory.ids
        : // Not `!i.self`: this host may advertise another page's id (the owner's window, for a browser player).
          (this.host.state?.lan.instances ?? []).flatMap((i) => (i.peerId ? [i.peerId] : []));
    const now = Date.now();
    for (const id of candidates) if (!this.firstSeen.has(id)) this.firstSeen.set(id, now);
    const busy = new Set(this.p2p.engine.getPeerStats().map((p) => p.peerId));
    const dials = planDials({
      self: registration.id,
      candidates,
      busy,
      excluded: this.excluded,
      firstSeen: this.firstSeen,
      lastAttempt: this.lastDial,
      now,
      fallbackAfterMs: MESH_FALLBACK_MS,
      retryAfterMs: MESH_RETRY_MS,
      maxDials: MESH_MAX_DIALS,
    });
    for (const id of dials) {
      this.lastDial.set(id, now);
      this.p2p.engine.connect(id);
    }
    if (dials.length > 0) this.p2p.refreshPeers(false);
    // Bounded bookkeeping: forget ids that left long ago.
    if (this.firstSeen.size > 2_000) this.firstSeen.clear();
    if (this.lastDial.size > 2_000) this.lastDial.clear();
  }

  /** Dials the vanished links whose peer is back (redial.ts decides who dials and when). */
  private runRedial(): void {
    const registration = this.p2p.registration.get();
    if (registration.state !== 'connected') return;
    const directory = this.directory.get();
    const now = Date.now();
    const plan = this.redial.plan({
      self: registration.id,
      onLan: new Set((this.host.state?.lan.instances ?? []).flatMap((i) => (i.peerId ? [i.peerId] : []))),
      // Not listed yet (idle: just registered, first poll on its way): nobody is known to be on it.
      onBroker: directory.status === 'listed' ? new Set(directory.ids) : directory.status === 'unlisted' ? null : new Set<string>(),
      busy: new Set(this.p2p.engine.getPeerStats().map((p) => p.peerId)),
      now,
    });
    for (const id of plan.abandon) this.p2p.engine.disconnectFromPeer(id);
    for (const id of plan.dial) this.p2p.engine.connect(id);
    if (plan.dial.length > 0) this.p2p.refreshPeers(false);
    // A lost peer is back on the LAN but not yet on our broker: read the listing again soon, not at its 2 s pace.
    if (plan.refreshListing && now - this.lastListingRefresh >= LISTING_REFRESH_MS) {
      this.lastListingRefresh = now;
      this.poller.refresh();
    }
  }

  private savePersonal(next: PersonalSettings): boolean {
    this.personal.set(next);
    const saved = savePersonal(this.env.localStorage, next);
    if (!saved) this.recordError('dashboard', 'This browser refused to store your settings; they apply until the page closes');
    return saved;
  }

  private publishErrors(): void {
    this.errors.set({ entries: this.errorFeed.list(), unseen: this.errorFeed.unseen() });
  }
}
