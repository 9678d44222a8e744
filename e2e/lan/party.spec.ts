/**
 * Issue 14, point 3: a party that cannot be hijacked. Real `lan-party host`
 * processes on a simulated LAN:
 *
 *   outsider 10.77.0.9   a real host WITHOUT the code, started first: the earliest broker start, honestly
 *   h1..h3   10.77.0.1-3 hosts with `--party-code`
 *   evil     10.77.0.66  a raw mDNS impostor (fixtures/party-impostor.mjs): an unsigned record claiming
 *                        bstart=1, and h1's signed record captured off the air, replayed verbatim, with
 *                        bstart changed, and under another instance's name
 *
 * With the code, neither the outsider nor the impostor becomes anyone's
 * default broker, both are listed as not in the party (the page says so), the
 * replays never move h1 to the impostor's address, and a replay of h1's record
 * after h1 left, from h1's own address (taken over by the impostor), does not
 * bring it back. Without a code, the documented rule holds: the earliest
 * broker start wins, whoever it is.
 */
import path from 'node:path';
import readline from 'node:readline';
import { expect, test } from '@playwright/test';
import type { LanState } from '../../src-preload/contract.js';
import { agreement } from './harness/checks.js';
import { launchChromiumIn } from './harness/chromium.js';
import { FIXTURES, REPO_ROOT } from './harness/environment.js';
import { findInstance, lanStates, pollUntil, requireStates, type LanHost } from './harness/hosts.js';
import { useSimulatedLan } from './harness/lan-session.js';
import { must } from './harness/must.js';
import { exited, type LanNode, type SimulatedLan } from './harness/netns.js';

// A LAN per test: each builds its own party.
const suite = useSimulatedLan('party code', { closeAfter: 'each' });

const CODE = 'otter-lantern-42';
const ATTACK_SECONDS = 4;

interface Impostor {
  lines: string[];
  errors(): string;
  done: Promise<void>;
  exitCode(): number | null;
}

function startImpostor(lan: SimulatedLan, node: LanNode, address: string, victimId: string, seconds: number, captured?: string): Impostor {
  const args = [path.join(FIXTURES, 'party-impostor.mjs'), address, victimId, String(seconds), ...(captured ? [captured] : [])];
  const child = lan.spawnIn(node, process.execPath, args, { cwd: REPO_ROOT });
  const lines: string[] = [];
  readline.createInterface({ input: must(child.stdout, 'impostor stdout') }).on('line', (line) => lines.push(line));
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return { lines, errors: () => errors, done: exited(child), exitCode: () => child.exitCode };
}

/** Every way a state could show the hijack: a default broker that is not a party member, or reached at a foreign address. */
function hijack(state: LanState, party: readonly LanHost[]): string | null {
  const elected = state.defaultBroker;
  if (!elected) return 'no default broker';
  const owner = party.find((h) => h.instanceId === elected.instanceId);
  if (!owner) return `elected ${elected.instanceId}, not a party member`;
  if (elected.endpoint.host !== owner.node.ip) return `elected ${owner.label} at ${elected.endpoint.host}`;
  return null;
}

