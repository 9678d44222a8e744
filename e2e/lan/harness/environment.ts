/**
 * Whether the simulated LAN can run here. It needs Linux, root and iproute2
 * (network namespaces); elsewhere every LAN test is skipped and the reason
 * is printed, so a skip is never mistaken for a pass.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(REPO_ROOT, 'bin/lan-party.mjs');
export const BUILT_CLI = path.join(REPO_ROOT, 'out/main/cli.js');
export const FIXTURES = path.join(REPO_ROOT, 'e2e/lan/fixtures');
/** Debian's interpreter: python3-zeroconf is installed for it, not for other pythons on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

let cached: string | null | undefined;

function findIp(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    const candidate = path.join(dir, 'ip');
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** Null when the LAN suite can run, else why not. Checked once per worker. */
export function lanSkipReason(): string | null {
  if (cached !== undefined) return cached;
  cached = computeSkipReason();
  return cached;
}

function computeSkipReason(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not running as root: the simulated LAN needs network namespaces';
  if (findIp() === null) return '`ip` (iproute2) is not installed';
  // Root without CAP_SYS_ADMIN/CAP_NET_ADMIN (some containers) cannot make namespaces: try once.
  const name = `lp${process.pid}-check`;
  try {
    execFileSync('ip', ['netns', 'add', name], { stdio: 'pipe', timeout: 10_000 });
  } catch (error) {
    return `cannot create a network namespace: ${firstLine(error)}`;
  }
  try {
    execFileSync('ip', ['netns', 'delete', name], { stdio: 'pipe', timeout: 10_000 });
  } catch (error) {
    return `cannot delete the test network namespace ${name}: ${firstLine(error)}`;
  }
  return null;
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || (error instanceof Error ? error.message : String(error))).split('\n')[0] ?? '';
}

/** Prints the skip reason (Playwright only shows it in some reporters) and returns it. */
export function announceSkip(suite: string): string | null {
  const reason = lanSkipReason();
  if (reason !== null) console.log(`[lan] ${suite}: skipped, ${reason}`);
  return reason;
}

/** The LAN specs run the built app: fail clearly (not skip) when it is missing. */
export function assertBuilt(): void {
  if (!fs.existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`npm run build\` before the LAN suite`);
}
