/** Default settings of a host; the schema lives in the contract. */
import os from 'node:os';
import { DEFAULT_BROKER_OPTIONS, DisplayNameSchema, type ArchiveLimits, type Settings, type SettingsPatch } from '../../src-preload/contract.js';

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

/**
 * A game .zip is refused past these, before anything is inflated (see
 * game-archive.ts). A GDevelop HTML5 export is a few hundred files and tens of
 * MB; a big one with music and video a few hundred MB. Real game assets
 * deflate 1-5x (images and sounds are already compressed), text (JS, JSON)
 * 5-20x; deflate's ceiling is 1032x, which is what a zip bomb uses. So 100x
 * refuses every bomb with a wide margin for legitimate, very repetitive data.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxEntries: 10_000, maxTotalBytes: 1024 ** 3, maxRatio: 100 };

export function defaultSettings(): Settings {
  return {
    displayName: defaultDisplayName(),
    broker: { ...DEFAULT_BROKER_OPTIONS },
    iceServers: [],
    interfaces: [],
    discovery: true,
    autoConnect: false,
    archive: { ...DEFAULT_ARCHIVE_LIMITS },
    partyCode: null,
    pinnedBroker: null,
  };
}

/** Settings with a validated patch applied (the broker options and archive limits merge field by field). */
export function applyPatch(settings: Settings, patch: SettingsPatch): Settings {
  return {
    ...settings,
    ...patch,
    broker: { ...settings.broker, ...(patch.broker ?? {}) },
    archive: { ...settings.archive, ...(patch.archive ?? {}) },
  };
}
