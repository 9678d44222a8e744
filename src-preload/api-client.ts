/**
 * The client side of the contract, generated from its channel tables: one
 * function per invoke channel, one `on<Event>` per event channel, over any
 * transport that can invoke a channel by name and listen to an event by name.
 * The Electron preload (ipcRenderer), the browser's bridge client (WebSocket)
 * and the Node callers of e2e/ and bench/ (ws) all build their API here, so a
 * channel added to the contract reaches every caller without a line written
 * per transport.
 *
 * Runtimes: bundled into the preload (so it imports nothing but the contract)
 * and into the renderer.
 */
import {
  eventChannels,
  eventMethodName,
  invokeChannels,
  type EventMethodName,
  type EventName,
  type EventPayload,
  type InvokeName,
  type InvokeOutput,
  type LanPartyApi,
} from './contract.js';

/** What a transport must do; names are the contract's keys (`getHostState`, `hostState`), never raw channel strings. */
export interface ApiTransport {
  /** Resolves with the reply's value; rejects with an Error carrying the host's message when the reply is an error. */
  invoke<N extends InvokeName>(name: N, input: unknown): Promise<InvokeOutput<N>>;
  /** Subscribes to one event; returns the function that unsubscribes. */
  on<N extends EventName>(name: N, listener: (payload: EventPayload<N>) => void): () => void;
}

/*
 * The compile-time proof that the generated object is the whole API and
 * nothing else: the two tables' keys map onto LanPartyApi's keys with no
 * collision (an invoke channel named like an event method would shadow it),
 * and LanPartyApi has no key the tables do not produce. A failure here is a
 * type error on the line below.
 */
type Generated = InvokeName | EventMethodName<EventName>;
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const proof: [Exact<Generated, keyof LanPartyApi>, [InvokeName & EventMethodName<EventName>] extends [never] ? true : false] = [
  true,
  true,
];
void proof;

/** The API for a transport. Every method is an own property of a plain object (contextBridge copies those). */
export function createApiClient(transport: ApiTransport): LanPartyApi {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(invokeChannels) as InvokeName[]) {
    // A no-input channel drops whatever it is given (e.g. a click event handed to `onClick={api.startBroker}`), as its type promises.
    api[name] = invokeChannels[name].input.def.type === 'undefined' ? () => transport.invoke(name, undefined) : (input: unknown) => transport.invoke(name, input);
  }
  for (const name of Object.keys(eventChannels) as EventName[]) {
    api[eventMethodName(name)] = (listener: (payload: EventPayload<typeof name>) => void) => transport.on(name, listener);
  }
  return api as LanPartyApi;
}
