/**
 * The embedded broker on a real socket, with stock `peerjs` clients running in
 * Node over node-datachannel's WebRTC polyfill: registration, signaling relay
 * up to an open data connection, and refusal of bad keys, taken ids and
 * garbage frames without the host going down; then the fairness and byte
 * bounds (per-address limit, id length, offline queue, slow readers), with
 * raw clients from distinct loopback addresses.
 */
import net from 'node:net';
import type { DataConnection, Peer as PeerType, PeerOptions } from 'peerjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BROKER_STATE_MAX_CLIENT_IDS, DEFAULT_BROKER_OPTIONS, type BrokerOptions } from '../../../src-preload/contract.js';
import { Broker, MAX_REFUSED_FRAMES_PER_SOCKET } from './broker.js';
import { HostHttpServer } from '../http-server.js';
import { cleanupsAfterEach } from '../../testing/cleanups.js';
import { loadNodePeerJs } from '../../testing/node-peerjs.js';

let Peer: typeof PeerType;

beforeAll(async () => {
  Peer = await loadNodePeerJs();
});

const cleanups = cleanupsAfterEach();

async function startBroker(options: Partial<BrokerOptions> = {}): Promise<{ http: HostHttpServer; broker: Broker; port: number }> {
  const http = new HostHttpServer();
  const broker = new Broker(http, { ...DEFAULT_BROKER_OPTIONS, port: 0, ...options });
  const port = await http.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  broker.start();
  cleanups.push(async () => {
    broker.stop();
    await http.close();
  });
  return { http, broker, port };
}

function peerOptions(port: number, overrides: Partial<PeerOptions> = {}): PeerOptions {
  return { host: '127.0.0.1', port, path: '/', key: 'peerjs', secure: false, debug: 0, config: { iceServers: [] }, ...overrides };
}

function openPeer(id: string, options: PeerOptions): Promise<PeerType> {
  const peer = new Peer(id, options);
  cleanups.push(() => peer.destroy());
  return new Promise((resolve, reject) => {
    peer.once('open', () => resolve(peer));
    peer.once('error', (error) => reject(error));
  });
}

interface ServerMessage {
  type: string;
  src?: string;
  payload?: { msg?: string; code?: string };
}

function nextMessage(ws: WebSocket): Promise<ServerMessage> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as ServerMessage));
    ws.once('error', reject);
  });
}

