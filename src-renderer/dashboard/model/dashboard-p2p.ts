/**
 * The dashboard's P2P engine and what the UI shows about it: its registration
 * on a broker (state, id, which broker), the peers with their stats and last
 * minute of RTT, sampled once a second. The UI uses the engine's listener API only.
 */
import type { BrokerEndpoint, IceServer } from '../../../src-preload/contract';
import { createP2PEngine, type DefaultBrokerSource, type P2PEngine, type PeerStats } from '../../p2p';
import { RttHistory, type RttSeries } from './rtt-history';
import { Store } from './store';

/**
 * - `connecting`: registering on a broker (or waiting for the LAN to have one);
 * - `connected`: registered, "Is P2P ready";
 * - `offline`: not registered and not trying (the user disconnected).
 */
export type RegistrationState = 'connecting' | 'connected' | 'offline';

export interface RegistrationView {
  state: RegistrationState;
  /** Our peer id; "" before the first registration. */
  id: string;
  /** The broker we are registered on (or registering on, when known). */
  broker: BrokerEndpoint | null;
  /** Following the LAN's default broker (moves with the election) rather than one chosen by hand. */
  viaDefault: boolean;
}

export interface PeerRowStats extends PeerStats {
  rtt: RttSeries;
}

/**
 * Named apart from the engine's words: its `Session` is one remote peer, its
 * links are data connections; here, `registration` is our own broker sign-in.
 */
export class DashboardP2P {
  readonly engine: P2PEngine;
  readonly registration = new Store<RegistrationView>({ state: 'offline', id: '', broker: null, viaDefault: true });
  readonly peers = new Store<PeerRowStats[]>([]);
  private readonly rtt = new RttHistory();
  private appliedIceKey = '[]';
  private appliedIceCount = 0;

  constructor(defaultBroker: DefaultBrokerSource) {
    this.engine = createP2PEngine({ defaultBroker });
    this.engine.on('ready', ({ id, broker }) => {
      this.registration.update((r) => ({ ...r, state: 'connected', id, broker }));
    });
    this.engine.on('brokerDisconnected', () => {
      // Following the default broker, the engine re-registers by itself (same id) when the election moves.
      this.registration.update((r) => ({ ...r, state: r.viaDefault && r.state !== 'offline' ? 'connecting' : 'offline' }));
    });
  }

  /** Registers on the LAN's default broker, under `customId` when given. */
  useDefaultBroker(customId: string | null = null): void {
    this.engine.disconnectFromBroker();
    if (customId) this.engine.overrideId(customId);
    this.registration.update((r) => ({ ...r, state: 'connecting', broker: null, viaDefault: true }));
    this.engine.useDefaultBroker();
  }

  /** Registers on one broker chosen by hand (the LAN panel's "Join"), keeping our id. */
  useBroker(endpoint: BrokerEndpoint, customId: string | null = null): void {
    this.engine.disconnectFromBroker();
    if (customId) this.engine.overrideId(customId);
    this.registration.update((r) => ({ ...r, state: 'connecting', broker: endpoint, viaDefault: false }));
    this.engine.useBroker(endpoint.host, endpoint.port, endpoint.path, endpoint.key, endpoint.secure);
  }

  /** Re-registers on the same kind of broker under a new id. */
  reconnectAs(id: string): void {
    const { viaDefault, broker } = this.registration.get();
    if (!viaDefault && broker) this.useBroker(broker, id);
    else this.useDefaultBroker(id);
  }

  disconnectBroker(): void {
    this.registration.update((r) => ({ ...r, state: 'offline' }));
    this.engine.disconnectFromBroker();
  }

  /**
   * ICE servers from the host's settings: they REPLACE the engine's list, so
   * a corrected TURN password or a removed server applies to the next
   * connection without a reload (appending left the wrong entry for the same
   * URL first). Unchanged lists are not re-applied.
   */
  applyIceServers(servers: readonly IceServer[]): void {
    const key = JSON.stringify(servers.map((s) => [s.urls, s.username ?? null, s.credential ?? null]));
    if (key === this.appliedIceKey) return;
    this.appliedIceKey = key;
    this.appliedIceCount = servers.length;
    this.engine.setIceServers(servers);
  }

  appliedIceServerCount(): number {
    return this.appliedIceCount;
  }

  /** Reads the engine's per-peer stats; `sample` adds an RTT point (once a second). */
  refreshPeers(sample: boolean, now = Date.now()): void {
    const stats = this.engine.getPeerStats();
    if (sample) {
      for (const s of stats) this.rtt.record(s.peerId, now, s.state === 'open' ? s.rttMs : null);
      this.rtt.retain(new Set(stats.map((s) => s.peerId)));
    }
    this.peers.set(stats.map((s) => ({ ...s, rtt: this.rtt.get(s.peerId) })));
  }
}
