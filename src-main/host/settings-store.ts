/**
 * Settings persisted as one JSON file. A file that is unreadable or fails the
 * contract's schema is never trusted nor silently lost: it is kept aside as
 * `<name>.invalid-<time>` and the defaults are used, with the reason reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeIssues, SettingsSchema, type Settings } from '../../src-preload/contract.js';

export interface LoadedSettings {
  settings: Settings;
  /** Why the file was not used, or null. */
  problem: string | null;
}

export function loadSettings(file: string, defaults: Settings): LoadedSettings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: defaults, problem: null };
    return { settings: defaults, problem: `Could not read ${file}: ${(error as Error).message}` };
  }
  let problem: string;
  try {
    // Fields added in later versions get their defaults; unknown fields are refused by the schema.
    const raw = JSON.parse(text) as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not an object');
    const fields = raw as Record<string, unknown>;
    const merged = {
      ...defaults,
      ...fields,
      broker: { ...defaults.broker, ...((fields['broker'] as object | undefined) ?? {}) },
      archive: { ...defaults.archive, ...((fields['archive'] as object | undefined) ?? {}) },
    };
    const parsed = SettingsSchema.safeParse(merged);
    if (parsed.success) return { settings: parsed.data, problem: null };
    problem = describeIssues(parsed.error);
  } catch (error) {
    problem = `not a settings object (${(error as Error).message})`;
  }
  const aside = `${file}.invalid-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    // Keeping the original in place is fine too: it is simply not used.
  }
  return { settings: defaults, problem: `Settings file ignored (${problem}); kept as ${path.basename(aside)}` };
}

/** Writes atomically (temp file + rename) so a crash never leaves half a file. */
export function saveSettings(file: string, settings: Settings): void {
  const valid = SettingsSchema.parse(settings);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(valid, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}
