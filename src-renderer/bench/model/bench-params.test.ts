import { describe, expect, it } from 'vitest';
import { benchPath, gameOrigin, instanceUrl, newBenchId, parseBenchParams } from './bench-params';

describe('parseBenchParams', () => {
  it('reads the game, the count and the extra query', () => {
    expect(parseBenchParams('?game=0123abcd&count=8&query=mesh%3DROOM%26heartbeat%3D1')).toEqual({
      gameId: '0123abcd',
      count: 8,
      countNote: null,
      query: 'mesh=ROOM&heartbeat=1',
    });
  });

  it('clamps a count out of range and says so', () => {
    const high = parseBenchParams('?game=0123abcd&count=40');
    expect(high.count).toBe(16);
    expect(high.countNote).toContain('2 to 16');
    expect(parseBenchParams('?game=0123abcd&count=1').count).toBe(2);
    expect(parseBenchParams('?game=0123abcd&count=-5').count).toBe(2);
    const junk = parseBenchParams('?game=0123abcd&count=lots');
    expect(junk.count).toBe(4);
    expect(junk.countNote).toContain('not a number');
    expect(parseBenchParams('?game=0123abcd').countNote).toBeNull();
  });

  it('rejects a malformed game id', () => {
    expect(parseBenchParams('?game=../../etc').gameId).toBeNull();
    expect(parseBenchParams('').gameId).toBeNull();
  });
});

describe('instanceUrl', () => {
  it('adds the bench identity after the extra query, replacing any copy of it', () => {
    const url = instanceUrl('http://127.0.0.1:9001', 'mesh=ROOM&lanPartyInstance=9', { id: 'deadbeef', index: 3, count: 8 });
    expect(url).toBe('http://127.0.0.1:9001/?mesh=ROOM&lanPartyInstance=3&lanPartyCount=8&lanPartyBench=deadbeef');
    expect(new URL(url).searchParams.getAll('lanPartyInstance')).toEqual(['3']);
  });
});

describe('gameOrigin', () => {
  it('frames the game at the address the page was reached by, and at loopback from the app page', () => {
    expect(gameOrigin({ protocol: 'http:', hostname: '192.168.1.20' }, 9001)).toBe('http://192.168.1.20:9001');
    expect(gameOrigin({ protocol: 'lan-party:', hostname: 'app' }, 9001)).toBe('http://127.0.0.1:9001');
    expect(gameOrigin({ protocol: 'http:', hostname: '::1' }, 9001)).toBe('http://[::1]:9001');
  });

  it('frames games on the other loopback name, so they run on another site than the bench page', () => {
    expect(gameOrigin({ protocol: 'http:', hostname: '127.0.0.1' }, 9001)).toBe('http://localhost:9001');
    expect(gameOrigin({ protocol: 'http:', hostname: 'localhost' }, 9001)).toBe('http://127.0.0.1:9001');
  });
});

describe('bench ids and paths', () => {
  it('makes 8 lowercase hex ids and the page path', () => {
    expect(newBenchId()).toMatch(/^[0-9a-f]{8}$/);
    expect(newBenchId(() => new Uint8Array([0, 1, 0xab, 0xff]))).toBe('0001abff');
    expect(benchPath('0123abcd', 4)).toBe('bench.html?game=0123abcd&count=4');
  });
});
