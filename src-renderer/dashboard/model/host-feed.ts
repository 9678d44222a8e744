/**
 * The host's state as the dashboard sees it: the last `HostState` pushed
 * over the bridge (IPC in Electron, WebSocket in a browser) and whether the
 * bridge is up. Host-side problems (broker, discovery) become error entries
 * once per change.
 */
import type { BrokerState, GdevelopRuntime, HostState, Settings, SettingsPatch } from '../../../src-preload/contract';
import { benchPath } from '../../bench/model/bench-params';
import type { Bridge } from '../../bridge';
import type { ErrorSource } from './error-feed';
import { Store } from './store';
import { messageOf } from './format';

export interface HostView {
  /** The bridge to the host is up. */
  connected: boolean;
  state: HostState | null;
  /** Local epoch ms when `state` arrived (uptimes tick from there). */
  receivedAt: number;
}

type ReportError = (source: ErrorSource, message: string) => void;

export class HostFeed {
  readonly view = new Store<HostView>({ connected: false, state: null, receivedAt: 0 });
  private readonly unsubscribers: (() => void)[] = [];
  private lastBrokerError: string | null = null;
  private lastLanError: string | null = null;

  constructor(
    private readonly bridge: Bridge,
    private readonly reportError: ReportError,
  ) {}

  start(): void {
    this.unsubscribers.push(
      this.bridge.api.onHostState((state) => this.accept(state)),
      this.bridge.onConnectionChange((connected) => {
        this.view.update((v) => ({ ...v, connected }));
        if (connected) void this.refresh();
        else this.reportError('host', 'Lost the connection to the LAN Party host; reconnecting…');
      }),
    );
    void this.refresh();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  async refresh(): Promise<void> {
    try {
      this.accept(await this.bridge.api.getHostState());
    } catch (error) {
      this.reportError('host', `Could not read the host's state: ${messageOf(error)}`);
    }
  }

  get state(): HostState | null {
    return this.view.get().state;
  }

  async startBroker(): Promise<void> {
    await this.control('start the broker', () => this.bridge.api.startBroker().then((broker) => this.patchBroker(broker)));
  }

  async stopBroker(): Promise<void> {
    await this.control('stop the broker', () => this.bridge.api.stopBroker().then((broker) => this.patchBroker(broker)));
  }

  /** Returns the saved settings, or null when the host refused (the reason is in the error log). */
  async updateSettings(patch: SettingsPatch): Promise<Settings | null> {
    let saved: Settings | null = null;
    await this.control('save the settings', async () => {
      saved = await this.bridge.api.updateSettings(patch);
      const settings = saved;
      // Only a controlling view holds settings (a player's never does).
      this.view.update((v) => (v.state?.canControl ? { ...v, state: { ...v.state, settings } } : v));
    });
    return saved;
  }

  /**
   * Starts hosting a game; resolves with the reason when the host refused (shown next to the field).
   * `gdevelopRuntime`: what a GDevelop export's P2P events run on (default: LAN Party's engine).
   */
  async hostGame(path: string, gdevelopRuntime?: GdevelopRuntime): Promise<string | null> {
    try {
      await this.bridge.api.hostGame(gdevelopRuntime ? { path, gdevelopRuntime } : { path });
      await this.refresh();
      return null;
    } catch (error) {
      return messageOf(error);
    }
  }

  async stopHostingGame(id: string): Promise<void> {
    await this.control('stop hosting the game', async () => {
      await this.bridge.api.stopHostingGame({ id });
      await this.refresh();
    });
  }

  /** The native picker in Electron; null when cancelled or when the host has none (browser). */
  async chooseGamePath(kind: 'folder' | 'zip'): Promise<string | null> {
    try {
      return (await this.bridge.api.chooseGamePath({ kind })).path;
    } catch (error) {
      this.reportError('host', `Could not open the file picker: ${messageOf(error)}`);
      return null;
    }
  }

  /**
   * Electron opens its own sandboxed game window; a browser opens a tab with
   * no handle back to the dashboard (noopener) and no Referer of it (noreferrer).
   */
  async playGame(url: string): Promise<void> {
    if (this.bridge.kind === 'web') {
      window.open(url, '_blank', 'noopener,noreferrer');
      return;
    }
    await this.control('open the game', () => this.bridge.api.playGame({ url }));
  }

  /**
   * The test bench for a game hosted here: Electron opens its own window; a
   * browser opens the host's `bench.html` in a tab at once (still in the
   * click's user activation, so no popup blocker), without noopener so the
   * tab starts with a copy of this tab's session storage, the control token
   * included; then cuts its handle back here.
   */
  async openBench(gameId: string, count: number): Promise<void> {
    if (this.bridge.kind === 'web') {
      const tab = window.open(benchPath(gameId, count), '_blank');
      if (tab) tab.opener = null;
      return;
    }
    await this.control('open the test bench', () => this.bridge.api.openBench({ gameId, count }));
  }

  async setOwnPeerId(peerId: string | null): Promise<void> {
    await this.control('advertise your peer id on the LAN', () => this.bridge.api.setOwnPeerId({ peerId }));
  }

  private async control(what: string, action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.reportError('host', `Could not ${what}: ${messageOf(error)}`);
    }
  }

  private patchBroker(broker: BrokerState): void {
    this.view.update((v) => (v.state ? { ...v, state: { ...v.state, broker }, receivedAt: Date.now() } : v));
  }

  private accept(state: HostState): void {
    if (state.broker.lastError && state.broker.lastError !== this.lastBrokerError) {
      this.reportError('broker', state.broker.lastError);
    }
    if (state.lan.lastError && state.lan.lastError !== this.lastLanError) {
      this.reportError('discovery', state.lan.lastError);
    }
    this.lastBrokerError = state.broker.lastError;
    this.lastLanError = state.lan.lastError;
    this.view.update((v) => ({ ...v, connected: true, state, receivedAt: Date.now() }));
  }
}
