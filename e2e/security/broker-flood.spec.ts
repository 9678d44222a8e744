/**
 * Issue 10, items 4, 5, 6 and 8: one misbehaving LAN machine against the
 * broker of a real `lan-party host`, speaking the PeerJS protocol with raw
 * `ws` clients (no browser). The attacker's source address is 127.0.0.2 (and
 * more 127.x addresses when it plays many machines), the legitimate player's
 * 127.0.0.3: the host, on 127.0.0.1, sees them as distinct machines. Every
 * flood is bounded in count and in time; every test checks that the player
 * registers during the flood and after it.
 */
import { WebSocket } from 'ws';
import { BRIDGE_PATH, DEFAULT_BROKER_OPTIONS, type HostState } from '../../src-preload/contract.js';
import { recordAttack } from '../fixtures/attack-table.js';
import { callBridge } from '../fixtures/bridge.js';
import type { RunningHost } from '../fixtures/host.js';
import { expect, test } from '../fixtures/test.js';
import { cpuMs, registerPeer, rssBytes, SignalingClient, type SignalingMessage } from '../fixtures/signaling-client.js';

const ATTACKER = '127.0.0.2';
const PLAYER = '127.0.0.3';
const MiB = 1024 * 1024;

const clients: SignalingClient[] = [];

// Before the `host` fixture stops the host.
test.afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

function track(client: SignalingClient): SignalingClient {
  clients.push(client);
  return client;
}

