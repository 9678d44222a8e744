/**
 * The packaged app, as `npm run dist` builds it (issue 10 item 11, issue 15):
 *
 * - Attack: starting it with ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect
 *   turns it into a Node.js (or a debuggable process) with the app's
 *   identity, and its code could be loaded from outside app.asar. The fuses
 *   in electron-builder.yml switch that off in the binary itself.
 * - What it ships: app.asar holds the build (`out/`, without source maps or
 *   declarations) and package.json, nothing else: no sources, tests or
 *   node_modules. The runtime dependencies (peer, express, ws, bonjour-service,
 *   yauzl, zod) are bundled into out/main by electron.vite.config.ts, so none
 *   of them may be packed (they would only add megabytes); the proof that
 *   none is needed: the bundles import nothing but Node's modules and
 *   `electron`, and the host unpacked from the asar into a folder with no
 *   node_modules above it serves the dashboard, whose engine registers on its
 *   broker.
 *
 * Real parts: electron-builder with the project's config (`--linux dir`),
 * electron-builder's own @electron/fuses and @electron/asar to read the result,
 * the headless host process, Chromium. The one stand-in is the Electron binary
 * (e2e/fixtures/packaging.ts). `npm run build` must have run.
 */
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GDEVELOP_P2P_REPLACEMENTS } from '../../src-main/host/games/gdevelop-dropin.js';
import { recordAttack } from '../fixtures/attack-table.js';
import { REPO_ROOT } from '../fixtures/host.js';
import { asarFiles, packageApp, PACKAGING_TIMEOUT_MS, packagingTools, readFuses, writePlaceholderElectron, type PackagedApp, type PackagingTools } from '../fixtures/packaging.js';
import { P2P_LAUNCH_OPTIONS } from '../fixtures/p2p/harness.js';
import { expect, test } from '../fixtures/test.js';
import { onlineId } from '../web/dashboard-helpers.js';

test.use({ launchOptions: P2P_LAUNCH_OPTIONS });

/** What electron-builder.yml asks for, by @electron/fuses' names. */
const EXPECTED_FUSES: Record<string, boolean> = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};

/**
 * Files of `out/` left out of the package: source maps (electron-builder.yml
 * `files`) and TypeScript declarations (electron-builder's default ignore
 * list); both are for developers of games, not for the app.
 */
const NOT_PACKED = /\.(map|d\.ts)$/;

/** Bare imports the bundles may keep: `electron` (given by Electron) and ws's optional speed-ups (it falls back without them). */
const PROVIDED_AT_RUN_TIME = new Set(['electron', 'bufferutil', 'utf-8-validate']);

let work: string;
let packaging: Promise<{ tools: PackagingTools; app: PackagedApp }> | null = null;

test.beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-package-'));
});

test.afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

/** Packages once for the whole file (4.7 s here); skips the calling test where electron-builder is missing. */
async function packaged(): Promise<{ tools: PackagingTools; app: PackagedApp }> {
  test.setTimeout(PACKAGING_TIMEOUT_MS + 30_000);
  const tools = packagingTools();
  if (typeof tools === 'string') {
    console.log(`[e2e] packaged-app spec skipped: ${tools}`);
    test.skip(true, tools);
    throw new Error(tools);
  }
  expect(fs.existsSync(path.join(REPO_ROOT, 'out', 'main', 'index.js')), 'run `npm run build` first').toBe(true);
  packaging ??= packageApp(tools, work).then((app) => ({ tools, app }));
  const result = await packaging;
  expect(result.app.code, result.app.output).toBe(0);
  return result;
}

/** Every file under `dir`, as POSIX paths relative to `base`. */
function filesUnder(dir: string, base: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(base, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
}

/** The bare module names a bundle imports (static, dynamic, and the bundler's leftover `require`s). */
function bareImports(code: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\bfrom\s*"([^"]+)"/gm,
    /^\s*import\s*"([^"]+)"/gm,
    /\bimport\(\s*"([^"]+)"\s*\)/g,
    /\b(?:__)?require\(\s*"([^"]+)"\s*\)/g,
  ];
  const names = new Set<string>();
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) names.add(match[1] ?? '');
  return [...names].filter((name) => !name.startsWith('.') && !name.startsWith('/') && !name.startsWith('node:') && !builtinModules.includes(name)).sort();
}

