/**
 * Network conditions a game instance can be played under (the game agent
 * applies them in the page, on RTCDataChannel traffic): the one source of the
 * shape, the presets and their figures, the limits and the CLI spelling.
 *
 * Runtimes: imported by the host (CLI flag, contract schemas), by the game
 * agent injected into game pages and by the dashboard. So this file imports
 * nothing (no zod: the agent bundle stays small; contract.ts builds its
 * schema from the limits below).
 *
 * Model: every instance has an uplink (what it sends) and a downlink (what it
 * receives), each with its own conditions. A message from A to B crosses A's
 * uplink and B's downlink. `--network` applies a setting to every instance's
 * uplink only, so a message between two conditioned instances crosses the
 * setting once (latency=100 on both: +200 ms on a round trip). A preset
 * chosen for one instance in the dashboard conditions both of its directions.
 */

export interface NetworkConditions {
  /** Added one-way delay, ms. */
  latencyMs: number;
  /** Each message's delay is latency ± up to jitter (uniform), never below 0; ms. */
  jitterMs: number;
  /**
   * Percent of messages lost. Unreliable channels drop them; reliable (ordered,
   * no retransmit limit) channels never lose or reorder: a loss becomes a
   * retransmission delay, and later messages wait behind it.
   */
  lossPct: number;
  /** Bandwidth cap in kilobits per second (1 kbit = 1000 bits), null for none. */
  bandwidthKbps: number | null;
}

export const NETWORK_LIMITS = {
  maxLatencyMs: 10_000,
  maxJitterMs: 10_000,
  maxLossPct: 100,
  minBandwidthKbps: 8,
  maxBandwidthKbps: 10_000_000,
  /** A lag spike: at most this much added delay, for at most this long. */
  maxSpikeMs: 10_000,
  maxSpikeForMs: 600_000,
} as const;

export const NO_CONDITIONS: Readonly<NetworkConditions> = Object.freeze({ latencyMs: 0, jitterMs: 0, lossPct: 0, bandwidthKbps: null });

export type NetworkPresetId = 'lan' | 'good-wifi' | 'home-broadband' | 'congested' | 'mobile-3g' | 'very-bad';

export interface NetworkPreset {
  id: NetworkPresetId;
  label: string;
  /** One direction's figures (a preset given to an instance applies to both of its directions). */
  conditions: Readonly<NetworkConditions>;
}

/**
 * Figures per direction. Sources: typical one-way figures (RTT / 2) of each
 * kind of access; Chrome DevTools' "3G" throttling profile (1.6 Mbit/s, ~300 ms RTT)
 * for mobile 3G.
 */
export const NETWORK_PRESETS: readonly NetworkPreset[] = Object.freeze([
  { id: 'lan', label: 'LAN', conditions: { latencyMs: 1, jitterMs: 0, lossPct: 0, bandwidthKbps: null } },
  { id: 'good-wifi', label: 'Good Wi-Fi', conditions: { latencyMs: 5, jitterMs: 3, lossPct: 0.5, bandwidthKbps: null } },
  { id: 'home-broadband', label: 'Home broadband', conditions: { latencyMs: 20, jitterMs: 5, lossPct: 0.5, bandwidthKbps: 20_000 } },
  { id: 'congested', label: 'Congested', conditions: { latencyMs: 80, jitterMs: 40, lossPct: 3, bandwidthKbps: 2_000 } },
  { id: 'mobile-3g', label: 'Mobile 3G', conditions: { latencyMs: 150, jitterMs: 50, lossPct: 2, bandwidthKbps: 1_600 } },
  { id: 'very-bad', label: 'Very bad', conditions: { latencyMs: 400, jitterMs: 200, lossPct: 15, bandwidthKbps: 256 } },
] satisfies NetworkPreset[]);

export function findPreset(id: string): NetworkPreset | undefined {
  return NETWORK_PRESETS.find((preset) => preset.id === id);
}

/** What one instance (or one of its links) is played under. */
export interface DirectedConditions {
  up: NetworkConditions;
  down: NetworkConditions;
  /** Nothing passes either way, like a pulled cable, until restored. */
  cut: boolean;
}

