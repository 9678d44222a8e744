/**
 * What a signaling client may send the broker, decided before the `peer`
 * package parses it. Pure: no socket, no clock.
 *
 * Cost model: a refused frame must cost no more than a valid one (issue 10,
 * item 8: 400k one-byte frames cost 3x the CPU of 400k heartbeats when each
 * refusal was recorded, emitted and re-advertised). So the cheap checks come
 * first (binary flag, length, first byte) and JSON.parse, whose throw is the
 * costly path, only runs on frames that could be a PeerJS message.
 */
import { PeerIdSchema } from '../../../src-preload/contract.js';

/** Largest signaling frame accepted: SDP offers are a few KiB; anything bigger is abuse. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** `{"type":"HEARTBEAT"}`, the shortest message a stock PeerJS client sends (it never adds whitespace). */
const MIN_FRAME_BYTES = 20;
const OPEN_BRACE = 0x7b;
/** The contract's single source for the length of a peer id. */
export const MAX_PEER_ID_LENGTH = PeerIdSchema.maxLength ?? 64;

export type ClientMessageType = 'HEARTBEAT' | 'OFFER' | 'ANSWER' | 'CANDIDATE' | 'LEAVE' | 'EXPIRE';
const CLIENT_MESSAGE_TYPES: ReadonlySet<string> = new Set<ClientMessageType>(['HEARTBEAT', 'OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE']);

export type RefusalReason =
  | 'binary frame'
  | 'not a signaling message'
  | 'frame too large'
  | 'not JSON'
  | 'not an object'
  | 'unknown message type'
  | 'missing or invalid destination';

/** The broker's `lastError` for each reason, built once so recording a refusal allocates nothing. */
export const REFUSAL_MESSAGES: Readonly<Record<RefusalReason, string>> = Object.fromEntries(
  (
    [
      'binary frame',
      'not a signaling message',
      'frame too large',
      'not JSON',
      'not an object',
      'unknown message type',
      'missing or invalid destination',
    ] as const
  ).map((reason) => [reason, `Dropped a signaling frame: ${reason}`]),
) as Record<RefusalReason, string>;

export type FrameVerdict =
  | { ok: true; type: ClientMessageType; dst: string | null; bytes: number }
  | { ok: false; reason: RefusalReason };

function frameBytes(data: unknown): Buffer | null {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return null;
}

/** Whether a frame is a well-formed client message, and its type and destination when it is. */
export function inspectFrame(data: unknown, isBinary: boolean): FrameVerdict {
  if (isBinary) return { ok: false, reason: 'binary frame' };
  const buffer = frameBytes(data);
  const bytes = buffer ? buffer.length : Buffer.byteLength(String(data));
  if (bytes > MAX_FRAME_BYTES) return { ok: false, reason: 'frame too large' };
  if (bytes < MIN_FRAME_BYTES || (buffer ? buffer[0] : String(data).charCodeAt(0)) !== OPEN_BRACE) {
    return { ok: false, reason: 'not a signaling message' };
  }
  let message: unknown;
  try {
    message = JSON.parse(buffer ? buffer.toString('utf8') : String(data));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { ok: false, reason: 'not an object' };
  const { type, dst } = message as { type?: unknown; dst?: unknown };
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.has(type)) return { ok: false, reason: 'unknown message type' };
  if (type === 'HEARTBEAT') return { ok: true, type, dst: null, bytes };
  if (typeof dst !== 'string' || dst.length === 0 || dst.length > MAX_PEER_ID_LENGTH) {
    return { ok: false, reason: 'missing or invalid destination' };
  }
  return { ok: true, type: type as ClientMessageType, dst, bytes };
}

/** Why a frame is refused, or null when it is well-formed. */
export function rejectFrame(data: unknown, isBinary: boolean): RefusalReason | null {
  const verdict = inspectFrame(data, isBinary);
  return verdict.ok ? null : verdict.reason;
}
