/**
 * What the agent learns from the PeerJS signaling socket it relays (it wraps
 * WebSocket, so it sees the frames): the id the page registered, and which
 * remote peer each data connection is with. PeerJS 1.4.6 and 1.5 label a
 * connection's data channel with its connection id (`dc_…`); the OFFER and
 * ANSWER frames carry that id in `payload.connectionId` and the remote peer
 * in `dst` (frames the page sends) or `src` (frames it receives).
 *
 * Cost: signaling frames are rare (a handful per connection plus a heartbeat
 * every 5 s); only frames naming OFFER or ANSWER are parsed, and at most
 * MAX_CONNECTIONS ids are remembered (the oldest forgotten first).
 */

export const MAX_CONNECTIONS = 1024;
/** Signaling frames larger than this are not parsed (an OFFER is a few KiB of SDP). */
const MAX_FRAME_CHARS = 256 * 1024;

export class SignalingWatch {
  private readonly byConnection = new Map<string, string>();
  /** The PeerJS id this page registered, when an OPEN frame confirmed it. */
  peerId: string | null = null;

  /** A frame on the relay socket whose URL is `socketUrl`; `outbound` when the page sent it. */
  frame(data: unknown, outbound: boolean, socketUrl: string): void {
    if (typeof data !== 'string' || data.length > MAX_FRAME_CHARS) return;
    if (!outbound && data.includes('"OPEN"')) {
      const message = parse(data);
      if (message?.type === 'OPEN') {
        try {
          const id = new URL(socketUrl).searchParams.get('id');
          if (id) this.peerId = id;
        } catch {
          // Not a URL: no id to learn.
        }
      }
      return;
    }
    if (!data.includes('"OFFER"') && !data.includes('"ANSWER"')) return;
    const message = parse(data);
    if (!message || (message.type !== 'OFFER' && message.type !== 'ANSWER')) return;
    const remote = outbound ? message.dst : message.src;
    const payload = message.payload;
    const connectionId = typeof payload === 'object' && payload !== null ? (payload as { connectionId?: unknown }).connectionId : undefined;
    if (typeof remote !== 'string' || typeof connectionId !== 'string' || remote.length > 256 || connectionId.length > 256) return;
    this.byConnection.delete(connectionId);
    this.byConnection.set(connectionId, remote);
    if (this.byConnection.size > MAX_CONNECTIONS) {
      const oldest = this.byConnection.keys().next().value;
      if (oldest !== undefined) this.byConnection.delete(oldest);
    }
  }

  /** The remote PeerJS id of the connection whose channel has this label, or null. */
  peerOf(label: string): string | null {
    return this.byConnection.get(label) ?? null;
  }
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
