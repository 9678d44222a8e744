import { describe, expect, it } from 'vitest';
import { shouldAdvertise } from './advertised-id';

describe('shouldAdvertise', () => {
  it('claims a free slot, never re-sends its own id', () => {
    expect(shouldAdvertise({ myId: 'a', advertised: null, brokerIds: null })).toBe(true);
    expect(shouldAdvertise({ myId: 'a', advertised: 'a', brokerIds: ['a'] })).toBe(false);
    expect(shouldAdvertise({ myId: '', advertised: null, brokerIds: null })).toBe(false);
  });

  it('leaves a live id alone and takes over a stale one', () => {
    expect(shouldAdvertise({ myId: 'b', advertised: 'a', brokerIds: ['a', 'b'] })).toBe(false);
    expect(shouldAdvertise({ myId: 'b', advertised: 'a', brokerIds: ['b'] })).toBe(true);
    // Without a listing we cannot tell: keep the current one.
    expect(shouldAdvertise({ myId: 'b', advertised: 'a', brokerIds: null })).toBe(false);
  });
});
