/**
 * Who is registered on the broker we use. A PeerJS broker started with
 * `allow_discovery` (ours is, by default) lists its client ids at
 * `GET <path><key>/peers`; that is how two browser tabs on one host, or a
 * browser player and a game, find each other when mDNS cannot see them.
 */
import type { BrokerEndpoint } from '../../../src-preload/contract';
import { isPeerId } from '../../p2p';

/** Ids kept from one listing: a broker is untrusted input too. */
export const MAX_LISTED_PEERS = 500;

/** The listing URL, built exactly as PeerJS builds its REST URLs. */
export function peerListUrl(endpoint: BrokerEndpoint): string {
  const protocol = endpoint.secure ? 'https' : 'http';
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  let path = endpoint.path.startsWith('/') ? endpoint.path : `/${endpoint.path}`;
  if (!path.endsWith('/')) path += '/';
  return `${protocol}://${host}:${endpoint.port}${path}${encodeURIComponent(endpoint.key)}/peers`;
}

/** Valid, distinct ids from a listing body, or null when the body is not a listing. */
export function parsePeerList(body: unknown): string[] | null {
  if (!Array.isArray(body)) return null;
  const out = new Set<string>();
  for (const item of body) {
    if (out.size >= MAX_LISTED_PEERS) break;
    if (isPeerId(item)) out.add(item);
  }
  return [...out];
}

export type DirectoryState =
  | { status: 'idle'; ids: [] }
  | { status: 'listed'; ids: string[]; at: number }
  | { status: 'unlisted'; ids: []; reason: string };

export interface DirectoryPollerOptions {
  intervalMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  onChange(state: DirectoryState): void;
}

/**
 * Polls the listing of one broker while started. Never more than one request
 * in flight; stops on `stop()` or when pointed at another broker.
 */
export class DirectoryPoller {
  private endpoint: BrokerEndpoint | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: DirectoryPollerOptions) {
    this.intervalMs = options.intervalMs ?? 2_000;
    this.timeoutMs = options.timeoutMs ?? 1_500;
    this.doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  }

  start(endpoint: BrokerEndpoint): void {
    this.stop();
    this.endpoint = endpoint;
    void this.poll(this.generation);
  }

  /** Polls again now (e.g. a peer just connected or left). */
  refresh(): void {
    if (!this.endpoint) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.generation += 1;
    void this.poll(this.generation);
  }

  stop(): void {
    this.generation += 1;
    this.endpoint = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.options.onChange({ status: 'idle', ids: [] });
  }

  private async poll(generation: number): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    const state = await this.fetchOnce(endpoint);
    if (generation !== this.generation) return;
    this.options.onChange(state);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll(generation);
    }, this.intervalMs);
  }

  private async fetchOnce(endpoint: BrokerEndpoint): Promise<DirectoryState> {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.doFetch(peerListUrl(endpoint), { signal: controller.signal, cache: 'no-store' });
      if (!response.ok) return { status: 'unlisted', ids: [], reason: `the broker answered ${response.status} to its player list` };
      const ids = parsePeerList(await response.json());
      if (ids === null) return { status: 'unlisted', ids: [], reason: 'the broker does not list its players' };
      return { status: 'listed', ids, at: Date.now() };
    } catch {
      return { status: 'unlisted', ids: [], reason: 'the broker did not answer for its player list' };
    } finally {
      clearTimeout(timeout);
    }
  }
}
