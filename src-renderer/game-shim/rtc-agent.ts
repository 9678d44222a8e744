/**
 * The agent's hold on the page's WebRTC data channels: every channel becomes
 * a link of the telemetry, and its traffic passes through the network
 * conditions in force (uplink on send, downlink on receive).
 *
 * - Send: `RTCDataChannel.prototype.send` is wrapped (broker-shim.ts); with no
 *   conditions in force and nothing held, it counts and calls the native send
 *   synchronously, as if the agent were not there. Otherwise the message is
 *   held in the channel's uplink ConditionQueue and sent later through the
 *   native send.
 * - Receive: the agent's `message` listener is the channel's first (added
 *   when the channel is created, or in the peer connection's `datachannel`
 *   listener the agent registers in its constructor, before the game's).
 *   With conditions, it stops the event (stopImmediatePropagation) and
 *   re-dispatches a new MessageEvent when the downlink lets it pass; the agent
 *   marks its own events, so they go through to the game's listeners and
 *   `onmessage` (an event-handler attribute runs in the order it was first set,
 *   after ours).
 * - Cut: while a channel is cut, its peer connection's `getStats()` as the
 *   game sees it keeps the received counters of the cut's start (path-stats.ts).
 * - getStats for the dashboard (RTT, candidate) at most once per second per
 *   peer connection, only while the agent socket is up.
 *
 * Timers: a chain of setTimeout calls from timer callbacks is clamped to 4 ms
 * after five levels (HTML's timer nesting), which would add up to 4 ms to a
 * conditioned message; the next timer is armed from a MessageChannel task
 * instead, which resets the nesting.
 */
import { AGENT_LIMITS, type LinkState } from '../../src-preload/game-agent-protocol.js';
import { NO_DIRECTED_CONDITIONS, type DirectedConditions } from '../../src-preload/network-conditions.js';
import { ConditionQueue, noConditions, type QueueSettings } from './condition-queue.js';
import { decodeMessage, messageBytes, type DecodeLimits } from './event-decode.js';
import { freezeReceived, readPath, snapshotReceived, type ReceivedSnapshot } from './path-stats.js';
import type { LinkRecord, Telemetry } from './telemetry.js';

/** Channels that are not the game's: PeerJS 1.4.6's support probe, our engine's liveness probe. Conditioned, never reported. */
const HIDDEN_LABELS: ReadonlySet<string> = new Set(['_PEERJSTEST', 'lan-party-probe']);
/** Bytes held per direction of each channel (ConditionQueue says what happens past it): 20 s at mobile-3G's 1.6 Mbit/s. */
export const HELD_BYTES_PER_DIRECTION = 4 * 1024 * 1024;
/**
 * Timers run in whole milliseconds and wake late (Chromium here: a 99 ms
 * timer fires 0.5 ms late at the median), and handing a message on costs about
 * 1 ms more: so the timer is armed this much before a message's due time, and
 * what falls due within this slack passes then. Measured in Chromium, 100
 * one-way sends between two channels of one page, median over the setting:
 * +1.5 to +1.8 ms without the slack.
 */
const TIMER_SLACK_MS = 1;
/** Blob messages being read for their events at once; past it, their events are counted as left out. */
const MAX_BLOB_READS = 32;

const DECODE_LIMITS: DecodeLimits = {
  maxNameChars: AGENT_LIMITS.maxEventNameChars,
  maxDataChars: AGENT_LIMITS.maxEventDataChars,
  maxEventsPerFrame: AGENT_LIMITS.maxEventsPerReport,
};

interface Incoming {
  data: unknown;
  origin: string;
  lastEventId: string;
}

interface PcState {
  pc: RTCPeerConnection;
  channels: Set<ChannelState>;
  /** Received counters at the start of a cut in force; null when not cut. */
  frozen: Promise<ReceivedSnapshot> | null;
}

interface Direction<T> {
  queue: ConditionQueue<T>;
  timer: ReturnType<typeof setTimeout> | null;
  timerAt: number;
  /** Conditions in force on this direction (else the fast path). */
  active: boolean;
}

interface ChannelState {
  channel: RTCDataChannel;
  link: LinkRecord | null;
  pc: PcState | null;
  lossless: boolean;
  up: Direction<unknown>;
  down: Direction<Incoming>;
}

