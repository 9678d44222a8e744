import { describe, expect, it } from 'vitest';
import { benchFromSearch, storagePrefix } from './bench-identity';
import { scopeCaches, scopeCookieRead, scopeCookieWrite, scopedStorage, scopeIndexedDb, type StorageLike } from './scoped-storage';

/** A Storage as the browser keeps it: one map per origin, shared by every frame of it. */
class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

describe('bench identity', () => {
  it('takes a valid index, count and bench id, and ignores anything else with one reason', () => {
    expect(benchFromSearch('?level=2&lanPartyInstance=3&lanPartyCount=4&lanPartyBench=0a1b2c3d')).toEqual({ bench: { id: '0a1b2c3d', instance: 3, count: 4 }, problem: null });
    expect(benchFromSearch('?level=2')).toEqual({ bench: null, problem: null });
    for (const [search, why] of [
      ['?lanPartyInstance=1&lanPartyCount=2', /all three/],
      ['?lanPartyInstance=5&lanPartyCount=4&lanPartyBench=0a1b2c3d', /at most the count/],
      ['?lanPartyInstance=0&lanPartyCount=4&lanPartyBench=0a1b2c3d', /whole numbers from 1/],
      ['?lanPartyInstance=1&lanPartyCount=17&lanPartyBench=0a1b2c3d', /at most 16/],
      ['?lanPartyInstance=1&lanPartyCount=2&lanPartyBench=0A1B2C3D', /8 lowercase hex/],
    ] as const) {
      const parsed = benchFromSearch(search);
      expect(parsed.bench).toBeNull();
      expect(parsed.problem).toMatch(why);
    }
    expect(storagePrefix({ id: '0a1b2c3d', instance: 2, count: 4 })).toBe('lanParty:2:');
  });
});

describe('scoped Storage', () => {
  it('keeps two instances of one origin apart, with the whole Storage interface and property access', () => {
    const shared = new MemoryStorage();
    shared.setItem('outside', 'a page not on the bench');
    const one = scopedStorage(shared, 'lanParty:1:');
    const two = scopedStorage(shared, 'lanParty:2:');
    one.setItem('playerId', 'alice');
    two.setItem('playerId', 'bob');
    expect([one.getItem('playerId'), two.getItem('playerId')]).toEqual(['alice', 'bob']);
    expect(shared.getItem('lanParty:1:playerId')).toBe('alice');

    // Property access, as games write it.
    (one as unknown as Record<string, unknown>).score = 12;
    expect(one.getItem('score')).toBe('12');
    expect((one as unknown as Record<string, unknown>).score).toBe('12');
    expect((two as unknown as Record<string, unknown>).score).toBeUndefined();
    expect('score' in one).toBe(true);
    expect(Object.keys(one).sort()).toEqual(['playerId', 'score']);
    expect(JSON.parse(JSON.stringify(one))).toEqual({ playerId: 'alice', score: '12' });
    expect([one.length, two.length]).toEqual([2, 1]);
    expect([one.key(0), one.key(1), one.key(2)]).toEqual(['playerId', 'score', null]);
    delete (one as unknown as Record<string, unknown>).score;
    expect(one.getItem('score')).toBeNull();
    // A stored key never hides a method (as on a real Storage).
    one.setItem('getItem', 'x');
    expect(typeof one.getItem).toBe('function');

    // clear() removes its own keys only.
    one.clear();
    expect(one.length).toBe(0);
    expect(two.getItem('playerId')).toBe('bob');
    expect(shared.getItem('outside')).toBe('a page not on the bench');
    two.removeItem('playerId');
    expect(shared.map.size).toBe(1);
  });
});

describe('scoped cookies', () => {
  it('prefixes the name written, keeps the attributes, and reads back only its own cookies', () => {
    expect(scopeCookieWrite('id=alice; path=/; max-age=60', 'lanParty:1:')).toBe('lanParty:1:id=alice; path=/; max-age=60');
    expect(scopeCookieWrite('justavalue', 'lanParty:1:')).toBe('lanParty:1:=justavalue');
    const jar = 'lanParty:1:id=alice; lanParty:2:id=bob; theme=dark; lanParty:1:=justavalue; lanParty:12:id=zed';
    expect(scopeCookieRead(jar, 'lanParty:1:')).toBe('id=alice; justavalue');
    expect(scopeCookieRead(jar, 'lanParty:2:')).toBe('id=bob');
    expect(scopeCookieRead('', 'lanParty:1:')).toBe('');
  });
});

describe('scoped IndexedDB and caches', () => {
  it('opens, deletes and lists databases by scoped name', async () => {
    const calls: unknown[][] = [];
    const factory = {
      open: (...args: unknown[]) => calls.push(['open', ...args]),
      deleteDatabase: (...args: unknown[]) => calls.push(['delete', ...args]),
      databases: () => Promise.resolve([{ name: 'lanParty:1:saves', version: 2 }, { name: 'lanParty:2:saves', version: 1 }, { name: 'other', version: 1 }]),
    };
    scopeIndexedDb(factory as unknown as IDBFactory, 'lanParty:1:');
    const scoped = factory as unknown as IDBFactory;
    scoped.open('saves');
    scoped.open('saves', 3);
    scoped.deleteDatabase('old');
    expect(calls).toEqual([['open', 'lanParty:1:saves'], ['open', 'lanParty:1:saves', 3], ['delete', 'lanParty:1:old']]);
    expect(await scoped.databases()).toEqual([{ name: 'saves', version: 2 }]);
  });

  it('opens, checks, deletes, lists and matches caches by scoped name', async () => {
    const caches = new Map<string, Map<string, string>>([
      ['lanParty:1:assets', new Map([['/a', 'mine']])],
      ['lanParty:2:assets', new Map([['/a', 'theirs'], ['/b', 'theirs']])],
    ]);
    const cache = (name: string) => ({ match: (request: string) => Promise.resolve(caches.get(name)?.get(request)) });
    const storage = {
      open: (name: string) => {
        if (!caches.has(name)) caches.set(name, new Map());
        return Promise.resolve(cache(name));
      },
      has: (name: string) => Promise.resolve(caches.has(name)),
      delete: (name: string) => Promise.resolve(caches.delete(name)),
      keys: () => Promise.resolve([...caches.keys()]),
      match: (request: string, options?: { cacheName?: string }) => Promise.resolve(options?.cacheName ? caches.get(options.cacheName)?.get(request) : 'searched every cache'),
    };
    scopeCaches(storage as unknown as CacheStorage, 'lanParty:1:');
    const scoped = storage as unknown as CacheStorage;
    expect(await scoped.keys()).toEqual(['assets']);
    expect(await scoped.has('assets')).toBe(true);
    expect(await scoped.match('/b')).toBeUndefined();
    expect(await scoped.match('/a')).toBe('mine');
    expect(await scoped.match('/a', { cacheName: 'assets' })).toBe('mine');
    await scoped.open('levels');
    expect(caches.has('lanParty:1:levels')).toBe(true);
    expect(await scoped.delete('assets')).toBe(true);
    expect([...caches.keys()]).toEqual(['lanParty:2:assets', 'lanParty:1:levels']);
  });
});
