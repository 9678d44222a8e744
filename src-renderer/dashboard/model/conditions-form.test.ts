import { describe, expect, it } from 'vitest';
import { NETWORK_PRESETS, NO_DIRECTED_CONDITIONS, findPreset } from '../../../src-preload/network-conditions';
import { fieldsOf, parseFields, parseSpike, pickPreset, presetOf } from './conditions-form';

describe('conditions form', () => {
  it('round-trips every preset through the typed fields', () => {
    for (const preset of NETWORK_PRESETS) {
      expect(parseFields(fieldsOf(preset.conditions), 'up')).toEqual({ ok: true, value: preset.conditions });
    }
  });

  it('reads empty delay and loss as 0 and an empty bandwidth as no cap', () => {
    expect(parseFields({ latency: '', jitter: ' ', loss: '', bandwidth: '' }, 'up')).toEqual({
      ok: true,
      value: { latencyMs: 0, jitterMs: 0, lossPct: 0, bandwidthKbps: null },
    });
  });

  it('refuses what the host would refuse, naming the direction', () => {
    expect(parseFields({ latency: 'abc', jitter: '0', loss: '0', bandwidth: '' }, 'down')).toEqual({ ok: false, error: 'down: latency is a number' });
    expect(parseFields({ latency: '-5', jitter: '0', loss: '0', bandwidth: '' }, 'up')).toEqual({ ok: false, error: 'up: latency is 0 to 10000 ms' });
    expect(parseFields({ latency: '0', jitter: '0', loss: '101', bandwidth: '' }, 'up')).toEqual({ ok: false, error: 'up: loss is 0 to 100 %' });
    expect(parseFields({ latency: '0', jitter: '0', loss: '0', bandwidth: '4' }, 'up')).toEqual({
      ok: false,
      error: 'up: bandwidth is 8 to 10000000 kbit/s',
    });
  });

  it('reads a lag spike in ms and seconds within the limits', () => {
    expect(parseSpike('500', '3')).toEqual({ ok: true, value: { ms: 500, forMs: 3_000 } });
    expect(parseSpike('250', '0.5')).toEqual({ ok: true, value: { ms: 250, forMs: 500 } });
    expect(parseSpike('0', '3').ok).toBe(false);
    expect(parseSpike('20000', '3').ok).toBe(false);
    expect(parseSpike('500', '').ok).toBe(false);
    expect(parseSpike('500', '601').ok).toBe(false);
  });

  it('shows a preset as chosen only when both directions carry exactly its figures', () => {
    const g3 = findPreset('mobile-3g')?.conditions;
    if (!g3) throw new Error('missing preset');
    expect(presetOf(NO_DIRECTED_CONDITIONS)).toBe('none');
    expect(presetOf({ up: g3, down: g3, cut: false })).toBe('mobile-3g');
    expect(presetOf({ up: g3, down: g3, cut: true })).toBe('mobile-3g');
    expect(presetOf({ up: g3, down: NO_DIRECTED_CONDITIONS.down, cut: false })).toBe('custom');
    expect(presetOf({ up: { ...g3, latencyMs: 151 }, down: g3, cut: false })).toBe('custom');
  });

  it('accepts only known preset ids from the picker', () => {
    expect(pickPreset('very-bad')).toBe('very-bad');
    expect(pickPreset('custom')).toBeNull();
    expect(pickPreset('__proto__')).toBeNull();
  });
});
