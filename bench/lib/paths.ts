/** Where things are, from the repo root (this file is bench/lib/paths.ts). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'bin/lan-party.mjs');
export const ENGINE_BUNDLE = path.join(REPO_ROOT, 'out/p2p/lan-party-p2p.js');
export const RESULTS_DIR = path.join(REPO_ROOT, 'bench/results');
export const LOADER = path.join(REPO_ROOT, 'bench/ts-loader.mjs');
