/**
 * The client half of the bridge's framing (BRIDGE_PATH, `BridgeMessage` in the
 * contract), with no socket of its own: request ids, the replies awaited (each
 * with a deadline, so a call never hangs) and the events fanned out to
 * listeners. The browser's client (src-renderer/web-bridge-client.ts, which
 * adds reconnection) and Node's (e2e/fixtures/bridge.ts, `ws`) both frame
 * through it; `apiTransport` turns it into what api-client.ts generates the
 * API from.
 *
 * Runtimes: browser and Node; imports nothing but the contract's types.
 */
import type { ApiTransport } from './api-client.js';
import type { BridgeMessage, EventName, EventPayload, InvokeName, InvokeOutput, InvokeReply } from './contract.js';
import { eventChannels } from './contract.js';

/** A reply later than this fails the call (15 s, as the browser client always had): a call to a host that died never hangs. */
export const BRIDGE_REQUEST_TIMEOUT_MS = 15_000;

export class BridgeCalls {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (reply: InvokeReply) => void; reject: (error: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  /** `transmit` sends one text frame (or queues it until the socket opens). */
  constructor(
    private readonly transmit: (frame: string) => void,
    private readonly timeoutMs = BRIDGE_REQUEST_TIMEOUT_MS,
  ) {}

  /** One call; resolves with the host's reply (a refusal is a reply, not a rejection). Rejects on timeout or lost connection. */
  request(method: InvokeName, input: unknown, timeoutMs = this.timeoutMs): Promise<InvokeReply> {
    const id = this.nextId++;
    return new Promise<InvokeReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`The LAN Party host did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.transmit(JSON.stringify({ id, method, input }));
      } catch (error) {
        this.take(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** One frame from the host. Anything that is not a reply or a known event is ignored. */
  receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: BridgeMessage;
    try {
      message = JSON.parse(data) as BridgeMessage;
    } catch {
      return;
    }
    if (message.kind === 'event') {
      if (!Object.hasOwn(eventChannels, message.event)) return;
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.payload);
    } else if (message.kind === 'reply') {
      const call = this.take(message.id);
      call?.resolve(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
    }
  }

  /** Rejects every call still waiting (the socket closed: their replies will never come). */
  failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.take(id)?.reject(error);
  }

  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** The transport api-client.ts builds the API on: an error reply becomes a thrown Error with the host's message. */
  apiTransport(): ApiTransport {
    return {
      invoke: async <N extends InvokeName>(name: N, input: unknown): Promise<InvokeOutput<N>> => {
        const reply = await this.request(name, input);
        if (!reply.ok) throw new Error(reply.error);
        return reply.value as InvokeOutput<N>;
      },
      on: (name, listener) => this.on(name, listener),
    };
  }

  /** The call waiting for `id`, no longer waiting (its deadline cleared); undefined when none is. */
  private take(id: number) {
    const call = this.pending.get(id);
    if (!call) return undefined;
    clearTimeout(call.timer);
    this.pending.delete(id);
    return call;
  }
}
