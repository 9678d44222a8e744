/**
 * What travels on a data connection, and its validation. Pure (no WebRTC).
 *
 * Every game event is the object `{ eventName: string, data: string }`, as the
 * reference sends it. Between two LAN Party engines the same object also
 * travels as a JSON text frame, and so do control messages (hello, heartbeat
 * ping/pong), which carry an `lp` marker and are only honoured on connections
 * both ends marked as ours: stock peers never receive them (see engine.ts).
 *
 * Everything decoded here is untrusted input: it is bounded and validated, and
 * a bad message becomes a `{ kind: 'invalid' }` result, never an exception.
 */

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

/** Metadata our engine attaches to the connections it opens (PeerJS `metadata`). */
export const LAN_PARTY_METADATA = { lanParty: 1 } as const;

/** True when a connection's metadata says the other end is a LAN Party engine. */
export function isLanPartyMetadata(metadata: unknown): boolean {
  return typeof metadata === 'object' && metadata !== null && (metadata as { lanParty?: unknown }).lanParty === 1;
}

export type ControlMessage =
  | { t: 'hello'; v: number }
  | { t: 'ping'; s: number; ts: number }
  | { t: 'pong'; s: number; ts: number };

export type Decoded =
  | { kind: 'event'; event: WireEvent }
  | { kind: 'control'; control: ControlMessage }
  | { kind: 'invalid'; reason: string };

/** Validates the shape of a received value as a game event. Extra keys are ignored. */
export function parseWireEvent(value: unknown): Decoded {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', reason: 'not an object' };
  }
  const { eventName, data } = value as { eventName?: unknown; data?: unknown };
  if (typeof eventName !== 'string') return { kind: 'invalid', reason: 'eventName is not a string' };
  if (eventName.length === 0 || eventName.length > MAX_EVENT_NAME_LENGTH) {
    return { kind: 'invalid', reason: `eventName length ${eventName.length} is outside 1..${MAX_EVENT_NAME_LENGTH}` };
  }
  if (typeof data !== 'string') return { kind: 'invalid', reason: 'data is not a string' };
  if (data.length > MAX_MESSAGE_BYTES) return { kind: 'invalid', reason: 'data is too large' };
  return { kind: 'event', event: { eventName, data } };
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Validates a control message (only called on connections between two engines). */
export function parseControl(value: Record<string, unknown>): Decoded {
  const t = value.t;
  if (t === 'hello' && isFiniteNumber(value.v)) return { kind: 'control', control: { t, v: value.v } };
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

/** UTF-8 length of a string without allocating (for byte counters and size limits). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export type BuildResult = { ok: true; event: WireEvent } | { ok: false; error: string };

/** Validates what a game asks to send (string form). Never throws. */
export function buildEvent(eventName: unknown, data: unknown): BuildResult {
  if (typeof eventName !== 'string' || eventName.length === 0 || eventName.length > MAX_EVENT_NAME_LENGTH) {
    return { ok: false, error: `Invalid event name: expected 1 to ${MAX_EVENT_NAME_LENGTH} characters` };
  }
  if (typeof data !== 'string') {
    return { ok: false, error: `Invalid data for event "${eventName}": expected a string` };
  }
  // eventName plus JSON framing is small; the data bounds the message.
  if (utf8Length(data) + eventName.length * 3 + 32 > MAX_MESSAGE_BYTES) {
    return { ok: false, error: `Event "${eventName}" is too large (limit ${MAX_MESSAGE_BYTES} bytes)` };
  }
  return { ok: true, event: { eventName, data } };
}

/** Validates what a game asks to send (variable form): data is `JSON.stringify(value)`. Never throws. */
export function buildVariableEvent(eventName: unknown, value: unknown): BuildResult {
  let data: string | undefined;
  try {
    data = JSON.stringify(value);
  } catch (error) {
    return { ok: false, error: `Event "${nameOf(eventName)}": the value cannot be sent as JSON (${describe(error)})` };
  }
  if (data === undefined) {
    return { ok: false, error: `Event "${nameOf(eventName)}": the value cannot be sent as JSON (undefined or a function)` };
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
