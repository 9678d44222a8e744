/**
 * The engine restates a contract type (`IceServer`) so the standalone bundle
 * (and its .d.ts) does not pull zod in, and the contract builds its schemas from the
 * engine's limits (limits.ts). This test keeps the two in step: `tsc -b` fails
 * on a drift of the types; vitest on a drift of any limit, by feeding the same
 * edge cases to the contract's schemas and to the engine's public functions
 * (and to its `/api/lan` reader) and requiring the same verdict from both.
 */
import type { Peer } from 'peerjs';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import * as contract from '../../src-preload/contract.js';
import { createStaticDefaultBrokerSource, parseLanStateEndpoint } from './default-broker.js';
import { P2PEngine, PEER_ID_PATTERN } from './engine.js';
import * as limits from './limits.js';
import type { BrokerEndpoint, IceServer } from './types.js';

describe('engine types match the contract', () => {
  it('BrokerEndpoint and IceServer are the contract types', () => {
    expectTypeOf<BrokerEndpoint>().toEqualTypeOf<contract.BrokerEndpoint>();
    expectTypeOf<IceServer>().toEqualTypeOf<contract.IceServer>();
  });

  it('the peer-id pattern is the contract pattern', () => {
    expect(PEER_ID_PATTERN.source).toBe(contract.PEER_ID_PATTERN.source);
    expect(PEER_ID_PATTERN.flags).toBe(contract.PEER_ID_PATTERN.flags);
  });
});

/** The smallest stand-in for a PeerJS `Peer`: what the engine calls when it registers (no socket, no WebRTC). */
function fakePeer(): Peer {
  const peer = { disconnected: false, destroyed: false, on: () => peer, disconnect: () => undefined, destroy: () => undefined };
  return peer as unknown as Peer;
}

const engines: P2PEngine[] = [];

/** A fresh engine on a fake PeerJS, and how many Peers (registrations) it started. */
function engine(): { engine: P2PEngine; registrations: () => number } {
  let created = 0;
  const made = new P2PEngine({
    defaultBroker: createStaticDefaultBrokerSource(null),
    peerFactory: () => {
      created += 1;
      return fakePeer();
    },
  });
  engines.push(made);
  return { engine: made, registrations: () => created };
}

afterEach(() => {
  for (const made of engines.splice(0)) made.destroy();
});

/** Whether `action` left the engine without an invalid-argument error. */
function engineAccepts(action: (engine: P2PEngine) => void): boolean {
  const { engine: made } = engine();
  action(made);
  return !made.getErrorLog().some((entry) => entry.code === 'invalid-argument');
}

/** A test title for a case: long values by their length. */
function label(value: string): [string, string] {
  return [value.length > 24 ? `${JSON.stringify(value.slice(0, 12))}… (${value.length} characters)` : JSON.stringify(value), value];
}

const accepts = (schema: { safeParse(value: unknown): { success: boolean } }, value: unknown): boolean => schema.safeParse(value).success;

function lanState(endpoint: Partial<BrokerEndpoint>): unknown {
  return { defaultBroker: { instanceId: 'x', reason: 'only broker', endpoint: { host: '10.0.0.1', port: 9000, path: '/', key: 'peerjs', secure: false, ...endpoint } } };
}

const ID_CASES = [
  'a',
  'Player 1',
  'a-b_c d',
  'a'.repeat(limits.MAX_PEER_ID_LENGTH),
  'a'.repeat(limits.MAX_PEER_ID_LENGTH + 1),
  '-a',
  'a-',
  'a  b',
  'a--b',
  'a.b',
  'é',
  '',
];

// Paths start with "/": the engine turns "" into "/" and prefixes a missing "/" (GDevelop's empty path), the contract does not.
const PATH_CASES = ['/', '/peerjs', '/a/b.c~_-', `/${'p'.repeat(limits.MAX_BROKER_PATH_LENGTH - 1)}`, `/${'p'.repeat(limits.MAX_BROKER_PATH_LENGTH)}`, '/a b', '/a?b', '/a#b', '/%41', '/é'];

// Keys are not empty: the engine reads "" as "peerjs" (the PeerJS default), the contract refuses it.
const KEY_CASES = ['peerjs', 'a', 'A-b_9', 'k'.repeat(limits.MAX_BROKER_KEY_LENGTH), 'k'.repeat(limits.MAX_BROKER_KEY_LENGTH + 1), 'a.b', 'a b', 'a/b', 'é'];

