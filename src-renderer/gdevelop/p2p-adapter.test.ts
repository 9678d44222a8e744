/**
 * The adapter on a real engine with no network: what a GDevelop game's events
 * see without a peer (errors, expressions, variables), and the older
 * runtimes' paths (post-events callback array, `gdjs.evtTools.network`
 * variable helpers). The networked behaviour is in e2e/web/gdevelop-dropin.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { P2PEngine } from '../p2p/index.js';
import { createGdevelopP2P, registerEndOfFrame, relayEndpoint, type GdjsLike } from './p2p-adapter.js';

describe('registerEndOfFrame', () => {
  it("uses GDevelop's post-events registration, else the older callback array, else reports it cannot", () => {
    const registered: (() => void)[] = [];
    expect(registerEndOfFrame({ registerRuntimeScenePostEventsCallback: (cb) => registered.push(cb), callbacksRuntimeScenePostEvents: [] }, () => undefined)).toBe(true);
    expect(registered).toHaveLength(1);
    const older: GdjsLike = { callbacksRuntimeScenePostEvents: [] };
    expect(registerEndOfFrame(older, () => undefined)).toBe(true);
    expect(older.callbacksRuntimeScenePostEvents).toHaveLength(1);
    expect(registerEndOfFrame({}, () => undefined)).toBe(false);
  });
});

describe('gdjs.evtTools.p2p on an engine with no peer', () => {
  function setup(gdjs: GdjsLike = {}) {
    const engine = new P2PEngine({ frameQueues: 'on' });
    const postEvents: (() => void)[] = [];
    registerEndOfFrame({ callbacksRuntimeScenePostEvents: postEvents }, () => engine.endFrame());
    const endFrame = () => postEvents.forEach((cb) => cb());
    return { p2p: createGdevelopP2P(engine, gdjs), endFrame, engine };
  }

  it('errors: "An error occurred" once, the text in GetLastError; an empty optional ICE credential is none', () => {
    const { p2p, engine } = setup();
    expect([p2p.getCurrentId(), p2p.isReady(), p2p.getLastError(), p2p.onError()]).toEqual(['', false, '', false]);
    p2p.useCustomICECandidate('stun:127.0.0.1:3478', '', '');
    expect(p2p.onError()).toBe(false);
    p2p.sendDataTo('nobody', 'hit', '1');
    expect([p2p.onError(), p2p.onError(), p2p.getLastError()]).toEqual([true, false, 'Peer nobody is not connected']);
    p2p.overrideId('bad id!');
    expect(p2p.onError()).toBe(true);
    expect(engine.getErrorLog().map((e) => e.code)).toEqual(['peer-not-connected', 'invalid-argument']);
    engine.destroy();
  });

  it('getEventVariable leaves the variable alone when there is no event; the older runtimes get their JSON helpers', () => {
    const toJson: unknown[] = [];
    const { p2p, engine } = setup({ evtTools: { network: { variableStructureToJSON: (v) => (toJson.push(v), '{"a":1}') } } });
    let written = false;
    p2p.getEventVariable('none', { fromJSObject: () => (written = true) });
    expect(written).toBe(false);
    const oldVariable = {};
    p2p.sendVariableToAll('state', oldVariable);
    expect(toJson).toEqual([oldVariable]);
    expect(p2p.onError()).toBe(false);
    expect(p2p.getConnectionInstance('x')).toBeUndefined();
    expect(p2p.lanPartyEngine).toBe(engine);
    engine.destroy();
  });
});

describe('relayEndpoint', () => {
  it("is the relay the game agent describes (window.lanPartyBroker); none without the agent or for a malformed value", () => {
    const relay = { host: '192.168.1.20', port: 9001, path: '/lan-party/broker/', key: 'peerjs', secure: false };
    expect(relayEndpoint(Object.freeze({ ...relay }))).toEqual(relay);
    expect(relayEndpoint(undefined)).toBeNull();
    expect(relayEndpoint({ ...relay, port: 0 })).toBeNull();
    expect(relayEndpoint({ ...relay, secure: 'no' })).toBeNull();
  });
});
