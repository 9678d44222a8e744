/**
 * What travels on a data connection, and its validation. Pure (no WebRTC).
 *
 * Every game event is the object `{ eventName: string, data: string }`, as the
 * reference sends it. Between two LAN Party engines the same object also
 * travels as a JSON text frame, and so do control messages (hello, heartbeat
 * ping/pong), which carry an `lp` marker and are only honoured on connections
 * both ends marked as ours: stock peers never receive them (see links.ts, sends.ts).
 *
 * Everything decoded here is untrusted input: it is bounded and validated, and
 * a bad message becomes a `{ kind: 'invalid' }` result, never an exception.
 */
import { utf8Length } from './utf8.js';

export { utf8Length };

export interface WireEvent {
  eventName: string;
  data: string;
}

/** Longest event name accepted (sent or received). */
export const MAX_EVENT_NAME_LENGTH = 256;

/**
 * Largest message accepted, in bytes of its encoded form (and, for text,
 * UTF-16 code units as a cheap upper bound check before parsing). Big enough
 * for any game state we expect on a LAN, small enough that a hostile peer
 * cannot make us allocate without limit.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Largest event data a game may send: exactly 1 MiB (1,048,576 bytes) of
 * UTF-8, whatever the name (1..256 characters); the framing is not counted.
 * Receivers accept framing beyond it (`MAX_MESSAGE_BYTES` + 1 KiB per
 * BinaryPack message), so such an event reaches stock peers and older engines too.
 */
export const MAX_EVENT_DATA_BYTES = 1024 * 1024;

/**
 * Capabilities this engine declares to another engine: in the metadata of
 * the connections it opens, and in the hello it answers incoming ones with.
 * `batch`: it reads batch frames (several events in one frame, see
 * `parseBatch`). `large`: it reads large events as a header and raw UTF-8
 * pieces (large-events.ts, `LARGE_CAP`). Older engines declare fewer (unknown
 * capabilities are ignored); stock peers send neither.
 */
export const ENGINE_CAPS = ['batch', 'large'] as const;

/** Version of the hello: 1 had no capabilities, 2 carries `caps`. */
export const HELLO_VERSION = 2;

/** Metadata our engine attaches to the connections it opens (PeerJS `metadata`). */
export const LAN_PARTY_METADATA = { lanParty: 1, caps: ENGINE_CAPS } as const;

/** True when a connection's metadata says the other end is a LAN Party engine. */
export function isLanPartyMetadata(metadata: unknown): boolean {
  return typeof metadata === 'object' && metadata !== null && (metadata as { lanParty?: unknown }).lanParty === 1;
}

/** Capabilities named in untrusted input (metadata or hello): bounded, non-strings ignored. */
export function parseCaps(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.slice(0, 16).filter((c): c is string => typeof c === 'string' && c.length <= 32);
}

/** True when an engine's connection metadata declares `cap`. */
export function metadataDeclares(metadata: unknown, cap: string): boolean {
  return isLanPartyMetadata(metadata) && parseCaps((metadata as { caps?: unknown }).caps).includes(cap);
}

export type ControlMessage =
  | { t: 'hello'; v: number; caps?: readonly string[] }
  | { t: 'ping'; s: number; ts: number }
  | { t: 'pong'; s: number; ts: number };

export type Decoded =
  | { kind: 'event'; event: WireEvent }
  | { kind: 'batch'; events: WireEvent[] }
  | { kind: 'control'; control: ControlMessage }
  | { kind: 'invalid'; reason: string };

/** Why a received (name, data) pair is not a valid event, or null when it is. */
function eventProblem(eventName: unknown, data: unknown): string | null {
  if (typeof eventName !== 'string') return 'eventName is not a string';
  if (eventName.length === 0 || eventName.length > MAX_EVENT_NAME_LENGTH) {
    return `eventName length ${eventName.length} is outside 1..${MAX_EVENT_NAME_LENGTH}`;
  }
  if (typeof data !== 'string') return 'data is not a string';
  if (data.length > MAX_MESSAGE_BYTES) return 'data is too large';
  return null;
}

/** Validates the shape of a received value as a game event. Extra keys are ignored. */
export function parseWireEvent(value: unknown): Decoded {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: 'not an object' };
  }
  const { eventName, data } = value as { eventName?: unknown; data?: unknown };
  const problem = eventProblem(eventName, data);
  if (problem !== null) return { kind: 'invalid', reason: problem };
  return { kind: 'event', event: { eventName: eventName as string, data: data as string } };
}

/**
 * Most events accepted in one received batch. Our senders flush at
 * `MAX_BATCH_EVENTS` (outbox.ts); the margin lets a later version raise it,
 * and the frame-size limit bounds the batch anyway.
 */
export const MAX_BATCH_EVENTS_IN = 16_384;

/**
 * A batch frame, `{ lp: 1, t: 'b', e: [name1, data1, name2, data2, …] }`:
 * validated as a whole before anything is delivered. A batch with any bad
 * entry comes from a broken or hostile sender (ours only batch events they
 * validated): it is dropped entirely, and counted once, like any malformed
 * frame, so a frame is never half-delivered.
 */
