import { describe, expect, it } from 'vitest';
import type { GameInstance, InstanceLink, InstancesState } from '../../../src-preload/game-agent-protocol';
import { NO_CONDITIONS, NO_DIRECTED_CONDITIONS, type DirectedConditions } from '../../../src-preload/network-conditions';
import { describeDirected, emptyState, formatRate, groupByGame, instanceLabel, openHint, peerOfLink, sourceOptions } from './instances-view';

function link(id: string, peer: string | null, label = `dc-${id}`): InstanceLink {
  return {
    id,
    peer,
    label,
    state: 'open',
    reliable: false,
    rttMs: 1.2,
    candidate: 'host',
    sent: { messages: 1, bytes: 10 },
    received: { messages: 2, bytes: 20 },
    rateIn: 0,
    rateOut: 0,
    conditions: NO_DIRECTED_CONDITIONS,
  };
}

function instance(id: string, gameId: string, connectedAt: number, links: InstanceLink[] = [], peerId: string | null = null): GameInstance {
  return {
    id,
    gameId,
    gameName: gameId === 'aaaaaaaa' ? 'Dots' : 'Race',
    page: '/',
    bench: null,
    peerId,
    broker: 'connected',
    connectedAt,
    links,
    names: [],
    conditions: NO_DIRECTED_CONDITIONS,
    droppedEvents: 0,
  };
}

const hosted = [
  { id: 'aaaaaaaa', name: 'Dots' },
  { id: 'bbbbbbbb', name: 'Race' },
];

describe('instances view', () => {
  it('groups instances under the hosted games, oldest first, and keeps a stopped game that still has some', () => {
    const state: InstancesState = {
      instances: [instance('2222222222222222', 'aaaaaaaa', 20), instance('1111111111111111', 'aaaaaaaa', 10), instance('3333333333333333', 'cccccccc', 5)],
      recording: null,
    };
    const groups = groupByGame(state, hosted);
    expect(groups.map((g) => [g.name, g.hosted, g.instances.map((i) => i.id.slice(0, 1))])).toEqual([
      ['Dots', true, ['1', '2']],
      ['Race', true, []],
      ['Race', false, ['3']],
    ]);
  });

  it('says how to start an instance: host a game first, then open it', () => {
    expect(emptyState(groupByGame(null, []))).toEqual({ kind: 'no-games' });
    expect(emptyState(groupByGame({ instances: [], recording: null }, hosted))).toEqual({ kind: 'no-instances', games: ['Dots', 'Race'] });
    expect(emptyState(groupByGame({ instances: [instance('1111111111111111', 'aaaaaaaa', 1)], recording: null }, hosted))).toBeNull();
    expect(openHint(['Dots'])).toMatch(/^Open Dots in a window: each open page is an instance/);
    expect(openHint(['Dots', 'Race', 'Chess'])).toMatch(/^Open Dots, Race or Chess in a window/);
  });

  it('names instances and links by PeerJS id when known, else by instance id and channel label', () => {
    expect(instanceLabel({ id: 'abcdef0123456789', peerId: null })).toBe('instance abcdef');
    expect(instanceLabel({ id: 'abcdef0123456789', peerId: 'p-1' })).toBe('p-1');
    const state: InstancesState = {
      instances: [instance('1111111111111111', 'aaaaaaaa', 1, [link('l1', 'bob'), link('l2', null, 'chat')])],
      recording: null,
    };
    expect(peerOfLink(state, '1111111111111111', 'l1')).toBe('bob');
    expect(peerOfLink(state, '1111111111111111', 'l2')).toBe('chat');
    expect(peerOfLink(state, '1111111111111111', 'l9')).toBe('l9');
    expect(peerOfLink(null, 'x', 'l1')).toBe('l1');
  });

  it('describes the conditions in force in one line', () => {
    const g: DirectedConditions = { up: { latencyMs: 150, jitterMs: 50, lossPct: 2, bandwidthKbps: 1_600 }, down: NO_CONDITIONS, cut: false };
    expect(describeDirected(NO_DIRECTED_CONDITIONS)).toBe('none');
    expect(describeDirected({ ...g, down: g.up })).toBe('150 ms ± 50, 2 % loss, 1.6 Mbit/s each way');
    expect(describeDirected(g)).toBe('up 150 ms ± 50, 2 % loss, 1.6 Mbit/s · down none');
    expect(describeDirected({ ...NO_DIRECTED_CONDITIONS, cut: true })).toBe('cut: nothing passes either way');
  });

  it('formats rates and lists the console sources', () => {
    expect([formatRate(0), formatRate(4.54), formatRate(120.4), formatRate(Number.NaN)]).toEqual(['0/s', '4.5/s', '120/s', '0/s']);
    const state: InstancesState = { instances: [instance('1111111111111111', 'aaaaaaaa', 1, [], 'ada')], recording: null };
    expect(sourceOptions(state)).toEqual([
      { value: '', label: 'All sources' },
      { value: 'self', label: "This dashboard's engine" },
      { value: '1111111111111111', label: 'Dots: ada' },
    ]);
  });
});
