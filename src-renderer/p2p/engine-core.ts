/**
 * What every part of the engine shares (engine.ts, broker-link.ts, links.ts):
 * the frame state, the clock, the listeners, and the one way errors are
 * recorded (the frame API's flag and log, then the `error` listeners).
 */
import type { P2PErrorCode } from './errors.js';
import { type FrameLimits, type FrameQueueMode, FrameState } from './frame-state.js';
import type { P2PEventMap, P2PEventName } from './types.js';

export type Listener<K extends P2PEventName> = (payload: P2PEventMap[K]) => void;

export class EngineCore {
  readonly frame: FrameState;
  /** Public calls under way (a listener may call the engine from inside one): what they queue is the game's own doing. */
  gameCalls = 0;
  destroyed = false;
  private readonly listeners: { [K in P2PEventName]: Set<Listener<K>> } = {
    ready: new Set(),
    brokerDisconnected: new Set(),
    peerConnected: new Set(),
    peerDisconnected: new Set(),
    event: new Set(),
    error: new Set(),
  };
  /** Snapshots of the listener sets, taken when they change rather than on every event. */
  private readonly listenerLists = new Map<P2PEventName, readonly unknown[]>();

  constructor(
    readonly now: () => number,
    limits: Partial<FrameLimits> | undefined,
    frameQueues: FrameQueueMode | undefined,
  ) {
    this.frame = new FrameState(limits, frameQueues);
  }

  on<K extends P2PEventName>(type: K, listener: Listener<K>): () => void {
    const set = this.listeners[type] as Set<Listener<K>> | undefined;
    if (!set || typeof listener !== 'function') return () => undefined;
    set.add(listener);
    this.listenerLists.delete(type);
    return () => {
      set.delete(listener);
      this.listenerLists.delete(type);
    };
  }

  clearListeners(): void {
    for (const set of Object.values(this.listeners)) set.clear();
    this.listenerLists.clear();
  }

  recordError(code: P2PErrorCode, message: string): void {
    const entry = this.frame.recordError(code, message, this.now());
    this.emit('error', { code, message: entry.message, at: entry.at });
  }

  emit<K extends P2PEventName>(type: K, payload: P2PEventMap[K]): void {
    // A snapshot, so that (un)subscribing from a listener does not change who gets this item.
    let list = this.listenerLists.get(type) as readonly Listener<K>[] | undefined;
    if (!list) {
      list = [...this.listeners[type]] as Listener<K>[];
      this.listenerLists.set(type, list);
    }
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        // A listener's bug must not break the engine nor the other listeners; not recorded as a P2P error
        // (an 'error' listener that throws would otherwise loop).
        console.error(`LAN Party P2P: a "${type}" listener threw`, error);
      }
    }
  }
}
