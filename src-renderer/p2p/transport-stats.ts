/**
 * Transport-level signs of life, read from `RTCPeerConnection.getStats()`.
 *
 * Why: the other page's WebRTC stack runs on its own network thread, so it
 * keeps acknowledging our SCTP messages (SACKs) and answering ICE consent
 * checks while the page's script is stalled (a 5 s scene load). Counting the
 * packets that reach our transport therefore tells "vanished" (killed,
 * crashed, cable pulled: nothing arrives) from "busy" (packets still arrive,
 * no pong) — a pong needs the other page's script, a SACK does not.
 *
 * Measured in Chromium 156 with a 1-byte message sent every 500 ms: the
 * transport's `packetsReceived` grows by one per message (the SACK), and the
 * selected candidate pair's `lastPacketReceivedTimestamp` follows it; with
 * nothing sent, only ICE consent responses arrive, 1.5-3 s apart.
 */

/** What one stats read tells about packets received on the link's transport. */
export interface TransportReading {
  /** Grows whenever anything arrives (data, SACKs, ICE checks and responses). */
  counter: number;
  /** How long ago the last data packet (DTLS, so SCTP data or SACK) arrived, when the browser reports it. */
  lastPacketAgeMs: number | null;
}

interface StatLike {
  type?: unknown;
  id?: unknown;
  timestamp?: unknown;
  packetsReceived?: unknown;
  bytesReceived?: unknown;
  requestsReceived?: unknown;
  responsesReceived?: unknown;
  lastPacketReceivedTimestamp?: unknown;
  selectedCandidatePairId?: unknown;
  nominated?: unknown;
  state?: unknown;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Reads a stats report (anything with `forEach`, as `RTCStatsReport`); null when it has no transport at all. */
export function readTransport(report: { forEach(cb: (stat: StatLike) => void): void }): TransportReading | null {
  const pairs = new Map<string, StatLike>();
  const transports: StatLike[] = [];
  report.forEach((stat) => {
    if (stat.type === 'candidate-pair' && typeof stat.id === 'string') pairs.set(stat.id, stat);
    else if (stat.type === 'transport') transports.push(stat);
  });
  if (transports.length === 0 && pairs.size === 0) return null;
  let counter = 0;
  let lastPacketAgeMs: number | null = null;
  const selected: StatLike[] = [];
  for (const t of transports) {
    counter += num(t.packetsReceived) + num(t.bytesReceived);
    const pair = typeof t.selectedCandidatePairId === 'string' ? pairs.get(t.selectedCandidatePairId) : undefined;
    if (pair) selected.push(pair);
  }
  // Without a transport entry (older browsers), the nominated, succeeded pair is the one in use.
  if (selected.length === 0) for (const p of pairs.values()) if (p.nominated === true && p.state === 'succeeded') selected.push(p);
  for (const pair of selected) {
    // ICE checks and their answers are counted apart from data: they are the only traffic on an idle link.
    counter += num(pair.packetsReceived) + num(pair.bytesReceived) + num(pair.requestsReceived) + num(pair.responsesReceived);
    const last = pair.lastPacketReceivedTimestamp;
    const at = pair.timestamp;
    if (typeof last === 'number' && typeof at === 'number' && last > 0 && at >= last) {
      const age = at - last;
      lastPacketAgeMs = lastPacketAgeMs === null ? age : Math.min(lastPacketAgeMs, age);
    }
  }
  return { counter, lastPacketAgeMs };
}

/**
 * The SCTP stream our probe uses toward a stock peer: a pre-negotiated channel
 * (`negotiated: true`), so nothing is announced to the other side (no
 * `datachannel` event, no DCEP open) and its stack drops our bytes as data for
 * a stream nobody opened — after acknowledging them, which is all we want.
 * PeerJS opens one channel per connection (stream 0 or 1); 125 stays clear of
 * it and below the smallest stream count browsers negotiate (256).
 */
export const PROBE_STREAM_ID = 125;

/** Opens the probe channel on `pc`, or null when the browser refuses (the ICE rule then judges alone). */
export function openProbe(pc: RTCPeerConnection): RTCDataChannel | null {
  try {
    const channel = pc.createDataChannel('lan-party-probe', { negotiated: true, id: PROBE_STREAM_ID, ordered: false, maxRetransmits: 0 });
    channel.binaryType = 'arraybuffer';
    return channel;
  } catch {
    return null;
  }
}

const PROBE_BYTE = new Uint8Array([0]);

/** Sends one probe byte when the channel is open and idle; true when sent. */
export function sendProbe(channel: RTCDataChannel | null): boolean {
  if (!channel || channel.readyState !== 'open' || channel.bufferedAmount > 0) return false;
  try {
    channel.send(PROBE_BYTE);
    return true;
  } catch {
    return false;
  }
}
