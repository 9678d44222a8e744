import { describe, expect, it } from 'vitest';
import { inspectFrame, MAX_PEER_ID_LENGTH, rejectFrame } from './frames.js';

const frame = (text: string): Buffer => Buffer.from(text);

describe('inspectFrame', () => {
  it('accepts the messages stock clients send, with their type, destination and size', () => {
    expect(inspectFrame(frame('{"type":"HEARTBEAT"}'), false)).toEqual({ ok: true, type: 'HEARTBEAT', dst: null, bytes: 20 });
    expect(inspectFrame(frame('{"type":"OFFER","dst":"b","payload":{}}'), false)).toMatchObject({ ok: true, type: 'OFFER', dst: 'b' });
    expect(rejectFrame(frame('{"type":"LEAVE","dst":"b"}'), false)).toBeNull();
  });

  it('names what is wrong with a bad frame', () => {
    expect(rejectFrame(frame('x'), false)).toBe('not a signaling message');
    expect(rejectFrame(frame('"a string that is long enough"'), false)).toBe('not a signaling message');
    expect(rejectFrame(frame('{"type":"HEARTBEAT",'), false)).toBe('not JSON');
    expect(rejectFrame(frame('{"type":"OPEN","pad":"......"}'), false)).toBe('unknown message type');
    expect(rejectFrame(frame('{"type":"ANSWER","dst":5}'), false)).toBe('missing or invalid destination');
    expect(rejectFrame(frame('{}'), true)).toBe('binary frame');
    expect(rejectFrame(frame(`{"type":"OFFER","dst":"x","payload":"${'a'.repeat(70_000)}"}`), false)).toBe('frame too large');
  });

  it('refuses a destination longer than the contract allows for a peer id', () => {
    const ok = 'd'.repeat(MAX_PEER_ID_LENGTH);
    expect(MAX_PEER_ID_LENGTH).toBe(64);
    expect(rejectFrame(frame(`{"type":"OFFER","dst":"${ok}"}`), false)).toBeNull();
    expect(rejectFrame(frame(`{"type":"OFFER","dst":"${ok}d"}`), false)).toBe('missing or invalid destination');
  });
});
