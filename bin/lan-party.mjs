#!/usr/bin/env node
// Thin launcher: the CLI is built by `npm run build` into out/main/cli.js.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('lan-party: the app is not built yet; run `npm run build` first.\n');
  process.exit(1);
}
await import(cli.href);
