#!/usr/bin/env node
/**
 * Runs npm scripts side by side: `node scripts/run-parallel.mjs typecheck lint build`.
 * Each script's output is printed whole when it ends (never interleaved), with
 * its time; the exit code is 1 when any of them failed, after all have ended.
 *
 * Why: `npm test` ran typecheck (61 s from a fresh clone), lint (33 s) and build
 * (12 s) one after the other on CI's 2 cores, mostly single-threaded; side by
 * side they take about as long as the typecheck alone.
 */
import { spawn } from 'node:child_process';

const names = process.argv.slice(2);
if (names.length === 0) {
  process.stderr.write('usage: node scripts/run-parallel.mjs SCRIPT...\n');
  process.exit(2);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(name) {
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks = [];
    const child = spawn(npm, ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => chunks.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      const status = ok ? 'ok' : `FAILED (${signal ?? `exit ${code}`})`;
      process.stdout.write(`\n── npm run ${name}: ${status} in ${seconds} s\n${Buffer.concat(chunks).toString()}`);
      resolve(ok);
    });
  });
}

const results = await Promise.all(names.map(run));
process.exitCode = results.every(Boolean) ? 0 : 1;