export function parseBatch(value: Record<string, unknown>): Decoded {
  const e = value.e;
  if (!Array.isArray(e) || e.length === 0 || e.length % 2 !== 0) return { kind: 'invalid', reason: 'malformed batch' };
  if (e.length / 2 > MAX_BATCH_EVENTS_IN) return { kind: 'invalid', reason: `batch of more than ${MAX_BATCH_EVENTS_IN} events` };
  const events: WireEvent[] = new Array<WireEvent>(e.length / 2);
  for (let i = 0; i < e.length; i += 2) {
    const eventName: unknown = e[i];
    const data: unknown = e[i + 1];
    const problem = eventProblem(eventName, data);
    if (problem !== null) return { kind: 'invalid', reason: `batch entry ${i / 2}: ${problem}` };
    events[i / 2] = { eventName: eventName as string, data: data as string };
  }
  return { kind: 'batch', events };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Validates a control message or a batch (only called on connections between two engines). */
export function parseControl(value: Record<string, unknown>): Decoded {
  const t = value.t;
  if (t === 'b') return parseBatch(value);
  if (t === 'hello' && isFiniteNumber(value.v)) return { kind: 'control', control: { t, v: value.v, caps: parseCaps(value.caps) } };
  if ((t === 'ping' || t === 'pong') && isFiniteNumber(value.s) && isFiniteNumber(value.ts)) {
    return { kind: 'control', control: { t, s: value.s, ts: value.ts } };
  }
  return { kind: 'invalid', reason: 'malformed control message' };
}

/**
 * Decodes an already-deserialized value (BinaryPack or JSON). `fromEngine`
 * enables control messages: a stock peer's `lp` key is just part of a
 * (then malformed) event.
 */
export function decodeValue(value: unknown, fromEngine: boolean): Decoded {
  if (fromEngine && typeof value === 'object' && value !== null && !Array.isArray(value) && 'lp' in value) {
    return parseControl(value as Record<string, unknown>);
  }
  return parseWireEvent(value);
}

/** Decodes a JSON text frame. */
export function decodeText(text: string, fromEngine: boolean): Decoded {
  if (text.length > MAX_MESSAGE_BYTES) return { kind: 'invalid', reason: 'message is too large' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  return decodeValue(value, fromEngine);
}

/** The JSON text frame of a control message. */
export function encodeControl(control: ControlMessage): string {
  return JSON.stringify({ lp: 1, ...control });
}

/** Any character outside ASCII (where UTF-8 length and `length` differ). */
const NON_ASCII = /[\u0080-\uffff]/;

export type BuildResult = { ok: true; event: WireEvent } | { ok: false; code: 'invalid-argument' | 'too-large'; error: string };

/** Validates what a game asks to send (string form). Never throws. */
export function buildEvent(eventName: unknown, data: unknown): BuildResult {
  if (typeof eventName !== 'string' || eventName.length === 0 || eventName.length > MAX_EVENT_NAME_LENGTH) {
    return { ok: false, code: 'invalid-argument', error: `Invalid event name: expected 1 to ${MAX_EVENT_NAME_LENGTH} characters` };
  }
  if (typeof data !== 'string') {
    return { ok: false, code: 'invalid-argument', error: `Invalid data for event "${eventName}": expected a string` };
  }
  // The data alone is limited (the name and framing are not counted). Each UTF-16 unit is 1 to 3 UTF-8
  // bytes: only a text between a third of the limit and the limit needs the exact count.
  // Native regex scan first (0.3 ms per MiB of ASCII in Node 20, against 1.6 ms for `utf8Length`).
  if (data.length > MAX_EVENT_DATA_BYTES || (data.length * 3 > MAX_EVENT_DATA_BYTES && NON_ASCII.test(data) && utf8Length(data) > MAX_EVENT_DATA_BYTES)) {
    return { ok: false, code: 'too-large', error: `Event "${eventName}" is too large (data limit ${MAX_EVENT_DATA_BYTES} bytes of UTF-8)` };
  }
  return { ok: true, event: { eventName, data } };
}

/** Validates what a game asks to send (variable form): data is `JSON.stringify(value)`. Never throws. */
export function buildVariableEvent(eventName: unknown, value: unknown): BuildResult {
  let data: string | undefined;
  try {
    data = JSON.stringify(value);
  } catch (error) {
    return { ok: false, code: 'invalid-argument', error: `Event "${nameOf(eventName)}": the value cannot be sent as JSON (${describe(error)})` };
  }
  if (data === undefined) {
    return { ok: false, code: 'invalid-argument', error: `Event "${nameOf(eventName)}": the value cannot be sent as JSON (undefined or a function)` };
  }
  return buildEvent(eventName, data);
}

/** An event name for an error message, whatever the caller passed (String() can throw on hostile objects). */
function nameOf(eventName: unknown): string {
  return typeof eventName === 'string' ? eventName.slice(0, MAX_EVENT_NAME_LENGTH) : `<${typeof eventName}>`;
}

/** A readable one-liner for any thrown value. Never throws. */
export function describe(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    if (typeof error === 'string') return error;
    return JSON.stringify(error) ?? String(error);
  } catch {
    return 'unknown error';
  }
}
