/**
 * Unpacks a game `.zip` (a GDevelop HTML5 export, say) into a private temporary
 * folder, refusing anything that could escape it or fill the disk.
 *
 * Two passes. The first reads only the central directory and refuses, before
 * a single byte is inflated or a folder created: too many entries, more bytes
 * declared than the limit (per entry and in total), a compression ratio above
 * the limit (per entry and for the whole file), absolute or `..` names (yauzl
 * refuses those itself; we check again) and symlinks. The second inflates,
 * still counting the real bytes, since declared sizes can lie: an entry fails
 * the moment it inflates past its declared size (what yauzl's
 * `validateEntrySizes` does, done here so the error says what happened), and
 * the total stops at the limit.
 * Before this, a 1 GiB bomb was inflated to disk before refusal (12.8 s and
 * 2 GB of temporary disk for the 2 GiB one); now it is refused after
 * reading its central directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';
import type { ArchiveLimits } from '../../../src-preload/contract.js';

/**
 * Below this many inflated bytes the ratio is not checked: a small file of
 * spaces deflates 100x or more and costs nothing; bytes are what a bomb
 * threatens, and they stay bounded by this floor (times maxEntries, itself
 * capped by maxTotalBytes).
 */
export const RATIO_FLOOR_BYTES = 1024 ** 2;

/** Which rule refused the archive (stable, for callers and tests; the message is for people). */
export type ArchiveErrorCode = 'entries' | 'size' | 'ratio' | 'unsafe-entry' | 'unreadable';

export class ArchiveError extends Error {
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Extracts `zipPath` into a new temp folder and returns it; nothing is left on disk on failure. */
export async function extractGameArchive(zipPath: string, limits: ArchiveLimits): Promise<string> {
  const label = JSON.stringify(path.basename(zipPath));
  let zip: yauzl.ZipFile;
  try {
    // autoClose off: the second pass opens streams after the first pass has read every entry.
    // Entry sizes are validated by our own counter (below), so a forged size gets a clear error of ours.
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: false });
  } catch (error) {
    throw new ArchiveError('unreadable', `Could not unpack ${label}: ${(error as Error).message}`);
  }
  let target: string | null = null;
  try {
    const entries = await readCentralDirectory(zip, label, limits);
    target = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-game-'));
    await inflateEntries(zip, entries, target, label, limits);
    return target;
  } catch (error) {
    if (target) fs.rmSync(target, { recursive: true, force: true });
    throw error instanceof ArchiveError ? error : new ArchiveError('unreadable', `Could not unpack ${label}: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
}

/** Pass one: every entry's declared name, kind and sizes, refused against the limits; nothing inflated. */
async function readCentralDirectory(zip: yauzl.ZipFile, label: string, limits: ArchiveLimits): Promise<yauzl.Entry[]> {
  if (zip.entryCount > limits.maxEntries) {
    throw new ArchiveError('entries', `${label} has ${zip.entryCount.toLocaleString('en')} entries; the limit is ${limits.maxEntries.toLocaleString('en')} (settings: archive.maxEntries)`);
  }
  const entries: yauzl.Entry[] = [];
  let declared = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      try {
        checkEntry(entry, label, limits);
        declared += entry.uncompressedSize;
        if (declared > limits.maxTotalBytes) {
          throw new ArchiveError('size', `${label} declares more than ${formatBytes(declared)} inflated; the limit is ${formatBytes(limits.maxTotalBytes)} (settings: archive.maxTotalBytes)`);
        }
        entries.push(entry);
        zip.readEntry();
      } catch (error) {
        reject(error as Error);
      }
    });
    zip.readEntry();
  });
  // The whole file, not the sum of compressed sizes: entries that share one compressed block (an overlapping bomb) count once.
  const ratio = declared / Math.max(zip.fileSize, 1);
  if (declared > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
    throw new ArchiveError(
      'ratio',
      `${label} declares ${formatBytes(declared)} inflated from ${formatBytes(zip.fileSize)} (${formatRatio(ratio)}); the limit is ${formatRatio(limits.maxRatio)} (settings: archive.maxRatio)`,
    );
  }
  return entries;
}

function checkEntry(entry: yauzl.Entry, label: string, limits: ArchiveLimits): void {
  const name = entry.fileName;
  const quoted = JSON.stringify(name);
  if (path.isAbsolute(name) || /^[A-Za-z]:/.test(name) || name.split(/[\\/]/).includes('..')) {
    throw new ArchiveError('unsafe-entry', `The archive entry ${quoted} points outside its folder`);
  }
  // Unix mode in the high bits of the external attributes: refuse links.
  const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
  if (mode === 0o120000) throw new ArchiveError('unsafe-entry', `The archive entry ${quoted} is a symbolic link`);
  if (entry.uncompressedSize > limits.maxTotalBytes) {
    throw new ArchiveError('size', `${label}: ${quoted} declares ${formatBytes(entry.uncompressedSize)} inflated; the limit is ${formatBytes(limits.maxTotalBytes)} (settings: archive.maxTotalBytes)`);
  }
  const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (entry.uncompressedSize > RATIO_FLOOR_BYTES && ratio > limits.maxRatio) {
    throw new ArchiveError(
      'ratio',
      `${label}: ${quoted} declares ${formatBytes(entry.uncompressedSize)} inflated from ${formatBytes(entry.compressedSize)} (${formatRatio(ratio)}); the limit is ${formatRatio(limits.maxRatio)} (settings: archive.maxRatio)`,
    );
  }
}

/** Pass two: inflates the checked entries, counting the real bytes against the same limit. */
async function inflateEntries(zip: yauzl.ZipFile, entries: yauzl.Entry[], target: string, label: string, limits: ArchiveLimits): Promise<void> {
  let total = 0;
  for (const entry of entries) {
    const destination = path.resolve(target, entry.fileName);
    if (!destination.startsWith(target + path.sep)) {
      throw new ArchiveError('unsafe-entry', `The archive entry ${JSON.stringify(entry.fileName)} points outside its folder`);
    }
    if (entry.fileName.endsWith('/')) {
      fs.mkdirSync(destination, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(destination), { recursive: true });
    const stream = await zip.openReadStreamPromise(entry);
    const quoted = JSON.stringify(entry.fileName);
    let inflated = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        inflated += chunk.length;
        total += chunk.length;
        if (inflated > entry.uncompressedSize) {
          callback(new ArchiveError('size', `${label}: ${quoted} inflates past the ${formatBytes(entry.uncompressedSize)} it declares (a forged size)`));
        } else if (total > limits.maxTotalBytes) {
          callback(new ArchiveError('size', `${label} inflates to more than ${formatBytes(limits.maxTotalBytes)}; the limit is ${formatBytes(limits.maxTotalBytes)} (settings: archive.maxTotalBytes)`));
        } else {
          callback(null, chunk);
        }
      },
      flush(callback) {
        if (inflated === entry.uncompressedSize) callback();
        else callback(new ArchiveError('unreadable', `${label}: ${quoted} inflates to ${formatBytes(inflated)}, not the ${formatBytes(entry.uncompressedSize)} it declares`));
      },
    });
    await pipeline(stream, counter, fs.createWriteStream(destination, { flags: 'wx' }));
  }
}

/** Binary units, one decimal: "1.0 GiB", "850.3 KiB", "12 bytes". */
export function formatBytes(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (bytes < 1024) return `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function formatRatio(ratio: number): string {
  return `${Math.round(ratio).toLocaleString('en')}x`;
}