export const NO_DIRECTED_CONDITIONS: Readonly<DirectedConditions> = Object.freeze({ up: NO_CONDITIONS, down: NO_CONDITIONS, cut: false });

/** A problem with a conditions value, as one sentence for the user; null when valid. */
export function checkConditions(value: NetworkConditions): string | null {
  const finite = (n: number): boolean => typeof n === 'number' && Number.isFinite(n);
  if (!finite(value.latencyMs) || value.latencyMs < 0 || value.latencyMs > NETWORK_LIMITS.maxLatencyMs)
    return `latency is 0 to ${NETWORK_LIMITS.maxLatencyMs} ms`;
  if (!finite(value.jitterMs) || value.jitterMs < 0 || value.jitterMs > NETWORK_LIMITS.maxJitterMs)
    return `jitter is 0 to ${NETWORK_LIMITS.maxJitterMs} ms`;
  if (!finite(value.lossPct) || value.lossPct < 0 || value.lossPct > NETWORK_LIMITS.maxLossPct) return 'loss is 0 to 100 %';
  if (
    value.bandwidthKbps !== null &&
    (!finite(value.bandwidthKbps) || value.bandwidthKbps < NETWORK_LIMITS.minBandwidthKbps || value.bandwidthKbps > NETWORK_LIMITS.maxBandwidthKbps)
  )
    return `bandwidth is ${NETWORK_LIMITS.minBandwidthKbps} to ${NETWORK_LIMITS.maxBandwidthKbps} kbit/s`;
  return null;
}

/**
 * Parses the CLI spelling: a preset id (`mobile-3g`) or `key=value` pairs
 * separated by commas (`latency=100,jitter=20,loss=5,bandwidth=1000`; keys
 * latency/jitter in ms, loss in percent, bandwidth in kbit/s). Throws an Error
 * with a message for the user.
 */
export function parseNetworkSpec(spec: string): NetworkConditions {
  const text = spec.trim();
  const preset = findPreset(text);
  if (preset) return { ...preset.conditions };
  if (!text.includes('=')) {
    throw new Error(`unknown preset "${text}": use one of ${NETWORK_PRESETS.map((p) => p.id).join(', ')}, or latency=MS,jitter=MS,loss=PCT,bandwidth=KBPS`);
  }
  const result: NetworkConditions = { ...NO_CONDITIONS };
  for (const part of text.split(',')) {
    const [rawKey, rawValue, extra] = part.split('=');
    const key = (rawKey ?? '').trim();
    const value = Number((rawValue ?? '').trim());
    if (extra !== undefined || rawValue === undefined || rawValue.trim() === '' || !Number.isFinite(value)) {
      throw new Error(`"${part.trim()}" is not key=number`);
    }
    if (key === 'latency') result.latencyMs = value;
    else if (key === 'jitter') result.jitterMs = value;
    else if (key === 'loss') result.lossPct = value;
    else if (key === 'bandwidth') result.bandwidthKbps = value;
    else throw new Error(`unknown key "${key}": use latency, jitter, loss or bandwidth`);
  }
  const problem = checkConditions(result);
  if (problem) throw new Error(problem);
  return result;
}

/** Short human form, e.g. "150 ms ± 50, 2 % loss, 1.6 Mbit/s" or "no added delay". */
export function describeConditions(value: NetworkConditions): string {
  const parts: string[] = [];
  if (value.latencyMs > 0 || value.jitterMs > 0) parts.push(value.jitterMs > 0 ? `${value.latencyMs} ms ± ${value.jitterMs}` : `${value.latencyMs} ms`);
  if (value.lossPct > 0) parts.push(`${value.lossPct} % loss`);
  if (value.bandwidthKbps !== null)
    parts.push(value.bandwidthKbps >= 1000 ? `${value.bandwidthKbps / 1000} Mbit/s` : `${value.bandwidthKbps} kbit/s`);
  return parts.length > 0 ? parts.join(', ') : 'no added delay';
}
