/** The conditions of a run, printed above the table: figures mean little without them. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { CHROMIUM_PATH } from '../../e2e/fixtures/chromium.js';
import { REPO_ROOT } from './paths.js';

export interface RunEnvironment {
  startedAt: string;
  finishedAt: string;
  durationS: number;
  mode: 'quick' | 'full';
  cpus: string;
  cores: number;
  memoryGiB: number;
  loadAverageStart: number[];
  loadAverageEnd: number[];
  node: string;
  chromium: string;
  commit: string;
  root: boolean;
}

function tryRun(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { cwd: REPO_ROOT, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function describeStart(mode: 'quick' | 'full'): Omit<RunEnvironment, 'finishedAt' | 'durationS' | 'loadAverageEnd'> {
  const cpus = os.cpus();
  const dirty = tryRun('git', ['status', '--porcelain']).length > 0;
  return {
    startedAt: new Date().toISOString(),
    mode,
    cpus: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    chromium: fs.existsSync(CHROMIUM_PATH) ? tryRun(CHROMIUM_PATH, ['--version']) : 'not installed',
    commit: `${tryRun('git', ['rev-parse', '--short', 'HEAD'])}${dirty ? ' + uncommitted changes' : ''}`,
    root: process.getuid?.() === 0,
  };
}

export function describeEnd(start: ReturnType<typeof describeStart>): RunEnvironment {
  const finished = new Date();
  return {
    ...start,
    finishedAt: finished.toISOString(),
    durationS: Math.round((finished.getTime() - Date.parse(start.startedAt)) / 1000),
    loadAverageEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