test.describe('party code', () => {
  test('keeps an earlier outsider and a replaying impostor from becoming the default broker', async () => {
    test.setTimeout(120_000);
    const session = await suite.open();
    const { lan, probe, hosts } = session;
    // Started first: the earliest broker start on the LAN, honestly, and no code.
    const outsider = await session.addHost('outsider', 9);
    const party = await session.addHosts(3, { extraArgs: ['--party-code', CODE] });
    const victim = must(party[0], 'h1');
    const expected = [...party].sort((a, b) => a.readyAt - b.readyAt)[0];

    await pollUntil(
      'the party to list the outsider as not in the party and agree on a member',
      async () => {
        const states = await lanStates(probe, party);
        for (const [i, state] of states.entries()) {
          const label = party[i]?.label ?? '?';
          if (!state) return { notYet: `${label} did not answer` };
          if (state.instances.length !== 4) return { notYet: `${label} lists ${state.instances.length} instances` };
          const seen = findInstance(state, outsider.instanceId);
          if (seen?.party?.member !== false) return { notYet: `${label} sees the outsider as ${JSON.stringify(seen?.party)}` };
          for (const other of party) {
            const member = findInstance(state, other.instanceId)?.party;
            if (!member?.member) return { notYet: `${label} sees ${other.label} as ${JSON.stringify(member)}` };
          }
          const problem = hijack(state, party);
          if (problem) return { notYet: `${label}: ${problem}` };
        }
        const agreed = agreement(states);
        return 'problem' in agreed ? { notYet: agreed.problem } : true;
      },
      { timeoutMs: 15_000 },
    );
    const outsiderView = must((await requireStates(probe, [outsider]))[0], 'outsider state');
    // The outsider itself, without a code, sees the documented rule: itself (earliest start).
    expect(outsiderView.defaultBroker?.instanceId).toBe(outsider.instanceId);
    const partyStates = await requireStates(probe, party);
    const reason = findInstance(must(partyStates[0], 'h1 state'), outsider.instanceId)?.party;
    console.log(`[lan] party: outsider (earliest start) listed as not in the party (${JSON.stringify(reason)}); elected ${partyStates[0]?.defaultBroker?.instanceId}`);
    expect(partyStates.every((s) => s.trust?.mode === 'party')).toBe(true);
    expect(JSON.stringify(partyStates)).not.toContain(CODE);

    // The impostor: an unsigned earliest claim, and h1's signed record replayed, tampered and relabelled.
    const evil = await lan.addNode('evil', [{ segment: 0, host: 66 }]);
    const impostor = startImpostor(lan, evil, evil.ip, victim.instanceId, ATTACK_SECONDS);
    const captured = await pollUntil(
      "the impostor to capture h1's signed record",
      async () => {
        const line = impostor.lines.find((l) => l.startsWith('captured '));
        return line ? line.slice('captured '.length) : { notYet: impostor.errors() || 'not yet' };
      },
      { timeoutMs: 12_000 },
    );
    const attackEnds = Date.now() + ATTACK_SECONDS * 1000;
    let rounds = 0;
    let impostorListed = 0;
    while (Date.now() < attackEnds && rounds < 400) {
      rounds += 1;
      const states = await requireStates(probe, party);
      for (const [i, state] of states.entries()) {
        const label = party[i]?.label ?? '?';
        expect(hijack(state, party), `${label} during the attack`).toBeNull();
        const h1 = findInstance(state, victim.instanceId);
        expect(h1?.address, `${label} moved h1`).toBe(victim.node.ip);
        if (!h1?.self) expect(h1?.party?.member, `${label} lost h1 as a member`).toBe(true);
        const fakes = ['impostor1', 'impostor2'].flatMap((fake) => findInstance(state, fake) ?? []);
        if (fakes.length > 0) impostorListed += 1;
        for (const seen of fakes) expect(seen.party?.member, `${label} lists ${seen.instanceId} as a member`).toBe(false);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await impostor.done;
    expect(impostor.exitCode(), impostor.errors()).toBe(0);
    const summary = JSON.parse(impostor.lines.at(-1) ?? '{}') as { kinds?: string[]; sent?: number };
    console.log(`[lan] party: impostor sent ${summary.sent} packets (${summary.kinds?.join(', ')}); listed (as not in the party) in ${impostorListed} of ${rounds * 3} views`);
    expect(summary.kinds).toEqual(['replay', 'claim', 'tampered', 'relabel']);

    // The page says it: the trust mode, and the outsider marked.
    const browser = await launchChromiumIn(lan, must(party[1], 'h2').node);
    const page = await browser.browser.newPage();
    await page.goto(`${must(party[1], 'h2').url}/`);
    await expect(page.getByTestId('lan-trust')).toHaveText('Party code');
    await expect(page.locator(`[data-testid="lan-instance"][data-instance-id="${outsider.instanceId}"] [data-testid="not-in-party"]`)).toBeVisible();
    await expect(page.locator(`[data-testid="lan-instance"][data-instance-id="${must(expected, 'first').instanceId}"] [data-testid="default-broker"]`)).toBeVisible();
    expect(await page.content()).not.toContain(CODE);

    // A replay later: h1 leaves (goodbye); the impostor takes its address and replays its record from there.
    await victim.stop();
    const rest = party.slice(1);
    await pollUntil(
      'h2 and h3 to drop h1',
      async () => {
        const states = await requireStates(probe, rest);
        return states.every((s) => !findInstance(s, victim.instanceId)) ? true : { notYet: 'h1 still listed' };
      },
      { timeoutMs: 5_000 },
    );
    await lan.ipIn(evil, ['addr', 'add', `${victim.node.ip}/24`, 'dev', 'eth0']);
    const later = startImpostor(lan, evil, victim.node.ip, victim.instanceId, ATTACK_SECONDS, captured.value);
    const laterEnds = Date.now() + ATTACK_SECONDS * 1000;
    rounds = 0;
    while (Date.now() < laterEnds && rounds < 400) {
      rounds += 1;
      for (const [i, state] of (await requireStates(probe, rest)).entries()) {
        const label = rest[i]?.label ?? '?';
        const back = findInstance(state, victim.instanceId);
        expect(back?.party?.member ?? false, `${label} took h1's replayed record as a member`).toBe(false);
        expect(state.defaultBroker?.instanceId, `${label} elected the replayed h1`).not.toBe(victim.instanceId);
        expect(hijack(state, rest), label).toBeNull();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await later.done;
    expect(later.exitCode(), later.errors()).toBe(0);
    console.log(`[lan] party: h1's record replayed from its own address after it left: refused in ${rounds * 2} views`);
    for (const host of hosts) if (host !== victim) expect(host.alive(), `${host.label} crashed:\n${host.output()}`).toBe(true);
  });

  test('without a code, the earliest broker start wins, whoever it is (documented)', async () => {
    test.setTimeout(60_000);
    const session = await suite.open();
    const { probe, hosts } = session;
    const first = await session.addHost('stranger', 9);
    await session.addHosts(2);
    const { value: states } = await pollUntil(
      'the hosts to agree',
      async () => {
        const states = await requireStates(probe, hosts);
        if (states.some((s) => s.instances.length !== 3)) return { notYet: 'not all listed' };
        const agreed = agreement(states);
        return 'problem' in agreed ? { notYet: agreed.problem } : states;
      },
      { timeoutMs: 10_000 },
    );
    for (const state of states) {
      expect(state.defaultBroker?.instanceId).toBe(first.instanceId);
      expect(state.trust).toEqual({ mode: 'open' });
      expect(state.instances.every((i) => i.party === undefined)).toBe(true);
    }
  });
});
