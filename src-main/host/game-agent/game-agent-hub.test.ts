/**
 * The agent socket on a real hosted game's origin (a LanHost on loopback,
 * discovery off), with raw WebSocket clients speaking the protocol the page
 * agent speaks: who may connect (the game's own origin only), what is bounded
 * (size, rate, validity, instance count), that a page can only report about
 * itself, what control callers see (InstancesState, events, conditions
 * pushed to agents, targets resolved and refused) and the CLI's `--network`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AGENT_LIMITS, AGENT_PATH, type AgentMessage, type HostToAgentMessage, type InstanceEvents, type LinkReport } from '../../../src-preload/game-agent-protocol.js';
import { findPreset, NO_CONDITIONS } from '../../../src-preload/network-conditions.js';
import type { EventName } from '../../../src-preload/contract.js';
import { cleanupsAfterEach, gameFolder as testGameFolder } from '../../testing/cleanups.js';
import { startLoopbackHost } from '../../testing/loopback-host.js';
import { forwardHostEvents } from '../host-api.js';
import type { LanHost, LanHostOptions } from '../lan-host.js';
import { AGENT_CLOSE, INSTANCE_GRACE_MS } from './game-agent-hub.js';

const cleanups = cleanupsAfterEach();
const gameFolder = (name: string): string => testGameFolder(cleanups, 'lan-party-agent-test-', name, '<!doctype html><title>agent</title>');
const startHost = (network: LanHostOptions['networkUplink'] = null): Promise<LanHost> => startLoopbackHost(cleanups, { networkUplink: network });

interface Agent {
  ws: WebSocket;
  received: HostToAgentMessage[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: AgentMessage | string): void;
}

/** An agent socket as a game page opens it (Origin = the game's origin), unless `origin` says otherwise. */
async function agent(port: number, origin: string | null = `http://127.0.0.1:${port}`): Promise<Agent> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${AGENT_PATH}`, origin === null ? {} : { headers: { Origin: origin } });
  cleanups.push(() => ws.terminate());
  const received: HostToAgentMessage[] = [];
  ws.on('message', (data) => received.push(JSON.parse(String(data)) as HostToAgentMessage));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, received, closed, send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)) };
}

/** The handshake's HTTP status when the upgrade is refused. */
function refusedStatus(port: number, headers: Record<string, string>): Promise<number | 'open'> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${AGENT_PATH}`, { headers });
  cleanups.push(() => ws.terminate());
  return new Promise((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve('open'));
    ws.once('error', () => undefined);
  });
}

const hello = (instance: string): Extract<AgentMessage, { type: 'hello' }> => ({ type: 'hello', instance, page: '/index.html?p=1', bench: null });

function link(id: string, sent: number, received: number): LinkReport {
  return {
    id,
    peer: 'remote-player',
    label: 'dc_abc',
    state: 'open',
    reliable: false,
    rttMs: 3.5,
    candidate: 'host',
    sent: { messages: sent, bytes: sent * 20 },
    received: { messages: received, bytes: received * 20 },
  };
}

function report(links: LinkReport[], events: Extract<AgentMessage, { type: 'report' }>['events'] = []): AgentMessage {
  return { type: 'report', links, events, names: [{ name: 'move', in: 1, out: 1, backlog: null }], droppedEvents: 0, peerId: 'me' };
}

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';

describe('game agent hub: who may connect', () => {
  it('accepts the game own origin only, and counts every refusal', async () => {
    const host = await startHost();
    const dots = await host.hostGame(gameFolder('Dots'));
    const other = await host.hostGame(gameFolder('Other'));
    const port = dots.port;
    expect(await refusedStatus(port, { Origin: 'http://evil.example' })).toBe(403);
    // Another hosted game's page (its own port) cannot report as this game.
    expect(await refusedStatus(port, { Origin: `http://127.0.0.1:${other.port}` })).toBe(403);
    // The dashboard's origin (the host's port).
    expect(await refusedStatus(port, { Origin: `http://127.0.0.1:${host.port}` })).toBe(403);
    // No Origin at all (a tool), and a Host header rewritten to match a foreign Origin.
    expect(await refusedStatus(port, {})).toBe(403);
    expect(await refusedStatus(port, { Origin: 'http://evil.example:80', Host: 'evil.example:80' })).toBe(403);
    expect(host.agents.counters.refusedOrigins).toBe(5);
    const ok = await agent(port);
    ok.send(hello(A));
    await expect.poll(() => host.agents.getState().instances.map((i) => i.id)).toEqual([A]);
  });
});

