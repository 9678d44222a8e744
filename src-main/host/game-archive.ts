/**
 * Unpacks a game `.zip` (a GDevelop HTML5 export, say) into a private temporary
 * folder, refusing anything that could escape it or fill the disk: absolute or
 * `..` entry names (yauzl refuses those itself; we check again), symlink
 * entries, too many entries, and more bytes than the limit once inflated.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import yauzl from 'yauzl';

export interface ArchiveLimits {
  maxEntries: number;
  maxTotalBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxEntries: 20_000, maxTotalBytes: 2 * 1024 ** 3 };

export class ArchiveError extends Error {}

/** Extracts `zipPath` into a new temp folder and returns it; removes the folder on failure. */
export async function extractGameArchive(zipPath: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<string> {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-game-'));
  try {
    await extractInto(zipPath, target, limits);
    return target;
  } catch (error) {
    fs.rmSync(target, { recursive: true, force: true });
    throw error instanceof ArchiveError ? error : new ArchiveError(`Could not unpack ${path.basename(zipPath)}: ${(error as Error).message}`);
  }
}

async function extractInto(zipPath: string, target: string, limits: ArchiveLimits): Promise<void> {
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true });
  let entries = 0;
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          entries += 1;
          if (entries > limits.maxEntries) throw new ArchiveError(`The archive has more than ${limits.maxEntries} entries`);
          const name = entry.fileName;
          const destination = path.resolve(target, name);
          if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..') || !destination.startsWith(target + path.sep)) {
            throw new ArchiveError(`The archive entry ${JSON.stringify(name)} points outside its folder`);
          }
          // Unix mode in the high bits of the external attributes: refuse links.
          const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
          if (mode === 0o120000) throw new ArchiveError(`The archive entry ${JSON.stringify(name)} is a symbolic link`);
          if (name.endsWith('/')) {
            fs.mkdirSync(destination, { recursive: true });
          } else {
            fs.mkdirSync(path.dirname(destination), { recursive: true });
            const stream = await zip.openReadStreamPromise(entry);
            const counter = new Transform({
              transform(chunk: Buffer, _encoding, callback) {
                total += chunk.length;
                if (total > limits.maxTotalBytes) callback(new ArchiveError(`The archive inflates to more than ${limits.maxTotalBytes} bytes`));
                else callback(null, chunk);
              },
            });
            await pipeline(stream, counter, fs.createWriteStream(destination, { flags: 'wx' }));
          }
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
