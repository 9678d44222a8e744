import { describe, expect, it } from 'vitest';
import { rewriteCloudUrl, stripCloudIceServers, type ShimBroker } from './cloud-url';

const lan: ShimBroker = { host: '10.77.0.2', port: 9000, path: '/', key: 'lanparty', secure: false };
// A game's page: the root of its own port on its host.
const base = 'http://10.77.0.1:9001/index.html';

describe('rewriteCloudUrl', () => {
  it('sends the cloud socket to the LAN broker with its key', () => {
    expect(rewriteCloudUrl('wss://0.peerjs.com:443/peerjs?key=peerjs&id=a&token=t&version=1.4.6', base, lan)).toBe(
      'ws://10.77.0.2:9000/peerjs?key=lanparty&id=a&token=t&version=1.4.6',
    );
  });

  it('maps the REST id and peers requests under the LAN path and key', () => {
    expect(rewriteCloudUrl('https://0.peerjs.com:443/peerjs/id?ts=123', base, lan)).toBe('http://10.77.0.2:9000/lanparty/id?ts=123');
    const withPath = { ...lan, path: '/broker' };
    expect(rewriteCloudUrl('https://0.peerjs.com/peerjs/peers', base, withPath)).toBe('http://10.77.0.2:9000/broker/lanparty/peers');
    expect(rewriteCloudUrl('wss://0.peerjs.com/peerjs?key=peerjs', base, withPath)).toBe('ws://10.77.0.2:9000/broker/peerjs?key=lanparty');
  });

  it('keeps TLS when the LAN broker has it, and brackets IPv6 hosts', () => {
    expect(rewriteCloudUrl('wss://0.peerjs.com/peerjs?key=peerjs', base, { ...lan, secure: true })).toMatch(/^wss:\/\/10\.77\.0\.2:9000\//);
    expect(rewriteCloudUrl('https://0.peerjs.com/peerjs/id', base, { ...lan, host: 'fd00::2' })).toBe('http://[fd00::2]:9000/lanparty/id');
  });

  it('leaves every other URL alone', () => {
    for (const url of ['ws://192.168.1.5:9000/peerjs?key=mine', 'https://example.com/peerjs/id', '/assets/game.js', 'not a url at all ::']) {
      expect(rewriteCloudUrl(url, base, lan)).toBeNull();
    }
  });
});

describe('stripCloudIceServers', () => {
  it("drops PeerJS's default internet servers and keeps a game's own", () => {
    const config = {
      iceServers: [
        { urls: 'stun:stun.l.google.com:19302' },
        { urls: ['turn:eu-0.turn.peerjs.com:3478', 'turn:us-0.turn.peerjs.com:3478'], username: 'peerjs', credential: 'peerjsp' },
        { urls: ['turn:turn.mygame.example:3478', 'turn:us-0.turn.peerjs.com:3478'], username: 'me' },
      ],
      sdpSemantics: 'unified-plan',
    };
    expect(stripCloudIceServers(config)).toEqual({
      iceServers: [{ urls: ['turn:turn.mygame.example:3478'], username: 'me' }],
      sdpSemantics: 'unified-plan',
    });
    expect(stripCloudIceServers(undefined)).toBeUndefined();
    expect(stripCloudIceServers({})).toEqual({});
  });
});