const URL_CASES = [
  'stun:10.0.0.1:3478',
  'stuns:example.lan',
  'turn:10.0.0.1:3478?transport=udp',
  'turns:example.lan:5349',
  `stun:${'h'.repeat(limits.MAX_ICE_URL_LENGTH - 5)}`,
  `stun:${'h'.repeat(limits.MAX_ICE_URL_LENGTH - 4)}`,
  'http://example.lan',
  'STUN:10.0.0.1',
  ' stun:10.0.0.1',
  '',
];

const CREDENTIAL_CASES = ['', 'user', 'u'.repeat(limits.MAX_ICE_CREDENTIAL_LENGTH), 'u'.repeat(limits.MAX_ICE_CREDENTIAL_LENGTH + 1)];

describe('the contract and the engine accept the same values', () => {
  it.each(ID_CASES.map(label))('peer id %s', (_, id) => {
    const expected = accepts(contract.PeerIdSchema, id);
    expect(engineAccepts((e) => e.overrideId(id)), 'overrideId').toBe(expected);
    expect(limits.isPeerId(id)).toBe(expected);
  });

  it('the edge cases cover both verdicts', () => {
    // Otherwise a schema that refused (or accepted) everything would agree with nothing tested.
    for (const [schema, cases] of [
      [contract.PeerIdSchema, ID_CASES],
      [contract.BrokerPathSchema, PATH_CASES],
      [contract.BrokerKeySchema, KEY_CASES],
      [contract.IceServerSchema.shape.urls, URL_CASES],
    ] as const) {
      const verdicts = new Set(cases.map((value) => accepts(schema, value)));
      expect([...verdicts].sort()).toEqual([false, true]);
    }
  });

  it.each(PATH_CASES.map(label))('broker path %s (useBroker and /api/lan)', (_, path) => {
    const expected = accepts(contract.BrokerPathSchema, path);
    const rig = engine();
    rig.engine.useBroker('10.0.0.1', 9000, path, 'peerjs');
    expect(rig.registrations() === 1, 'useBroker registered').toBe(expected);
    expect(engineAccepts((e) => e.useBroker('10.0.0.1', 9000, path, 'peerjs')), 'useBroker').toBe(expected);
    expect(parseLanStateEndpoint(lanState({ path })) !== undefined, '/api/lan').toBe(expected);
  });

  it.each(KEY_CASES.map(label))('broker key %s (useBroker and /api/lan)', (_, key) => {
    const expected = accepts(contract.BrokerKeySchema, key);
    expect(engineAccepts((e) => e.useBroker('10.0.0.1', 9000, '/', key)), 'useBroker').toBe(expected);
    expect(parseLanStateEndpoint(lanState({ key })) !== undefined, '/api/lan').toBe(expected);
  });

  it.each([1, 9000, limits.MAX_PORT, limits.MAX_PORT + 1, 1.5])('broker port %j', (port) => {
    // Port 0 differs on purpose: in the settings it means "any free port"; a broker to reach has a real one.
    const expected = accepts(contract.PortSchema, port);
    expect(engineAccepts((e) => e.useBroker('10.0.0.1', port, '/', 'peerjs')), 'useBroker').toBe(expected);
    expect(parseLanStateEndpoint(lanState({ port })) !== undefined, '/api/lan').toBe(expected);
  });

  it.each(URL_CASES.map(label))('ICE server URL %s', (_, urls) => {
    const expected = accepts(contract.IceServerSchema, { urls });
    expect(engineAccepts((e) => e.setIceServers([{ urls }])), 'setIceServers').toBe(expected);
    expect(engineAccepts((e) => e.addIceServer(urls)), 'addIceServer').toBe(expected);
  });

  it.each(CREDENTIAL_CASES.map(label))('ICE username and credential %s', (_, text) => {
    for (const server of [{ urls: 'turn:10.0.0.1', username: text }, { urls: 'turn:10.0.0.1', credential: text }]) {
      const expected = accepts(contract.IceServerSchema, server);
      expect(engineAccepts((e) => e.setIceServers([server])), JSON.stringify(server).slice(0, 60)).toBe(expected);
    }
  });

  it.each([0, 1, limits.MAX_ICE_SERVERS, limits.MAX_ICE_SERVERS + 1])('a list of %d ICE servers', (count) => {
    const servers = Array.from({ length: count }, (_, i) => ({ urls: `stun:10.0.0.${i + 1}` }));
    const expected = accepts(contract.SettingsPatchSchema, { iceServers: servers });
    expect(accepts(contract.SettingsSchema.shape.iceServers, servers)).toBe(expected);
    expect(engineAccepts((e) => e.setIceServers(servers)), 'setIceServers').toBe(expected);
    expect(
      engineAccepts((e) => {
        for (const server of servers) e.addIceServer(server.urls);
      }),
      'addIceServer, one by one',
    ).toBe(expected);
  });
});
