import { describe, expect, it } from 'vitest';
import { MAX_LISTED_PEERS, parsePeerList, peerListUrl } from './broker-directory';

describe('broker listing', () => {
  it('builds the URL like PeerJS does', () => {
    expect(peerListUrl({ host: '10.0.0.2', port: 9000, path: '/', key: 'peerjs', secure: false })).toBe('http://10.0.0.2:9000/peerjs/peers');
    expect(peerListUrl({ host: 'h', port: 443, path: '/games', key: 'k', secure: true })).toBe('https://h:443/games/k/peers');
    expect(peerListUrl({ host: 'fe80::1', port: 9000, path: 'x/', key: 'peerjs', secure: false })).toBe('http://[fe80::1]:9000/x/peerjs/peers');
  });

  it('keeps valid distinct ids only, bounded', () => {
    expect(parsePeerList(['a', 'b', 'a', 'bad id!', 42, null, 'x'.repeat(65)])).toEqual(['a', 'b']);
    expect(parsePeerList({ peers: [] })).toBeNull();
    expect(parsePeerList(Array.from({ length: 2_000 }, (_, i) => `p${i}`))).toHaveLength(MAX_LISTED_PEERS);
  });
});
