/**
 * The embedded broker on a real socket, with stock `peerjs` clients running in
 * Node over node-datachannel's WebRTC polyfill: registration, signaling relay
 * up to an open data connection, and refusal of bad keys, taken ids and
 * garbage frames without the host going down.
 */
import net from 'node:net';
import * as polyfill from 'node-datachannel/polyfill';
import type { DataConnection, Peer as PeerType, PeerOptions } from 'peerjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DEFAULT_BROKER_OPTIONS, type BrokerOptions } from '../../src-preload/contract.js';
import { Broker, rejectFrame } from './broker.js';
import { HostHttpServer } from './http-server.js';

let Peer: typeof PeerType;

beforeAll(async () => {
  // peerjs expects browser globals: WebRTC from the polyfill, WebSocket from ws.
  const globals = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(polyfill)) if (name.startsWith('RTC')) globals[name] = value;
  globals['WebSocket'] = WebSocket;
  const mod = (await import('peerjs')) as unknown as { Peer?: typeof PeerType; default: { Peer: typeof PeerType } };
  Peer = mod.Peer ?? mod.default.Peer;
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

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

function nextMessage(ws: WebSocket): Promise<{ type: string; payload?: { msg?: string } }> {
  return new Promise((resolve, reject) => {
    ws.once('message', (data) => resolve(JSON.parse(String(data)) as { type: string }));
    ws.once('error', reject);
  });
}

function rawClient(port: number, query: string): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/peerjs?${query}`);
  cleanups.push(() => ws.terminate());
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
    const garbage = ['not json', '42', 'null', '[]', '{"type":"NOPE"}', '{"type":"OFFER"}', `{"type":"OFFER","dst":"${'x'.repeat(300)}"}`];
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
  it('uses the next free port when the preferred one is taken, and says which', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const taken = (blocker.address() as net.AddressInfo).port;
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
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const taken = (blocker.address() as net.AddressInfo).port;
    const http = new HostHttpServer();
    await expect(http.listen({ port: taken, host: '127.0.0.1', attempts: 1 })).rejects.toThrow(/Could not listen/);
  });
});

describe('rejectFrame', () => {
  it('accepts the messages stock clients send', () => {
    expect(rejectFrame(Buffer.from('{"type":"HEARTBEAT"}'), false)).toBeNull();
    expect(rejectFrame(Buffer.from('{"type":"OFFER","dst":"b","payload":{}}'), false)).toBeNull();
    expect(rejectFrame(Buffer.from('{"type":"LEAVE","dst":"b"}'), false)).toBeNull();
  });

  it('names what is wrong with a bad frame', () => {
    expect(rejectFrame(Buffer.from('{'), false)).toBe('not JSON');
    expect(rejectFrame(Buffer.from('"x"'), false)).toBe('not an object');
    expect(rejectFrame(Buffer.from('{"type":"OPEN"}'), false)).toBe('unknown message type');
    expect(rejectFrame(Buffer.from('{"type":"ANSWER","dst":5}'), false)).toBe('missing or invalid destination');
    expect(rejectFrame(Buffer.from('{}'), true)).toBe('binary frame');
  });
});
