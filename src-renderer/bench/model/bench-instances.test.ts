import { describe, expect, it } from 'vitest';
import type { GameInstance, InstanceLink } from '../../../src-preload/game-agent-protocol';
import { NETWORK_PRESETS, NO_DIRECTED_CONDITIONS } from '../../../src-preload/network-conditions';
import { benchInstances, describeLinks, describeRtt, linkSummary, medianRtt, presetName, presetPick } from './bench-instances';

function link(state: InstanceLink['state'], rttMs: number | null): InstanceLink {
  const count = { messages: 0, bytes: 0 };
  return { id: 'l', peer: null, label: '', state, reliable: false, rttMs, candidate: null, sent: count, received: count, rateIn: 0, rateOut: 0, conditions: NO_DIRECTED_CONDITIONS };
}

function instance(id: string, bench: GameInstance['bench'], connectedAt = 0, links: InstanceLink[] = []): GameInstance {
  return { id, gameId: '0123abcd', gameName: 'Dots', page: '/', bench, peerId: null, broker: null, connectedAt, links, names: [], conditions: NO_DIRECTED_CONDITIONS, droppedEvents: 0 };
}

describe('benchInstances', () => {
  it('matches tiles by bench id and index; the newest page of an index wins', () => {
    const state = {
      recording: null,
      instances: [
        instance('a'.repeat(16), { id: 'bench001', instance: 1, count: 2 }, 10),
        instance('b'.repeat(16), { id: 'bench001', instance: 2, count: 2 }, 10),
        instance('c'.repeat(16), { id: 'bench001', instance: 2, count: 2 }, 20),
        instance('d'.repeat(16), { id: 'other001', instance: 1, count: 2 }, 30),
        instance('e'.repeat(16), null, 30),
      ],
    };
    const matched = benchInstances(state, 'bench001');
    expect([...matched.keys()].sort()).toEqual([1, 2]);
    expect(matched.get(2)?.id).toBe('c'.repeat(16));
    expect(benchInstances(null, 'bench001').size).toBe(0);
  });
});

describe('labels', () => {
  it('summarises links and their median RTT', () => {
    const links = [link('open', 2), link('open', 9), link('open', 4), link('connecting', null), link('closed', 1)];
    expect(describeLinks(linkSummary({ links }))).toBe('3 open · 1 connecting');
    expect(describeLinks(linkSummary({ links: [] }))).toBe('no links');
    expect(medianRtt({ links })).toBe(4);
    expect(describeRtt(medianRtt({ links: [link('connecting', null)] }))).toBe('RTT –');
    expect(describeRtt(0.4)).toBe('RTT <1 ms');
  });

  it('names the network: a preset, none, custom or cut', () => {
    const mobile = NETWORK_PRESETS.find((p) => p.id === 'mobile-3g')?.conditions ?? NO_DIRECTED_CONDITIONS.up;
    expect(presetName({ conditions: { up: mobile, down: mobile, cut: false } })).toBe('Mobile 3G');
    expect(presetName({ conditions: NO_DIRECTED_CONDITIONS })).toBe('no conditions');
    expect(presetName({ conditions: { up: { ...mobile, latencyMs: 151 }, down: mobile, cut: false } })).toBe('custom');
    expect(presetName({ conditions: { ...NO_DIRECTED_CONDITIONS, cut: true } })).toBe('cut');
  });

  it('sets what a picker offers to set: none or a preset, never "custom" or an unknown value', () => {
    expect(presetPick('none')).toBe('none');
    expect(presetPick('mobile-3g')).toBe('mobile-3g');
    expect(presetPick('custom')).toBeNull();
    expect(presetPick('dialup')).toBeNull();
  });
});
