/**
 * What the event console keeps of one event's data: its size, and a display
 * copy of at most DISPLAY_BYTES. A peer may send 1 MiB per event; a row shows
 * a line of it, so the console keeps the start for display and the full data
 * only while its byte budget allows (event-ring.ts).
 *
 * Sizes are UTF-8 bytes (`utf8Length`, the engine's own count): what the
 * wire carried for text, what a download of the data holds (a Blob encodes
 * strings as UTF-8), and what the user reads as "1.0 MiB". V8 holds a string
 * in 1 byte per UTF-16 unit when every unit is under 0x100 and 2 otherwise,
 * so the heap a kept string costs is at most twice its UTF-8 size.
 */
import { utf8Length } from '../../p2p';

/** The display copy's limit, in KiB: a row shows a line, its tooltip a few lines; 4 KiB is plenty for both. */
export const DISPLAY_KIB = 4;
export const DISPLAY_BYTES = DISPLAY_KIB * 1024;

export interface EventData {
  /** The data when it fits DISPLAY_BYTES, else a fresh copy of its first DISPLAY_BYTES (whole characters). */
  display: string;
  /** UTF-8 size of `display`. */
  displayBytes: number;
  /** UTF-8 size of the full data. */
  bytes: number;
  /** The full data when `display` is truncated (null otherwise: `display` is all of it). */
  full: string | null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const scratch = new Uint8Array(DISPLAY_BYTES);

/**
 * Splits `data` into what the console keeps. O(length) for the size, O(DISPLAY_BYTES)
 * for the copy. The copy is decoded from bytes on purpose: `data.slice(0, n)` would be
 * a V8 sliced string that keeps the whole 1 MiB parent alive for as long as the row.
 */
export function eventData(data: string): EventData {
  const bytes = utf8Length(data);
  if (bytes <= DISPLAY_BYTES) return { display: data, displayBytes: bytes, bytes, full: null };
  // Every UTF-16 unit is at least one byte: the first DISPLAY_BYTES units hold at least DISPLAY_BYTES bytes.
  // encodeInto stops before a character that does not fit, so the copy never ends in half a character.
  const { written } = encoder.encodeInto(data.slice(0, DISPLAY_BYTES), scratch);
  const display = decoder.decode(scratch.subarray(0, written));
  return { display, displayBytes: written, bytes, full: data };
}

/** The file a download of an event's data is saved as: "<event name>-<seq>.txt", with only safe characters (the name is peer input). */
export function dataFileName(eventName: string, seq: number): string {
  const base = eventName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 64);
  return `${base || 'event'}-${seq}.txt`;
}
