import { describe, expect, it } from 'vitest';
import { parseHostArgs, UsageError } from './host-args.js';

describe('lan-party host flags', () => {
  it('has sensible defaults', () => {
    const parsed = parseHostArgs([]);
    expect(parsed?.settings.broker).toMatchObject({ port: 9000, path: '/', key: 'peerjs' });
    expect(parsed?.settings.discovery).toBe(true);
    expect(parsed?.startBroker).toBe(true);
  });

  it('reads every flag', () => {
    const parsed = parseHostArgs(['--port', '0', '--name', 'Ada', '--interface', 'eth0', '--interface', 'wlan0', '--no-discovery', '--no-broker', '--broker-path', '/game/', '--broker-key', 'lan', '--token', 'abcdefgh', '--host', '127.0.0.1']);
    expect(parsed).toMatchObject({
      bindHost: '127.0.0.1',
      token: 'abcdefgh',
      startBroker: false,
      settings: { displayName: 'Ada', interfaces: ['eth0', 'wlan0'], discovery: false, broker: { port: 0, path: '/game/', key: 'lan' } },
    });
    expect(parseHostArgs(['--help'])).toBeNull();
  });

  it('reads a party code and a pinned broker; the code is never echoed in an error', () => {
    expect(parseHostArgs(['--party-code', ' Blue Otter 42 ', '--pin-broker', 'a1b2c3'])?.settings).toMatchObject({
      partyCode: 'Blue Otter 42',
      pinnedBroker: 'a1b2c3',
    });
    expect(parseHostArgs([])?.settings).toMatchObject({ partyCode: null, pinnedBroker: null });
    expect(() => parseHostArgs(['--party-code', 'sec\u0001ret!'])).toThrow(/^--party-code: a party code cannot contain control characters$/);
  });

  it('refuses bad flags with a usage error that names them', () => {
    const bad: [string[], RegExp][] = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--port'], /--port/],
      [['--port', 'abc'], /--port: .*number/],
      [['--port', '70000'], /--port: the port is at most 65535/],
      [['--broker-path', 'x'], /--broker-path: the broker path starts with/],
      [['--token', 'short'], /--token: the token is 8 to 128/],
      [['--name', ''], /--name: the display name cannot be empty/],
      [['--party-code', 'abc'], /--party-code: a party code has at least 6 characters/],
      [['--pin-broker', 'a b'], /--pin-broker: an instance id is/],
      [['stray'], /Unexpected argument/],
    ];
    for (const [args, message] of bad) {
      expect(() => parseHostArgs(args), args.join(' ')).toThrow(UsageError);
      expect(() => parseHostArgs(args), args.join(' ')).toThrow(message);
    }
  });
});

describe('lan-party host game agent flags', () => {
  it('reads --network as a preset or key=value pairs, and --record', () => {
    expect(parseHostArgs(['--network', 'mobile-3g'])?.network).toEqual({ latencyMs: 150, jitterMs: 50, lossPct: 2, bandwidthKbps: 1_600 });
    expect(parseHostArgs(['--network', 'latency=100,loss=10', '--record', '/tmp/trace.jsonl'])).toMatchObject({
      network: { latencyMs: 100, jitterMs: 0, lossPct: 10, bandwidthKbps: null },
      recordFile: '/tmp/trace.jsonl',
    });
    expect(parseHostArgs([])).toMatchObject({ network: null, recordFile: undefined });
  });

  it('refuses a bad --network or an empty --record with a clear UsageError', () => {
    const bad: [string[], RegExp][] = [
      [['--network', 'dialup'], /--network: unknown preset "dialup": use one of lan, good-wifi/],
      [['--network', 'latency=fast'], /--network: "latency=fast" is not key=number/],
      [['--network', 'latency=-5'], /--network: latency is 0 to 10000 ms/],
      [['--network', 'loss=101'], /--network: loss is 0 to 100 %/],
      [['--network', 'delay=5'], /--network: unknown key "delay"/],
      [['--record', ''], /--record: give the trace file/],
      [['--record'], /argument missing/],
    ];
    for (const [args, message] of bad) expect(() => parseHostArgs(args), args.join(' ')).toThrow(message);
    for (const [args] of bad) expect(() => parseHostArgs(args)).toThrow(UsageError);
  });

  it('reads --bench N (2 to 16) with a --game, and refuses it otherwise with a clear UsageError', () => {
    expect(parseHostArgs(['--game', 'dots', '--bench', '4'])?.bench).toBe(4);
    expect(parseHostArgs(['--game', 'dots'])?.bench).toBeNull();
    const bad: [string[], RegExp][] = [
      [['--game', 'dots', '--bench', '1'], /--bench: a test bench has 2 to 16 players/],
      [['--game', 'dots', '--bench', '17'], /--bench: a test bench has 2 to 16 players/],
      [['--game', 'dots', '--bench', 'four'], /--bench: /],
      [['--game', 'dots', '--bench', '2.5'], /--bench: the player count is a whole number/],
      [['--bench', '4'], /--bench: give the game to test with --game/],
    ];
    for (const [args, message] of bad) expect(() => parseHostArgs(args), args.join(' ')).toThrow(message);
    for (const [args] of bad) expect(() => parseHostArgs(args)).toThrow(UsageError);
  });
});
