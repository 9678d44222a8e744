/**
 * The host's end of the game agent (issue 11): every hosted game page's agent
 * connects to AGENT_PATH on the game's own origin; the hub checks who it is,
 * validates and bounds what it says, keeps one record per instance, pushes it
 * the conditions it is played under, and publishes what control dashboards
 * see (InstancesState, instance events) and what the trace records.
 *
 * Trust: a game page is untrusted code. Its socket is accepted only from the
 * game's own origin (agent-origin.ts); every message is validated with the
 * protocol's schemas (game-agent-schemas.ts); over AGENT_LIMITS'
 * rate a message is dropped unparsed, over its size the socket is closed with
 * a reason; a socket speaks for the one instance its hello named, and no
 * message names another, so a lying page can misreport itself and nothing
 * else. At most AGENT_LIMITS.maxInstances instances are tracked at once.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { HostedGame } from '../../../src-preload/contract.js';
import {
  AGENT_LIMITS,
  type AgentMessage,
  type BenchIdentity,
  type EventNameReport,
  type GameInstance,
  type HostToAgentMessage,
  type InstanceEvents,
  type InstancesState,
  type LinkReport,
} from '../../../src-preload/game-agent-protocol.js';
import { AgentMessageSchema, type SetNetworkConditionsInput } from '../../../src-preload/game-agent-schemas.js';
import { findPreset, type DirectedConditions, type NetworkConditions } from '../../../src-preload/network-conditions.js';
import { ChangeCoalescer } from '../change-coalescer.js';
import { isGameOwnOrigin } from './agent-origin.js';
import { ConditionsTable } from './conditions-table.js';
import { CounterRate } from './counter-rate.js';
import { EventBatcher } from './event-batcher.js';
import { RateWindow } from './rate-window.js';
import type { RelayState } from './signaling-relay.js';
import { TraceRecorder, type RecordingState } from './trace-recorder.js';

/** Dashboards get the instances at most this often (each push is at most ~64 instances x 32 links). */
export const INSTANCES_PUBLISH_INTERVAL_MS = 500;
/** An instance whose socket closed stays listed this long (its agent reconnecting keeps the record). */
export const INSTANCE_GRACE_MS = 3_000;
/** A socket that has not said hello by then is closed: our agent says it at once. */
export const HELLO_TIMEOUT_MS = 5_000;
/** Agent sockets open at once per game origin, hello or not (each page has one; reconnections overlap briefly). */
export const MAX_AGENT_SOCKETS_PER_GAME = 2 * AGENT_LIMITS.maxInstances;
/** A socket that keeps sending invalid messages is closed after this many: our agent never sends one. */
export const MAX_INVALID_MESSAGES = 100;
/** A page that does not read what we send (conditions, broker state) is not written to past this. */
const MAX_AGENT_BUFFERED_BYTES = 256 * 1024;
/**
 * Bench instances whose instance-level conditions are kept across reloads
 * (one page load = one agent instance id, so the bench identity is the key).
 * A bench has at most 16 instances; the oldest entry goes past this.
 */
const MAX_REMEMBERED_BENCH_SLOTS = AGENT_LIMITS.maxInstances;
/** Rates decay while nothing is reported: the state is re-published this often while instances exist. */
const RATE_REFRESH_MS = 1_000;

export const AGENT_CLOSE = {
  tooLarge: { code: 1009, reason: `LAN Party agent: a message is at most ${AGENT_LIMITS.maxMessageBytes} bytes` },
  invalid: { code: 1008, reason: 'LAN Party agent: too many invalid messages' },
  helloFirst: { code: 1008, reason: 'LAN Party agent: say hello first, once' },
  instanceTaken: { code: 1008, reason: 'LAN Party agent: that instance id is in use' },
  full: { code: 1013, reason: `LAN Party agent: this host already tracks ${AGENT_LIMITS.maxInstances} instances` },
  noHello: { code: 1008, reason: 'LAN Party agent: no hello' },
} as const;

