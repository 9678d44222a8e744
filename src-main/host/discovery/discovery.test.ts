/**
 * Pure parts of discovery: TXT encoding and validation, packet reading,
 * address choice, the bounded instance table. No socket is opened here: mDNS
 * runs only inside the network namespaces of the LAN suite (e2e/lan).
 */
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { inSubnet, isUsableRemoteAddress, rankAddresses, selectInterfaces, type LocalInterface } from './addresses.js';
import { asksForOurService, buildRecords, goodbyeRecords, readSightings } from './packets.js';
import { InstanceTable } from './table.js';
import { MAX_HOSTED_GAMES } from '../games/game-host.js';
import {
  MAX_ADVERTISED_GAMES,
  MAX_GAME_NAME_BYTES,
  TXT_LIMITS,
  advertisableGameName,
  advertisableName,
  assertAdvertisable,
  encodeTxt,
  parsePort,
  parseTxt,
  type AdvertisedFields,
} from './txt.js';

const broker = { port: 9000, path: '/', key: 'peerjs', startedAt: 1_700_000_000_000 };
const fields: AdvertisedFields = {
  instanceId: 'a1b2c3d4e5f6',
  displayName: 'Alice',
  httpPort: 9000,
  peerId: 'alice-1',
  broker,
};

const txt = (...entries: Array<string | Buffer>): Buffer[] =>
  entries.map((e) => (typeof e === 'string' ? Buffer.from(e, 'utf8') : e));
const base = ['v=1', 'id=abc', 'name=Bob', 'hport=9001'];

