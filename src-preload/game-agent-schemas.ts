/**
 * Runtime schemas of the game agent's protocol (game-agent-protocol.ts) and of
 * the network conditions (network-conditions.ts), built from their limits: the
 * host validates every agent message with them, and the contract
 * (contract.ts) validates the conditioning and recording inputs of control
 * dashboards with them. Kept apart from the protocol file because the agent
 * bundle must not carry zod.
 *
 * Runtimes: host and contract (so the preload and the dashboard too). Imports
 * zod and the two protocol files only.
 */
import { z } from 'zod';
import { AGENT_LIMITS, BENCH_LIMITS, type AgentMessage } from './game-agent-protocol.js';
import { checkConditions, NETWORK_LIMITS, NETWORK_PRESETS, type DirectedConditions, type NetworkConditions, type NetworkPresetId } from './network-conditions.js';

/** A count the agent keeps since its page loaded: a whole number a page can reach. */
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Label = z.string().max(AGENT_LIMITS.maxLabelChars);

export const AgentInstanceIdSchema = z.string().regex(AGENT_LIMITS.instanceIdPattern, 'an instance id is 16 lowercase hex characters');

const TrafficCountSchema = z.object({ messages: Count, bytes: Count }).strict();

const LinkReportSchema = z
  .object({
    id: Label.min(1),
    peer: Label.nullable(),
    label: Label,
    state: z.enum(['connecting', 'open', 'closing', 'closed']),
    reliable: z.boolean(),
    rttMs: z.number().min(0).max(600_000).nullable(),
    candidate: z.enum(['host', 'mdns', 'srflx', 'prflx', 'relay']).nullable(),
    sent: TrafficCountSchema,
    received: TrafficCountSchema,
  })
  .strict();

const EventReportSchema = z
  .object({
    t: z.number().min(0).max(Number.MAX_SAFE_INTEGER),
    link: Label,
    dir: z.enum(['in', 'out']),
    name: z.string().max(AGENT_LIMITS.maxEventNameChars),
    size: Count,
    data: z.string().max(AGENT_LIMITS.maxEventDataChars),
  })
  .strict();

const EventNameReportSchema = z
  .object({
    name: z.string().max(AGENT_LIMITS.maxEventNameChars),
    in: Count,
    out: Count,
    backlog: Count.nullable(),
  })
  .strict();

/** One instance of a bench: the bench (random per bench page load) and the instance's 1-based index in it. */
const BenchSlotShape = {
  id: z.string().regex(BENCH_LIMITS.benchIdPattern, 'a bench id is 8 lowercase hex characters'),
  instance: z.number().int().min(1, 'a bench index is 1 or more').max(BENCH_LIMITS.maxCount, `a bench index is at most ${BENCH_LIMITS.maxCount}`),
};

export const AgentMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hello'),
      instance: AgentInstanceIdSchema,
      page: z.string().max(2048),
      bench: z
        .object({
          ...BenchSlotShape,
          count: z.number().int().min(1).max(BENCH_LIMITS.maxCount),
        })
        .strict()
        .refine((bench) => bench.instance <= bench.count, { message: 'a bench instance is at most the count' })
        .nullable(),
    })
    .strict(),
  z
    .object({
      type: z.literal('report'),
      links: z.array(LinkReportSchema).max(AGENT_LIMITS.maxLinksPerInstance),
      events: z.array(EventReportSchema).max(AGENT_LIMITS.maxEventsPerReport),
      // The agent folds names past the limit into `(other)`: one more entry.
      names: z.array(EventNameReportSchema).max(AGENT_LIMITS.maxEventNamesPerInstance + 1),
      droppedEvents: Count,
      peerId: Label.nullable(),
    })
    .strict(),
]);

/** Fails to compile when the schema lets through something the protocol type does not allow. */
type Assignable<T, U extends T> = U;
export type AgentMessageSchemaCheck = Assignable<AgentMessage, z.output<typeof AgentMessageSchema>>;

// ---------------------------------------------------------------------------
// Conditions (contract inputs)
// ---------------------------------------------------------------------------

export const NetworkConditionsSchema = z
  .object({
    latencyMs: z.number(),
    jitterMs: z.number(),
    lossPct: z.number(),
    bandwidthKbps: z.number().nullable(),
  })
  .strict()
  .superRefine((value, ctx) => {
    // One source of the limits and their wording: checkConditions.
    const problem = checkConditions(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const DirectedConditionsSchema = z.object({ up: NetworkConditionsSchema, down: NetworkConditionsSchema, cut: z.boolean() }).strict();

export const NetworkPresetIdSchema = z.enum(NETWORK_PRESETS.map((preset) => preset.id) as [NetworkPresetId, ...NetworkPresetId[]], {
  error: `a preset is one of ${NETWORK_PRESETS.map((preset) => preset.id).join(', ')}`,
});

export const LagSpikeSchema = z
  .object({
    ms: z.number().int('a spike is a whole number of ms').min(1, 'a spike adds at least 1 ms').max(NETWORK_LIMITS.maxSpikeMs, `a spike adds at most ${NETWORK_LIMITS.maxSpikeMs} ms`),
    forMs: z
      .number()
      .int('a spike lasts a whole number of ms')
      .min(1, 'a spike lasts at least 1 ms')
      .max(NETWORK_LIMITS.maxSpikeForMs, `a spike lasts at most ${NETWORK_LIMITS.maxSpikeForMs} ms`),
  })
  .strict();

/**
 * Who gets the setting: a link of an instance > an instance > every instance of
 * a game > every instance (nothing named). What to set: conditions, a preset
 * (both directions) or a lag spike. A bench slot (`bench` with its `gameId`)
 * is an instance too: the page playing it now, if any, and every later page
 * that plays it (a reload or a rejoin); the host remembers it (the bench page
 * keeps no copy).
 */
export const SetNetworkConditionsSchema = z
  .object({
    gameId: z.string().regex(/^[0-9a-f]{8}$/, 'unknown game id').optional(),
    instance: AgentInstanceIdSchema.optional(),
    bench: z.object(BenchSlotShape).strict().optional(),
    link: Label.min(1).optional(),
    conditions: DirectedConditionsSchema.optional(),
    preset: NetworkPresetIdSchema.optional(),
    spike: LagSpikeSchema.optional(),
  })
  .strict()
  .refine((input) => input.conditions !== undefined || input.preset !== undefined || input.spike !== undefined, {
    message: 'give conditions, a preset or a spike',
  })
  .refine((input) => input.conditions === undefined || input.preset === undefined, { message: 'give conditions or a preset, not both' })
  .refine((input) => input.link === undefined || input.instance !== undefined, { message: 'a link is named with its instance' })
  .refine((input) => input.bench === undefined || (input.gameId !== undefined && input.instance === undefined), {
    message: 'a bench slot is named with its game, and without an instance',
  });
export type SetNetworkConditionsInput = z.output<typeof SetNetworkConditionsSchema>;

/** A page of the recorded trace: whole lines from `fromLine`, at most RECORDING_PAGE_MAX_BYTES. */
export const GetRecordingSchema = z.object({ fromLine: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict();

// Compile-time: the schemas produce the protocol's own types.
export type NetworkConditionsSchemaCheck = Assignable<NetworkConditions, z.output<typeof NetworkConditionsSchema>>;
export type DirectedConditionsSchemaCheck = Assignable<DirectedConditions, z.output<typeof DirectedConditionsSchema>>;
