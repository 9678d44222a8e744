/**
 * The GDevelop drop-in: a hosted GDevelop export that uses the P2P extension
 * runs on our engine, unmodified. The export's `index.html` loads the
 * extension as two classic scripts, `Extensions/P2P/A_peer.js` (its bundled
 * PeerJS 1.4.6) and `Extensions/P2P/B_p2ptools.js` (`gdjs.evtTools.p2p`); at
 * serve time (files on disk untouched) these two URLs get our engine's
 * classic build (defines `LanPartyP2P`) and our adapter (defines
 * `gdjs.evtTools.p2p` on it) instead. The game's events call the same
 * functions with the same arguments and get the heartbeat, default-broker
 * following and bounded frame queues.
 *
 * Per game, `gdevelopRuntime: 'original'` keeps GDevelop's own files.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The extension's files, as URL paths under the game's root, and what replaces each (a file of `out/p2p`). */
export const GDEVELOP_P2P_REPLACEMENTS: Readonly<Record<string, string>> = {
  '/Extensions/P2P/A_peer.js': 'lan-party-p2p.global.js',
  '/Extensions/P2P/B_p2ptools.js': 'lan-party-gdevelop-p2p.js',
};

/** An export's index.html is a few kB; a bound keeps a hostile one from costing a large read at host time. */
const MAX_INDEX_BYTES = 4 * 1024 * 1024;

/**
 * Whether the game at `root` is a GDevelop export using the P2P extension:
 * both extension files exist and its index.html loads them. (A game that only
 * ships the files without loading them is left alone.)
 */
export function usesGdevelopP2P(root: string): boolean {
  for (const urlPath of Object.keys(GDEVELOP_P2P_REPLACEMENTS)) {
    if (!fs.statSync(path.join(root, urlPath), { throwIfNoEntry: false })?.isFile()) return false;
  }
  let html: string;
  try {
    const index = path.join(root, 'index.html');
    if (fs.statSync(index).size > MAX_INDEX_BYTES) return false;
    html = fs.readFileSync(index, 'utf8');
  } catch {
    return false;
  }
  return Object.keys(GDEVELOP_P2P_REPLACEMENTS).every((urlPath) => html.includes(urlPath.slice(1)));
}

/** The files served in place of the extension's (URL path -> our build in `p2pBuildDir`, `out/p2p`). */
export function gdevelopSubstitutes(p2pBuildDir: string): ReadonlyMap<string, string> {
  return new Map(Object.entries(GDEVELOP_P2P_REPLACEMENTS).map(([urlPath, file]) => [urlPath, path.join(p2pBuildDir, file)]));
}
