import { describe, expect, it } from 'vitest';
import { dataFileName, DISPLAY_BYTES, eventData } from './event-data';

describe('eventData', () => {
  it('keeps data that fits the display limit as it is, sized in UTF-8 bytes', () => {
    expect(eventData('')).toEqual({ display: '', displayBytes: 0, bytes: 0, full: null });
    expect(eventData('héllo')).toEqual({ display: 'héllo', displayBytes: 6, bytes: 6, full: null });
    const exact = 'x'.repeat(DISPLAY_BYTES);
    expect(eventData(exact)).toEqual({ display: exact, displayBytes: DISPLAY_BYTES, bytes: DISPLAY_BYTES, full: null });
  });

  it('truncates larger data to its first DISPLAY_BYTES, keeping the full data and its size', () => {
    const data = '#7 ' + 'x'.repeat(1024 * 1024 - 3);
    const kept = eventData(data);
    expect(kept.bytes).toBe(1024 * 1024);
    expect(kept.displayBytes).toBe(DISPLAY_BYTES);
    expect(kept.display).toBe(data.slice(0, DISPLAY_BYTES));
    expect(kept.full).toBe(data);
  });

  it('counts UTF-8 bytes, not UTF-16 units, and never cuts a character in half', () => {
    // 'é' is 2 bytes, '€' 3, '😀' 4 (a surrogate pair, 2 UTF-16 units).
    expect(eventData('é€😀').bytes).toBe(9);
    const euros = '€'.repeat(DISPLAY_BYTES); // 3 bytes each: 3x over the limit
    const kept = eventData(euros);
    expect(kept.bytes).toBe(3 * DISPLAY_BYTES);
    expect(kept.display).toBe('€'.repeat(Math.floor(DISPLAY_BYTES / 3)));
    expect(kept.displayBytes).toBe(3 * Math.floor(DISPLAY_BYTES / 3));
    const emoji = 'a' + '😀'.repeat(DISPLAY_BYTES);
    const cut = eventData(emoji).display;
    expect(cut).toBe('a' + '😀'.repeat(Math.floor((DISPLAY_BYTES - 1) / 4)));
  });
});

describe('dataFileName', () => {
  it('keeps safe characters only, never a path or a hidden file', () => {
    expect(dataFileName('flood-last', 41)).toBe('flood-last-41.txt');
    expect(dataFileName('../../etc/passwd', 1)).toBe('etc_passwd-1.txt');
    expect(dataFileName('.bashrc', 2)).toBe('bashrc-2.txt');
    expect(dataFileName('日本', 3)).toBe('event-3.txt');
    expect(dataFileName('x'.repeat(300), 4)).toBe(`${'x'.repeat(64)}-4.txt`);
  });
});
