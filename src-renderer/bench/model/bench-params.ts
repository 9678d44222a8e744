/**
 * The bench page's address, `bench.html?game=<gameId>&count=<N>[&query=<extra game query>]`,
 * read once at load, and the URL of each instance frame built from it.
 * Pure: the page passes `location.search` and the game's origin in.
 */
import { BENCH_LIMITS, BENCH_PARAMS } from '../../../src-preload/game-agent-protocol';

/** The Games panel's default ("Test with 4 players"). */
export const DEFAULT_BENCH_COUNT = 4;
/** Characters of the extra game query kept (it ends up in N frame URLs; a page URL stays far below browsers' limits). */
export const MAX_BENCH_QUERY_CHARS = 1024;

export interface BenchParams {
  /** The hosted game's id (8 lowercase hex), or null when missing or malformed. */
  gameId: string | null;
  count: number;
  /** Set when the asked count was missing, out of range or not a number, and `count` was clamped: what to tell the user. */
  countNote: string | null;
  /** The extra query given to every instance, without a leading "?" (may be empty). */
  query: string;
}

export function parseBenchParams(search: string): BenchParams {
  const params = new URLSearchParams(search);
  const rawGame = params.get('game');
  const gameId = rawGame !== null && /^[0-9a-f]{8}$/.test(rawGame) ? rawGame : null;
  const rawCount = params.get('count');
  const asked = rawCount === null || rawCount.trim() === '' ? Number.NaN : Number(rawCount);
  let count = DEFAULT_BENCH_COUNT;
  let countNote: string | null = null;
  const { minCount, maxCount } = BENCH_LIMITS;
  if (rawCount !== null && !Number.isFinite(asked)) {
    countNote = `"${rawCount.slice(0, 16)}" is not a number of players: showing ${DEFAULT_BENCH_COUNT}.`;
  } else if (Number.isFinite(asked)) {
    const whole = Math.round(asked);
    count = Math.min(maxCount, Math.max(minCount, whole));
    if (count !== asked) countNote = `The bench runs ${minCount} to ${maxCount} instances: showing ${count} (asked for ${rawCount?.slice(0, 16)}).`;
  }
  const query = (params.get('query') ?? '').replace(/^\?/, '').slice(0, MAX_BENCH_QUERY_CHARS);
  return { gameId, count, countNote, query };
}

/** The bench page's own address for a game (what the Games panel opens). */
export function benchPath(gameId: string, count: number, query = ''): string {
  const params = new URLSearchParams({ game: gameId, count: String(count) });
  if (query !== '') params.set('query', query);
  return `bench.html?${params.toString()}`;
}

/** A random bench id, BENCH_LIMITS.benchIdPattern (8 lowercase hex). */
export function newBenchId(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  return [...random(new Uint8Array(4))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The frame URL of instance `index` (1-based): the game's page, the bench's
 * extra query, then the bench identity (any copy of the identity parameters
 * in the extra query is dropped: an instance has exactly one index).
 */
export function instanceUrl(gameOrigin: string, query: string, bench: { id: string; index: number; count: number }): string {
  const params = new URLSearchParams(query);
  for (const name of Object.values(BENCH_PARAMS)) params.delete(name);
  params.append(BENCH_PARAMS.instance, String(bench.index));
  params.append(BENCH_PARAMS.count, String(bench.count));
  params.append(BENCH_PARAMS.bench, bench.id);
  return `${gameOrigin}/?${params.toString()}`;
}

/**
 * The origin the frames load the game from. In a browser, the host name the
 * bench page itself was reached by (so a page opened on the LAN address
 * frames the LAN address), except on loopback, where the frames take the
 * other loopback name (127.0.0.1 <-> localhost): another site, so Chromium
 * runs the games in a renderer process of their own instead of on the bench
 * page's (and the dashboard's) main thread. Measured with 8 dots instances
 * moving 10 times/s each: the bench page's frame p99 was 167 ms when they
 * shared its thread (bench/README.md, test-bench). In Electron the page is
 * `lan-party://app`, a secure origin that may not frame plain-HTTP LAN
 * addresses (mixed content), but may frame loopback (a potentially
 * trustworthy origin): the games are hosted by this very machine.
 */
const OTHER_LOOPBACK_SITE: Readonly<Record<string, string>> = { '127.0.0.1': 'localhost', localhost: '127.0.0.1' };

export function gameOrigin(pageLocation: { protocol: string; hostname: string }, gamePort: number): string {
  const web = pageLocation.protocol === 'http:' || pageLocation.protocol === 'https:';
  const hostname = !web ? '127.0.0.1' : (OTHER_LOOPBACK_SITE[pageLocation.hostname] ?? pageLocation.hostname);
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  return `http://${host}:${gamePort}`;
}
