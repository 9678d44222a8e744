/**
 * Settings kept in the browser, not on the host:
 * - for players without host control (a browser on the LAN), their display
 *   name and auto-connect switch: they may not change the host's settings;
 * - for everyone, whether the first-launch welcome was dismissed.
 * A per-tab custom peer id lives in sessionStorage (see `loadSessionId`):
 * two tabs testing a game side by side must not fight over one id.
 *
 * Everything read back is validated with the contract's schemas: storage is
 * user-editable and may hold anything.
 */
import { DisplayNameSchema, PeerIdSchema } from '../../../src-preload/contract';

export interface PersonalSettings {
  displayName: string | null;
  autoConnect: boolean;
  welcomed: boolean;
}

export const PERSONAL_KEY = 'lan-party:dashboard:v1';
export const SESSION_ID_KEY = 'lan-party:dashboard:peer-id';

export const DEFAULT_PERSONAL: PersonalSettings = { displayName: null, autoConnect: false, welcomed: false };

type Reader = Pick<Storage, 'getItem'>;
type Writer = Pick<Storage, 'setItem' | 'removeItem'>;

export function parsePersonalSettings(raw: string | null): PersonalSettings {
  if (raw === null) return { ...DEFAULT_PERSONAL };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ...DEFAULT_PERSONAL };
  }
  if (typeof value !== 'object' || value === null) return { ...DEFAULT_PERSONAL };
  const record = value as Record<string, unknown>;
  const name = DisplayNameSchema.safeParse(record['displayName']);
  return {
    displayName: name.success ? name.data : null,
    autoConnect: record['autoConnect'] === true,
    welcomed: record['welcomed'] === true,
  };
}

export function loadPersonal(storage: Reader | null): PersonalSettings {
  try {
    return parsePersonalSettings(storage?.getItem(PERSONAL_KEY) ?? null);
  } catch {
    // Storage disabled (privacy mode, sandboxed frame): defaults, not a crash.
    return { ...DEFAULT_PERSONAL };
  }
}

/** Returns false when the browser refused to store (quota, disabled storage). */
export function savePersonal(storage: Writer | null, settings: PersonalSettings): boolean {
  try {
    storage?.setItem(PERSONAL_KEY, JSON.stringify(settings));
    return storage !== null;
  } catch {
    return false;
  }
}

export function loadSessionId(storage: Reader | null): string | null {
  try {
    const raw = storage?.getItem(SESSION_ID_KEY) ?? null;
    return raw !== null && PeerIdSchema.safeParse(raw).success ? raw : null;
  } catch {
    return null;
  }
}

export function saveSessionId(storage: Writer | null, id: string | null): void {
  try {
    if (id === null) storage?.removeItem(SESSION_ID_KEY);
    else storage?.setItem(SESSION_ID_KEY, id);
  } catch {
    // Not persisted: the id still applies to this connection.
  }
}
