import { describe, expect, it } from 'vitest';
import { isRelaySocket, relayBroker, rewriteCloudUrl, stripCloudIceServers, tagRelaySocket, type PageLocation } from './cloud-url';

// A game's page: its own port on the host.
const page: PageLocation = { protocol: 'http:', hostname: '10.77.0.1', host: '10.77.0.1:9001', port: '9001' };
const instance = '0123456789abcdef';

describe('rewriteCloudUrl', () => {
  it("sends the cloud socket to the relay on the page's own origin, keeping id/token/key/version and adding the instance", () => {
    expect(rewriteCloudUrl('wss://0.peerjs.com:443/peerjs?key=peerjs&id=a&token=t&version=1.4.6', page, instance)).toBe(
      'ws://10.77.0.1:9001/lan-party/broker/peerjs?key=peerjs&id=a&token=t&version=1.4.6&lanPartyInstance=0123456789abcdef',
    );
  });

  it('maps the REST id and peers requests under the relay', () => {
    expect(rewriteCloudUrl('https://0.peerjs.com:443/peerjs/id?ts=123', page, instance)).toBe('http://10.77.0.1:9001/lan-party/broker/peerjs/id?ts=123');
    expect(rewriteCloudUrl('https://0.peerjs.com/peerjs/peers', page, instance)).toBe('http://10.77.0.1:9001/lan-party/broker/peerjs/peers');
  });

  it('keeps TLS when the page has it, and catches every peerjs.com host', () => {
    const secure: PageLocation = { protocol: 'https:', hostname: 'game.lan', host: 'game.lan', port: '' };
    expect(rewriteCloudUrl('wss://0.peerjs.com/peerjs?key=peerjs', secure, instance)).toBe(
      'wss://game.lan/lan-party/broker/peerjs?key=peerjs&lanPartyInstance=0123456789abcdef',
    );
    expect(rewriteCloudUrl('https://9.PEERJS.com/other/thing', page, instance)).toBe('http://10.77.0.1:9001/lan-party/broker/other/thing');
  });

  it('leaves every other URL alone', () => {
    for (const url of ['ws://192.168.1.5:9000/peerjs?key=mine', 'https://example.com/peerjs/id', 'https://notpeerjs.com/x', '/assets/game.js', 'http://[::1']) {
      expect(rewriteCloudUrl(url, page, instance)).toBeNull();
    }
  });
});

describe('relayBroker and relay sockets', () => {
  it('describes the relay on the own origin, with default ports', () => {
    expect(relayBroker(page)).toEqual({ host: '10.77.0.1', port: 9001, path: '/lan-party/broker/', key: 'peerjs', secure: false });
    expect(relayBroker({ protocol: 'https:', hostname: 'g', host: 'g', port: '' }).port).toBe(443);
  });

  it("tags a socket a client built from lanPartyBroker with the instance, once, and nothing else", () => {
    const url = 'ws://10.77.0.1:9001/lan-party/broker/peerjs?key=peerjs&id=x&token=t';
    const tagged = tagRelaySocket(url, page, instance);
    expect(tagged).toBe(`${url}&lanPartyInstance=${instance}`);
    expect(tagRelaySocket(tagged ?? '', page, instance)).toBeNull();
    expect(tagRelaySocket('ws://10.77.0.2:9001/lan-party/broker/peerjs?key=peerjs', page, instance)).toBeNull();
    expect(tagRelaySocket('ws://10.77.0.1:9001/peerjs?key=peerjs', page, instance)).toBeNull();
    expect(isRelaySocket(tagged ?? '', page)).toBe(true);
    expect(isRelaySocket('ws://10.77.0.1:9000/peerjs', page)).toBe(false);
  });
});

describe('stripCloudIceServers', () => {
  it("drops PeerJS's default and any public peerjs.com / Google server, and keeps a game's own", () => {
    const config = {
      iceServers: [
        { urls: 'stun:stun.l.google.com:19302' },
        { urls: 'stun:stun3.l.google.com:19302' },
        { urls: ['turn:eu-0.turn.peerjs.com:3478', 'turn:us-0.turn.peerjs.com:3478?transport=tcp'], username: 'peerjs', credential: 'peerjsp' },
        { urls: ['turn:turn.mygame.example:3478', 'turns:us-0.turn.peerjs.com:443'], username: 'me' },
        { urls: 'stun:10.77.0.1:3478' },
      ],
      sdpSemantics: 'unified-plan',
    };
    expect(stripCloudIceServers(config)).toEqual({
      iceServers: [{ urls: ['turn:turn.mygame.example:3478'], username: 'me' }, { urls: 'stun:10.77.0.1:3478' }],
      sdpSemantics: 'unified-plan',
    });
    expect(stripCloudIceServers(undefined)).toBeUndefined();
    expect(stripCloudIceServers({})).toEqual({});
  });
});
