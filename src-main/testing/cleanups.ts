/**
 * Teardown for unit tests that start real servers, hosts and folders: one
 * `afterEach`, registered by the calling test file, runs what its tests
 * pushed, last first, each awaited (so a host stops before its folder goes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export type Cleanup = () => Promise<void> | void;

/** The list this file's tests push their cleanups onto; emptied after each test. */
export function cleanupsAfterEach(): Cleanup[] {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return cleanups;
}

/** Removes `dir` and what it holds after the test. */
export function removeAfterTest(cleanups: Cleanup[], dir: string): string {
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A new, empty temporary folder (its real path), removed after the test. */
export function tempFolder(cleanups: Cleanup[], prefix: string): string {
  return removeAfterTest(cleanups, fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix))));
}

/** A game folder called `name` holding one `index.html`, inside a temporary folder removed after the test. */
export function gameFolder(cleanups: Cleanup[], prefix: string, name: string, html: string): string {
  const folder = path.join(tempFolder(cleanups, prefix), name);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'index.html'), html);
  return folder;
}