async function player(host: RunningHost, id: string): Promise<{ client: SignalingClient; ms: number }> {
  const registered = await registerPeer(host, id, PLAYER);
  track(registered.client);
  return registered;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function hostState(host: RunningHost): Promise<HostState> {
  return (await callBridge(host.port, 'getHostState')) as HostState;
}

/** How long `/api/lan` takes to answer, in ms. */
async function apiLanMs(host: RunningHost): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(`http://127.0.0.1:${host.port}/api/lan`);
  await response.json();
  expect(response.status).toBe(200);
  return performance.now() - t0;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

test('item 4: 5,000 registrations from one machine take at most its per-address limit, and a player still gets in', async ({ host }) => {
  const limit = DEFAULT_BROKER_OPTIONS.perAddressLimit;
  const attempts = 5_000;
  const deadline = Date.now() + 30_000;
  const answers = new Map<string, number>();
  let opened = 0;
  let duringMs: number | null = null;
  const batch = 250;
  for (let sent = 0; sent < attempts && Date.now() < deadline; sent += batch) {
    const wave = Array.from({ length: batch }, (_, i) => track(new SignalingClient(host, `flood${sent + i}`, ATTACKER)));
    const firsts = await Promise.all(wave.map((client) => client.first));
    for (const first of firsts) {
      const key = first?.type === 'ERROR' ? `ERROR: ${(first.payload as { msg?: string }).msg}` : (first?.type ?? 'no answer');
      answers.set(key, (answers.get(key) ?? 0) + 1);
      if (first?.type === 'OPEN') opened += 1;
    }
    // The attacker keeps what it got; refused sockets are closed by the host.
    if (sent === 2_000) duringMs = (await player(host, 'player-during')).ms;
  }
  const after = await player(host, 'player-after');
  const refusal = `ERROR: Too many clients from this machine: this broker accepts at most ${limit} at once from one address`;
  const refused = answers.get(refusal) ?? 0;
  expect(opened).toBeLessThanOrEqual(limit);
  expect(opened + refused).toBe(attempts);
  expect(duringMs).not.toBeNull();
  const state = await hostState(host);
  expect(state.broker.clients).toBe(opened + 2);
  recordAttack(test.info(), {
    attack: 'one machine registers 5,000 times on the broker (item 4)',
    attempts: fmt(attempts),
    outcome: `${opened} accepted (limit ${limit}), ${fmt(refused)} refused with a clear ERROR; player registered in ${duringMs?.toFixed(0)} ms during, ${after.ms.toFixed(0)} ms after`,
  });
});

/** Sends 60 KiB OFFERs to ids that do not exist from each client, for `ms`, keeping each socket's send buffer small. */
async function offerFlood(senders: SignalingClient[], ms: number, maxFrames: number, stop: () => boolean): Promise<number> {
  const pad = 'o'.repeat(60 * 1024);
  const until = Date.now() + ms;
  let sent = 0;
  while (Date.now() < until && sent < maxFrames && !stop()) {
    for (const sender of senders) {
      if (!sender.open || sender.ws.bufferedAmount > 2 * MiB) continue;
      sender.send({ type: 'OFFER', dst: `ghost-${sent}`, payload: { sdp: pad, connectionId: `dc_${sent}` } });
      sent += 1;
    }
    // Lets the sockets drain and the test's other steps run.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

test('item 5: 60 KiB OFFERs to absent ids from one, then three, clients keep the host under a memory bound, and players still connect', async ({ host }) => {
  const pid = host.process.pid as number;
  const boundBytes = 150 * MiB;
  const rssStart = rssBytes(pid);
  let rssMax = rssStart;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssBytes(pid))), 100);
  // Past the bound the flood stops early: a failing host is not driven to gigabytes.
  const overBound = (): boolean => rssMax - rssStart > boundBytes;
  try {
    const a = await player(host, 'player-a');
    const b = await player(host, 'player-b');
    const one = [track((await registerPeer(host, 'attacker0', ATTACKER)).client)];
    let sent = await offerFlood(one, 4_000, 40_000, overBound);
    const three = [...one, ...(await Promise.all(['attacker1', 'attacker2'].map(async (id) => track((await registerPeer(host, id, ATTACKER)).client))))];
    // During the three-client flood: a new player registers and two players exchange an OFFER.
    const flood = offerFlood(three, 4_000, 120_000, overBound);
    const c = await player(host, 'player-c');
    const offer = b.client.next((m) => m.type === 'OFFER' && m.src === 'player-a');
    a.client.send({ type: 'OFFER', dst: 'player-b', payload: { sdp: 'v=0', connectionId: 'dc_real' } });
    const relayed: SignalingMessage = await offer;
    sent += await flood;
    const after = await player(host, 'player-after');
    const grownMiB = (rssMax - rssStart) / MiB;
    expect(relayed.payload).toMatchObject({ connectionId: 'dc_real' });
    expect(rssMax - rssStart).toBeLessThan(boundBytes);
    const state = await hostState(host);
    expect(state.broker.droppedMessages).toBeGreaterThan(0);
    recordAttack(test.info(), {
      attack: '60 KiB OFFERs to absent ids, 1 then 3 clients, 8 s (item 5)',
      attempts: `${fmt(sent)} x 60 KiB`,
      outcome: `${fmt(state.broker.droppedMessages)} dropped over the byte bound; host RSS +${grownMiB.toFixed(0)} MB (bound 150); OFFER relayed between players; players registered in ${c.ms.toFixed(0)} / ${after.ms.toFixed(0)} ms`,
    });
  } finally {
    clearInterval(sampler);
  }
});