export interface RtcAgentOptions {
  telemetry: Telemetry;
  nativeSend: (this: RTCDataChannel, data: never) => void;
  nativeGetStats: (this: RTCPeerConnection) => Promise<RTCStatsReport>;
  now?: () => number;
  random?: () => number;
}

function linkState(channel: RTCDataChannel): LinkState {
  return channel.readyState;
}

/** A copy of binary data the game may reuse after send() returns (strings and Blobs are immutable). */
function holdable(data: unknown): unknown {
  if (data instanceof ArrayBuffer) return data.slice(0);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return data;
}

export class RtcAgent {
  private readonly telemetry: Telemetry;
  private readonly nativeSend: (this: RTCDataChannel, data: never) => void;
  private readonly nativeGetStats: (this: RTCPeerConnection) => Promise<RTCStatsReport>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly channels = new WeakMap<RTCDataChannel, ChannelState>();
  private readonly pcs = new WeakMap<RTCPeerConnection, PcState>();
  /** Peer connections with live channels, for stats and conditions. */
  private readonly livePcs = new Set<PcState>();
  private readonly live = new Set<ChannelState>();
  private readonly ours = new WeakSet<Event>();
  private instance: DirectedConditions = NO_DIRECTED_CONDITIONS;
  private perLink: Record<string, DirectedConditions> = {};
  private spikeMs = 0;
  private spikeUntil = 0;
  private spikeTimer: ReturnType<typeof setTimeout> | null = null;
  private blobReads = 0;
  private readonly rearm: MessagePort | null = null;
  private readonly toRearm = new Set<Direction<unknown>>();
  private readonly rearmFns = new WeakMap<Direction<unknown>, () => void>();

