/**
 * The conditioning controls' form values: what the user typed (strings, so a
 * half-typed number stays as typed) to NetworkConditions and back, checked
 * with the one rule of network-conditions.ts so the dashboard never says
 * "valid" to what the host then refuses.
 */
import {
  checkConditions,
  findPreset,
  NETWORK_LIMITS,
  NETWORK_PRESETS,
  NO_CONDITIONS,
  type DirectedConditions,
  type NetworkConditions,
  type NetworkPresetId,
} from '../../../src-preload/network-conditions';

/** One direction's fields as typed; an empty bandwidth means no cap. */
export interface ConditionsFields {
  latency: string;
  jitter: string;
  loss: string;
  bandwidth: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function fieldsOf(value: NetworkConditions): ConditionsFields {
  return {
    latency: String(value.latencyMs),
    jitter: String(value.jitterMs),
    loss: String(value.lossPct),
    bandwidth: value.bandwidthKbps === null ? '' : String(value.bandwidthKbps),
  };
}

function number(text: string, what: string): Parsed<number> {
  const trimmed = text.trim();
  // Number('') is 0: an emptied field means 0 for delays and loss, never a silent NaN.
  if (trimmed === '') return { ok: true, value: 0 };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, error: `${what} is a number` };
  return { ok: true, value };
}

/** `direction` names the direction in the error ("uplink: latency is 0 to 10000 ms"). */
export function parseFields(fields: ConditionsFields, direction: string): Parsed<NetworkConditions> {
  const latency = number(fields.latency, 'latency');
  const jitter = number(fields.jitter, 'jitter');
  const loss = number(fields.loss, 'loss');
  const bandwidthText = fields.bandwidth.trim();
  const bandwidth = bandwidthText === '' ? ({ ok: true, value: null } as const) : number(bandwidthText, 'bandwidth');
  for (const part of [latency, jitter, loss, bandwidth]) if (!part.ok) return { ok: false, error: `${direction}: ${part.error}` };
  const value: NetworkConditions = {
    latencyMs: (latency as { value: number }).value,
    jitterMs: (jitter as { value: number }).value,
    lossPct: (loss as { value: number }).value,
    bandwidthKbps: (bandwidth as { value: number | null }).value,
  };
  const problem = checkConditions(value);
  return problem ? { ok: false, error: `${direction}: ${problem}` } : { ok: true, value };
}

/** A lag spike typed as milliseconds of added delay and seconds of duration. */
export function parseSpike(msText: string, secondsText: string): Parsed<{ ms: number; forMs: number }> {
  const ms = Number(msText.trim());
  const seconds = Number(secondsText.trim());
  if (msText.trim() === '' || !Number.isInteger(ms) || ms < 1 || ms > NETWORK_LIMITS.maxSpikeMs)
    return { ok: false, error: `a spike adds 1 to ${NETWORK_LIMITS.maxSpikeMs} ms` };
  const forMs = Math.round(seconds * 1000);
  if (secondsText.trim() === '' || !Number.isFinite(seconds) || forMs < 1 || forMs > NETWORK_LIMITS.maxSpikeForMs)
    return { ok: false, error: `a spike lasts up to ${NETWORK_LIMITS.maxSpikeForMs / 1000} s` };
  return { ok: true, value: { ms, forMs } };
}

function same(a: NetworkConditions, b: NetworkConditions): boolean {
  return a.latencyMs === b.latencyMs && a.jitterMs === b.jitterMs && a.lossPct === b.lossPct && a.bandwidthKbps === b.bandwidthKbps;
}

export function isUnconditioned(value: NetworkConditions): boolean {
  return same(value, NO_CONDITIONS);
}

/** What the preset picker shows as chosen: a preset on both directions, none at all, or custom figures. */
export function presetOf(value: DirectedConditions): NetworkPresetId | 'none' | 'custom' {
  if (isUnconditioned(value.up) && isUnconditioned(value.down)) return 'none';
  for (const preset of NETWORK_PRESETS) if (same(value.up, preset.conditions) && same(value.down, preset.conditions)) return preset.id;
  return 'custom';
}

/** A preset id the picker offers, or null (the picker's value is user input too). */
export function pickPreset(id: string): NetworkPresetId | null {
  return findPreset(id)?.id ?? null;
}
