/**
 * Storage isolation of test bench instances (issue 12). The instances of one
 * bench are frames of the same game origin, so the browser gives them one
 * localStorage, one sessionStorage (frames of one tab), one set of cookies,
 * IndexedDB databases and caches: two players would share ids and saves. On a
 * bench instance, before the game's scripts, the agent replaces them with
 * views scoped to the instance's prefix (`lanParty:<index>:`, storagePrefix):
 * keys, cookie names, database names and cache names are stored prefixed and
 * shown without it, and an instance never sees another's.
 *
 * A page that is not a bench instance keeps the real objects, untouched.
 * Not covered (said in the README): workers' and service workers' own
 * storage, `cookieStore`, and the Storage event between instances.
 */

/** What a scoped Storage needs of the real one (a plain object in unit tests). */
export interface StorageLike {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * A full Storage look-alike over `backing`, scoped to `prefix`: getItem,
 * setItem, removeItem, clear (its own keys only), key, length, and property
 * access (`storage.foo`, `storage.foo = 1`, `delete storage.foo`, Object.keys,
 * JSON.stringify) through a Proxy. `proto` (Storage.prototype in a page) keeps
 * `instanceof Storage` true.
 */
export function scopedStorage(backing: StorageLike, prefix: string, proto: object | null = null): Storage {
  const own = (): string[] => {
    const keys: string[] = [];
    for (let i = 0; i < backing.length; i += 1) {
      const key = backing.key(i);
      if (key !== null && key.startsWith(prefix)) keys.push(key.slice(prefix.length));
    }
    return keys;
  };
  const api = {
    getItem: (key: string): string | null => backing.getItem(prefix + String(key)),
    setItem: (key: string, value: string): void => backing.setItem(prefix + String(key), String(value)),
    removeItem: (key: string): void => backing.removeItem(prefix + String(key)),
    clear: (): void => {
      for (const key of own()) backing.removeItem(prefix + key);
    },
    key: (index: number): string | null => own()[Math.trunc(Number(index))] ?? null,
  };
  const isMethod = (prop: string | symbol): prop is keyof typeof api => typeof prop === 'string' && Object.prototype.hasOwnProperty.call(api, prop);
  const isApi = (prop: string | symbol): boolean => prop === 'length' || isMethod(prop);
  const target = Object.create(proto) as object;
  return new Proxy(target, {
    get(_target, prop) {
      if (prop === 'length') return own().length;
      if (isMethod(prop)) return api[prop];
      if (typeof prop === 'symbol') return prop === Symbol.toStringTag ? 'Storage' : undefined;
      // Built-ins beat stored keys, as on a real Storage (no [LegacyOverrideBuiltIns]).
      if (prop in Object.prototype) return prop === 'constructor' && proto ? (proto as { constructor: unknown }).constructor : (Object.prototype as Record<string, unknown>)[prop];
      return api.getItem(prop) ?? undefined;
    },
    set(_target, prop, value) {
      if (typeof prop === 'string' && !isApi(prop)) api.setItem(prop, String(value));
      return true;
    },
    has(_target, prop) {
      return isApi(prop) || (typeof prop === 'string' && api.getItem(prop) !== null);
    },
    deleteProperty(_target, prop) {
      if (typeof prop === 'string') api.removeItem(prop);
      return true;
    },
    ownKeys() {
      return own();
    },
    getOwnPropertyDescriptor(_target, prop) {
      if (typeof prop !== 'string') return undefined;
      const value = api.getItem(prop);
      return value === null ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
    defineProperty(_target, prop, descriptor) {
      if (typeof prop === 'string' && 'value' in descriptor) api.setItem(prop, String(descriptor.value));
      return true;
    },
  }) as Storage;
}

// ---------------------------------------------------------------------------
// Cookies (document.cookie is one string each way)
// ---------------------------------------------------------------------------

/** The page's `document.cookie` as the instance sees it: only its own cookies, names without the prefix. */
export function scopeCookieRead(native: string, prefix: string): string {
  const out: string[] = [];
  for (const pair of native.split(/;\s*/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    // A cookie without a name is shown as its value alone; ours are never nameless (the prefix is their name).
    if (eq < 0) continue;
    const name = pair.slice(0, eq);
    if (!name.startsWith(prefix)) continue;
    const bare = name.slice(prefix.length);
    out.push(bare === '' ? pair.slice(eq + 1) : `${bare}=${pair.slice(eq + 1)}`);
  }
  return out.join('; ');
}

/** What the instance assigns to `document.cookie`, with the cookie's name prefixed (attributes kept as given). */
export function scopeCookieWrite(assignment: string, prefix: string): string {
  const text = String(assignment);
  const semi = text.indexOf(';');
  const pair = semi < 0 ? text : text.slice(0, semi);
  const attributes = semi < 0 ? '' : text.slice(semi);
  const eq = pair.indexOf('=');
  // `document.cookie = "v"` sets a nameless cookie of value v: it becomes the cookie named by the prefix alone.
  if (eq < 0) return `${prefix}=${pair.trim()}${attributes}`;
  return `${prefix}${pair.slice(0, eq).trim()}=${pair.slice(eq + 1)}${attributes}`;
}

// ---------------------------------------------------------------------------
// IndexedDB and Cache Storage: names
// ---------------------------------------------------------------------------

type Method = (...args: never[]) => unknown;

function replaceMethod(target: object, name: string, make: (native: Method) => Method): void {
  const native = (target as Record<string, unknown>)[name];
  if (typeof native !== 'function') return;
  Object.defineProperty(target, name, { value: make((native as Method).bind(target) as Method), writable: true, configurable: true, enumerable: false });
}

/** Scopes `factory` (the page's `indexedDB`) in place: open, deleteDatabase and databases see the instance's databases only. */
export function scopeIndexedDb(factory: IDBFactory, prefix: string): void {
  replaceMethod(factory, 'open', (open) => ((name: string, version?: number) => (version === undefined ? (open as (n: string) => unknown)(prefix + String(name)) : (open as (n: string, v: number) => unknown)(prefix + String(name), version))) as Method);
  replaceMethod(factory, 'deleteDatabase', (remove) => ((name: string) => (remove as (n: string) => unknown)(prefix + String(name))) as Method);
  replaceMethod(factory, 'databases', (list) => (() =>
    (list as () => Promise<IDBDatabaseInfo[]>)().then((infos) =>
      infos.filter((info) => info.name?.startsWith(prefix)).map((info) => ({ ...info, name: info.name?.slice(prefix.length) })),
    )) as Method);
}

/** `IDBDatabase.prototype.name` shows a scoped database's name without the prefix. */
export function scopeDatabaseName(databaseProto: object, prefix: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(databaseProto, 'name');
  const get = descriptor?.get;
  if (!descriptor || !get) return;
  Object.defineProperty(databaseProto, 'name', {
    ...descriptor,
    get(this: unknown) {
      const name = get.call(this) as string;
      return typeof name === 'string' && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    },
  });
}

/** Scopes `storage` (the page's `caches`) in place: open, has, delete, keys and match see the instance's caches only. */
export function scopeCaches(storage: CacheStorage, prefix: string): void {
  const nativeOpen = (storage.open as (name: string) => Promise<Cache>).bind(storage);
  const nativeKeys = (storage.keys as () => Promise<string[]>).bind(storage);
  const ownNames = (): Promise<string[]> => nativeKeys().then((names) => names.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)));
  replaceMethod(storage, 'open', (open) => ((name: string) => (open as (n: string) => unknown)(prefix + String(name))) as Method);
  replaceMethod(storage, 'has', (has) => ((name: string) => (has as (n: string) => unknown)(prefix + String(name))) as Method);
  replaceMethod(storage, 'delete', (remove) => ((name: string) => (remove as (n: string) => unknown)(prefix + String(name))) as Method);
  replaceMethod(storage, 'keys', () => ownNames as Method);
  replaceMethod(storage, 'match', (match) => (async (request: RequestInfo | URL, options?: MultiCacheQueryOptions) => {
    if (options?.cacheName !== undefined) return (match as (r: unknown, o: unknown) => Promise<Response | undefined>)(request, { ...options, cacheName: prefix + options.cacheName });
    // Without a cache name the browser would search every cache of the origin, another instance's too.
    for (const name of await ownNames()) {
      const found = await (await nativeOpen(prefix + name)).match(request, options);
      if (found) return found;
    }
    return undefined;
  }) as Method);
}

// ---------------------------------------------------------------------------
// Installing it in a page
// ---------------------------------------------------------------------------

/** Gives the page scoped storage objects (call before the game's scripts). Each part is skipped when the page lacks it. */
export function isolateStorage(win: Window & typeof globalThis, prefix: string): void {
  for (const name of ['localStorage', 'sessionStorage'] as const) {
    let real: Storage;
    try {
      real = win[name];
    } catch {
      continue; // Storage blocked (sandboxed frame, settings): the game gets the browser's own error.
    }
    const scoped = scopedStorage(real, prefix, win.Storage.prototype);
    Object.defineProperty(win, name, { get: () => scoped, configurable: true, enumerable: true });
  }
  const cookie = Object.getOwnPropertyDescriptor(win.Document.prototype, 'cookie');
  if (cookie?.get && cookie.set) {
    const { get, set } = cookie;
    Object.defineProperty(win.document, 'cookie', {
      configurable: true,
      enumerable: true,
      get: () => scopeCookieRead(String(get.call(win.document)), prefix),
      set: (value: unknown) => set.call(win.document, scopeCookieWrite(String(value), prefix)),
    });
  }
  if (win.indexedDB) scopeIndexedDb(win.indexedDB, prefix);
  if (typeof win.IDBDatabase === 'function') scopeDatabaseName(win.IDBDatabase.prototype, prefix);
  // Only in secure contexts (loopback, not a LAN address over http).
  if (win.caches) scopeCaches(win.caches, prefix);
}