  constructor(options: RtcAgentOptions) {
    this.telemetry = options.telemetry;
    this.nativeSend = options.nativeSend;
    this.nativeGetStats = options.nativeGetStats;
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    if (typeof MessageChannel === 'function') {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const list = [...this.toRearm];
        this.toRearm.clear();
        for (const direction of list) this.rearmFns.get(direction)?.();
      };
      this.rearm = channel.port2;
    }
  }

  // -------------------------------------------------------------------------
  // Tracking
  // -------------------------------------------------------------------------

  trackPc(pc: RTCPeerConnection): void {
    if (this.pcs.has(pc)) return;
    const state: PcState = { pc, channels: new Set(), frozen: null };
    this.pcs.set(pc, state);
    // Registered in the constructor: before any listener of the game's.
    pc.addEventListener('datachannel', (event: RTCDataChannelEvent) => this.trackChannel(event.channel, pc));
  }

  trackChannel(channel: RTCDataChannel, pc: RTCPeerConnection | null): void {
    if (this.channels.has(channel)) return;
    const pcState = pc ? (this.pcs.get(pc) ?? null) : null;
    const lossless = channel.maxRetransmits === null && channel.maxPacketLifeTime === null;
    const kind = { ordered: channel.ordered, lossless };
    const link = HIDDEN_LABELS.has(channel.label) ? null : this.telemetry.addLink(channel.label, channel.ordered && lossless, linkState(channel));
    const state: ChannelState = {
      channel,
      link,
      pc: pcState,
      lossless,
      up: { queue: new ConditionQueue(kind, this.random, HELD_BYTES_PER_DIRECTION), timer: null, timerAt: Infinity, active: false },
      down: { queue: new ConditionQueue(kind, this.random, HELD_BYTES_PER_DIRECTION), timer: null, timerAt: Infinity, active: false },
    };
    this.rearmFns.set(state.up, () => this.arm(state, state.up));
    this.rearmFns.set(state.down as Direction<unknown>, () => this.arm(state, state.down));
    this.channels.set(channel, state);
    this.live.add(state);
    if (pcState) {
      pcState.channels.add(state);
      this.livePcs.add(pcState);
    }
    this.refreshActive(state);
    channel.addEventListener('message', (event: MessageEvent) => this.onMessage(state, event));
    const onState = (): void => {
      if (link) this.telemetry.setState(link, linkState(channel));
      if (channel.readyState === 'closed') this.forget(state);
    };
    channel.addEventListener('open', onState);
    channel.addEventListener('closing', onState);
    channel.addEventListener('close', onState);
    if (pcState) this.updateFreeze(pcState);
  }

  private forget(state: ChannelState): void {
    this.live.delete(state);
    for (const direction of [state.up, state.down] as Direction<unknown>[]) {
      if (direction.timer !== null) clearTimeout(direction.timer);
      direction.timer = null;
      direction.queue.clear();
    }
    if (state.pc) {
      state.pc.channels.delete(state);
      if (state.pc.channels.size === 0) {
        this.livePcs.delete(state.pc);
        state.pc.frozen = null;
      }
    }
  }

  // -------------------------------------------------------------------------
  // The message path
  // -------------------------------------------------------------------------

  /** The wrapped `RTCDataChannel.prototype.send`. */
  send(channel: RTCDataChannel, data: unknown): void {
    const state = this.channels.get(channel);
    if (!state || (!state.up.active && state.up.queue.size === 0) || channel.readyState !== 'open') {
      // Not conditioned, or not open (the browser throws its own error): the native path, synchronously.
      this.nativeSend.call(channel, data as never);
      if (state?.link) this.count(state.link, 'out', data);
      return;
    }
    if (state.link) this.count(state.link, 'out', data);
    const directed = this.conditionsOf(state);
    const outcome = state.up.queue.push(this.now(), holdable(data), messageBytes(data), this.settings(directed, 'up'));
    if (outcome === 'now') this.nativeSend.call(channel, data as never);
    else if (outcome === 'queued') this.arm(state, state.up);
  }

  private onMessage(state: ChannelState, event: MessageEvent): void {
    if (this.ours.has(event) || (!state.down.active && state.down.queue.size === 0)) {
      if (state.link) this.count(state.link, 'in', event.data);
      return;
    }
    event.stopImmediatePropagation();
    const held: Incoming = { data: event.data, origin: event.origin, lastEventId: event.lastEventId };
    const outcome = state.down.queue.push(this.now(), held, messageBytes(event.data), this.settings(this.conditionsOf(state), 'down'));
    if (outcome === 'now') this.deliver(state, held);
    else if (outcome === 'queued') this.arm(state, state.down);
  }

  private deliver(state: ChannelState, held: Incoming): void {
    if (state.channel.readyState !== 'open') return;
    const event = new MessageEvent('message', { data: held.data, origin: held.origin, lastEventId: held.lastEventId });
    this.ours.add(event);
    state.channel.dispatchEvent(event);
  }

  private count(link: LinkRecord, dir: 'in' | 'out', data: unknown): void {
    const t = Date.now();
    if (typeof Blob !== 'undefined' && data instanceof Blob) {
      // PeerJS 1.4.6 sends BinaryPack as Blobs in Chromium: count now, read the events off the message path.
      this.telemetry.count(link, dir, t, data.size, []);
      if (this.blobReads >= MAX_BLOB_READS) {
        this.telemetry.dropEvents(1);
        return;
      }
      this.blobReads += 1;
      data
        .arrayBuffer()
        .then((buffer) => {
          for (const event of decodeMessage(buffer, DECODE_LIMITS).events) this.telemetry.event(link, dir, t, data.size, event);
        })
        .catch(() => undefined)
        .finally(() => {
          this.blobReads -= 1;
        });
      return;
    }
    const frame = decodeMessage(data, DECODE_LIMITS);
    this.telemetry.count(link, dir, t, frame.bytes, frame.events, frame.omitted);
  }

  // -------------------------------------------------------------------------
  // Conditions
  // -------------------------------------------------------------------------

  private conditionsOf(state: ChannelState): DirectedConditions {
    return (state.link && this.perLink[state.link.id]) || this.instance;
  }

  private spikeNow(): number {
    return this.spikeMs > 0 && this.now() < this.spikeUntil ? this.spikeMs : 0;
  }

  private settings(directed: DirectedConditions, dir: 'up' | 'down'): QueueSettings {
    return { conditions: directed[dir], spikeMs: this.spikeNow(), cut: directed.cut };
  }

  private refreshActive(state: ChannelState): void {
    const directed = this.conditionsOf(state);
    const spike = this.spikeNow() > 0;
    state.up.active = directed.cut || spike || !noConditions(directed.up);
    state.down.active = directed.cut || spike || !noConditions(directed.down);
  }

  /** A `conditions` message from the host. */
  setConditions(instance: DirectedConditions, perLink: Record<string, DirectedConditions>, spike: { ms: number; forMs: number } | null): void {
    this.instance = instance;
    this.perLink = perLink;
    // The message states what is in force: a spike, or none (null ends one still running).
    if (this.spikeTimer !== null) clearTimeout(this.spikeTimer);
    this.spikeTimer = null;
    this.spikeMs = spike ? spike.ms : 0;
    this.spikeUntil = spike ? this.now() + spike.forMs : 0;
    if (spike) {
      this.spikeTimer = setTimeout(() => {
        this.spikeTimer = null;
        this.refreshAll();
      }, spike.forMs + 1);
    }
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const state of this.live) {
      this.refreshActive(state);
      // A restore: what a cut held may pass now.
      this.arm(state, state.up);
      this.arm(state, state.down);
    }
    for (const pc of this.livePcs) this.updateFreeze(pc);
  }

  private updateFreeze(pcState: PcState): void {
    let cut = false;
    for (const channel of pcState.channels) if (this.conditionsOf(channel).cut) cut = true;
    if (cut && !pcState.frozen) {
      pcState.frozen = this.nativeGetStats
        .call(pcState.pc)
        .then((report) => snapshotReceived(report))
        .catch(() => new Map());
    } else if (!cut) pcState.frozen = null;
  }

  /** The game's getStats result, with received counters frozen while a cut is in force on this connection. */
  gameStats(pc: RTCPeerConnection, result: Promise<RTCStatsReport>): Promise<RTCStatsReport> {
    const frozen = this.pcs.get(pc)?.frozen;
    if (!frozen) return result;
    return Promise.all([result, frozen]).then(([report, snapshot]) => freezeReceived(report, snapshot) as unknown as RTCStatsReport);
  }

  // -------------------------------------------------------------------------
  // Timers
  // -------------------------------------------------------------------------

  private arm<T>(state: ChannelState, direction: Direction<T>): void {
    const due = direction.queue.nextDue();
    if (due === null) return;
    if (this.conditionsOf(state).cut && state.lossless) return; // held until the restore (refreshAll arms it)
    if (direction.timer !== null) {
      if (direction.timerAt <= due) return;
      clearTimeout(direction.timer);
    }
    direction.timerAt = due;
    direction.timer = setTimeout(() => this.pump(state, direction), Math.max(0, Math.floor(due - this.now()) - TIMER_SLACK_MS));
  }

  private pump<T>(state: ChannelState, direction: Direction<T>): void {
    direction.timer = null;
    direction.timerAt = Infinity;
    const cut = this.conditionsOf(state).cut;
    const items = direction.queue.take(this.now() + TIMER_SLACK_MS, cut);
    if (direction === (state.up as Direction<unknown>)) {
      for (const data of items) {
        try {
          this.nativeSend.call(state.channel, data as never);
        } catch {
          // Closed meanwhile: what was in flight is lost with the channel.
        }
      }
    } else {
      for (const held of items) this.deliver(state, held as Incoming);
    }
    if (direction.queue.size === 0) return;
    if (this.rearm) {
      this.toRearm.add(direction as Direction<unknown>);
      this.rearm.postMessage(null);
    } else this.arm(state, direction);
  }

  // -------------------------------------------------------------------------
  // Path stats for the dashboard
  // -------------------------------------------------------------------------

  /**
   * Catches up with channels closed without a `close` event (the spec fires
   * none when the page calls `pc.close()`), so their links do not stay open.
   */
  private sweep(): void {
    for (const state of this.live) {
      const now = linkState(state.channel);
      if (state.link) this.telemetry.setState(state.link, now);
      if (now === 'closed') this.forget(state);
    }
  }

  /** Reads RTT and candidate of every live peer connection (call at most once per second). */
  pollStats(): void {
    this.sweep();
    for (const pcState of this.livePcs) {
      const { pc } = pcState;
      if (pc.connectionState === 'closed') {
        this.livePcs.delete(pcState);
        continue;
      }
      this.nativeGetStats
        .call(pc)
        .then((report) => {
          const path = readPath(report);
          for (const channel of pcState.channels) if (channel.link) this.telemetry.setPath(channel.link, path.rttMs, path.candidate);
        })
        .catch(() => undefined);
    }
  }
}
