import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArchiveLimits } from '../../../src-preload/contract.js';
import { cleanupsAfterEach, removeAfterTest, tempFolder } from '../../testing/cleanups.js';
import { writeZip, type ZipEntrySpec } from '../../testing/zip-writer.js';
import { ArchiveError, extractGameArchive, formatBytes, type ArchiveErrorCode } from './game-archive.js';
import { findGameRoot } from './game-host.js';
import { DEFAULT_ARCHIVE_LIMITS } from '../settings.js';

const cleanups = cleanupsAfterEach();
const tempDir = (): string => tempFolder(cleanups, 'lan-party-archive-test-');

function unpacked(): Set<string> {
  return new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('lan-party-game-')));
}

async function refusal(zip: string, limits: ArchiveLimits): Promise<ArchiveError> {
  const error = await extractGameArchive(zip, limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArchiveError);
  return error as ArchiveError;
}

const MiB = 1024 ** 2;

describe('extractGameArchive', () => {
  it('unpacks a game export', async () => {
    const zip = path.join(tempDir(), 'game.zip');
    writeZip(zip, [{ name: 'Game/' }, { name: 'Game/index.html', content: '<html></html>' }, { name: 'Game/assets/a.png', content: 'png' }]);
    const folder = await extractGameArchive(zip, DEFAULT_ARCHIVE_LIMITS);
    removeAfterTest(cleanups, folder);
    expect(fs.readFileSync(path.join(folder, 'Game', 'index.html'), 'utf8')).toBe('<html></html>');
    expect(findGameRoot(folder)).toBe(path.join(folder, 'Game'));
  });

  it('unpacks repetitive data under the ratio limit, and small files whatever their ratio', async () => {
    const zip = path.join(tempDir(), 'ok.zip');
    // 4 MiB of zeros deflate about 1000x: allowed by a 2000x limit; 512 KiB of zeros are under the ratio floor.
    writeZip(zip, [{ name: 'index.html', zeros: 512 * 1024 }, { name: 'level.json', zeros: 4 * MiB }]);
    const folder = await extractGameArchive(zip, { ...DEFAULT_ARCHIVE_LIMITS, maxRatio: 2000 });
    removeAfterTest(cleanups, folder);
    expect(fs.statSync(path.join(folder, 'level.json')).size).toBe(4 * MiB);
    await expect(extractGameArchive(zip, DEFAULT_ARCHIVE_LIMITS)).rejects.toThrow(/"level.json" declares 4.0 MiB inflated from 4.1 KiB \(1,0\d\dx\); the limit is 100x \(settings: archive.maxRatio\)/);
  });

  it('refuses by the central directory alone, before creating a folder or inflating a byte', async () => {
    const dir = tempDir();
    const small: ArchiveLimits = { maxEntries: 3, maxTotalBytes: 8 * MiB, maxRatio: 50 };
    const cases: [string, ZipEntrySpec[], ArchiveErrorCode, RegExp, Partial<ArchiveLimits>?][] = [
      ['slip.zip', [{ name: '../../evil.txt', content: 'x' }], 'unreadable', /invalid relative path/],
      ['absolute.zip', [{ name: '/tmp/evil.txt', content: 'x' }], 'unreadable', /absolute path/],
      ['link.zip', [{ name: 'index.html' }, { name: 'link', content: '/etc/passwd', symlink: true }], 'unsafe-entry', /"link" is a symbolic link/],
      ['many.zip', [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }], 'entries', /"many.zip" has 4 entries; the limit is 3 \(settings: archive.maxEntries\)/],
      // One entry declaring 10 GiB: refused on its declared size, though only 1 KiB is inside.
      ['liar.zip', [{ name: 'index.html', content: 'x'.repeat(1024), declaredSize: 0xffff_fff0 }], 'size', /"index.html" declares 4.0 GiB inflated; the limit is 8.0 MiB \(settings: archive.maxTotalBytes\)/],
      // Under the limit per entry, over it in total (the ratio limit lifted, so the size is what refuses).
      ['total.zip', [{ name: 'a.bin', content: 'a', declaredSize: 5 * MiB }, { name: 'b.bin', content: 'b', declaredSize: 5 * MiB }], 'size', /"total.zip" declares more than 10.0 MiB inflated; the limit is 8.0 MiB/, { maxRatio: 1e9 }],
      ['bomb.zip', [{ name: 'index.html', zeros: 6 * MiB }], 'ratio', /"index.html" declares 6.0 MiB inflated from 6.\d KiB \(1,0\d\dx\); the limit is 50x/],
      // Three entries each just under the floor, together a 1000x file.
      ['spread.zip', [{ name: 'a', zeros: MiB - 1 }, { name: 'b', zeros: MiB - 1 }, { name: 'c', zeros: MiB - 1 }], 'ratio', /"spread.zip" declares 3.0 MiB inflated from 3.\d KiB/],
    ];
    const before = unpacked();
    for (const [name, entries, code, message, limits] of cases) {
      const zip = path.join(dir, name);
      writeZip(zip, entries);
      const error = await refusal(zip, { ...small, ...limits });
      expect(error.code, name).toBe(code);
      expect(error.message, name).toMatch(message);
    }
    expect(fs.existsSync(path.join(dir, '..', 'evil.txt'))).toBe(false);
    expect([...unpacked()].filter((n) => !before.has(n))).toEqual([]);
  });

  it('stops an entry that inflates past the size it declares, and leaves nothing behind', async () => {
    const zip = path.join(tempDir(), 'forged.zip');
    // Declares 1 KiB (ratio 1x, under every limit), inflates 4 MiB.
    writeZip(zip, [{ name: 'index.html', zeros: 4 * MiB, declaredSize: 1024 }]);
    const before = unpacked();
    const error = await refusal(zip, DEFAULT_ARCHIVE_LIMITS);
    expect(error.code).toBe('size');
    expect(error.message).toMatch(/"index.html" inflates past the 1.0 KiB it declares \(a forged size\)/);
    expect([...unpacked()].filter((n) => !before.has(n))).toEqual([]);
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    expect([0, 1023, 1024, 1536 * 1024, 10 * 1024 ** 3].map(formatBytes)).toEqual(['0 bytes', '1023 bytes', '1.0 KiB', '1.5 MiB', '10.0 GiB']);
  });
});
