/**
 * The contract over the headless host's WebSocket, for browsers. Implements
 * the same `LanPartyApi` as the Electron preload. Requests made while the
 * socket is (re)connecting wait for it; a lost connection is retried with
 * backoff and pending calls fail with a clear error instead of hanging.
 */
import {
  BRIDGE_PATH,
  eventChannels,
  type BridgeMessage,
  type EventName,
  type EventPayload,
  type InvokeName,
  type InvokeOutput,
  type LanPartyApi,
} from '../src-preload/contract';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const REQUEST_TIMEOUT_MS = 15_000;
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
  let nextId = 1;
  let backoff = 250;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const eventListeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();

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
    ws.onmessage = (message) => onMessage(message.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (open) setOpen(false);
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        call.reject(new Error('The connection to the LAN Party host was lost'));
        pending.delete(id);
      }
      if (!closed) {
        setTimeout(connect, backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    };
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let message: BridgeMessage;
    try {
      message = JSON.parse(data) as BridgeMessage;
    } catch {
      return;
    }
    if (message.kind === 'event') {
      if (!Object.hasOwn(eventChannels, message.event)) return;
      for (const listener of eventListeners.get(message.event) ?? []) listener(message.payload);
    } else if (message.kind === 'reply') {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.ok) call.resolve(message.value);
      else call.reject(new Error(message.error));
    }
  };

  const invoke = <N extends InvokeName>(method: N, input?: unknown): Promise<InvokeOutput<N>> =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new Error('The bridge is closed'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`The LAN Party host did not answer ${method} in time`));
      }, REQUEST_TIMEOUT_MS);
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const frame = JSON.stringify({ id, method, input });
      if (open && socket) socket.send(frame);
      else queue.push(frame);
    });

  const subscribe =
    <N extends EventName>(name: N) =>
    (listener: (payload: EventPayload<N>) => void): (() => void) => {
      let set = eventListeners.get(name);
      if (!set) {
        set = new Set();
        eventListeners.set(name, set);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    };

  connect();

  return {
    getHostState: () => invoke('getHostState'),
    getLanState: () => invoke('getLanState'),
    startBroker: () => invoke('startBroker'),
    stopBroker: () => invoke('stopBroker'),
    getSettings: () => invoke('getSettings'),
    updateSettings: (patch) => invoke('updateSettings', patch),
    setOwnPeerId: (input) => invoke('setOwnPeerId', input),
    hostGame: (input) => invoke('hostGame', input),
    stopHostingGame: (input) => invoke('stopHostingGame', input),
    chooseGamePath: (input) => invoke('chooseGamePath', input),
    playGame: (input) => invoke('playGame', input),
    getInstances: () => invoke('getInstances'),
    setNetworkConditions: (input) => invoke('setNetworkConditions', input),
    startRecording: () => invoke('startRecording'),
    stopRecording: () => invoke('stopRecording'),
    getRecording: (input) => invoke('getRecording', input),
    onHostState: subscribe('hostState'),
    onBrokerState: subscribe('brokerState'),
    onLanState: subscribe('lanState'),
    onInstances: subscribe('instances'),
    onInstanceEvents: subscribe('instanceEvents'),
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      socket?.close();
    },
  } satisfies WebBridgeClient;
}