test('item 6: an 8,000-character id is refused, and many 64-character ids cannot flood a dashboard', async ({ host }) => {
  const long = new SignalingClient(host, 'L'.repeat(8_000), ATTACKER);
  track(long);
  expect(await long.first).toMatchObject({ type: 'ERROR', payload: { msg: 'Invalid id: a peer id has at most 64 characters' } });

  // A fast reader on the bridge, counting every byte it is pushed.
  const bridge = new WebSocket(`ws://127.0.0.1:${host.port}${BRIDGE_PATH}`, { localAddress: PLAYER });
  await new Promise((resolve, reject) => bridge.once('open', resolve).once('error', reject));
  let bridgeClosed = false;
  bridge.on('close', () => (bridgeClosed = true));
  let bytes = 0;
  bridge.on('message', (data: Buffer) => (bytes += data.length));

  // 16 machines x 60 clients with 64-character ids, churning (leave and come back) for 5 s.
  const machines = Array.from({ length: 16 }, (_, i) => `127.0.0.${10 + i}`);
  const id = (m: number, i: number, round: number): string => `${String(m).padStart(2, '0')}x${String(i).padStart(2, '0')}x${round}`.padEnd(64, 'z');
  const windowMs = 5_000;
  const t0 = Date.now();
  let round = 0;
  let registrations = 0;
  let duringMs: number | null = null;
  while (Date.now() - t0 < windowMs && round < 20) {
    const wave = machines.flatMap((machine, m) => Array.from({ length: 60 }, (_, i) => new SignalingClient(host, id(m, i, round), machine)));
    const firsts = await Promise.all(wave.map((client) => client.first));
    registrations += firsts.filter((first) => first?.type === 'OPEN').length;
    if (round === 1) duringMs = (await player(host, `player-during`)).ms;
    for (const client of wave) client.close();
    round += 1;
  }
  const elapsed = Date.now() - t0;
  const received = bytes;
  const after = await player(host, 'player-after');
  // Per push, the broker state lists at most 64 ids (~4.5 KiB), sent once, in hostState (it was sent twice, ~12 KiB
  // per push, until the unread brokerState event went: ~250 KiB in 5 s at most 4 pushes a second). Bound: twice that.
  // (Before the fix: 3.1 MB in 6.9 s with these ids; 180 MiB in 5 s with 8,000-character ones.)
  const boundBytes = 512 * 1024 * (elapsed / windowMs);
  expect(registrations).toBeGreaterThan(1_000);
  expect(duringMs).not.toBeNull();
  expect(received).toBeLessThan(boundBytes);
  expect(bridgeClosed).toBe(false);
  bridge.close();
  recordAttack(test.info(), {
    attack: 'an 8,000-char id; 16 machines churn clients with 64-char ids for 5 s (item 6)',
    attempts: `1 + ${fmt(registrations)} registrations`,
    outcome: `long id refused; a dashboard received ${(received / 1024).toFixed(0)} KiB in ${(elapsed / 1000).toFixed(1)} s (bound 512 KiB per 5 s), never cut off; player registered in ${duringMs?.toFixed(0)} / ${after.ms.toFixed(0)} ms`,
  });
});

/**
 * Sends `perSocket` frames from each of `sockets` registered clients, then one OFFER to `sink`, and waits
 * until the sink got every OFFER: frames of one socket are handled in order, so the host has then handled them all.
 * Returns the host CPU time spent (ms) and the slowest `/api/lan` answer meanwhile.
 */
