import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArchiveError, extractGameArchive } from './game-archive.js';
import { findGameRoot, injectShim } from './game-host.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-games-test-')));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes a zip with Python's zipfile, which (unlike most tools) lets a test write hostile entries. */
function makeZip(file: string, entries: { name: string; content?: string; symlink?: boolean; size?: number }[]): void {
  const script = `
import json, sys, zipfile
entries = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for e in entries:
        info = zipfile.ZipInfo(e['name'])
        info.compress_type = zipfile.ZIP_DEFLATED
        if e.get('symlink'):
            info.external_attr = (0o120777 << 16)
        data = ('\\0' * e['size']) if e.get('size') else e.get('content', '')
        z.writestr(info, data)
`;
  const result = spawnSync('python3', ['-c', script, file, JSON.stringify(entries)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
}

describe('injectShim', () => {
  it('puts the shim first in <head>, else after <html>, else after the doctype, else first', () => {
    expect(injectShim('<html><head lang="x"><script src="a.js"></script></head></html>')).toBe(
      '<html><head lang="x"><script src="/lan-party/broker-shim.js"></script><script src="a.js"></script></head></html>',
    );
    expect(injectShim('<!DOCTYPE html><HTML><body></body></HTML>')).toBe('<!DOCTYPE html><HTML><script src="/lan-party/broker-shim.js"></script><body></body></HTML>');
    expect(injectShim('<!doctype html><script src="a.js"></script>')).toBe('<!doctype html><script src="/lan-party/broker-shim.js"></script><script src="a.js"></script>');
    expect(injectShim('<p>hi')).toBe('<script src="/lan-party/broker-shim.js"></script><p>hi');
    // <header> is not <head>.
    expect(injectShim('<html><header></header>')).toBe('<html><script src="/lan-party/broker-shim.js"></script><header></header>');
  });
});

describe('findGameRoot', () => {
  it('accepts a folder with index.html or a single subfolder with one', () => {
    const flat = tempDir();
    fs.writeFileSync(path.join(flat, 'index.html'), '');
    expect(findGameRoot(flat)).toBe(flat);
    const nested = tempDir();
    fs.mkdirSync(path.join(nested, 'MyGame'));
    fs.writeFileSync(path.join(nested, 'MyGame', 'index.html'), '');
    fs.mkdirSync(path.join(nested, '__MACOSX'));
    expect(findGameRoot(nested)).toBe(path.join(nested, 'MyGame'));
    expect(findGameRoot(tempDir())).toBeNull();
  });
});

describe('extractGameArchive', () => {
  it('unpacks a game export', async () => {
    const zip = path.join(tempDir(), 'game.zip');
    makeZip(zip, [{ name: 'Game/index.html', content: '<html></html>' }, { name: 'Game/assets/a.png', content: 'png' }]);
    const folder = await extractGameArchive(zip);
    temps.push(folder);
    expect(fs.readFileSync(path.join(folder, 'Game', 'index.html'), 'utf8')).toBe('<html></html>');
    expect(findGameRoot(folder)).toBe(path.join(folder, 'Game'));
  });

  it('refuses entries that escape the folder, symlinks, too many entries and zip bombs, leaving nothing behind', async () => {
    const dir = tempDir();
    const cases: [string, Parameters<typeof makeZip>[1], RegExp, Parameters<typeof extractGameArchive>[1]?][] = [
      ['slip.zip', [{ name: '../../evil.txt', content: 'x' }], /invalid relative path|outside its folder/],
      ['absolute.zip', [{ name: '/tmp/evil.txt', content: 'x' }], /absolute path|outside its folder/],
      ['link.zip', [{ name: 'index.html', content: '' }, { name: 'link', content: '/etc/passwd', symlink: true }], /symbolic link/],
      ['many.zip', [{ name: 'a' }, { name: 'b' }, { name: 'c' }], /more than 2 entries/, { maxEntries: 2, maxTotalBytes: 1e9 }],
      ['bomb.zip', [{ name: 'index.html', size: 5_000_000 }], /inflates to more than 1000000 bytes/, { maxEntries: 10, maxTotalBytes: 1_000_000 }],
    ];
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('lan-party-game-')));
    for (const [name, entries, message, limits] of cases) {
      const zip = path.join(dir, name);
      makeZip(zip, entries);
      const attempt = extractGameArchive(zip, limits);
      await expect(attempt, name).rejects.toThrow(ArchiveError);
      await expect(extractGameArchive(zip, limits), name).rejects.toThrow(message);
    }
    expect(fs.existsSync(path.join(dir, '..', 'evil.txt'))).toBe(false);
    const after = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('lan-party-game-') && !before.has(n));
    expect(after).toEqual([]);
  });
});