/** A raw signaling client; `from` is its source address (any 127.x is this machine's loopback). */
function rawClient(port: number, query: string, from = '127.0.0.1'): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/peerjs?${query}`, { localAddress: from });
  cleanups.push(() => ws.terminate());
  return ws;
}

async function registered(port: number, id: string, from = '127.0.0.1'): Promise<WebSocket> {
  const ws = rawClient(port, `key=peerjs&id=${id}&token=t-${id}`, from);
  const message = await nextMessage(ws);
  if (message.type !== 'OPEN') throw new Error(`${id} got ${JSON.stringify(message)}`);
  return ws;
}

describe('broker with stock peerjs clients', () => {
  it('answers OPEN and lists the client in its state', async () => {
    const { broker, port } = await startBroker();
    const ws = rawClient(port, 'key=peerjs&id=alpha&token=t1');
    expect((await nextMessage(ws)).type).toBe('OPEN');
    await expect.poll(() => broker.getState().clientIds).toEqual(['alpha']);
    expect(broker.getState()).toMatchObject({ running: true, port, clients: 1 });
  });

  for (const serialization of ['binary', 'json'] as const) {
    it(`relays signaling so two clients open a ${serialization} data connection and exchange a message`, async () => {
      const { port } = await startBroker();
      const a = await openPeer('player-a', peerOptions(port));
      const b = await openPeer('player-b', peerOptions(port));
      const received = new Promise<unknown>((resolve) => {
        b.on('connection', (connection: DataConnection) => connection.on('data', resolve));
      });
      const connection = a.connect('player-b', { serialization, reliable: true });
      await new Promise<void>((resolve, reject) => {
        connection.on('open', resolve);
        connection.on('error', reject);
      });
      connection.send({ eventName: 'hello', data: '42' });
      expect(await received).toEqual({ eventName: 'hello', data: '42' });
    });
  }

  it('refuses an invalid key', async () => {
    const { port } = await startBroker({ key: 'lanparty' });
    const ws = rawClient(port, 'key=wrong&id=alpha&token=t1');
    const message = await nextMessage(ws);
    expect(message.type).toBe('ERROR');
    expect(message.payload?.msg).toMatch(/invalid key/i);
  });

  it('refuses a taken id with ID-TAKEN and keeps the first client', async () => {
    const { broker, port } = await startBroker();
    await openPeer('same-id', peerOptions(port));
    await expect(openPeer('same-id', peerOptions(port))).rejects.toMatchObject({ type: 'unavailable-id' });
    expect(broker.getState().clientIds).toEqual(['same-id']);
  });

  it('drops garbage frames, counts them, and keeps serving', async () => {
    const { broker, port } = await startBroker();
    const ws = rawClient(port, 'key=peerjs&id=noisy&token=t1');
    expect((await nextMessage(ws)).type).toBe('OPEN');
    const garbage = ['not json', '42', 'null', '[]', '{"type":"NOPE","pad":"...."}', '{"type":"OFFER","pad":"..."}', `{"type":"OFFER","dst":"${'x'.repeat(300)}"}`];
    for (const frame of garbage) ws.send(frame);
    ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    await expect.poll(() => broker.getState().rejectedFrames).toBe(garbage.length + 1);
    expect(broker.getState().lastError).toMatch(/Dropped a signaling frame/);
    // Still alive: a new client registers and a proper heartbeat is accepted.
    const other = rawClient(port, 'key=peerjs&id=calm&token=t2');
    expect((await nextMessage(other)).type).toBe('OPEN');
    ws.send('{"type":"HEARTBEAT"}');
    expect(broker.getState().running).toBe(true);
  });

  it('closes frames over the size limit without crashing', async () => {
    const { broker, port } = await startBroker();
    const ws = rawClient(port, 'key=peerjs&id=big&token=t1');
    expect((await nextMessage(ws)).type).toBe('OPEN');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(`{"type":"OFFER","dst":"x","payload":"${'a'.repeat(200_000)}"}`);
    expect(await closed).toBe(1009);
    const next = rawClient(port, 'key=peerjs&id=after&token=t2');
    expect((await nextMessage(next)).type).toBe('OPEN');
    expect(broker.getState().running).toBe(true);
  });

  it('stops and restarts at runtime on the same port', async () => {
    const { broker, port } = await startBroker();
    const ws = rawClient(port, 'key=peerjs&id=alpha&token=t1');
    expect((await nextMessage(ws)).type).toBe('OPEN');
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    expect(broker.stop()).toMatchObject({ running: false, clients: 0, startedAt: null });
    await closed;
    expect((await fetch(`http://127.0.0.1:${port}/peerjs/id`)).status).toBe(503);
    expect(broker.start()).toMatchObject({ running: true, port });
    const again = rawClient(port, 'key=peerjs&id=alpha&token=t1');
    expect((await nextMessage(again)).type).toBe('OPEN');
  });
});

describe('port fallback', () => {
  /** A port another server holds on 127.0.0.1 until the test ends. */
  async function heldPort(): Promise<number> {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    return (blocker.address() as net.AddressInfo).port;
  }

  it('uses the next free port when the preferred one is taken, and says which', async () => {
    const taken = await heldPort();
    const http = new HostHttpServer();
    const broker = new Broker(http, { ...DEFAULT_BROKER_OPTIONS, port: taken });
    cleanups.push(async () => {
      broker.stop();
      await http.close();
    });
    const bound = await http.listen({ port: taken, host: '127.0.0.1', attempts: 50 });
    broker.start();
    expect(bound).toBeGreaterThan(taken);
    expect(broker.getState().port).toBe(bound);
  });

  it('reports a clear error when no port in the range is free', async () => {
    const taken = await heldPort();
    const http = new HostHttpServer();
    await expect(http.listen({ port: taken, host: '127.0.0.1', attempts: 1 })).rejects.toThrow(/Could not listen/);
  });
});

