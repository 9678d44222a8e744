/**
 * The contract over the headless host's WebSocket, for browsers. Implements
 * the same `LanPartyApi` as the Electron preload. Requests made while the
 * socket is (re)connecting wait for it; a lost connection is retried with
 * backoff and pending calls fail with a clear error instead of hanging.
 */
import { createApiClient } from '../src-preload/api-client';
import { BridgeCalls } from '../src-preload/bridge-calls';
import { BRIDGE_PATH, type LanPartyApi } from '../src-preload/contract';

const MAX_BACKOFF_MS = 5_000;

export interface WebBridgeClient extends LanPartyApi {
  /** Connection state of the bridge itself, for the UI. */
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  close(): void;
}

/** The bridge of the host that served this page. Never carries the token: that goes in the handshake's protocols. */
export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${location.host}${BRIDGE_PATH}`;
}

/** `protocols`: from the contract's `bridgeProtocols` (with the control token when this tab has one). */
export function createWebBridgeClient(url: string, protocols: string[]): WebBridgeClient {
  let socket: WebSocket | null = null;
  let open = false;
  let closed = false;
  let backoff = 250;
  const queue: string[] = [];
  const connectionListeners = new Set<(connected: boolean) => void>();
  const calls = new BridgeCalls((frame) => {
    if (closed) throw new Error('The bridge is closed');
    if (open && socket) socket.send(frame);
    else queue.push(frame);
  });

  const setOpen = (value: boolean): void => {
    open = value;
    for (const listener of connectionListeners) listener(value);
  };

  const connect = (): void => {
    if (closed) return;
    const ws = new WebSocket(url, protocols);
    socket = ws;
    ws.onopen = () => {
      backoff = 250;
      setOpen(true);
      for (const frame of queue.splice(0)) ws.send(frame);
    };
    ws.onmessage = (message) => calls.receive(message.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (open) setOpen(false);
      calls.failAll(new Error('The connection to the LAN Party host was lost'));
      if (!closed) {
        setTimeout(connect, backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    };
  };

  connect();

  return {
    ...createApiClient(calls.apiTransport()),
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      socket?.close();
    },
  };
}
