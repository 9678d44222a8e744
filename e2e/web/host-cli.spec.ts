/** `lan-party host` as a user runs it: flags, printed URLs, clean shutdown. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { WebSocket } from 'ws';
import type { HostState } from '../../src-preload/contract.js';
import { callBridge } from '../fixtures/bridge.js';
import { runCli as run } from '../fixtures/host.js';
import { expect, test } from '../fixtures/test.js';

test('--help prints the usage and exits 0', () => {
  const result = run(['host', '--help']);
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('Usage: lan-party host [options]');
});

test('invalid flags give a usage error and exit 2', () => {
  for (const args of [['host', '--bogus'], ['host', '--port', 'abc'], ['frobnicate'], []]) {
    const result = run(args);
    expect(result.status, args.join(' ')).toBe(2);
    expect(result.stdout + result.stderr, args.join(' ')).toContain('Usage: lan-party host');
  }
  expect(run(['host', '--port', '99999']).stderr).toContain('--port: the port is at most 65535');
});

test('prints the URLs to open, and the page is there', async ({ host }) => {
  expect(host.output()).toContain(`Open on this machine: http://127.0.0.1:${host.port}/`);
  // The token travels in a fragment (never sent to a server, never in a Referer), never in a query.
  expect(host.output()).toContain(`Host control from another machine (keep it private): http://127.0.0.1:${host.port}/#token=${host.token}`);
  expect(host.token).toMatch(/^[0-9a-f]{32}$/);
  expect(host.output()).not.toContain('?token=');
  const page = await fetch(host.url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>LAN Party</title>');
});

test('falls back to the next free port when the preferred one is taken', async ({ hosts }) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  try {
    const host = await hosts.start({ args: ['--port', String(taken)] });
    expect(host.port).toBeGreaterThan(taken);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} closes the broker and its sockets and exits 0`, async ({ hosts }) => {
    const host = await hosts.start();
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/peerjs?key=peerjs&id=client1&token=t`);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    const exited = new Promise<number | null>((resolve) => host.process.once('exit', (code) => resolve(code)));
    host.process.kill(signal);
    await closed;
    expect(await exited).toBe(0);
    expect(host.output()).toContain('Stopped.');
    await expect(fetch(host.url)).rejects.toThrow();
  });
}

test('--settings keeps settings changed from the page across restarts; flags win over the file', async ({ hosts }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-cli-settings-'));
  const file = path.join(dir, 'settings.json');
  try {
    const first = await hosts.start({ args: ['--settings', file] });
    await callBridge(first.port, 'updateSettings', { displayName: 'Ada', autoConnect: true, broker: { key: 'lanparty' } });
    expect(await first.stop()).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ displayName: 'Ada', autoConnect: true, broker: { key: 'lanparty' } });

    const second = await hosts.start({ args: ['--settings', file] });
    const state = (await callBridge(second.port, 'getHostState')) as HostState;
    expect(state.settings).toMatchObject({ displayName: 'Ada', autoConnect: true, broker: { key: 'lanparty' } });
    expect(second.output()).toContain('key lanparty');
    await second.stop();

    const third = await hosts.start({ args: ['--settings', file, '--name', 'Grace'] });
    expect(((await callBridge(third.port, 'getHostState')) as HostState).settings?.displayName).toBe('Grace');
    await third.stop();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an invalid settings file is kept aside and the host starts with defaults', async ({ hosts }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lan-party-cli-settings-'));
  const file = path.join(dir, 'settings.json');
  fs.writeFileSync(file, '{"displayName": 42}');
  try {
    const host = await hosts.start({ args: ['--settings', file] });
    expect(host.output()).toMatch(/Settings file ignored \(displayName: .*\); kept as settings\.json\.invalid-\d+/);
    expect(fs.readdirSync(dir).some((name) => name.startsWith('settings.json.invalid-'))).toBe(true);
    expect(await host.stop()).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