describe('a fair, bounded broker', () => {
  it('refuses registrations from one address past its limit, with a clear ERROR, and not from others', async () => {
    const { broker, port } = await startBroker({ perAddressLimit: 2 });
    const first = await registered(port, 'flood0', '127.0.0.2');
    await registered(port, 'flood1', '127.0.0.2');
    const refused = await nextMessage(rawClient(port, 'key=peerjs&id=flood2&token=t', '127.0.0.2'));
    expect(refused).toEqual({
      type: 'ERROR',
      payload: { code: 'per-address-limit', msg: 'Too many clients from this machine: this broker accepts at most 2 at once from one address' },
    });
    await registered(port, 'player', '127.0.0.3');
    expect(broker.getState()).toMatchObject({ clients: 3, refusedRegistrations: 1 });
    // A closed socket gives its slot back.
    first.close();
    await expect.poll(() => broker.getState().clients).toBe(2);
    await registered(port, 'flood3', '127.0.0.2');
  });

  it('refuses an id longer than a peer id may be (the contract says 64) at registration', async () => {
    const { broker, port } = await startBroker();
    const message = await nextMessage(rawClient(port, `key=peerjs&id=${'i'.repeat(65)}&token=t`));
    expect(message).toMatchObject({ type: 'ERROR', payload: { code: 'invalid-id', msg: 'Invalid id: a peer id has at most 64 characters' } });
    await registered(port, 'i'.repeat(64));
    expect(broker.getState()).toMatchObject({ clients: 1, refusedRegistrations: 1 });
  });

  it('lists at most a bounded number of ids in its state, with the total count', async () => {
    const { broker, port } = await startBroker({ perAddressLimit: 100 });
    const total = BROKER_STATE_MAX_CLIENT_IDS + 6;
    await Promise.all(Array.from({ length: total }, (_, i) => registered(port, `c${String(i).padStart(3, '0')}`)));
    await expect.poll(() => broker.getState().clients).toBe(total);
    const ids = broker.getState().clientIds;
    expect(ids).toHaveLength(BROKER_STATE_MAX_CLIENT_IDS);
    expect(ids[0]).toBe('c000');
  });

  it('queues messages for an absent id up to its byte bound, drops the rest with EXPIRE, and delivers what it kept', async () => {
    const { broker, port } = await startBroker();
    const sender = await registered(port, 'sender');
    const offer = (n: number): string => JSON.stringify({ type: 'OFFER', dst: 'late', payload: { n, sdp: 'v'.repeat(60 * 1024) } });
    // 256 KiB per absent id: four 60 KiB offers fit, the fifth does not.
    const expired = nextMessage(sender);
    for (let n = 0; n < 5; n += 1) sender.send(offer(n));
    expect(await expired).toEqual({ type: 'EXPIRE', src: 'late', dst: 'sender' });
    expect(broker.getState().droppedMessages).toBe(1);

    const late = rawClient(port, 'key=peerjs&id=late&token=t-late');
    const received: ServerMessage[] = [];
    late.on('message', (data) => received.push(JSON.parse(String(data)) as ServerMessage));
    await expect.poll(() => received.length).toBe(5);
    expect(received.map((m) => m.type)).toEqual(['OPEN', 'OFFER', 'OFFER', 'OFFER', 'OFFER']);
    // Delivered: the bound is free again for that id.
    late.close();
    await expect.poll(() => broker.getState().clients).toBe(1);
    for (let n = 0; n < 4; n += 1) sender.send(offer(n));
    sender.send('{"type":"HEARTBEAT"}');
    await expect.poll(() => broker.getState().clients).toBe(1);
    expect(broker.getState().droppedMessages).toBe(1);
  });

  it('drops messages to a client that does not read rather than buffering them without limit', async () => {
    const { broker, port } = await startBroker();
    const sender = await registered(port, 'sender');
    const sink = await registered(port, 'sink');
    sink.pause();
    const frame = JSON.stringify({ type: 'CANDIDATE', dst: 'sink', payload: 'c'.repeat(60 * 1024) });
    for (let i = 0; i < 400 && broker.getState().droppedMessages === 0; i += 1) {
      sender.send(frame);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(broker.getState().droppedMessages).toBeGreaterThan(0);
  });

  it('cuts a socket that sends only garbage after its refusal budget', async () => {
    const { broker, port } = await startBroker();
    const ws = await registered(port, 'noisy');
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    for (let i = 0; i < MAX_REFUSED_FRAMES_PER_SOCKET + 50; i += 1) ws.send('x');
    await closed;
    expect(broker.getState().rejectedFrames).toBe(MAX_REFUSED_FRAMES_PER_SOCKET);
    expect(broker.getState().lastError).toBe('Dropped a signaling frame: not a signaling message');
    await registered(port, 'calm');
  });
});
