/**
 * Flags of `lan-party host`, parsed with Node's own `util.parseArgs` (strict)
 * and validated with the contract's schemas, so a bad flag gets the same
 * message the UI would show.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  BrokerKeySchema,
  BrokerPathSchema,
  ControlTokenSchema,
  DisplayNameSchema,
  InstanceIdSchema,
  PartyCodeSchema,
  describeIssues,
  type Settings,
  type SettingsPatch,
} from '../../src-preload/contract.js';
import { BENCH_LIMITS } from '../../src-preload/game-agent-protocol.js';
import { NETWORK_PRESETS, parseNetworkSpec, type NetworkConditions } from '../../src-preload/network-conditions.js';
import { applyPatch, defaultSettings } from '../host/settings.js';

export const USAGE = `Usage: lan-party host [options]

Runs a LAN Party host without a window: the PeerJS broker, LAN discovery,
and the LAN Party page for browsers, all on one port.

Options:
  --port N            preferred port (default 9000; the next free one if taken; 0 = any)
  --host ADDR         address to bind (default 0.0.0.0, every IPv4 interface)
  --name NAME         display name on the LAN (default: the OS user name)
  --interface NAME    network interface for discovery (repeatable; default: all)
  --no-discovery      do not advertise or browse the LAN over mDNS
  --no-broker         start with the embedded broker stopped
  --broker-path PATH  broker path (default /)
  --broker-key KEY    broker key (default peerjs)
  --token TOKEN       control token for other machines (default: random, printed)
  --party-code CODE   party code typed on every machine of the party: only an
                      instance that proves it can be the default broker
                      (visible to this machine's users in its process list)
  --pin-broker ID     use only this instance's broker (its instance id)
  --game PATH         host a web game (folder with an index.html, or a .zip; repeatable)
  --bench N           a test bench of the (first) --game with N players
                      (2 to 16): prints its URL, to open in a browser on this machine
  --original-gdevelop-runtime
                      GDevelop games keep their own P2P runtime (default: LAN Party's engine)
  --settings FILE     keep settings changed from the page in FILE across restarts
                      (flags given here win over the file)
  --network SPEC      play every instance of the hosted games under these conditions
                      (each instance's uplink): a preset (${NETWORK_PRESETS.map((preset) => preset.id).join(', ')})
                      or latency=MS,jitter=MS,loss=PCT[,bandwidth=KBPS]
  --record FILE       write a JSONL trace of every instance's events to FILE
                      (complete when the host stops)
  -h, --help          show this help

Other commands:
  lan-party --help    show this help`;

export class UsageError extends Error {}

export interface HostCommand {
  settings: Settings;
  bindHost: string | undefined;
  token: string | undefined;
  startBroker: boolean;
  /** Game folders or .zip files to host from the start. */
  games: string[];
  /** Runtime of those games' GDevelop P2P events; undefined: LAN Party's engine. */
  gdevelopRuntime?: 'original';
  /** Settings file, when persistence was asked for. */
  settingsFile: string | undefined;
  /** Flags given explicitly, applied over the settings file. */
  overrides: SettingsPatch;
  /** `--network`: every game instance's uplink conditions; null when not given. */
  network: NetworkConditions | null;
  /** `--record`: the trace file; undefined when not given. */
  recordFile: string | undefined;
  /** `--bench`: players of the first game's test bench (its URL is printed); null when not given. */
  bench: number | null;
}

const PortFlag = z.coerce.number().int('the port is a whole number').min(0).max(65535, 'the port is at most 65535');
const HostFlag = z.string().regex(/^[0-9a-fA-F.:]+$/, 'the bind address is an IP address');
const GameFlag = z.string().min(1, 'give the game folder or .zip').max(4096, 'the path is too long');
const RecordFlag = z.string().min(1, 'give the trace file').max(4096, 'the path is too long');
const BenchFlag = z.coerce
  .number()
  .int('the player count is a whole number')
  .min(BENCH_LIMITS.minCount, `a test bench has ${BENCH_LIMITS.minCount} to ${BENCH_LIMITS.maxCount} players`)
  .max(BENCH_LIMITS.maxCount, `a test bench has ${BENCH_LIMITS.minCount} to ${BENCH_LIMITS.maxCount} players`);
const InterfaceFlag = z.string().regex(/^[A-Za-z0-9_.:@-]{1,64}$/, 'an interface name is 1 to 64 plain characters');

function flag<T>(schema: z.ZodType<T>, name: string, value: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${name}: ${describeIssues(parsed.error).replace(/^input: /, '')}`);
  return parsed.data;
}

/** Parses `host` arguments; throws UsageError on anything unexpected. Returns null for --help. */
export function parseHostArgs(args: string[]): HostCommand | null {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        name: { type: 'string' },
        interface: { type: 'string', multiple: true },
        'no-discovery': { type: 'boolean' },
        'no-broker': { type: 'boolean' },
        'broker-path': { type: 'string' },
        'broker-key': { type: 'string' },
        token: { type: 'string' },
        'party-code': { type: 'string' },
        'pin-broker': { type: 'string' },
        game: { type: 'string', multiple: true },
        'original-gdevelop-runtime': { type: 'boolean' },
        settings: { type: 'string' },
        network: { type: 'string' },
        record: { type: 'string' },
        bench: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return null;
  const overrides: SettingsPatch = {};
  const broker: NonNullable<SettingsPatch['broker']> = {};
  if (values.port !== undefined) broker.port = flag(PortFlag, 'port', values.port);
  if (values['broker-path'] !== undefined) broker.path = flag(BrokerPathSchema, 'broker-path', values['broker-path']);
  if (values['broker-key'] !== undefined) broker.key = flag(BrokerKeySchema, 'broker-key', values['broker-key']);
  if (Object.keys(broker).length > 0) overrides.broker = broker;
  if (values.name !== undefined) overrides.displayName = flag(DisplayNameSchema, 'name', values.name);
  if (values.interface !== undefined) overrides.interfaces = values.interface.map((name) => flag(InterfaceFlag, 'interface', name));
  if (values['no-discovery']) overrides.discovery = false;
  if (values['party-code'] !== undefined) overrides.partyCode = flag(PartyCodeSchema, 'party-code', values['party-code']);
  if (values['pin-broker'] !== undefined) overrides.pinnedBroker = flag(InstanceIdSchema, 'pin-broker', values['pin-broker']);
  const settings = applyPatch(defaultSettings(), overrides);
  let network: NetworkConditions | null = null;
  if (values.network !== undefined) {
    try {
      network = parseNetworkSpec(values.network);
    } catch (error) {
      throw new UsageError(`--network: ${(error as Error).message}`);
    }
  }
  const bench = values.bench === undefined ? null : flag(BenchFlag, 'bench', values.bench);
  if (bench !== null && (values.game ?? []).length === 0) throw new UsageError('--bench: give the game to test with --game');
  return {
    settings,
    bindHost: values.host === undefined ? undefined : flag(HostFlag, 'host', values.host),
    token: values.token === undefined ? undefined : flag(ControlTokenSchema, 'token', values.token),
    startBroker: !values['no-broker'],
    games: (values.game ?? []).map((game) => flag(GameFlag, 'game', game)),
    gdevelopRuntime: values['original-gdevelop-runtime'] ? 'original' : undefined,
    settingsFile: values.settings === undefined ? undefined : flag(GameFlag, 'settings', values.settings),
    overrides,
    network,
    recordFile: values.record === undefined ? undefined : flag(RecordFlag, 'record', values.record),
    bench,
  };
}