describe('TXT record', () => {
  it('round-trips our own record', () => {
    const parsed = parseTxt(encodeTxt(fields));
    expect(parsed).toEqual({ ok: true, value: { ...fields, games: [], protocolVersion: 1 }, ignoredGames: [] });
  });

  it('omits peer and broker until known, and still parses', () => {
    const minimal = { ...fields, peerId: null, broker: null };
    const encoded = encodeTxt(minimal).map((b) => b.toString());
    expect(encoded).toEqual(['v=1', 'id=a1b2c3d4e5f6', 'name=Alice', 'hport=9000']);
    expect(parseTxt(encodeTxt(minimal))).toEqual({ ok: true, value: { ...minimal, games: [], protocolVersion: 1 }, ignoredGames: [] });
  });

  it('advertises a name every receiver accepts', () => {
    expect(advertisableName('  Bad\u0000Name\n  ')).toBe('Bad Name');
    expect(advertisableName('x'.repeat(100))).toHaveLength(40);
    expect(advertisableName('\u0007')).toBe('LAN Party');
    const odd = { ...fields, displayName: `tab\there ${'é'.repeat(60)}` };
    expect(parseTxt(encodeTxt(odd)).ok).toBe(true);
  });

  it('refuses to advertise impossible values', () => {
    expect(() => assertAdvertisable({ ...fields, instanceId: 'has space' })).toThrow(RangeError);
    expect(() => assertAdvertisable({ ...fields, httpPort: 0 })).toThrow(RangeError);
    expect(() => assertAdvertisable({ ...fields, broker: { ...broker, key: 'bad key' } })).toThrow(RangeError);
    expect(() => assertAdvertisable(fields)).not.toThrow();
  });

  it('follows RFC 6763: keys are case-insensitive, the first occurrence wins, flags are ignored', () => {
    const parsed = parseTxt(txt('V=1', 'ID=abc', 'name=Bob', 'name=Mallory', 'flag', 'HPORT=9001'));
    expect(parsed.ok && parsed.value.displayName).toBe('Bob');
    expect(parsed.ok && parsed.value.httpPort).toBe(9001);
  });

  const rejected: Array<[string, unknown]> = [
    ['not a list', 'v=1'],
    ['a list of non-bytes', ['v=1', 'id=abc']],
    ['missing version', txt('id=abc', 'name=Bob', 'hport=9001')],
    ['another protocol version', txt('v=2', 'id=abc', 'name=Bob', 'hport=9001')],
    ['missing id', txt('v=1', 'name=Bob', 'hport=9001')],
    ['an id that is not label-safe', txt('v=1', 'id=a.b', 'name=Bob', 'hport=9001')],
    ['a too long id', txt('v=1', `id=${'a'.repeat(49)}`, 'name=Bob', 'hport=9001')],
    ['missing name', txt('v=1', 'id=abc', 'hport=9001')],
    ['an empty name', txt('v=1', 'id=abc', 'name=  ', 'hport=9001')],
    ['a name with control characters', txt('v=1', 'id=abc', 'name=a\u0000b', 'hport=9001')],
    ['a too long name', txt('v=1', 'id=abc', `name=${'n'.repeat(41)}`, 'hport=9001')],
    ['missing HTTP port', txt('v=1', 'id=abc', 'name=Bob')],
    ['HTTP port 0', txt(...base.slice(0, 3), 'hport=0')],
    ['HTTP port 65536', txt(...base.slice(0, 3), 'hport=65536')],
    ['HTTP port in exponent form', txt(...base.slice(0, 3), 'hport=9e3')],
    ['HTTP port with a sign', txt(...base.slice(0, 3), 'hport=+80')],
    ['HTTP port with spaces', txt(...base.slice(0, 3), 'hport= 80')],
    ['HTTP port with a fraction', txt(...base.slice(0, 3), 'hport=80.5')],
    ['HTTP port with a leading zero', txt(...base.slice(0, 3), 'hport=080')],
    ['a bad peer id', txt(...base, 'peer=<script>')],
    ['an incomplete broker', txt(...base, 'bport=9000', 'bpath=/')],
    ['broker port 0', txt(...base, 'bport=0', 'bpath=/', 'bkey=peerjs', 'bstart=1')],
    ['broker port 99999', txt(...base, 'bport=99999', 'bpath=/', 'bkey=peerjs', 'bstart=1')],
    ['a broker path without /', txt(...base, 'bport=9000', 'bpath=x', 'bkey=peerjs', 'bstart=1')],
    ['a broker key with spaces', txt(...base, 'bport=9000', 'bpath=/', 'bkey=a b', 'bstart=1')],
    ['a negative broker start', txt(...base, 'bport=9000', 'bpath=/', 'bkey=peerjs', 'bstart=-1')],
    ['a huge broker start', txt(...base, 'bport=9000', 'bpath=/', 'bkey=peerjs', `bstart=${'9'.repeat(30)}`)],
    ['non-UTF-8 bytes', txt('v=1', 'id=abc', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3d, 0xff, 0xfe]), 'hport=9001')],
    ['an empty key', txt(...base, '=x')],
    ['a non-ASCII key', txt(...base, 'clé=x')],
    ['too many strings', txt(...base, ...Array.from({ length: 30 }, (_, i) => `k${i}=x`))],
    ['an oversized record', txt(...base, `pad=${'x'.repeat(250)}`, ...Array.from({ length: 5 }, (_, i) => `p${i}=${'y'.repeat(250)}`))],
  ];
  it.each(rejected)('rejects %s, without throwing', (_label, data) => {
    const result = parseTxt(data);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).not.toBe('');
  });

  it('parses ports strictly', () => {
    expect(parsePort('1')).toBe(1);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['', '0', '65536', '-1', '1.0', '0x50', '1e3', ' 1', '1 ', '００']) expect(parsePort(bad)).toBeNull();
  });
});

