import { describe, expect, it } from 'vitest';
import { lanInstance as instance, lanState as lan } from '../../../src-preload/testing/lan-instance';
import { lanGames } from './games';

describe('lanGames', () => {
  it('lists every instance’s games at the root of their own port, this host first', () => {
    const state = lan([
      instance({ instanceId: 'b', name: 'Bob', address: '10.77.0.2', httpPort: 9001, games: [{ name: 'Zeta', port: 9002 }] }),
      instance({ instanceId: 'a', name: 'Me', self: true, address: '10.77.0.1', games: [{ name: 'Alpha', port: 9001 }] }),
      instance({ instanceId: 'c', name: 'Cleo', address: 'fd00::3', httpPort: 9002, games: [{ name: 'Beta', port: 9003 }] }),
      instance({ instanceId: 'd', name: 'Ghost', address: null, games: [{ name: 'Lost', port: 9001 }] }),
    ]);
    expect(lanGames(state, '127.0.0.1').map((g) => [g.name, g.hostName, g.url])).toEqual([
      ['Alpha', 'Me', 'http://127.0.0.1:9001/'],
      ['Beta', 'Cleo', 'http://[fd00::3]:9003/'],
      ['Zeta', 'Bob', 'http://10.77.0.2:9002/'],
    ]);
    expect(lanGames(state, null)[0]?.url).toBe('http://10.77.0.1:9001/');
    // The page reached over IPv6: location.hostname is already bracketed.
    expect(lanGames(state, '[::1]')[0]?.url).toBe('http://[::1]:9001/');
  });
});
