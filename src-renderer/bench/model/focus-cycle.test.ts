import { describe, expect, it } from 'vitest';
import { cycleFocus, parseFrameMessage } from './focus-cycle';

describe('cycleFocus', () => {
  it('moves to the next or previous live instance, wrapping, skipping killed ones', () => {
    expect(cycleFocus(null, [1, 2, 3], 1)).toBe(1);
    expect(cycleFocus(null, [1, 2, 3], -1)).toBe(3);
    expect(cycleFocus(1, [1, 2, 4], 1)).toBe(2);
    expect(cycleFocus(2, [1, 2, 4], 1)).toBe(4);
    expect(cycleFocus(4, [1, 2, 4], 1)).toBe(1);
    expect(cycleFocus(1, [1, 2, 4], -1)).toBe(4);
    // The focused instance was just killed: the next live one.
    expect(cycleFocus(3, [1, 2, 4], 1)).toBe(4);
    expect(cycleFocus(2, [], 1)).toBeNull();
  });
});

describe('parseFrameMessage', () => {
  it('accepts the bench messages and nothing else', () => {
    expect(parseFrameMessage({ lanParty: 'focus-next' })).toEqual({ kind: 'focus', direction: 1 });
    expect(parseFrameMessage({ lanParty: 'focus-previous' })).toEqual({ kind: 'focus', direction: -1 });
    expect(parseFrameMessage({ lanParty: 'size', width: 400, height: 300 })).toEqual({ kind: 'size', width: 400, height: 300 });
    for (const junk of [null, 'focus-next', { lanParty: 'size', width: -1, height: 3 }, { lanParty: 'size', width: '4', height: 3 }, { lanParty: 'size', width: Infinity, height: 3 }, { lanParty: 'mute' }]) {
      expect(parseFrameMessage(junk)).toBeNull();
    }
  });
});
