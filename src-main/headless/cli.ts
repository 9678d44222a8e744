/**
 * `lan-party` entry: the host core without Electron, for machines without a
 * display, for CI, and for browser players.
 */
import { fileURLToPath } from 'node:url';
import { describeConditions } from '../../src-preload/network-conditions.js';
import { parseHostArgs, USAGE, UsageError, type HostCommand } from './host-args.js';
import { applyPatch, defaultSettings } from '../host/settings.js';
import { loadSettings } from '../host/settings-store.js';
import { formatReadyLine } from './ready-line.js';
import { startHeadlessHost, type HeadlessHost } from './run-host.js';

function printReady(running: HeadlessHost, bench: number | null): void {
  const state = running.host.getBrokerState();
  const broker = state.running ? `broker on path ${state.path}, key ${state.key}` : 'broker stopped';
  const lines = [
    `LAN Party host running on port ${running.port} (instance ${running.host.instanceId}, ${broker})`,
    ...running.urls.map((url, i) => `  ${i === 0 ? 'Open on this machine:' : 'Open on the LAN:     '} ${url}`),
    ...running.host.games.list().map((game) => `  Hosting game "${game.name}": ${onPort(running.urls.at(-1), game.port)}`),
    ...agentLines(running),
    ...benchLines(running, bench),
    ...controlUrls(running).map((url) => `  Host control from another machine (keep it private): ${url}`),
    '  Press Ctrl+C to stop.',
    // Last, so a launcher that sees it has every human line above too.
    formatReadyLine({
      port: running.port,
      urls: running.urls,
      token: running.token,
      instance: running.host.instanceId,
      broker: state.running ? { path: state.path, key: state.key } : null,
      games: running.host.games.list().map((game) => ({ id: game.id, name: game.name, port: game.port, url: onPort(running.urls.at(-1), game.port) })),
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** What the game agent was told on the command line, so a developer's automated run shows it in its log. */
function agentLines(running: HeadlessHost): string[] {
  const state = running.host.agents.getState();
  const lines: string[] = [];
  const conditions = running.host.agents.cliConditions();
  if (conditions) lines.push(`  Every game instance's uplink: ${describeConditions(conditions)}`);
  if (state.recording?.file) lines.push(`  Recording every instance's events to ${state.recording.file}`);
  return lines;
}

/** `--bench N`: the test bench of the first hosted game, on this machine's address (the bench page has host control there). */
function benchLines(running: HeadlessHost, count: number | null): string[] {
  const game = running.host.games.list()[0];
  if (count === null || !game) return [];
  const url = new URL(`bench.html?game=${game.id}&count=${count}`, running.urls[0] ?? `http://127.0.0.1:${running.port}/`);
  return [`  Test bench (${count} players): ${url.href}`];
}

/**
 * Control addresses carry the token in the fragment: a browser never sends a
 * fragment to a server nor in a Referer, and the page moves it into its
 * session storage and out of the address bar before anything else runs.
 */
function controlUrls(running: HeadlessHost): string[] {
  const lan = running.urls.slice(1);
  return (lan.length > 0 ? lan : running.urls).map((url) => `${url}#token=${running.token}`);
}

/** A game's URL: the address of `pageUrl` (as a LAN player reaches the host) at the game's own port. */
function onPort(pageUrl: string | undefined, port: number): string {
  const url = new URL(pageUrl ?? 'http://127.0.0.1/');
  url.port = String(port);
  // Only the address: whatever else the page URL carries (a token) never goes to a game.
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  url.username = '';
  url.password = '';
  return url.href;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'host') {
    process.stderr.write(`lan-party: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
    return 2;
  }
  let parsed: HostCommand | null;
  try {
    parsed = parseHostArgs(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`lan-party host: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let settings = parsed.settings;
  if (parsed.settingsFile) {
    const loaded = loadSettings(parsed.settingsFile, defaultSettings());
    if (loaded.problem) process.stderr.write(`lan-party host: ${loaded.problem}\n`);
    settings = applyPatch(loaded.settings, parsed.overrides);
  }
  let running: HeadlessHost;
  try {
    running = await startHeadlessHost({
      settings,
      settingsFile: parsed.settingsFile,
      rendererDir: fileURLToPath(new URL('../renderer/', import.meta.url)),
      shimFile: fileURLToPath(new URL('../shim/broker-shim.js', import.meta.url)),
      games: parsed.games,
      gdevelopRuntime: parsed.gdevelopRuntime,
      bindHost: parsed.bindHost,
      token: parsed.token,
      startBroker: parsed.startBroker,
      network: parsed.network,
      recordFile: parsed.recordFile,
    });
  } catch (error) {
    process.stderr.write(`lan-party host: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  printReady(running, parsed.bench);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        process.stderr.write(`lan-party host: ${signal} again, exiting now\n`);
        resolve(1);
        return;
      }
      stopping = true;
      process.stdout.write(`Stopping (${signal}): closing the broker and sending goodbyes...\n`);
      running.close().then(
        () => {
          process.stdout.write('Stopped.\n');
          resolve(0);
        },
        (error: unknown) => {
          process.stderr.write(`lan-party host: error while stopping: ${String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

// `peer` keeps internal timers alive (see broker.ts), so exit explicitly.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lan-party: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
