/**
 * Inline validation of what the user types. The rules come from their single
 * sources: the contract's schemas (peer id, display name, ICE server, broker
 * options) and the engine's wire limits (event name, message size), so the UI
 * refuses exactly what the host or the engine would refuse, and says why.
 */
import type { z } from 'zod';
import { ArchiveLimitsSchema, BrokerKeySchema, BrokerOptionsSchema, BrokerPathSchema, DisplayNameSchema, IceServerSchema, PeerIdSchema, PortSchema, type ArchiveLimits, type IceServer } from '../../../src-preload/contract';
import { MAX_EVENT_DATA_BYTES, MAX_EVENT_NAME_LENGTH, MAX_INTERFACE_NAME_LENGTH, MAX_INTERFACES, utf8Length } from '../../p2p';
import { messageOf } from './format';

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

function fromSchema<T>(schema: z.ZodType<T>, raw: unknown): Validation<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: capitalize(result.error.issues[0]?.message ?? 'invalid value') };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function validatePeerId(raw: string): Validation<string> {
  if (raw.trim() === '') return { ok: false, error: 'Type an id' };
  return fromSchema(PeerIdSchema, raw);
}

export function validateDisplayName(raw: string): Validation<string> {
  return fromSchema(DisplayNameSchema, raw);
}

export function validateBrokerPath(raw: string): Validation<string> {
  return fromSchema(BrokerPathSchema, raw);
}

export function validateBrokerKey(raw: string): Validation<string> {
  return fromSchema(BrokerKeySchema, raw);
}

export function validatePort(raw: string): Validation<number> {
  if (!/^\d{1,5}$/.test(raw.trim())) return { ok: false, error: 'A port is a whole number from 0 to 65535' };
  return fromSchema(PortSchema, Number(raw.trim()));
}

/** The broker's per-address registration limit ("clients per machine"). */
export function validatePerAddressLimit(raw: string): Validation<number> {
  if (!/^\d{1,6}$/.test(raw.trim())) return { ok: false, error: 'Clients per machine is a whole number' };
  return fromSchema(BrokerOptionsSchema.shape.perAddressLimit, Number(raw.trim()));
}

export function validateIceServer(urls: string, username: string, credential: string): Validation<IceServer> {
  const candidate: IceServer = { urls: urls.trim() };
  if (username) candidate.username = username;
  if (credential) candidate.credential = credential;
  return fromSchema(IceServerSchema, candidate);
}

/** One archive limit as typed, times `unit` (1024 ** 2 for a field in MiB); the contract's schema decides. */
export function validateArchiveLimit(field: keyof ArchiveLimits, raw: string, unit = 1): Validation<number> {
  const text = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return { ok: false, error: 'Type a number' };
  return fromSchema(ArchiveLimitsSchema.shape[field], unit === 1 ? Number(text) : Math.round(Number(text) * unit));
}

/** Interface names as typed in a comma-separated field; empty means every IPv4 interface. */
export function parseInterfaceList(raw: string): Validation<string[]> {
  const names = raw
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  if (names.length > MAX_INTERFACES) return { ok: false, error: `At most ${MAX_INTERFACES} interfaces` };
  const bad = names.find((n) => n.length > MAX_INTERFACE_NAME_LENGTH || !/^[\w.:@-]+$/.test(n));
  if (bad !== undefined) return { ok: false, error: `"${bad.slice(0, MAX_INTERFACE_NAME_LENGTH)}" is not an interface name (letters, digits, ".", ":", "@", "-", "_")` };
  return { ok: true, value: [...new Set(names)] };
}

export function validateEventName(raw: string): Validation<string> {
  if (raw.length === 0) return { ok: false, error: 'Type an event name' };
  if (raw.length > MAX_EVENT_NAME_LENGTH) return { ok: false, error: `An event name has at most ${MAX_EVENT_NAME_LENGTH} characters` };
  return { ok: true, value: raw };
}

export type DataMode = 'text' | 'json';

/** What the engine is asked to send: a string as is, or a value it JSON-encodes ("variable" form). */
export type EventPayload = { mode: 'text'; data: string } | { mode: 'json'; value: unknown };

/**
 * Validates the data field as the user types. JSON mode is GDevelop's
 * "variable" form: any JSON value (object, array, number, string, boolean,
 * null); the error says where the text stops being JSON.
 */
export function parseEventData(mode: DataMode, text: string): Validation<EventPayload> {
  // The engine's data limit (the name and framing are not counted).
  if (utf8Length(text) > MAX_EVENT_DATA_BYTES) {
    return { ok: false, error: `Too large: an event carries at most ${MAX_EVENT_DATA_BYTES / 1024} KiB of data` };
  }
  if (mode === 'text') return { ok: true, value: { mode: 'text', data: text } };
  if (text.trim() === '') return { ok: false, error: 'Type a JSON value, for example {"x": 1} or 42' };
  try {
    return { ok: true, value: { mode: 'json', value: JSON.parse(text) as unknown } };
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${describeJsonError(error, text)}` };
  }
}

/**
 * The engine's message is precise but its wording varies between V8
 * versions; add the line and column when it gives a position, so the user
 * finds the mistake in a multi-line value.
 */
function describeJsonError(error: unknown, text: string): string {
  const message = messageOf(error);
  const position = /position (\d+)/.exec(message);
  if (!position?.[1] || /line \d+/.test(message)) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}
