/**
 * The agent's socket to the host that served the page (AGENT_PATH on the
 * page's own origin): hello on every (re)connection, reports at most every
 * reportIntervalMs and only when something changed, reconnection with a
 * bounded backoff, and the host's messages, checked before use (the host is
 * ours, but a bad message must never break the game).
 *
 * It uses the NATIVE WebSocket, captured before the shim wraps it, so the
 * agent's own traffic is never rewritten, watched or counted as the game's.
 */
import { AGENT_LIMITS, AGENT_PATH, type AgentMessage, type HostToAgentMessage } from '../../src-preload/game-agent-protocol.js';
import { checkConditions, NETWORK_LIMITS, type DirectedConditions, type NetworkConditions } from '../../src-preload/network-conditions.js';

/** First reconnection delay; it doubles up to RECONNECT_MAX_MS and stays there while the host is away. */
export const RECONNECT_FIRST_MS = 500;
export const RECONNECT_MAX_MS = 10_000;

export function reconnectDelayMs(attempt: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, Math.min(attempt, 16)));
}

/** Characters of a host's broker message kept for the console. */
const MAX_LOG_CHARS = 300;
/** Links named in one conditions message. */
const MAX_CONDITION_LINKS = 256;

function isConditions(value: unknown): value is NetworkConditions {
  if (typeof value !== 'object' || value === null) return false;
  const { latencyMs, jitterMs, lossPct, bandwidthKbps } = value as Record<string, unknown>;
  if (typeof latencyMs !== 'number' || typeof jitterMs !== 'number' || typeof lossPct !== 'number') return false;
  if (bandwidthKbps !== null && typeof bandwidthKbps !== 'number') return false;
  return checkConditions({ latencyMs, jitterMs, lossPct, bandwidthKbps }) === null;
}

function isDirected(value: unknown): value is DirectedConditions {
  if (typeof value !== 'object' || value === null) return false;
  const { up, down, cut } = value as Record<string, unknown>;
  return isConditions(up) && isConditions(down) && typeof cut === 'boolean';
}

const clean = (c: NetworkConditions): NetworkConditions => ({ latencyMs: c.latencyMs, jitterMs: c.jitterMs, lossPct: c.lossPct, bandwidthKbps: c.bandwidthKbps });
const cleanDirected = (d: DirectedConditions): DirectedConditions => ({ up: clean(d.up), down: clean(d.down), cut: d.cut });

/** A host message, checked and copied; null when it is not one the agent understands. */
export function parseHostMessage(text: unknown): HostToAgentMessage | null {
  if (typeof text !== 'string' || text.length > AGENT_LIMITS.maxMessageBytes * 4) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  if (message.type === 'reload') return { type: 'reload' };
  if (message.type === 'broker') {
    const { state, message: line } = message;
    if ((state !== 'waiting' && state !== 'connected' && state !== 'moving') || typeof line !== 'string') return null;
    return { type: 'broker', state, message: line.slice(0, MAX_LOG_CHARS) };
  }
  if (message.type === 'conditions') {
    const { instance, links, spike } = message;
    if (!isDirected(instance) || typeof links !== 'object' || links === null || Array.isArray(links)) return null;
    const perLink: Record<string, DirectedConditions> = {};
    for (const [id, directed] of Object.entries(links).slice(0, MAX_CONDITION_LINKS)) {
      if (isDirected(directed)) perLink[id] = cleanDirected(directed);
    }
    let checkedSpike: { ms: number; forMs: number } | null = null;
    if (spike !== null && spike !== undefined) {
      const { ms, forMs } = spike as Record<string, unknown>;
      if (typeof ms !== 'number' || typeof forMs !== 'number' || !(ms >= 0 && ms <= NETWORK_LIMITS.maxSpikeMs) || !(forMs >= 0 && forMs <= NETWORK_LIMITS.maxSpikeForMs)) return null;
      checkedSpike = { ms, forMs };
    }
    return { type: 'conditions', instance: cleanDirected(instance), links: perLink, spike: checkedSpike };
  }
  return null;
}

/**
 * The console line for a broker state, once per change (null when the state
 * did not change). "LAN Party:" prefixes every line; waiting and moving warn.
 */
export function brokerLine(previous: string | null, message: Extract<HostToAgentMessage, { type: 'broker' }>): { level: 'info' | 'warn'; text: string } | null {
  if (previous === message.state) return null;
  const text = message.message.startsWith('LAN Party:') ? message.message : `LAN Party: ${message.message}`;
  return { level: message.state === 'connected' ? 'info' : 'warn', text };
}

export interface AgentLinkOptions {
  NativeWebSocket: typeof WebSocket;
  url: string;
  hello: Extract<AgentMessage, { type: 'hello' }>;
  onMessage(message: HostToAgentMessage): void;
  /** The socket opened (true) or closed (false). */
  onUp(up: boolean): void;
}

export class AgentLink {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: AgentLinkOptions) {
    this.connect();
  }

  get up(): boolean {
    return this.socket?.readyState === 1;
  }

  send(message: AgentMessage): void {
    if (!this.up) return;
    try {
      this.socket?.send(JSON.stringify(message));
    } catch {
      // Closing: the next connection sends a full report.
    }
  }

  private connect(): void {
    this.timer = null;
    let socket: WebSocket;
    try {
      socket = new this.options.NativeWebSocket(this.options.url);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.attempt = 0;
      this.send(this.options.hello);
      this.options.onUp(true);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      const message = parseHostMessage(event.data);
      if (message) this.options.onMessage(message);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.options.onUp(false);
      this.retry();
    });
  }

  private retry(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.connect(), reconnectDelayMs(this.attempt++));
  }
}

/** The agent socket's URL on the page's own origin, or null when the page is not served over HTTP(S). */
export function agentUrl(page: { protocol: string; host: string }): string | null {
  if (page.protocol !== 'http:' && page.protocol !== 'https:') return null;
  return `${page.protocol === 'https:' ? 'wss' : 'ws'}://${page.host}${AGENT_PATH}`;
}

/** A random instance id: 16 lowercase hex characters. */
export function newInstanceId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return Array.from(random(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}
