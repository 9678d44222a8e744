/**
 * `npm run bench [-- --quick] [-- --only rtt,connect]`: runs every scenario
 * once, in one process, against baselines measured in the same run. A full
 * run writes bench/RESULTS.md and bench/results/latest.json; --quick writes
 * bench/results/quick.{md,json} (so CI never overwrites the committed table);
 * --only writes bench/results/only.json. All print the table.
 *
 * Each scenario has a time budget; past it, or on failure, its rows say
 * "not run" with the reason and its resources are cleaned up before the next.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lanSkipReason } from '../e2e/lan/harness/environment.js';
import { BenchContext, withTimeout } from './lib/context.js';
import { describeEnd, describeStart, type RunEnvironment } from './lib/env.js';
import { ENGINE_BUNDLE, REPO_ROOT, RESULTS_DIR } from './lib/paths.js';
import { judge, notRunRows, type JudgedRow, type Row } from './lib/results.js';
import { renderTable } from './lib/table.js';
import { agentOverheadScenario } from './scenarios/agent-overhead.js';
import { brokerLoadScenario } from './scenarios/broker-load.js';
import { conditioningScenario } from './scenarios/conditioning.js';
import { connectScenario } from './scenarios/connect.js';
import { dashboardScenario } from './scenarios/dashboard.js';
import { lanScaleScenario } from './scenarios/lan-scale.js';
import { lanStartScenario } from './scenarios/lan-start.js';
import { meshFanOutScenario } from './scenarios/mesh-fanout.js';
import { rttScenario } from './scenarios/rtt.js';
import type { Scenario } from './scenarios/scenario.js';
import { testBenchScenario } from './scenarios/test-bench.js';
import { throughputScenario } from './scenarios/throughput.js';

/** In the order of the table, but host start and discovery share one scenario (the same host starts). */
const SCENARIOS: readonly Scenario[] = [
  lanStartScenario,
  // Issue 14: discovery at party scale.
  lanScaleScenario,
  connectScenario,
  rttScenario,
  throughputScenario,
  meshFanOutScenario,
  brokerLoadScenario,
  dashboardScenario,
  // Issue 11: the game agent.
  agentOverheadScenario,
  conditioningScenario,
  // Issue 12: the test bench.
  testBenchScenario,
];

function parseArgs(argv: string[]): { quick: boolean; only: string[] | null; render: boolean; merge: boolean } {
  let quick = false;
  let render = false;
  let merge = false;
  let only: string[] | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--render') render = true;
    else if (arg === '--merge') merge = true;
    else if (arg === '--full') quick = false;
    else if (arg === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg?.startsWith('--only=')) only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg ?? ''} (use --quick, --full, --only a,b [--merge], --render; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  }
  if (merge && (only === null || quick)) throw new Error('--merge goes with --only, in full mode: it puts those scenarios\' full-run rows into bench/RESULTS.md');
  return { quick, only, render, merge };
}

/** `--render`: rewrites bench/RESULTS.md from results/latest.json (after a change of the table's format; measures nothing). */
function renderOnly(): number {
  const jsonFile = path.join(RESULTS_DIR, 'latest.json');
  const saved = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { environment: RunEnvironment; rows: Row[] };
  const table = renderTable(saved.rows.map(judge), saved.environment, { readme: 'README.md', json: 'results/latest.json' });
  fs.writeFileSync(path.join(REPO_ROOT, 'bench/RESULTS.md'), table);
  process.stdout.write('Rewrote bench/RESULTS.md from bench/results/latest.json.\n');
  return 0;
}

/**
 * `--only a,b --merge` (full mode): the rows of those scenarios replace theirs
 * in results/latest.json and bench/RESULTS.md; every other row, and the run
 * environment above the table, stay those of the last full run. Each merged
 * row's note says when and under what load it was measured, so a table made
 * of two runs says so.
 */