describe('game agent hub: bounds', () => {
  it('closes a socket that sends a message over the size bound, with a clear reason', async () => {
    const host = await startHost();
    const { port } = await host.hostGame(gameFolder('Dots'));
    const a = await agent(port);
    a.send(hello(A));
    a.send(JSON.stringify({ type: 'report', pad: 'x'.repeat(AGENT_LIMITS.maxMessageBytes) }));
    expect(await a.closed).toEqual(AGENT_CLOSE.tooLarge);
    expect(host.agents.counters.closedOversize).toBe(1);
  });

  it('drops invalid messages (counted) and keeps the socket, and a report cannot name another instance', async () => {
    const host = await startHost();
    const { port } = await host.hostGame(gameFolder('Dots'));
    const a = await agent(port);
    a.send(hello(A));
    const invalid = ['not json', '[]', '{"type":"nope"}', JSON.stringify({ ...report([link('l1', 1, 1)]), instance: B }), JSON.stringify({ ...report([]), links: 'x' })];
    for (const message of invalid) a.send(message);
    await expect.poll(() => host.agents.counters.invalidMessages).toBe(invalid.length);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
    expect(host.agents.getState().instances.map((i) => i.id)).toEqual([A]);
  });

  it('drops what is over the rate, unparsed and counted', async () => {
    const host = await startHost();
    const { port } = await host.hostGame(gameFolder('Dots'));
    const a = await agent(port);
    a.send(hello(A));
    const flood = 2_000;
    for (let i = 0; i < flood; i += 1) a.send(report([link('l1', i, i)]));
    await expect.poll(() => host.agents.counters.droppedOverRate, { timeout: 5_000 }).toBeGreaterThanOrEqual(flood - 3 * AGENT_LIMITS.maxMessagesPerSecond);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('lets no page take over another instance: a second hello with its id is refused, and reports apply to the sender only', async () => {
    const host = await startHost();
    const { port } = await host.hostGame(gameFolder('Dots'));
    const a = await agent(port);
    a.send(hello(A));
    a.send(report([link('l1', 5, 5)]));
    await expect.poll(() => host.agents.getState().instances[0]?.links.length).toBe(1);
    const liar = await agent(port);
    liar.send(hello(A));
    expect(await liar.closed).toEqual(AGENT_CLOSE.instanceTaken);
    const other = await agent(port);
    other.send(hello(B));
    other.send(report([link('l9', 999, 999), link('l8', 1, 1)]));
    await expect.poll(() => host.agents.getState().instances.find((i) => i.id === B)?.links.length).toBe(2);
    expect(host.agents.getState().instances.find((i) => i.id === A)?.links.map((l) => l.id)).toEqual(['l1']);
  });

  it('closes a socket that never says hello', async () => {
    const host = await startHost();
    const { port } = await host.hostGame(gameFolder('Dots'));
    const silent = await agent(port);
    expect(await silent.closed).toEqual(AGENT_CLOSE.noHello);
    expect(host.agents.getState().instances).toEqual([]);
  });

  it(`tracks at most ${AGENT_LIMITS.maxInstances} instances`, async () => {
    const host = await startHost();
    const { port } = await host.hostGame(gameFolder('Dots'));
    for (let i = 0; i < AGENT_LIMITS.maxInstances; i += 1) (await agent(port)).send(hello(i.toString(16).padStart(16, '0')));
    await expect.poll(() => host.agents.getState().instances.length).toBe(AGENT_LIMITS.maxInstances);
    const extra = await agent(port);
    extra.send(hello('ffffffffffffffff'));
    expect(await extra.closed).toEqual(AGENT_CLOSE.full);
    expect(host.agents.counters.refusedFull).toBe(1);
  });
});

describe('game agent hub: what control callers get', () => {
  it('lists instances with their links, host-computed rates and names, pushes their events, and removes a closed one after the grace', async () => {
    const host = await startHost();
    const dots = await host.hostGame(gameFolder('Dots'));
    const batches: InstanceEvents[] = [];
    host.agents.onEvents((batch) => batches.push(batch));
    const a = await agent(dots.port);
    a.send(hello(A));
    a.send(report([link('l1', 0, 0)]));
    await new Promise((resolve) => setTimeout(resolve, 600));
    const now = Date.now();
    a.send(report([link('l1', 30, 20)], [{ t: now, link: 'l1', dir: 'out', name: 'move', size: 24, data: '{"x":1}' }]));
    await expect.poll(() => host.agents.getState().instances[0]?.links[0]?.sent.messages).toBe(30);
    const [instance] = host.agents.getState().instances;
    expect(instance).toMatchObject({ id: A, gameId: dots.id, gameName: 'Dots', page: '/index.html?p=1', peerId: 'me', broker: null });
    expect(instance?.links[0]).toMatchObject({ id: 'l1', peer: 'remote-player', rttMs: 3.5, candidate: 'host' });
    expect(instance?.links[0]?.rateOut).toBeGreaterThan(0);
    expect(instance?.links[0]?.rateIn).toBeGreaterThan(0);
    expect(instance?.names[0]).toMatchObject({ name: 'move', in: 1, out: 1 });
    await expect.poll(() => batches.flatMap((b) => b.events)).toEqual([{ t: now, link: 'l1', dir: 'out', name: 'move', size: 24, data: '{"x":1}', instance: A }]);

    a.ws.close();
    await expect.poll(() => host.agents.getState().instances.length, { timeout: INSTANCE_GRACE_MS + 2_000 }).toBe(0);
  });

  it('pushes conditions to the targeted agents, applies a game setting to instances that open later, and refuses unknown targets', async () => {
    const host = await startHost();
    const dots = await host.hostGame(gameFolder('Dots'));
    const a = await agent(dots.port);
    a.send(hello(A));
    a.send(report([link('l1', 0, 0)]));
    // At hello: nothing in force.
    await expect.poll(() => a.received[0]).toMatchObject({ type: 'conditions', instance: { up: NO_CONDITIONS, down: NO_CONDITIONS, cut: false }, links: {}, spike: null });
    await expect.poll(() => host.agents.getState().instances[0]?.links.length).toBe(1);

    const mobile = findPreset('mobile-3g')?.conditions;
    host.agents.setConditions({ gameId: dots.id, preset: 'mobile-3g' }, host.games.list());
    await expect.poll(() => a.received.at(-1)).toMatchObject({ type: 'conditions', instance: { up: mobile, down: mobile } });
    const b = await agent(dots.port);
    b.send(hello(B));
    await expect.poll(() => b.received[0]).toMatchObject({ type: 'conditions', instance: { up: mobile, down: mobile } });

    const cut = { up: NO_CONDITIONS, down: NO_CONDITIONS, cut: true };
    const state = host.agents.setConditions({ instance: A, link: 'l1', conditions: cut }, host.games.list());
    await expect.poll(() => a.received.at(-1)).toMatchObject({ links: { l1: cut } });
    expect(state.instances.find((i) => i.id === A)?.links[0]?.conditions.cut).toBe(true);
    host.agents.setConditions({ instance: A, spike: { ms: 500, forMs: 2_000 } }, host.games.list());
    await expect.poll(() => (a.received.at(-1) as { spike?: { ms: number } }).spike?.ms).toBe(500);

    expect(() => host.agents.setConditions({ instance: 'cccccccccccccccc', preset: 'lan' }, host.games.list())).toThrow(/No running instance has the id cccccccccccccccc/);
    expect(() => host.agents.setConditions({ instance: A, link: 'l7', preset: 'lan' }, host.games.list())).toThrow(/has no link l7/);
    expect(() => host.agents.setConditions({ gameId: '00000000', preset: 'lan' }, host.games.list())).toThrow(/No hosted game has the id 00000000/);
  });

  it('cuts the far end of a cut link too when it is an instance served here, and restores both', async () => {
    const host = await startHost();
    const dots = await host.hostGame(gameFolder('Dots'));
    const a = await agent(dots.port);
    const b = await agent(dots.port);
    a.send(hello(A));
    b.send(hello(B));
    // A (peer "pa") and B (peer "pb") are linked to each other.
    a.send({ ...report([{ ...link('la', 1, 1), peer: 'pb' }]), peerId: 'pa' } as AgentMessage);
    b.send({ ...report([{ ...link('lb', 1, 1), peer: 'pa' }]), peerId: 'pb' } as AgentMessage);
    await expect.poll(() => host.agents.getState().instances.map((i) => i.links.length)).toEqual([1, 1]);

    host.agents.setConditions({ instance: A, conditions: { up: NO_CONDITIONS, down: NO_CONDITIONS, cut: true } }, host.games.list());
    // B was not targeted, yet its link to A is cut: a pulled cable silences both ends.
    await expect.poll(() => b.received.at(-1)).toMatchObject({ type: 'conditions', instance: { cut: false }, links: { lb: { cut: true } } });
    expect(host.agents.getState().instances.find((i) => i.id === B)?.links[0]?.conditions.cut).toBe(true);

    host.agents.setConditions({ instance: A, conditions: { up: NO_CONDITIONS, down: NO_CONDITIONS, cut: false } }, host.games.list());
    await expect.poll(() => b.received.at(-1)).toMatchObject({ type: 'conditions', links: {} });
    expect(host.agents.getState().instances.find((i) => i.id === B)?.links[0]?.conditions.cut).toBe(false);
  });

  it('gives a reloaded bench instance (same game, bench and index) its instance conditions back, and no other page', async () => {
    const host = await startHost();
    const dots = await host.hostGame(gameFolder('Dots'));
    const bench = { id: '0123abcd', instance: 2, count: 4 };
    const first = await agent(dots.port);
    first.send({ ...hello(A), bench });
    await expect.poll(() => host.agents.getState().instances[0]?.bench).toEqual(bench);
    const mobile = findPreset('mobile-3g')?.conditions;
    host.agents.setConditions({ instance: A, preset: 'mobile-3g' }, host.games.list());
    first.ws.close();
    // The page reloaded: a new agent instance id, the same bench identity.
    const again = await agent(dots.port);
    again.send({ ...hello(B), bench });
    await expect.poll(() => again.received[0]).toMatchObject({ type: 'conditions', instance: { up: mobile, down: mobile } });
    // Another index of the same bench, and a page that is not on the bench, start clean.
    const other = await agent(dots.port);
    other.send({ ...hello('cccccccccccccccc'), bench: { ...bench, instance: 3 } });
    await expect.poll(() => other.received[0]).toMatchObject({ type: 'conditions', instance: { up: NO_CONDITIONS, down: NO_CONDITIONS } });
    // An invalid identity is refused like any invalid message (index over the count).
    const liar = await agent(dots.port);
    liar.send({ ...hello('dddddddddddddddd'), bench: { ...bench, instance: 5 } });
    await expect.poll(() => host.agents.counters.invalidMessages).toBe(1);
  });

  it('keeps the conditions of a bench slot (game, bench, index) set with no page on it, and gives them to the page playing it now and to its next pages', async () => {
    const host = await startHost();
    const dots = await host.hostGame(gameFolder('Dots'));
    const other = await host.hostGame(gameFolder('Other'));
    const bench = { id: '0123abcd', instance: 2, count: 4 };
    const slot = { gameId: dots.id, bench: { id: bench.id, instance: bench.instance } };
    const mobile = findPreset('mobile-3g')?.conditions;
    const congested = findPreset('congested')?.conditions;
    // No page plays slot 2 yet (the bench is loading, or its instance was killed): the host keeps the preset for it.
    expect(host.agents.setConditions({ ...slot, preset: 'mobile-3g' }, host.games.list()).instances).toEqual([]);
    const first = await agent(dots.port);
    first.send({ ...hello(A), bench });
    await expect.poll(() => first.received[0]).toMatchObject({ type: 'conditions', instance: { up: mobile, down: mobile } });
    expect(host.agents.getState().instances.find((i) => i.id === A)?.conditions.up).toEqual(mobile);
    // Another index of the bench, and a page of the game that is not on it, are other slots: unconditioned.
    const neighbour = await agent(dots.port);
    neighbour.send({ ...hello('eeeeeeeeeeeeeeee'), bench: { ...bench, instance: 3 } });
    const plain = await agent(dots.port);
    plain.send(hello('ffffffffffffffff'));
    for (const page of [neighbour, plain]) await expect.poll(() => page.received[0]).toMatchObject({ type: 'conditions', instance: { up: NO_CONDITIONS, down: NO_CONDITIONS } });
    // Set while a page plays the slot: that page at once, and the page after a reload.
    host.agents.setConditions({ ...slot, preset: 'congested' }, host.games.list());
    await expect.poll(() => first.received.at(-1)).toMatchObject({ type: 'conditions', instance: { up: congested, down: congested } });
    first.ws.close();
    const again = await agent(dots.port);
    again.send({ ...hello(B), bench });
    await expect.poll(() => again.received[0]).toMatchObject({ type: 'conditions', instance: { up: congested, down: congested } });
    // The same bench id and index under another game is another slot.
    const elsewhere = await agent(other.port);
    elsewhere.send({ ...hello('cccccccccccccccc'), bench });
    await expect.poll(() => elsewhere.received[0]).toMatchObject({ type: 'conditions', instance: { up: NO_CONDITIONS, down: NO_CONDITIONS } });
    // A setting for the whole game replaces what the slot kept: the next page of the slot follows the game.
    host.agents.setConditions({ gameId: dots.id, preset: 'lan' }, host.games.list());
    again.ws.close();
    const third = await agent(dots.port);
    third.send({ ...hello('dddddddddddddddd'), bench });
    await expect.poll(() => third.received[0]).toMatchObject({ type: 'conditions', instance: { up: findPreset('lan')?.conditions } });
  });

  it('tells every connected page of a folder game to reload when a file of its folder changes, debounced, ignoring dotfiles', async () => {
    const host = await startHost();
    const folder = gameFolder('Dots');
    const dots = await host.hostGame(folder);
    const other = await host.hostGame(gameFolder('Other'));
    const a = await agent(dots.port);
    const b = await agent(dots.port);
    const c = await agent(other.port);
    a.send(hello(A));
    b.send(hello(B));
    c.send(hello('cccccccccccccccc'));
    await expect.poll(() => host.agents.getState().instances.length).toBe(3);
    const reloads = (x: Agent): number => x.received.filter((m) => m.type === 'reload').length;
    fs.writeFileSync(path.join(folder, '.index.html.swp'), 'editor temp');
    fs.writeFileSync(path.join(folder, 'game.js'), 'one');
    fs.writeFileSync(path.join(folder, 'game.js'), 'two');
    fs.mkdirSync(path.join(folder, 'levels'));
    fs.writeFileSync(path.join(folder, 'levels', 'one.json'), '{}');
    await expect.poll(() => [reloads(a), reloads(b)]).toEqual([1, 1]);
    // One burst of saves is one reload (debounced), and another game's pages are not told.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect([reloads(a), reloads(b), reloads(c)]).toEqual([1, 1, 0]);
    fs.writeFileSync(path.join(folder, '.hidden'), 'x');
    fs.writeFileSync(path.join(folder, 'game.js~'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(reloads(a)).toBe(1);
  });

  it('applies --network to every instance uplink', async () => {
    const host = await startHost({ latencyMs: 100, jitterMs: 0, lossPct: 10, bandwidthKbps: null });
    const dots = await host.hostGame(gameFolder('Dots'));
    const a = await agent(dots.port);
    a.send(hello(A));
    await expect.poll(() => a.received[0]).toMatchObject({ instance: { up: { latencyMs: 100, lossPct: 10 }, down: NO_CONDITIONS, cut: false } });
  });

  it('records a trace with one line per reported event and the conditions in force', async () => {
    const host = await startHost({ latencyMs: 100, jitterMs: 0, lossPct: 0, bandwidthKbps: null });
    const dots = await host.hostGame(gameFolder('Dots'));
    host.agents.startRecording();
    const a = await agent(dots.port);
    a.send(hello(A));
    const t = Date.now();
    a.send(report([link('l1', 2, 0)], [
      { t, link: 'l1', dir: 'out', name: 'move', size: 30, data: '{"x":1}' },
      { t: t + 1, link: 'l1', dir: 'in', name: 'pong', size: 12, data: '1' },
    ]));
    await expect.poll(() => host.agents.getState().recording?.lines).toBe(2);
    host.agents.stopRecording();
    const page = host.agents.recordingPage(0);
    const lines = page.text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'header', version: 1 });
    expect(lines.slice(1)).toEqual([
      expect.objectContaining({ type: 'event', instance: A, peerId: 'me', link: 'l1', peer: 'remote-player', dir: 'out', name: 'move', size: 30, conditions: expect.objectContaining({ up: expect.objectContaining({ latencyMs: 100 }) }) }),
      expect.objectContaining({ type: 'event', dir: 'in', name: 'pong' }),
    ]);
    expect(page.nextLine).toBeNull();
  });

  it("pushes instances and their events to control callers only, never to a player's dashboard", async () => {
    const host = await startHost();
    const dots = await host.hostGame(gameFolder('Dots'));
    const player: EventName[] = [];
    const control: EventName[] = [];
    cleanups.push(forwardHostEvents(host, false, (event) => player.push(event)));
    cleanups.push(forwardHostEvents(host, true, (event) => control.push(event)));
    const a = await agent(dots.port);
    a.send(hello(A));
    a.send(report([link('l1', 1, 0)], [{ t: Date.now(), link: 'l1', dir: 'out', name: 'move', size: 10, data: '1' }]));
    await expect.poll(() => control.includes('instances') && control.includes('instanceEvents')).toBe(true);
    expect(player.filter((event) => event === 'instances' || event === 'instanceEvents')).toEqual([]);
  });
});
