import { describe, expect, it } from 'vitest';
import { takeControlToken, type AddressBar } from './control-token';
import { memoryStorage } from './testing/memory-storage';

/** A tab: its address and one history entry that replaceState rewrites. */
function tab(address: string, storage: Storage | null = memoryStorage()): AddressBar & { address(): string } {
  const url = new URL(address);
  return {
    location: url,
    history: {
      state: null,
      replaceState(_data, _unused, next) {
        const resolved = new URL(next, url);
        url.hash = resolved.hash;
        url.search = resolved.search;
        url.pathname = resolved.pathname;
      },
    },
    sessionStorage: storage,
    address: () => url.href,
  };
}

describe('control token in the address fragment', () => {
  it('moves #token= into session storage and out of the address; a reload of the tab keeps it', () => {
    const storage = memoryStorage();
    const first = tab('http://10.0.0.2:9000/?view=x#token=0123456789abcdef', storage);
    expect(takeControlToken(first)).toBe('0123456789abcdef');
    expect(first.address()).toBe('http://10.0.0.2:9000/?view=x');
    const reload = tab(first.address(), storage);
    expect(takeControlToken(reload)).toBe('0123456789abcdef');
    // Another tab has its own (empty) session storage.
    expect(takeControlToken(tab('http://10.0.0.2:9000/'))).toBeNull();
  });

  it('keeps other fragment parameters', () => {
    const bar = tab('http://10.0.0.2:9000/#a=1&token=0123456789abcdef&b=2');
    expect(takeControlToken(bar)).toBe('0123456789abcdef');
    expect(bar.address()).toBe('http://10.0.0.2:9000/#a=1&b=2');
  });

  it('strips but refuses a malformed token (it would break the handshake)', () => {
    const bar = tab('http://10.0.0.2:9000/#token=bad%20token');
    expect(takeControlToken(bar)).toBeNull();
    expect(bar.address()).toBe('http://10.0.0.2:9000/');
  });

  it('never reads a ?token= query', () => {
    const bar = tab('http://10.0.0.2:9000/?token=0123456789abcdef');
    expect(takeControlToken(bar)).toBeNull();
  });

  it('without storage, keeps control for this load only', () => {
    const bar = tab('http://10.0.0.2:9000/#token=0123456789abcdef', null);
    expect(takeControlToken(bar)).toBe('0123456789abcdef');
    expect(bar.address()).toBe('http://10.0.0.2:9000/');
  });
});