describe('hosted games in the TXT record', () => {
  // Five-digit ports: the longest an entry can be.
  const game = (n: number, name = `Game ${n}`) => ({ name, port: 10000 + n });
  const gamesOf = (data: unknown) => {
    const result = parseTxt(data);
    if (!result.ok) throw new Error(result.reason);
    return { games: result.value.games, ignored: result.ignoredGames };
  };

  it('advertises each game as g<n>=<port>|<name> and reads it back', () => {
    const games = [game(1, 'Dots'), game(55535, 'Space | Race')];
    const encoded = encodeTxt({ ...fields, games }).map((b) => b.toString());
    expect(encoded.slice(-2)).toEqual(['g0=10001|Dots', 'g1=65535|Space | Race']);
    expect(gamesOf(encodeTxt({ ...fields, games }))).toEqual({ games, ignored: [] });
    expect(gamesOf(encodeTxt({ ...fields, games: [] })).games).toEqual([]);
  });

  it('bounds names in UTF-8 bytes, cutting only between characters', () => {
    expect(advertisableGameName('é'.repeat(40))).toBe('é'.repeat(MAX_GAME_NAME_BYTES / 2));
    expect(advertisableGameName('😀'.repeat(20))).toBe('😀'.repeat(MAX_GAME_NAME_BYTES / 4));
    const odd = advertisableGameName(`a${'😀'.repeat(20)}`);
    expect(odd).toBe(`a${'😀'.repeat(11)}`);
    expect(Buffer.byteLength(odd)).toBe(45);
    expect(odd).not.toContain('\ufffd');
    expect(advertisableGameName(' Tab\there\u202e ')).toBe('Tab here');
    expect(advertisableGameName('\u0000\u202e')).toBe('Game');
    // Whatever the host's name, the receivers accept it unchanged.
    for (const name of ['x'.repeat(300), `${'é'.repeat(23)}x${'é'.repeat(10)}`, '\u0007bell', '   ']) {
      const sent = advertisableGameName(name);
      expect(gamesOf(encodeTxt({ ...fields, games: [game(2, name)] })).games).toEqual([{ name: sent, port: game(2).port }]);
    }
  });

  it('keeps eight games and the longest other fields within the record and string limits', () => {
    const longest: AdvertisedFields = {
      instanceId: 'i'.repeat(48),
      displayName: '😀'.repeat(40),
      httpPort: 65535,
      peerId: 'p'.repeat(64),
      broker: { port: 65535, path: `/${'a'.repeat(99)}`, key: 'k'.repeat(64), startedAt: 9_999_999_999_999 },
      games: Array.from({ length: MAX_ADVERTISED_GAMES }, (_, i) => game(i, '😀'.repeat(40))),
    };
    const encoded = encodeTxt(longest);
    expect(encoded.length).toBeLessThanOrEqual(TXT_LIMITS.maxEntries);
    expect(encoded.reduce((sum, b) => sum + b.length, 0)).toBeLessThanOrEqual(TXT_LIMITS.maxTotalBytes);
    for (const b of encoded) expect(b.length).toBeLessThanOrEqual(255);
    expect(gamesOf(encoded).games).toHaveLength(MAX_ADVERTISED_GAMES);
    // The host never serves more than the record can carry.
    expect(MAX_HOSTED_GAMES).toBe(MAX_ADVERTISED_GAMES);
  });

  it('refuses to advertise impossible games', () => {
    expect(() => assertAdvertisable({ ...fields, games: Array.from({ length: 9 }, (_, i) => game(i)) })).toThrow(RangeError);
    for (const port of [0, 65536, 1.5, -1]) expect(() => assertAdvertisable({ ...fields, games: [{ name: 'x', port }] })).toThrow(RangeError);
    expect(() => assertAdvertisable({ ...fields, games: [{ name: 'x', port: fields.httpPort }] })).toThrow(/host's own HTTP port/);
    expect(() => assertAdvertisable({ ...fields, games: [game(1), game(1)] })).toThrow(RangeError);
    expect(() => assertAdvertisable({ ...fields, games: [game(1), game(2)] })).not.toThrow();
  });

  const header = ['v=1', 'id=abc', 'name=Bob', 'hport=9001'];
  const refused: Array<[string, string]> = [
    ['no separator', 'g0=9010'],
    ["the host's own HTTP port (its page and bridge, never a game)", 'g0=9001|x'],
    ['an old-style path', 'g0=/games/0000000a/|x'],
    ['a path after the port', 'g0=9010/x|x'],
    ['an absolute URL', 'g0=http://evil.example:9010/|x'],
    ['port 0', 'g0=0|x'],
    ['a port over 65535', 'g0=65536|x'],
    ['a leading zero', 'g0=09010|x'],
    ['a sign', 'g0=+9010|x'],
    ['an empty name', 'g0=9010|   '],
    ['a control character', 'g0=9010|a\u001b[31mb'],
    ['a bidi override', 'g0=9010|\u202eevil'],
    ['a name over the byte bound', `g0=9010|${'n'.repeat(MAX_GAME_NAME_BYTES + 1)}`],
  ];
  it.each(refused)('ignores a game with %s, keeps the instance, and reports it', (_label, entry) => {
    const result = parseTxt(txt(...header, entry, 'g1=9011|Fine'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.games).toEqual([{ name: 'Fine', port: 9011 }]);
    expect(result.ignoredGames).toHaveLength(1);
    expect(result.ignoredGames[0]).toMatch(/^g0: /);
  });

  it('ignores a port listed twice, and keys beyond g7', () => {
    const result = gamesOf(txt(...header, 'g0=9010|One', 'g1=9010|Two', 'g8=9012|Nine', 'g3=9013| Trim '));
    expect(result.games).toEqual([
      { name: 'One', port: 9010 },
      { name: 'Trim', port: 9013 },
    ]);
    expect(result.ignored).toEqual(['g1: port advertised twice']);
  });
});

describe('packets', () => {
  const records = buildRecords(fields, '10.77.0.1');
  const response = (answers: unknown[], additionals: unknown[] = []): unknown => ({ type: 'response', answers, additionals });

  it('publishes one A record: the address of the interface it is sent on', () => {
    expect(records.filter((r) => r.type === 'A').map((r) => r.data)).toEqual(['10.77.0.1']);
    expect(records.some((r) => (r.type as string) === 'AAAA')).toBe(false);
    const srv = records.find((r) => r.type === 'SRV');
    expect(srv?.data).toEqual({ port: 9000, target: 'lanparty-a1b2c3d4e5f6.local', priority: 0, weight: 0 });
  });

  it('reads a full announcement into one sighting', () => {
    const [sighting, ...rest] = readSightings(response(records));
    expect(rest).toEqual([]);
    expect(sighting).toMatchObject({
      key: 'lanparty-a1b2c3d4e5f6._lanparty._tcp.local',
      label: 'lanparty-a1b2c3d4e5f6',
      goodbye: false,
      srv: { port: 9000, target: 'lanparty-a1b2c3d4e5f6.local' },
      advertised: ['10.77.0.1'],
    });
    expect(parseTxt(sighting?.txt).ok).toBe(true);
  });

  it('reads a query response with records split over answers and additionals', () => {
    const [ptr, , ...others] = records;
    const [sighting] = readSightings(response([ptr], others));
    expect(sighting?.txt).not.toBeNull();
    expect(sighting?.advertised).toEqual(['10.77.0.1']);
  });

  it('recognises goodbyes', () => {
    const [sighting] = readSightings(response(goodbyeRecords(records)));
    expect(sighting?.goodbye).toBe(true);
    expect(goodbyeRecords(records).some((r) => r.name === '_services._dns-sd._udp.local')).toBe(false);
  });

  it('ignores other service types, nested labels and garbage without throwing', () => {
    const garbage = [
      null,
      42,
      { name: 5, type: 'PTR' },
      { name: '_lanparty._tcp.local', type: 'PTR', ttl: 120, data: { not: 'a string' } },
      { name: '_lanparty._tcp.local', type: 'PTR', ttl: 120, data: 'a.b._lanparty._tcp.local' },
      { name: 'x._other._tcp.local', type: 'TXT', ttl: 120, data: [Buffer.from('v=1')] },
      { name: 'x._lanparty._tcp.local', type: 'SRV', ttl: 120, data: 'nope' },
    ];
    expect(() => readSightings(response(garbage))).not.toThrow();
    expect(readSightings(response(garbage)).map((s) => s.srv)).toEqual([null]);
    for (const bad of [null, undefined, 'x', { answers: 'x' }]) expect(readSightings(bad)).toEqual([]);
  });

  it('bounds the work per packet', () => {
    const flood = Array.from({ length: 1000 }, (_, i) => ({
      name: '_lanparty._tcp.local',
      type: 'PTR',
      ttl: 120,
      data: `lanparty-x${i}._lanparty._tcp.local`,
    }));
    expect(readSightings(response(flood)).length).toBeLessThanOrEqual(32);
  });

  it('spots a browse query for our type', () => {
    expect(asksForOurService({ questions: [{ name: '_lanparty._tcp.local', type: 'PTR' }] })).toBe(true);
    expect(asksForOurService({ questions: [{ name: '_LANPARTY._tcp.local', type: 'ANY' }] })).toBe(true);
    expect(asksForOurService({ questions: [{ name: '_http._tcp.local', type: 'PTR' }] })).toBe(false);
    expect(asksForOurService({ questions: 'x' })).toBe(false);
  });
});

describe('addresses', () => {
  const eth0: LocalInterface = { name: 'eth0', address: '10.77.0.1', netmask: '255.255.255.0' };
  const wlan0: LocalInterface = { name: 'wlan0', address: '192.168.1.20', netmask: '255.255.255.0' };
  const info = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
    ({ address, family, internal, netmask: family === 'IPv4' ? '255.255.255.0' : 'ffff:ffff:ffff:ffff::', mac: '02:00:00:00:00:01', cidr: null }) as NetworkInterfaceInfo;
  const os = {
    lo: [info('127.0.0.1', 'IPv4', true)],
    eth0: [info('fe80::1', 'IPv6'), info('10.77.0.1', 'IPv4'), info('10.77.0.99', 'IPv4')],
    wlan0: [info('192.168.1.20', 'IPv4')],
    tun0: [info('fd00::5', 'IPv6')],
  };

  it('uses every non-internal IPv4 interface by default, one address each', () => {
    expect(selectInterfaces([], os).interfaces).toEqual([eth0, wlan0]);
  });

  it('uses only the named interfaces, and says which are missing', () => {
    const { interfaces, problems } = selectInterfaces(['wlan0', 'eth9', 'tun0'], os);
    expect(interfaces).toEqual([wlan0]);
    expect(problems).toEqual(['interface eth9 not found', 'interface tun0 has no IPv4 address']);
  });

  it('reports a machine with no usable interface', () => {
    expect(selectInterfaces([], { lo: os.lo }).problems).toEqual(['no network interface with an IPv4 address']);
  });

  it('knows subnets', () => {
    expect(inSubnet('10.77.0.200', eth0)).toBe(true);
    expect(inSubnet('10.77.1.2', eth0)).toBe(false);
    expect(inSubnet('fe80::1', eth0)).toBe(false);
  });

  it('never offers loopback, unspecified, multicast or scope-less link-local addresses', () => {
    for (const bad of ['127.0.0.1', '0.0.0.0', '224.0.0.251', '255.255.255.255', 'fe80::1', 'fe80::1%eth0', '::1', '::', 'ff02::fb', 'nonsense']) {
      expect(isUsableRemoteAddress(bad), bad).toBe(false);
    }
    for (const good of ['10.77.0.3', '169.254.10.1', '2001:db8::1']) expect(isUsableRemoteAddress(good), good).toBe(true);
  });

  it('prefers the packet source on our subnet over advertised addresses', () => {
    const ranked = rankAddresses('10.77.0.5', ['172.17.0.1', 'fe80::5', '10.77.0.5', '2001:db8::5'], [eth0]);
    expect(ranked).toEqual({ address: '10.77.0.5', addresses: ['10.77.0.5', '172.17.0.1', '2001:db8::5'] });
  });

  it('picks the advertised address on the subnet of the interface the packet came in on', () => {
    // Source on none of our subnets (e.g. a secondary address): an advertised address on ours wins.
    const ranked = rankAddresses('172.17.0.1', ['172.17.0.1', '192.168.1.33'], [eth0, wlan0]);
    expect(ranked.address).toBe('192.168.1.33');
  });

  it('falls back to the source when nothing is on our subnets, and never to loopback', () => {
    expect(rankAddresses('10.9.9.9', ['127.0.0.1'], [eth0])).toEqual({ address: '10.9.9.9', addresses: ['10.9.9.9'] });
    expect(rankAddresses('127.0.0.1', ['127.0.0.1', 'fe80::1'], [eth0])).toEqual({ address: null, addresses: [] });
  });
});

describe('instance table', () => {
  const parsed = (id: string, overrides: Partial<AdvertisedFields> = {}) => {
    const result = parseTxt(encodeTxt({ ...fields, instanceId: id, ...overrides }));
    if (!result.ok) throw new Error(result.reason);
    return result.value;
  };
  const sighting = (id: string, address = '10.77.0.2', overrides: Partial<AdvertisedFields> = {}) => ({
    txt: parsed(id, overrides),
    address,
    addresses: [address],
  });

  it('adds, refreshes and changes instances', () => {
    const table = new InstanceTable(8, 3000);
    expect(table.upsert('k', sighting('b'), 1000)).toBe('added');
    expect(table.upsert('k', sighting('b'), 2000)).toBe('refreshed');
    expect(table.upsert('k', sighting('b', '10.77.0.2', { peerId: 'bob' }), 2500)).toBe('changed');
    const [listed] = table.list();
    expect(listed).toMatchObject({ instanceId: 'b', peerId: 'bob', firstSeen: 1000, lastSeen: 2500, self: false, address: '10.77.0.2' });
  });

  it('expires instances not seen since the cutoff', () => {
    const table = new InstanceTable(8, 3000);
    table.upsert('a', sighting('a'), 1000);
    table.upsert('b', sighting('b'), 2000);
    table.touch('a', 2500);
    expect(table.expire(2400)).toBe(1);
    expect(table.list().map((i) => i.instanceId)).toEqual(['a']);
  });

  it('is bounded', () => {
    const table = new InstanceTable(2, 3000);
    expect(table.upsert('a', sighting('a'), 1)).toBe('added');
    expect(table.upsert('b', sighting('b'), 1)).toBe('added');
    expect(table.upsert('c', sighting('c'), 1)).toBe('full');
    expect(table.size).toBe(2);
  });

  it('keeps the offered address stable for an instance seen on two links', () => {
    const table = new InstanceTable(8, 3000);
    table.upsert('a', sighting('a', '10.77.0.2'), 1000);
    table.upsert('a', sighting('a', '192.168.1.2'), 1100);
    expect(table.list()[0]).toMatchObject({ address: '10.77.0.2', addresses: ['10.77.0.2', '192.168.1.2'] });
    expect(table.knowsAddress('a', '192.168.1.2')).toBe(true);
    // Once the first link has been silent past its TTL, the other address takes over.
    table.upsert('a', sighting('a', '192.168.1.2'), 5000);
    expect(table.list()[0]).toMatchObject({ address: '192.168.1.2', addresses: ['192.168.1.2'] });
  });

  it('carries the games, and a changed list is a change', () => {
    const table = new InstanceTable(8, 3000);
    const dots = { name: 'Dots', port: 9010 };
    table.upsert('k', sighting('b'), 1000);
    expect(table.list()[0]?.games).toEqual([]);
    expect(table.upsert('k', sighting('b', '10.77.0.2', { games: [dots] }), 1100)).toBe('changed');
    expect(table.upsert('k', sighting('b', '10.77.0.2', { games: [dots] }), 1200)).toBe('refreshed');
    const listed = table.list();
    expect(listed[0]?.games).toEqual([dots]);
    listed[0]?.games.push({ name: 'x', port: 9011 });
    expect(table.list()[0]?.games).toEqual([dots]);
    // Hosting stopped: the re-announced record has no game.
    expect(table.upsert('k', sighting('b'), 1300)).toBe('changed');
    expect(table.list()[0]?.games).toEqual([]);
  });

  it('lists in a stable order and hands out copies', () => {
    const table = new InstanceTable(8, 3000);
    table.upsert('z', sighting('z'), 1);
    table.upsert('a', sighting('a'), 1);
    const list = table.list();
    expect(list.map((i) => i.instanceId)).toEqual(['a', 'z']);
    list[0]?.addresses.push('1.2.3.4');
    expect(table.list()[0]?.addresses).toEqual(['10.77.0.2']);
  });
});
