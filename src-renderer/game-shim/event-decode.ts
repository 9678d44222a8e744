/**
 * What a data-channel message says, for the game agent: its size on the wire
 * and the `{eventName, data}` events in it, in any PeerJS serialization:
 * - `binary` / `binary-utf8` (PeerJS 1.4.x/1.5.x default): BinaryPack frames;
 *   a chunk of a message larger than PeerJS's 16 KiB MTU (`{__peerData, n,
 *   total, data}`) is counted, not decoded (the whole exists only in the game);
 * - `json`: JSON text (1.4.x) or UTF-8 JSON bytes (1.5.x);
 * - `raw`: whatever the game sent: JSON-looking text is read, the rest counted;
 * - our engine between engines: JSON text, batches `{lp:1,t:'b',e:[n,d,…]}`.
 *
 * Cost on the message path: one pass for the UTF-8 size of text frames, then
 * a bounded read: JSON.parse only below FULL_PARSE_CHARS, above it a prefix
 * match on `{"eventName":"…","data":…`; BinaryPack through the bounded reader.
 * Never throws: a frame that is none of these is a message with no event.
 */
import { utf8Length } from '../p2p/utf8.js';
import { readBinaryPack, type BinaryValue } from './binarypack-read.js';

export interface SeenEvent {
  name: string;
  /** A preview of the data, at most the caller's maxDataChars. */
  data: string;
}

export interface DecodeLimits {
  maxNameChars: number;
  maxDataChars: number;
  /** Events taken from one batch frame; the rest are counted in `omitted`. */
  maxEventsPerFrame: number;
}

export interface DecodedFrame {
  bytes: number;
  events: SeenEvent[];
  /** Events of this frame left out (over maxEventsPerFrame). */
  omitted: number;
}

/** Text frames up to this size are parsed whole; larger ones only by their prefix (a preview is all we keep). */
const FULL_PARSE_CHARS = 16 * 1024;
const PREFIX_CHARS = 1024;

/** Size on the wire of what `RTCDataChannel.send` takes (or a message event carries). */
export function messageBytes(data: unknown): number {
  if (typeof data === 'string') return utf8Length(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return 0;
}

function isBinaryValue(value: unknown): value is BinaryValue {
  return typeof value === 'object' && value !== null && typeof (value as BinaryValue).binaryBytes === 'number';
}

/** A short text for any decoded data value. */
export function previewData(value: unknown, maxChars: number): string {
  if (typeof value === 'string') return value.slice(0, maxChars);
  if (isBinaryValue(value)) return `<${value.binaryBytes} bytes>`;
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (isBinaryValue(v) ? `<${v.binaryBytes} bytes>` : v));
    return typeof text === 'string' ? text.slice(0, maxChars) : String(value).slice(0, maxChars);
  } catch {
    return '';
  }
}

function eventOf(value: unknown, limits: DecodeLimits): SeenEvent | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { eventName, data } = value as { eventName?: unknown; data?: unknown };
  if (typeof eventName !== 'string' || eventName.length === 0) return null;
  return { name: eventName.slice(0, limits.maxNameChars), data: previewData(data, limits.maxDataChars) };
}

function fromValue(value: unknown, bytes: number, limits: DecodeLimits): DecodedFrame {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    // Our engine's batch: names and data alternate.
    if (record.lp === 1 && record.t === 'b' && Array.isArray(record.e)) {
      const e = record.e as unknown[];
      const total = Math.floor(e.length / 2);
      const take = Math.min(total, limits.maxEventsPerFrame);
      const events: SeenEvent[] = [];
      for (let i = 0; i < take; i += 1) {
        const seen = eventOf({ eventName: e[2 * i], data: e[2 * i + 1] }, limits);
        if (seen) events.push(seen);
      }
      return { bytes, events, omitted: total - take };
    }
    const seen = eventOf(value, limits);
    if (seen) return { bytes, events: [seen], omitted: 0 };
  }
  return { bytes, events: [], omitted: 0 };
}

const PREFIX_EVENT = /^\s*\{\s*"eventName"\s*:\s*"((?:[^"\\]|\\.){1,512})"\s*,\s*"data"\s*:\s*("?)/;

function unescapeJsonString(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return body;
  }
}

/** `partial`: `text` is only the head of a larger frame (or the frame is too large to parse whole). */
function fromText(text: string, bytes: number, limits: DecodeLimits, partial = text.length > FULL_PARSE_CHARS): DecodedFrame {
  const first = text.charCodeAt(0);
  // Only JSON objects can be events; skip the parse for anything else.
  if (first !== 0x7b /* { */ && !(first <= 0x20 && text.trimStart().startsWith('{'))) return { bytes, events: [], omitted: 0 };
  if (!partial) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { bytes, events: [], omitted: 0 };
    }
    return fromValue(value, bytes, limits);
  }
  const head = text.slice(0, PREFIX_CHARS);
  const match = PREFIX_EVENT.exec(head);
  if (!match) return { bytes, events: [], omitted: 0 };
  const name = unescapeJsonString(match[1] ?? '').slice(0, limits.maxNameChars);
  const rest = head.slice(match[0].length);
  const data = match[2] === '"' ? unescapeJsonString(rest.replace(/\\?$/, '')) : `${match[2] ?? ''}${rest}`;
  return { bytes, events: [{ name, data: data.slice(0, limits.maxDataChars) }], omitted: 0 };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function fromBinary(view: Uint8Array, limits: DecodeLimits): DecodedFrame {
  const bytes = view.byteLength;
  if (bytes === 0) return { bytes, events: [], omitted: 0 };
  // PeerJS 1.5 `json` sends UTF-8 JSON bytes; a BinaryPack map never starts with `{` (0x7b is the fixint 123).
  if (view[0] === 0x7b) {
    const whole = bytes <= FULL_PARSE_CHARS;
    return fromText(utf8.decode(whole ? view : view.subarray(0, PREFIX_CHARS)), bytes, limits, !whole);
  }
  // Strings: enough bytes for a preview of maxDataChars characters (4 bytes each at most).
  const value = readBinaryPack(view, Math.max(limits.maxDataChars, limits.maxNameChars) * 4);
  if (typeof value === 'object' && value !== null && '__peerData' in value) return { bytes, events: [], omitted: 0 };
  return fromValue(value, bytes, limits);
}

/** Decodes a message as sent by the game or received from the other side. */
export function decodeMessage(data: unknown, limits: DecodeLimits): DecodedFrame {
  try {
    if (typeof data === 'string') return fromText(data, utf8Length(data), limits);
    if (data instanceof ArrayBuffer) return fromBinary(new Uint8Array(data), limits);
    if (ArrayBuffer.isView(data)) return fromBinary(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), limits);
  } catch {
    // Never on the game's path: a frame we cannot read is just counted.
  }
  return { bytes: messageBytes(data), events: [], omitted: 0 };
}