test('the packaged app has RunAsNode, NODE_OPTIONS and --inspect fused off, and loads only its checked asar', async () => {
  const { tools, app } = await packaged();
  // The placeholder starts at Electron's defaults, so every "off" below was flipped by the packaging.
  const placeholder = writePlaceholderElectron(path.join(work, 'placeholder-check'));
  expect((await readFuses(tools.fuses, placeholder))['RunAsNode']).toBe(true);

  expect(app.output).toContain('executing @electron/fuses');
  expect(fs.existsSync(app.asar)).toBe(true);
  expect(await readFuses(tools.fuses, app.binary)).toEqual(EXPECTED_FUSES);

  recordAttack(test.info(), {
    attack: 'Node options / run-as-node / inspect on the packaged app',
    attempts: `${Object.keys(EXPECTED_FUSES).length} fuses read back`,
    outcome: 'fuses off (RunAsNode, NODE_OPTIONS, --inspect, file:// privileges); asar-only + integrity, cookie encryption on',
  });
});

test('app.asar holds the build and package.json only: no sources, tests or node_modules', async () => {
  const { tools, app } = await packaged();
  const packed = asarFiles(tools.asar, app.asar);
  const names = [...packed.keys()].sort();

  const strays = names.filter((name) => name !== 'package.json' && !name.startsWith('out/'));
  expect(strays, 'files outside out/ (sources, tests, node_modules, ...)').toEqual([]);
  expect(names.filter((name) => name.split('/').includes('node_modules'))).toEqual([]);

  // Exactly the build: every file of out/ but maps and declarations, at its size on disk (not a stale copy).
  const built = filesUnder(path.join(REPO_ROOT, 'out'), REPO_ROOT).filter((name) => !NOT_PACKED.test(name));
  expect(names).toEqual([...built, 'package.json'].sort());
  for (const name of built) expect(packed.get(name), name).toBe(fs.statSync(path.join(REPO_ROOT, name)).size);

  // What the app loads at run time is among them.
  const manifest = JSON.parse(tools.asar.extractFile(app.asar, 'package.json').toString('utf8')) as { main?: string };
  const needed = [
    manifest.main ?? '(package.json has no main)',
    'out/main/cli.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
    'out/shim/broker-shim.js',
    ...Object.values(GDEVELOP_P2P_REPLACEMENTS).map((file) => `out/p2p/${file}`),
  ];
  for (const name of needed) expect(packed.has(name), name).toBe(true);

  // Nothing in them needs a package from node_modules; the preload requires only `electron` (sandboxed renderer).
  for (const name of names.filter((file) => /^out\/main\/.*\.js$/.test(file))) {
    const imports = bareImports(tools.asar.extractFile(app.asar, name).toString('utf8'));
    expect(imports.filter((module) => !PROVIDED_AT_RUN_TIME.has(module)), name).toEqual([]);
  }
  expect(bareImports(tools.asar.extractFile(app.asar, 'out/preload/index.cjs').toString('utf8'))).toEqual(['electron']);

  const bytes = [...packed.values()].reduce((sum, size) => sum + size, 0);
  console.log(`[e2e] app.asar: ${names.length} files, ${(bytes / 1024 ** 2).toFixed(1)} MiB of content, ${(fs.statSync(app.asar).size / 1024 ** 2).toFixed(1)} MiB on disk`);
});

test('the host unpacked from app.asar runs with no node_modules: its dashboard registers on its broker', async ({ hosts, dashboards }) => {
  const { tools, app } = await packaged();
  const unpacked = path.join(work, 'app');
  tools.asar.extractAll(app.asar, unpacked);
  // Node looks for packages in every node_modules above the importing file: there must be none for this to prove anything.
  for (let dir = unpacked; ; dir = path.dirname(dir)) {
    expect(fs.existsSync(path.join(dir, 'node_modules')), `${dir}/node_modules exists`).toBe(false);
    if (path.dirname(dir) === dir) break;
  }

  const host = await hosts.start({ cli: path.join(unpacked, 'out', 'main', 'cli.js') });
  const d = await dashboards.open(host);
  await expect(d.page).toHaveTitle('LAN Party');
  expect(await onlineId(d.page)).not.toBe('');
});