async function burst(host: RunningHost, tag: string, from: string, sockets: number, perSocket: number, frame: string, sink: SignalingClient): Promise<{ cpu: number; apiMaxMs: number }> {
  const pid = host.process.pid as number;
  const senders = await Promise.all(Array.from({ length: sockets }, async (_, i) => track((await registerPeer(host, `${tag}${i}`, from)).client)));
  const arrived = new Set<string>();
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${tag}: only ${arrived.size}/${sockets} markers in 30 s`)), 30_000);
    sink.ws.on('message', function onMessage(data) {
      const message = JSON.parse(String(data)) as SignalingMessage;
      if (message.type === 'OFFER' && typeof message.src === 'string' && message.src.startsWith(tag)) arrived.add(message.src);
      if (arrived.size === sockets) {
        clearTimeout(timer);
        sink.ws.off('message', onMessage);
        resolve();
      }
    });
  });
  let apiMaxMs = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      apiMaxMs = Math.max(apiMaxMs, await apiLanMs(host));
      await sleep(100);
    }
  })();
  const cpu0 = cpuMs(pid);
  for (const sender of senders) {
    for (let i = 0; i < perSocket; i += 1) sender.ws.send(frame);
    sender.send({ type: 'OFFER', dst: 'sink', payload: { marker: tag } });
    // Yield, so the `/api/lan` poller in this process measures the host, not this loop.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await all;
  const cpu = cpuMs(pid) - cpu0;
  polling = false;
  await poller;
  for (const sender of senders) sender.close();
  return { cpu, apiMaxMs };
}

test('item 8: garbage frames cost no more than heartbeats, and /api/lan stays fast during and after', async ({ host }) => {
  test.setTimeout(90_000);
  const sink = track((await registerPeer(host, 'sink', '127.0.0.5')).client);
  await player(host, 'player-before');
  const sockets = 50;
  const perSocket = 999; // under the per-socket refusal budget: every garbage frame is read and counted
  // Interleaved rounds, best of each: one round's CPU time moves with whatever else the machine does (a
  // single pair measured 510 ms against 300 ms once in a full run), the cheapest round of each kind does not.
  // Each round comes from fresh addresses, so the per-address limit never meets sockets still closing.
  const rounds = 3;
  const heartbeatRounds: { cpu: number; apiMaxMs: number }[] = [];
  const garbageRounds: { cpu: number; apiMaxMs: number }[] = [];
  for (let round = 0; round < rounds; round += 1) {
    heartbeatRounds.push(await burst(host, `valid${round}x`, `127.0.1.${10 + round}`, sockets, perSocket, '{"type":"HEARTBEAT"}', sink));
    garbageRounds.push(await burst(host, `junk${round}x`, `127.0.2.${10 + round}`, sockets, perSocket, 'x', sink));
  }
  const heartbeats = { cpu: Math.min(...heartbeatRounds.map((r) => r.cpu)) };
  const garbage = { cpu: Math.min(...garbageRounds.map((r) => r.cpu)), apiMaxMs: Math.max(...garbageRounds.map((r) => r.apiMaxMs)) };
  const during = player(host, 'player-during');
  // One socket sending only garbage, 400k frames: cut after its refusal budget.
  const hose = track((await registerPeer(host, 'hose', ATTACKER)).client);
  const cut = new Promise<boolean>((resolve) => hose.ws.once('close', () => resolve(true)));
  let hosed = 0;
  const hoseUntil = Date.now() + 5_000;
  while (hosed < 400_000 && hose.open && Date.now() < hoseUntil) {
    hose.ws.send('x');
    hosed += 1;
    if (hosed % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const wasCut = await Promise.race([cut, sleep(5_000).then(() => false)]);
  const duringMs = (await during).ms;
  const afterApiMs = await apiLanMs(host);
  const after = await player(host, 'player-after');
  const state = await hostState(host);
  // 10 ms clock ticks: 3 ticks of slack on top of the 1.5x (the old broker: 1,910 ms against 360 ms).
  expect(garbage.cpu).toBeLessThanOrEqual(1.5 * heartbeats.cpu + 30);
  expect(Math.max(garbage.apiMaxMs, afterApiMs)).toBeLessThan(500);
  expect(wasCut).toBe(true);
  expect(state.broker.rejectedFrames).toBeGreaterThanOrEqual(rounds * sockets * perSocket);
  expect(state.broker.rejectedFrames).toBeLessThanOrEqual(rounds * sockets * perSocket + 1_000);
  recordAttack(test.info(), {
    attack: '1-byte garbage frames vs heartbeats; one socket of 400k garbage frames (item 8)',
    attempts: `${rounds} x (${fmt(sockets * perSocket)} + ${fmt(sockets * perSocket)}) + ${fmt(hosed)}`,
    outcome: `host CPU ${garbage.cpu} ms for garbage vs ${heartbeats.cpu} ms for heartbeats (best of ${rounds}); garbage-only socket cut after 1,000; /api/lan max ${Math.max(garbage.apiMaxMs, afterApiMs).toFixed(0)} ms; player registered in ${duringMs.toFixed(0)} / ${after.ms.toFixed(0)} ms`,
  });
});
