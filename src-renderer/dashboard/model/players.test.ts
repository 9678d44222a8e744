import { describe, expect, it } from 'vitest';
import type { LanInstance } from '../../../src-preload/contract';
import { lanInstance } from '../../../src-preload/testing/lan-instance';
import { listPlayers, namesFromLan } from './players';

const instance = (name: string, peerId: string | null, self = false): LanInstance =>
  lanInstance({ instanceId: `i-${name}`, name, address: '10.0.0.2', peerId, self });

describe('players', () => {
  it('merges the broker listing and the LAN, named from the LAN, without self', () => {
    const rows = listPlayers({
      myId: 'me',
      instances: [instance('Kitchen', 'k1'), instance('Here', 'me', true), instance('Idle', null)],
      brokerIds: ['me', 'tab2', 'k1'],
      connections: new Map([['tab2', 'open']]),
    });
    expect(rows).toEqual([
      { peerId: 'k1', name: 'Kitchen', sameMachine: false, onBroker: true, connection: null },
      { peerId: 'tab2', name: null, sameMachine: false, onBroker: true, connection: 'open' },
    ]);
  });

  it('keeps connected peers that no list knows', () => {
    const rows = listPlayers({ myId: 'me', instances: [], brokerIds: [], connections: new Map([['game-1', 'connecting']]) });
    expect(rows).toEqual([{ peerId: 'game-1', name: null, sameMachine: false, onBroker: false, connection: 'connecting' }]);
  });

  it('maps advertised peer ids to instance names', () => {
    expect([...namesFromLan([instance('A', 'a'), instance('B', null)])]).toEqual([['a', 'A']]);
  });
});
