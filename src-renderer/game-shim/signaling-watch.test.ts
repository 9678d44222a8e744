import { describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS, SignalingWatch } from './signaling-watch';

const socket = 'ws://10.0.0.1:9001/lan-party/broker/peerjs?key=peerjs&id=alice&token=t&lanPartyInstance=0123456789abcdef';

describe('SignalingWatch', () => {
  it('learns the registered id from OPEN and each connection’s remote peer from OFFER/ANSWER, as PeerJS sends them', () => {
    const watch = new SignalingWatch();
    watch.frame('{"type":"OPEN"}', false, socket);
    expect(watch.peerId).toBe('alice');
    // Outgoing offer: the remote is dst (the broker adds src).
    watch.frame(JSON.stringify({ type: 'OFFER', payload: { sdp: {}, type: 'data', connectionId: 'dc_out', serialization: 'binary' }, dst: 'bob' }), true, socket);
    // Incoming offer: the remote is src.
    watch.frame(JSON.stringify({ type: 'OFFER', payload: { sdp: {}, type: 'data', connectionId: 'dc_in' }, src: 'carol', dst: 'alice' }), false, socket);
    watch.frame(JSON.stringify({ type: 'ANSWER', payload: { sdp: {}, connectionId: 'dc_in2' }, src: 'dave', dst: 'alice' }), false, socket);
    expect(watch.peerOf('dc_out')).toBe('bob');
    expect(watch.peerOf('dc_in')).toBe('carol');
    expect(watch.peerOf('dc_in2')).toBe('dave');
    expect(watch.peerOf('game-channel')).toBeNull();
  });

  it('ignores garbage and other frames, and remembers a bounded number of connections', () => {
    const watch = new SignalingWatch();
    for (const frame of ['OFFER', '{"type":"OFFER"', '{"type":"OFFER","payload":1,"src":2}', '{"type":"CANDIDATE","payload":{"connectionId":"x"},"src":"y"}', 42, null]) {
      expect(() => watch.frame(frame, false, socket)).not.toThrow();
    }
    expect(watch.peerOf('x')).toBeNull();
    watch.frame('{"type":"OPEN"}', false, 'not a url');
    expect(watch.peerId).toBeNull();
    for (let i = 0; i <= MAX_CONNECTIONS; i += 1) watch.frame(JSON.stringify({ type: 'OFFER', payload: { connectionId: `dc_${i}` }, src: `p${i}` }), false, socket);
    expect(watch.peerOf('dc_0')).toBeNull();
    expect(watch.peerOf(`dc_${MAX_CONNECTIONS}`)).toBe(`p${MAX_CONNECTIONS}`);
  });
});
