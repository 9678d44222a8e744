/**
 * Stock `peerjs` in Node, for unit tests against the real broker and relay:
 * peerjs expects browser globals, so WebRTC comes from node-datachannel's
 * polyfill and WebSocket from ws (installed on globalThis before peerjs loads).
 */
import * as polyfill from 'node-datachannel/polyfill';
import type { Peer as PeerType } from 'peerjs';
import { WebSocket } from 'ws';

export async function loadNodePeerJs(): Promise<typeof PeerType> {
  const globals = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(polyfill)) if (name.startsWith('RTC')) globals[name] = value;
  globals['WebSocket'] = WebSocket;
  const mod = (await import('peerjs')) as unknown as { Peer?: typeof PeerType; default: { Peer: typeof PeerType } };
  return mod.Peer ?? mod.default.Peer;
}
