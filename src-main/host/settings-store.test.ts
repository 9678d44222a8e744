import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from './settings.js';
import { loadSettings, saveSettings } from './settings-store.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-settings-'));
  dirs.push(dir);
  return path.join(dir, 'settings.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('settings store', () => {
  it('round-trips settings and uses defaults when there is no file', () => {
    const file = tempFile();
    expect(loadSettings(file, defaultSettings())).toEqual({ settings: defaultSettings(), problem: null });
    const changed = { ...defaultSettings(), displayName: 'Ada', autoConnect: true };
    saveSettings(file, changed);
    expect(loadSettings(file, defaultSettings())).toEqual({ settings: changed, problem: null });
  });

  it('keeps an invalid file aside instead of trusting or losing it', () => {
    for (const content of ['{not json', JSON.stringify({ broker: { port: 'x' } }), '[]']) {
      const file = tempFile();
      fs.writeFileSync(file, content);
      const loaded = loadSettings(file, defaultSettings());
      expect(loaded.settings).toEqual(defaultSettings());
      expect(loaded.problem).toMatch(/Settings file ignored/);
      const kept = fs.readdirSync(path.dirname(file)).filter((name) => name.startsWith('settings.json.invalid-'));
      expect(kept).toHaveLength(1);
      expect(fs.readFileSync(path.join(path.dirname(file), kept[0] ?? ''), 'utf8')).toBe(content);
    }
  });

  it('loads a file written before the archive limits existed, and fills a partial group from the defaults', () => {
    const file = tempFile();
    const { archive: _archive, ...older } = { ...defaultSettings(), displayName: 'Ada' };
    fs.writeFileSync(file, JSON.stringify(older));
    expect(loadSettings(file, defaultSettings())).toEqual({ settings: { ...defaultSettings(), displayName: 'Ada' }, problem: null });
    fs.writeFileSync(file, JSON.stringify({ ...older, archive: { maxEntries: 50 } }));
    expect(loadSettings(file, defaultSettings()).settings.archive).toEqual({ ...defaultSettings().archive, maxEntries: 50 });
  });

  it('refuses to save invalid settings', () => {
    const file = tempFile();
    expect(() => saveSettings(file, { ...defaultSettings(), displayName: '' })).toThrow();
    expect(fs.existsSync(file)).toBe(false);
  });
});
