/**
 * The contract carried over a WebSocket, for browsers (which have no preload).
 * Same channels, schemas and dispatcher (host/invoke-dispatch.ts) as Electron
 * IPC; this transport adds its gate: control channels are answered only for
 * callers that `access.ts` allows. A token is read from the
 * handshake's subprotocols only (`bridgeProtocols` in the contract).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BRIDGE_PATH,
  BRIDGE_PROTOCOL,
  BridgeRequestSchema,
  describeIssues,
  invokeChannels,
  tokenFromProtocols,
  type BridgeMessage,
} from '../../src-preload/contract.js';
import { createInvokeHandlers, forwardHostEvents } from '../host/host-api.js';
import { createInvokeDispatcher, type InvokeDispatcher } from '../host/invoke-dispatch.js';
import type { LanHost } from '../host/lan-host.js';
import { canControl } from './access.js';

const MAX_REQUEST_BYTES = 64 * 1024;
/** A slow reader is cut off rather than buffered without limit. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export const CONTROL_REFUSED =
  'This action needs host control: use the page on the host machine, or open the #token= address printed by `lan-party host`.';

export class WebBridge {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_REQUEST_BYTES,
    // Browsers fail a handshake that offered subprotocols and got none back; the token's protocol is never echoed.
    handleProtocols: (protocols) => (protocols.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
  });

  constructor(
    private readonly host: LanHost,
    private readonly token: string,
  ) {
    host.http.addUpgradeRoute((req, socket, head, url) => {
      if (url.pathname !== BRIDGE_PATH) return false;
      const control = canControl(
        {
          remoteAddress: req.socket.remoteAddress,
          host: req.headers.host,
          origin: req.headers.origin,
          // Only the handshake header: a `?token=` in the URL is ignored (URLs reach logs, history and Referer).
          token: tokenFromProtocols(req.headers['sec-websocket-protocol']),
        },
        this.token,
      );
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, control));
      return true;
    });
  }

  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private onConnection(ws: WebSocket, control: boolean): void {
    // The gate, asked before the input is parsed: a player learns nothing about a control channel's schema.
    const dispatch = createInvokeDispatcher(createInvokeHandlers(this.host, control), (name) =>
      invokeChannels[name].access === 'control' && !control ? CONTROL_REFUSED : null,
    );
    const send = (message: BridgeMessage): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    };
    const unsubscribe = forwardHostEvents(this.host, control, (event, payload) => send({ kind: 'event', event, payload }));
    ws.on('close', unsubscribe);
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      void this.onMessage(data, isBinary, dispatch, send);
    });
  }

  private async onMessage(
    data: unknown,
    isBinary: boolean,
    dispatch: InvokeDispatcher,
    send: (message: BridgeMessage) => void,
  ): Promise<void> {
    if (isBinary) {
      send({ kind: 'protocol-error', error: 'Binary frames are not part of the bridge protocol' });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch {
      send({ kind: 'protocol-error', error: 'A bridge request must be JSON' });
      return;
    }
    const request = BridgeRequestSchema.safeParse(raw);
    if (!request.success) {
      send({ kind: 'protocol-error', error: `Invalid bridge request: ${describeIssues(request.error)}` });
      return;
    }
    const { id, method, input } = request.data;
    send({ kind: 'reply', id, ...(await dispatch(method, input)) });
  }
}