export interface AgentHubCounters {
  /** Upgrades refused: not from the game's own origin. */
  refusedOrigins: number;
  /** Messages dropped over the rate. */
  droppedOverRate: number;
  /** Messages dropped as invalid (not JSON, not the protocol). */
  invalidMessages: number;
  /** Sockets closed for a message over the size bound. */
  closedOversize: number;
  /** Sockets refused: the instance table was full, or the game origin had MAX_AGENT_SOCKETS_PER_GAME open. */
  refusedFull: number;
}

interface Instance {
  id: string;
  game: { id: string; name: string };
  page: string;
  bench: BenchIdentity | null;
  connectedAt: number;
  /** The remote address of its agent socket (ties the relay's socket to it). */
  address: string;
  socket: WebSocket | null;
  removeTimer: NodeJS.Timeout | null;
  links: LinkReport[];
  names: EventNameReport[];
  droppedEvents: number;
  reportedPeerId: string | null;
  relay: { state: RelayState; peerId: string | null } | null;
  linkRates: Map<string, CounterRate>;
  nameRates: Map<string, CounterRate>;
}

export interface GameAgentHubOptions {
  /** This host's instance id (in the trace's header). */
  hostInstanceId: string;
  /** `--network`: every instance's uplink, until a dashboard says otherwise. */
  cliUplink?: NetworkConditions | null;
}

export class GameAgentHub {
  private readonly wss = new WebSocketServer({
    noServer: true,
    // Twice the bound, so that a message between the two gets our reason in its close frame (ws's own 1009 has none).
    maxPayload: AGENT_LIMITS.maxMessageBytes * 2,
  });
  private readonly instances = new Map<string, Instance>();
  private readonly socketsPerGame = new Map<string, number>();
  /** The relay's view of instances whose agent may not have said hello yet (bounded by the relay's sockets). */
  private readonly relayStates = new Map<string, { gameId: string; address: string; state: RelayState; peerId: string | null }>();
  private readonly conditions: ConditionsTable;
  /** Instance-level conditions of bench instances, by benchKey (game, bench id, index): a reloaded page gets them back. */
  private readonly benchConditions = new Map<string, DirectedConditions>();
  private readonly recorder: TraceRecorder;
  private readonly batcher = new EventBatcher();
  private readonly listeners = new Set<(state: InstancesState) => void>();
  private readonly publisher = new ChangeCoalescer(() => this.publish(), INSTANCES_PUBLISH_INTERVAL_MS);
  private readonly refresh: NodeJS.Timeout;
  readonly counters: AgentHubCounters = { refusedOrigins: 0, droppedOverRate: 0, invalidMessages: 0, closedOversize: 0, refusedFull: 0 };
  private closed = false;

  constructor(private readonly options: GameAgentHubOptions) {
    this.conditions = new ConditionsTable(options.cliUplink ?? null);
    this.recorder = new TraceRecorder(options.hostInstanceId);
    this.refresh = setInterval(() => {
      if (this.instances.size > 0 && this.listeners.size > 0) this.publisher.schedule();
    }, RATE_REFRESH_MS);
    this.refresh.unref();
  }

  /** `--network`, when given: every instance's uplink from the start. */
  cliConditions(): NetworkConditions | null {
    return this.options.cliUplink ? { ...this.options.cliUplink } : null;
  }