function mergeIntoLatest(rows: readonly JudgedRow[], env: RunEnvironment): string[] {
  const jsonFile = path.join(RESULTS_DIR, 'latest.json');
  const saved = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { environment: RunEnvironment; rows: JudgedRow[] };
  const names = new Set(rows.map((row) => row.scenario));
  const stamp = `measured in a separate run of ${env.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} (load average ${env.loadAverageStart.join(' / ')}, commit ${env.commit})`;
  const fresh = rows.map((row) => ({ ...row, note: row.note ? `${row.note}; ${stamp}` : stamp }));
  const first = saved.rows.findIndex((row) => names.has(row.scenario));
  const kept = saved.rows.filter((row) => !names.has(row.scenario));
  const at = first < 0 ? kept.length : saved.rows.slice(0, first).filter((row) => !names.has(row.scenario)).length;
  const merged = [...kept.slice(0, at), ...fresh, ...kept.slice(at)];
  fs.writeFileSync(jsonFile, `${JSON.stringify({ environment: saved.environment, rows: merged }, null, 2)}\n`);
  const tableFile = path.join(REPO_ROOT, 'bench/RESULTS.md');
  fs.writeFileSync(tableFile, renderTable(merged.map(judge), saved.environment, { readme: 'README.md', json: 'results/latest.json' }));
  return [jsonFile, tableFile];
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

async function runScenario(ctx: BenchContext, scenario: Scenario): Promise<Row[]> {
  const skip = (await scenario.skipReason?.(ctx)) ?? null;
  if (skip !== null) {
    ctx.log(`${scenario.name}: not run (${skip})`);
    return notRunRows(scenario.name, scenario.plan(ctx), skip);
  }
  const budget = scenario.budgetMs(ctx.quick);
  const mark = ctx.mark;
  const started = Date.now();
  ctx.log(`${scenario.name}: running (budget ${Math.round(budget / 1000)} s)`);
  try {
    const rows = await withTimeout(scenario.run(ctx), budget, scenario.name);
    ctx.log(`${scenario.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return rows;
  } catch (error) {
    ctx.log(`${scenario.name}: FAILED after ${((Date.now() - started) / 1000).toFixed(1)} s: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return notRunRows(scenario.name, scenario.plan(ctx), `failed: ${message(error)}`);
  } finally {
    await ctx.unwind(mark);
  }
}

async function main(): Promise<number> {
  const { quick, only, render, merge } = parseArgs(process.argv.slice(2));
  if (render) return renderOnly();
  if (!fs.existsSync(ENGINE_BUNDLE)) {
    process.stderr.write(`${path.relative(REPO_ROOT, ENGINE_BUNDLE)} is missing: run \`npm run build\` first.\n`);
    return 1;
  }
  const selected = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  if (only && selected.length !== only.length) throw new Error(`unknown scenario in --only ${only.join(',')}`);
  const start = describeStart(quick ? 'quick' : 'full');
  const ctx = new BenchContext(quick, lanSkipReason());
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    ctx.log(`${signal}: cleaning up`);
    void ctx.close().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Piped into `head`: a closed stdout must not kill the run before its cleanup.
  process.stdout.on('error', () => undefined);
  const rows: Row[] = [];
  try {
    for (const scenario of selected) rows.push(...(await runScenario(ctx, scenario)));
  } finally {
    await ctx.close();
  }
  const env = describeEnd(start);
  const judged = rows.map(judge);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify({ environment: env, rows: judged }, null, 2)}\n`;
  // The committed table comes from a full run; quick runs (CI) and partial runs never overwrite it.
  const [jsonFile, tableFile] = only
    ? [path.join(RESULTS_DIR, 'only.json'), null]
    : quick
      ? [path.join(RESULTS_DIR, 'quick.json'), path.join(RESULTS_DIR, 'quick.md')]
      : [path.join(RESULTS_DIR, 'latest.json'), path.join(REPO_ROOT, 'bench/RESULTS.md')];
  const tableDir = path.dirname(tableFile ?? jsonFile);
  const table = renderTable(judged, env, {
    readme: path.relative(tableDir, path.join(REPO_ROOT, 'bench/README.md')),
    json: path.relative(tableDir, jsonFile),
  });
  fs.writeFileSync(jsonFile, json);
  if (tableFile) fs.writeFileSync(tableFile, table);
  const written = [jsonFile, tableFile, ...(merge ? mergeIntoLatest(judged, env) : [])].filter((f): f is string => f !== null);
  process.stdout.write(`\n${table}\nWrote ${written.map((f) => path.relative(REPO_ROOT, f)).join(' and ')} (${env.durationS} s).\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
