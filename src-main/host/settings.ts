/** Default settings of a host; the schema lives in the contract. */
import os from 'node:os';
import { DEFAULT_BROKER_OPTIONS, DisplayNameSchema, type Settings, type SettingsPatch } from '../../src-preload/contract.js';

/** The OS user's name when it is a valid display name, else a neutral one. */
export function defaultDisplayName(): string {
  let user = '';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (containers): fall through to the hostname.
  }
  for (const candidate of [user, os.hostname(), 'Player']) {
    const parsed = DisplayNameSchema.safeParse(candidate.slice(0, 40));
    if (parsed.success) return parsed.data;
  }
  return 'Player';
}

export function defaultSettings(): Settings {
  return {
    displayName: defaultDisplayName(),
    broker: { ...DEFAULT_BROKER_OPTIONS },
    iceServers: [],
    interfaces: [],
    discovery: true,
    autoConnect: false,
  };
}

/** Settings with a validated patch applied (the broker options merge field by field). */
export function applyPatch(settings: Settings, patch: SettingsPatch): Settings {
  return { ...settings, ...patch, broker: { ...settings.broker, ...(patch.broker ?? {}) } };
}