  /** An upgrade to AGENT_PATH on `game`'s origin: accepted only from that origin. */
  handleUpgrade(game: HostedGame, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed || !isGameOwnOrigin(req.headers.origin, req.headers.host, game.port)) {
      this.counters.refusedOrigins += 1;
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if ((this.socketsPerGame.get(game.id) ?? 0) >= MAX_AGENT_SOCKETS_PER_GAME) {
      this.counters.refusedFull += 1;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const address = req.socket.remoteAddress ?? '';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.socketsPerGame.set(game.id, (this.socketsPerGame.get(game.id) ?? 0) + 1);
      ws.once('close', () => {
        const left = (this.socketsPerGame.get(game.id) ?? 1) - 1;
        if (left <= 0) this.socketsPerGame.delete(game.id);
        else this.socketsPerGame.set(game.id, left);
      });
      this.onSocket(ws, game, address);
    });
  }

  // -------------------------------------------------------------------------
  // Agent sockets
  // -------------------------------------------------------------------------

  private onSocket(ws: WebSocket, game: HostedGame, address: string): void {
    const rate = new RateWindow(AGENT_LIMITS.maxMessagesPerSecond);
    let instance: Instance | null = null;
    let invalid = 0;
    const helloTimer = setTimeout(() => {
      if (!instance) ws.close(AGENT_CLOSE.noHello.code, AGENT_CLOSE.noHello.reason);
    }, HELLO_TIMEOUT_MS);
    helloTimer.unref();
    ws.on('error', () => ws.terminate());
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!rate.admit(Date.now())) {
        this.counters.droppedOverRate += 1;
        return;
      }
      const bytes = rawLength(data);
      if (bytes > AGENT_LIMITS.maxMessageBytes) {
        this.counters.closedOversize += 1;
        ws.close(AGENT_CLOSE.tooLarge.code, AGENT_CLOSE.tooLarge.reason);
        return;
      }
      const message = isBinary ? null : parseMessage(data);
      if (!message) {
        this.counters.invalidMessages += 1;
        invalid += 1;
        if (invalid >= MAX_INVALID_MESSAGES) ws.close(AGENT_CLOSE.invalid.code, AGENT_CLOSE.invalid.reason);
        return;
      }
      if (message.type === 'hello') {
        if (instance) {
          ws.close(AGENT_CLOSE.helloFirst.code, AGENT_CLOSE.helloFirst.reason);
          return;
        }
        instance = this.onHello(ws, game, address, message);
        return;
      }
      if (!instance) {
        ws.close(AGENT_CLOSE.helloFirst.code, AGENT_CLOSE.helloFirst.reason);
        return;
      }
      this.onReport(instance, message);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (instance && instance.socket === ws) this.detach(instance);
    });
  }

  private onHello(ws: WebSocket, game: HostedGame, address: string, hello: Extract<AgentMessage, { type: 'hello' }>): Instance | null {
    let instance = this.instances.get(hello.instance);
    if (instance) {
      // Its agent reconnecting (same page, same game) takes the record back; anyone else is refused.
      if (instance.socket !== null || instance.game.id !== game.id) {
        ws.close(AGENT_CLOSE.instanceTaken.code, AGENT_CLOSE.instanceTaken.reason);
        return null;
      }
      if (instance.removeTimer) clearTimeout(instance.removeTimer);
      instance.removeTimer = null;
      instance.socket = ws;
      instance.address = address;
    } else {
      if (this.instances.size >= AGENT_LIMITS.maxInstances) {
        this.counters.refusedFull += 1;
        ws.close(AGENT_CLOSE.full.code, AGENT_CLOSE.full.reason);
        return null;
      }
      instance = {
        id: hello.instance,
        game: { id: game.id, name: game.name },
        page: hello.page,
        bench: hello.bench,
        connectedAt: Date.now(),
        address,
        socket: ws,
        removeTimer: null,
        links: [],
        names: [],
        droppedEvents: 0,
        reportedPeerId: null,
        relay: null,
        linkRates: new Map(),
        nameRates: new Map(),
      };
      this.instances.set(instance.id, instance);
      // A reloaded (or rejoined) bench instance is played under what its predecessor of the same identity was.
      const kept = hello.bench ? this.benchConditions.get(benchKey(game.id, hello.bench)) : undefined;
      if (kept) this.conditions.setInstance(instance.id, kept);
    }
    const relay = this.relayStates.get(instance.id);
    if (relay && relay.gameId === game.id && relay.address === address) instance.relay = { state: relay.state, peerId: relay.peerId };
    this.sendConditions(instance);
    if (instance.relay) this.send(instance, brokerMessage(instance.relay.state));
    this.publisher.schedule();
    return instance;
  }

  private onReport(instance: Instance, report: Extract<AgentMessage, { type: 'report' }>): void {
    const now = Date.now();
    const peersBefore = linkPeers(instance.links);
    instance.links = report.links;
    if (linkPeers(report.links) !== peersBefore) this.resendAllConditions();
    instance.names = report.names;
    instance.droppedEvents += report.droppedEvents;
    instance.reportedPeerId = report.peerId;
    instance.linkRates = track(instance.linkRates, report.links, (link) => [link.id, link.received.messages, link.sent.messages], now);
    instance.nameRates = track(instance.nameRates, report.names, (name) => [name.name, name.in, name.out], now);
    if (report.events.length > 0 || report.droppedEvents > 0) this.batcher.add(instance.id, report.events, report.droppedEvents);
    if (this.recorder.recording) {
      const peerId = this.peerIdOf(instance);
      const linkById = new Map(report.links.map((link) => [link.id, link]));
      for (const event of report.events) {
        const link = linkById.get(event.link);
        this.recorder.record({
          t: event.t,
          instance: instance.id,
          peerId,
          link: event.link,
          peer: link?.peer ?? null,
          dir: event.dir,
          name: event.name,
          size: event.size,
          data: event.data,
          conditions: link ? this.linkConditions(instance, link) : this.conditions.forLink(instance.id, instance.game.id, event.link),
        });
      }
    }
    this.publisher.schedule();
  }

  private detach(instance: Instance): void {
    instance.socket = null;
    instance.removeTimer = setTimeout(() => {
      if (this.instances.get(instance.id) !== instance || instance.socket !== null) return;
      this.instances.delete(instance.id);
      this.conditions.forget(instance.id);
      this.publisher.schedule();
    }, INSTANCE_GRACE_MS);
    instance.removeTimer.unref();
    this.publisher.schedule();
  }

  private send(instance: Instance, message: HostToAgentMessage): void {
    const ws = instance.socket;
    if (!ws || ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_AGENT_BUFFERED_BYTES) return;
    ws.send(JSON.stringify(message));
  }

  private sendConditions(instance: Instance): void {
    const links = this.conditions.linkOverrides(instance.id);
    for (const link of instance.links) if (this.farEndCut(instance, link)) links[link.id] = this.linkConditions(instance, link);
    this.send(instance, {
      type: 'conditions',
      instance: this.conditions.forInstance(instance.id, instance.game.id),
      links,
      spike: this.conditions.spike(instance.id, Date.now()),
    });
  }

  /**
   * What a link is played under, a cut at its far end included. A cut is a
   * pulled cable, so when the far end of a link is an instance served here and
   * is cut, this end stops hearing too: without that, this end's browser keeps
   * receiving the cut page's SCTP acks and ICE checks, and a game or engine
   * judging liveness from the transport never sees the peer go.
   */
  private linkConditions(instance: Instance, link: LinkReport): DirectedConditions {
    const own = this.conditions.forLink(instance.id, instance.game.id, link.id);
    return !own.cut && this.farEndCut(instance, link) ? { ...own, cut: true } : own;
  }

  private farEndCut(instance: Instance, link: LinkReport): boolean {
    const selfId = this.peerIdOf(instance);
    if (link.peer === null || selfId === null) return false;
    for (const far of this.instances.values()) {
      if (far === instance || this.peerIdOf(far) !== link.peer) continue;
      const back = far.links.find((farLink) => farLink.peer === selfId);
      return (back ? this.conditions.forLink(far.id, far.game.id, back.id) : this.conditions.forInstance(far.id, far.game.id)).cut;
    }
    return false;
  }

  /** Links (and so cuts at their far ends) changed somewhere: every instance gets its conditions again. */
  private resendAllConditions(): void {
    for (const instance of this.instances.values()) this.sendConditions(instance);
  }

  private peerIdOf(instance: Instance): string | null {
    // What the host saw on the relay beats what the page says of itself.
    return instance.relay?.peerId ?? instance.reportedPeerId;
  }

  // -------------------------------------------------------------------------
  // The signaling relay's view (signaling-relay.ts)
  // -------------------------------------------------------------------------

  /**
   * The relay's state for the page that opened a relayed socket with this
   * instance id; null when that socket closed. Taken only when the instance
   * is of the same game and its agent connected from the same address.
   */
  relayState(instanceId: string, gameId: string, address: string, state: { state: RelayState; peerId: string | null } | null): void {
    if (state === null) this.relayStates.delete(instanceId);
    else this.relayStates.set(instanceId, { gameId, address, ...state });
    const instance = this.instances.get(instanceId);
    if (!instance || instance.game.id !== gameId || instance.address !== address) return;
    const before = instance.relay?.state ?? null;
    instance.relay = state;
    if (state && state.state !== before) this.send(instance, brokerMessage(state.state));
    this.publisher.schedule();
  }

  // -------------------------------------------------------------------------
  // Control (contract handlers)
  // -------------------------------------------------------------------------

  getState(now = Date.now()): InstancesState {
    const instances: GameInstance[] = [...this.instances.values()]
      .sort((a, b) => a.connectedAt - b.connectedAt || a.id.localeCompare(b.id))
      .map((instance) => {
        const conditions = this.conditions.forInstance(instance.id, instance.game.id);
        return {
          id: instance.id,
          gameId: instance.game.id,
          gameName: instance.game.name,
          page: instance.page,
          bench: instance.bench,
          peerId: this.peerIdOf(instance),
          broker: instance.relay?.state ?? null,
          connectedAt: instance.connectedAt,
          links: instance.links.map((link) => {
            const rates = instance.linkRates.get(link.id)?.rates(now) ?? { in: 0, out: 0 };
            return { ...link, rateIn: rates.in, rateOut: rates.out, conditions: this.linkConditions(instance, link) };
          }),
          names: instance.names.map((name) => {
            const rates = instance.nameRates.get(name.name)?.rates(now) ?? { in: 0, out: 0 };
            return { ...name, rateIn: rates.in, rateOut: rates.out };
          }),
          conditions,
          droppedEvents: instance.droppedEvents,
        };
      });
    return { instances, recording: this.recorder.state() };
  }

  /**
   * Sets conditions, a preset (both directions) or a lag spike on a link, an
   * instance, a game's instances or every instance; throws with a clear
   * message for an unknown target. `games`: the games hosted now.
   */
  setConditions(input: SetNetworkConditionsInput, games: readonly HostedGame[]): InstancesState {
    if (input.gameId !== undefined && !games.some((game) => game.id === input.gameId)) throw new Error(`No hosted game has the id ${input.gameId}`);
    let targets: Instance[];
    if (input.instance !== undefined) {
      const instance = this.instances.get(input.instance);
      if (!instance) throw new Error(`No running instance has the id ${input.instance}`);
      if (input.gameId !== undefined && instance.game.id !== input.gameId) throw new Error(`Instance ${input.instance} is not an instance of game ${input.gameId}`);
      if (input.link !== undefined && !instance.links.some((link) => link.id === input.link)) {
        throw new Error(`Instance ${input.instance} has no link ${input.link}`);
      }
      targets = [instance];
    } else if (input.bench !== undefined) {
      const slot = input.bench;
      // The page(s) playing the slot now, possibly none (not loaded yet, or killed): the slot is remembered below all the same.
      targets = [...this.instances.values()].filter((i) => i.game.id === input.gameId && i.bench?.id === slot.id && i.bench.instance === slot.instance);
    } else if (input.gameId !== undefined) {
      targets = [...this.instances.values()].filter((instance) => instance.game.id === input.gameId);
    } else {
      targets = [...this.instances.values()];
    }
    const value = conditionsOf(input);
    if (value) {
      if (input.instance !== undefined && input.link !== undefined) this.conditions.setLink(input.instance, input.link, value, AGENT_LIMITS.maxLinksPerInstance);
      else if (input.instance !== undefined || input.bench !== undefined) {
        for (const target of targets) this.conditions.setInstance(target.id, value);
        const slot = input.bench ?? targets[0]?.bench;
        const gameId = input.gameId ?? targets[0]?.game.id;
        if (slot && gameId !== undefined) this.rememberBench(benchKey(gameId, slot), value);
      } else if (input.gameId !== undefined) {
        this.conditions.setGame(input.gameId, value, targets.map((instance) => instance.id));
        for (const key of [...this.benchConditions.keys()]) if (key.startsWith(`${input.gameId}:`)) this.benchConditions.delete(key);
      } else {
        this.conditions.setAll(value);
        this.benchConditions.clear();
      }
    }
    if (input.spike) {
      const until = Date.now() + input.spike.forMs;
      for (const instance of targets) this.conditions.setSpike(instance.id, { ms: input.spike.ms, until });
    }
    // Every instance, not only the targets: a cut also silences the far ends of the cut links.
    this.resendAllConditions();
    this.publisher.flush();
    return this.getState();
  }

  private rememberBench(key: string, value: DirectedConditions): void {
    this.benchConditions.delete(key);
    if (this.benchConditions.size >= MAX_REMEMBERED_BENCH_SLOTS) this.benchConditions.delete(this.benchConditions.keys().next().value as string);
    this.benchConditions.set(key, { up: { ...value.up }, down: { ...value.down }, cut: value.cut });
  }

  /**
   * Live reload: a file of the game's folder changed, so every page of the
   * game connected now reloads (its agent does it). Returns how many were told.
   */
  reloadGame(gameId: string): number {
    let told = 0;
    for (const instance of this.instances.values()) {
      if (instance.game.id !== gameId || !instance.socket) continue;
      this.send(instance, { type: 'reload' });
      told += 1;
    }
    return told;
  }

  startRecording(file?: string): RecordingState {
    const state = this.recorder.start(file === undefined ? {} : { file });
    this.publisher.flush();
    return state;
  }

  stopRecording(): RecordingState | null {
    const state = this.recorder.stop();
    this.publisher.flush();
    return state;
  }

  recordingPage(fromLine: number): ReturnType<TraceRecorder['page']> {
    return this.recorder.page(fromLine);
  }

  /** Coalesced: at most every INSTANCES_PUBLISH_INTERVAL_MS (at once for what a control caller did). */
  onInstances(listener: (state: InstancesState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEvents(listener: (batch: InstanceEvents) => void): () => void {
    return this.batcher.onBatch(listener);
  }

  /** Closes every agent socket and the recording (the trace file is complete after this). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refresh);
    this.publisher.cancel();
    this.batcher.close();
    this.recorder.stop();
    for (const instance of this.instances.values()) if (instance.removeTimer) clearTimeout(instance.removeTimer);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.listeners.clear();
  }

  private publish(): void {
    if (this.listeners.size === 0) return;
    const state = this.getState();
    for (const listener of this.listeners) listener(state);
  }
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function parseMessage(data: RawData): AgentMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = AgentMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Keeps a rate per key present in the report (bounded by the report's own bounds); the others are dropped. */
function track<T>(previous: Map<string, CounterRate>, items: readonly T[], read: (item: T) => [string, number, number], now: number): Map<string, CounterRate> {
  const next = new Map<string, CounterRate>();
  for (const item of items) {
    const [key, totalIn, totalOut] = read(item);
    const rate = previous.get(key) ?? next.get(key) ?? new CounterRate();
    rate.push(now, totalIn, totalOut);
    next.set(key, rate);
  }
  return next;
}

function conditionsOf(input: SetNetworkConditionsInput): DirectedConditions | null {
  if (input.conditions) return input.conditions;
  if (input.preset) {
    const preset = findPreset(input.preset);
    if (preset) return { up: { ...preset.conditions }, down: { ...preset.conditions }, cut: false };
  }
  return null;
}

export function brokerMessage(state: RelayState): HostToAgentMessage {
  const message =
    state === 'waiting'
      ? 'no broker on the LAN yet; waiting for one (the game connects within 3 s of one starting)'
      : state === 'moving'
        ? 'the LAN broker went away; re-registering with the same id on the next one'
        : 'registered on the LAN broker';
  return { type: 'broker', state, message };
}

/** A bench instance's identity across page loads: its game, its bench and its index. */
function benchKey(gameId: string, bench: Pick<BenchIdentity, 'id' | 'instance'>): string {
  return `${gameId}:${bench.id}:${bench.instance}`;
}

/** The links' ids and far ends, as one comparable string. */
function linkPeers(links: readonly LinkReport[]): string {
  return links.map((link) => `${link.id}=${link.peer ?? ''}`).join(',');
}
