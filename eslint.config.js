// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NO_ELECTRON = { name: 'electron', message: 'This folder must run without Electron.' };

/** An import of an engine module other than its entry (`../p2p/wire`, not `../p2p`). */
const ENGINE_ENTRY_ONLY = {
  regex: '(^|/)p2p/(?!index(\\.js)?$)',
  message: 'Import the P2P engine through its entry (src-renderer/p2p/index.ts); export what you need there.',
};

const OWN_FOLDER = '\\./';
const CONTRACT = '\\.\\./\\.\\./src-preload/contract(\\.js)?$';
/** The shared test helpers (src-preload/testing/): factories of the contract's shapes, fake timers. */
const TEST_FACTORIES = '\\.\\./\\.\\./src-preload/testing/';
const SHIM_PROTOCOLS = ['\\.\\./\\.\\./src-preload/game-agent-protocol(\\.js)?$', '\\.\\./\\.\\./src-preload/network-conditions(\\.js)?$'];
/** The engine's UTF-8 count (no imports of its own): the shim measures frames exactly as the engine does. */
const ENGINE_UTF8 = '\\.\\./p2p/utf8(\\.js)?$';

/** A pattern refusing every import but those matching one of `allowed` (regular expressions, anchored at the start). */
function onlyImports(allowed, message) {
  return { regex: `^(?!${allowed.map((a) => `(?:${a})`).join('|')})`, message };
}

const ENGINE_SAYS = 'The P2P engine (src-renderer/p2p/) ships alone, into games: it imports only its own folder and peerjs';
const SHIM_SAYS =
  "The game shim (src-renderer/game-shim/) is injected into every game page: it imports only its own folder, src-preload/game-agent-protocol or network-conditions, and the engine's p2p/utf8";

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}', 'e2e/fixtures/**/*.{js,mjs}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The React pages (dashboard, bench): rules of hooks and the React Compiler's checks (purity, refs, effects).
    files: ['src-renderer/dashboard/**/*.{ts,tsx}', 'src-renderer/bench/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    // The Electron-free core: a stray import would break the headless host and every test.
    files: ['src-main/host/**/*.ts', 'src-main/headless/**/*.ts', 'src-renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_ELECTRON] }] },
  },
  // Boundaries between the renderer's units (src-renderer/import-boundaries.test.ts proves each one refuses what it should).
  // A later block's `no-restricted-imports` replaces an earlier one's for the files it matches: a block keeps NO_ELECTRON
  // unless its allow-list refuses Electron anyway. Type-only imports count too: they tie the units together the same way.
  {
    // Consumers of the engine (dashboard, bench page, GDevelop adapter): its public entry only, so its internals can move freely.
    files: ['src-renderer/**/*.{ts,tsx}'],
    ignores: ['src-renderer/p2p/**', 'src-renderer/game-shim/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_ELECTRON], patterns: [ENGINE_ENTRY_ONLY] }] },
  },
  {
    // The engine ships alone, into games (out/p2p/lan-party-p2p.js): its own folder and PeerJS, nothing else.
    files: ['src-renderer/p2p/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [onlyImports([OWN_FOLDER, 'peerjs$'], `${ENGINE_SAYS}.`)] }] },
  },
  {
    // Its tests may also check the engine against the contract that builds its schemas from the engine's limits.
    files: ['src-renderer/p2p/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [onlyImports([OWN_FOLDER, 'peerjs$', 'vitest$', CONTRACT, TEST_FACTORIES], `${ENGINE_SAYS} (tests: also vitest, the contract and its test factories).`)] }] },
  },
  {
    // The game shim is injected into every served game page: its own folder, the zod-free protocol modules it shares with the host, and the engine's UTF-8 count.
    files: ['src-renderer/game-shim/**/*.ts'],
    ignores: ['src-renderer/game-shim/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [onlyImports([OWN_FOLDER, ...SHIM_PROTOCOLS, ENGINE_UTF8], `${SHIM_SAYS}.`)] }] },
  },
  {
    // Its tests may also use PeerJS (as a source of real wire frames) and Vitest.
    files: ['src-renderer/game-shim/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [onlyImports([OWN_FOLDER, ...SHIM_PROTOCOLS, ENGINE_UTF8, 'peerjs$', 'vitest$'], `${SHIM_SAYS} (tests: also peerjs and vitest).`)] }] },
  },
);
