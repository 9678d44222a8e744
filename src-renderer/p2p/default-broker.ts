/**
 * Default-broker sources. A browser cannot do mDNS, so the headless host
 * tells it the LAN's elected broker at `GET /api/lan` (a `LanState` whose
 * `defaultBroker.endpoint` is the `BrokerEndpoint`). The dashboard passes a
 * source built on the host bridge instead; anything implementing
 * `DefaultBrokerSource` works.
 */
import { isBrokerKey, isBrokerPath, MAX_BROKER_HOST_LENGTH, MAX_PORT } from './limits.js';
import type { BrokerEndpoint, DefaultBrokerSource } from './types.js';

export interface HttpSourceOptions {
  /** Base URL of a LAN Party host; default: the page's origin. */
  baseUrl?: string;
  /** Poll interval while someone is subscribed (bounded to 250 ms .. 60 s). Default 2 s. */
  intervalMs?: number;
  /** Per-request timeout, ms (bounded to 100 ms .. 30 s). Default 1.5 s. */
  timeoutMs?: number;
  /** Injected for tests; default: the global fetch. */
  fetch?: typeof fetch;
}

/** Other hosts remembered from `LanState.instances`, tried when the first one stops answering. */
const MAX_FALLBACK_HOSTS = 8;

function clamp(value: number | undefined, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/** Validates the `defaultBroker.endpoint` of an untrusted `/api/lan` answer. */
export function parseLanStateEndpoint(body: unknown): BrokerEndpoint | null | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const defaultBroker = (body as { defaultBroker?: unknown }).defaultBroker;
  if (defaultBroker === null) return null;
  if (typeof defaultBroker !== 'object' || defaultBroker === undefined) return undefined;
  const endpoint = (defaultBroker as { endpoint?: unknown }).endpoint;
  if (typeof endpoint !== 'object' || endpoint === null) return undefined;
  const { host, port, path, key, secure } = endpoint as Record<string, unknown>;
  if (typeof host !== 'string' || host.length === 0 || host.length > MAX_BROKER_HOST_LENGTH) return undefined;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > MAX_PORT) return undefined;
  // The host's own path and key passed the contract's schemas; anything else is not a LAN Party host's answer.
  if (!isBrokerPath(path) || !isBrokerKey(key)) return undefined;
  if (typeof secure !== 'boolean') return undefined;
  return { host, port, path, key, secure };
}

/** Base URLs of the other LAN Party hosts listed in a `LanState` (for when ours goes away). */
export function parseLanStateHosts(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const instances = (body as { instances?: unknown }).instances;
  if (!Array.isArray(instances)) return [];
  const out: string[] = [];
  for (const instance of instances.slice(0, 64)) {
    if (typeof instance !== 'object' || instance === null) continue;
    const { address, httpPort } = instance as { address?: unknown; httpPort?: unknown };
    if (typeof address !== 'string' || !/^[0-9A-Za-z.:-]{1,64}$/.test(address)) continue;
    if (typeof httpPort !== 'number' || !Number.isInteger(httpPort) || httpPort < 1 || httpPort > MAX_PORT) continue;
    const host = address.includes(':') ? `[${address}]` : address;
    out.push(`http://${host}:${httpPort}`);
    if (out.length >= MAX_FALLBACK_HOSTS) break;
  }
  return out;
}

export function sameEndpoint(a: BrokerEndpoint | null, b: BrokerEndpoint | null): boolean {
  if (a === null || b === null) return a === b;
  return a.host === b.host && a.port === b.port && a.path === b.path && a.key === b.key && a.secure === b.secure;
}

/**
 * A source that asks `<baseUrl>/api/lan`, re-fetching every `intervalMs` while
 * subscribed, and notifying only on change. When its host stops answering it
 * tries the other hosts that host listed (a browser's page origin may be the
 * very host that just left the LAN).
 */
export function createHttpDefaultBrokerSource(options: HttpSourceOptions = {}): DefaultBrokerSource {
  const intervalMs = clamp(options.intervalMs, 250, 60_000, 2_000);
  const timeoutMs = clamp(options.timeoutMs, 100, 30_000, 1_500);
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const origin = options.baseUrl ?? (typeof location !== 'undefined' ? location.origin : 'http://127.0.0.1');
  let hosts: string[] = [origin];
  const listeners = new Set<(endpoint: BrokerEndpoint | null) => void>();
  let last: BrokerEndpoint | null | undefined;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<BrokerEndpoint | null> | null = null;

  async function fetchFrom(base: string): Promise<BrokerEndpoint | null | undefined> {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await doFetch(`${base}/api/lan`, { signal: controller.signal, cache: 'no-store' });
      if (!response.ok) return undefined;
      const body: unknown = await response.json();
      const endpoint = parseLanStateEndpoint(body);
      if (endpoint !== undefined) {
        const others = parseLanStateHosts(body).filter((h) => h !== origin);
        hosts = [origin, ...others].slice(0, MAX_FALLBACK_HOSTS + 1);
      }
      return endpoint;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timeout);
    }
  }

  async function fetchAny(): Promise<BrokerEndpoint | null> {
    // The last host that answered first, then the others: bounded by the host list.
    for (const base of hosts.slice()) {
      const endpoint = await fetchFrom(base);
      if (endpoint !== undefined) {
        if (base !== hosts[0]) hosts = [base, ...hosts.filter((h) => h !== base)];
        return endpoint;
      }
    }
    throw new Error(`No LAN Party host answered /api/lan (tried ${hosts.length})`);
  }

  function refresh(): Promise<BrokerEndpoint | null> {
    inFlight ??= fetchAny()
      .then((endpoint) => {
        if (last === undefined || !sameEndpoint(last, endpoint)) {
          last = endpoint;
          for (const listener of [...listeners]) {
            try {
              listener(endpoint);
            } catch (error) {
              console.error('LAN Party P2P: default-broker listener failed', error);
            }
          }
        }
        return endpoint;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  function schedule(): void {
    if (timer !== null || listeners.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      refresh()
        .catch(() => undefined)
        .finally(schedule);
    }, intervalMs);
  }

  return {
    get: () => refresh(),
    subscribe(listener) {
      listeners.add(listener);
      schedule();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== null) {
          clearTimeout(timer);
          timer = null;
        }
      };
    },
  };
}

/** A source with a fixed or hand-moved endpoint (tests, games that know their broker). */
export function createStaticDefaultBrokerSource(initial: BrokerEndpoint | null): DefaultBrokerSource & {
  set(endpoint: BrokerEndpoint | null): void;
} {
  let current = initial;
  const listeners = new Set<(endpoint: BrokerEndpoint | null) => void>();
  return {
    get: () => Promise.resolve(current),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(endpoint) {
      if (sameEndpoint(current, endpoint)) return;
      current = endpoint;
      for (const listener of [...listeners]) listener(endpoint);
    },
  };
}
