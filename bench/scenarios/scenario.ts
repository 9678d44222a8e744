/** The shape of a benchmark scenario. */
import type { BenchContext } from '../lib/context.js';
import type { Row, Target, Where } from '../lib/results.js';

export interface PlannedRow {
  /** The table's scenario name when it differs from the scenario's (one scenario, several tables rows). */
  scenario?: string;
  metric: string;
  unit: string;
  target: Target;
  where: Where;
}

export interface Scenario {
  name: string;
  /** The rows it reports, for the "not run" / "failed" case. */
  plan(ctx: BenchContext): PlannedRow[];
  /** Hard limit for the whole scenario (it is abandoned and cleaned up past it). */
  budgetMs(quick: boolean): number;
  /** Null when it can run here, else why not (printed in its rows). */
  skipReason?(ctx: BenchContext): Promise<string | null> | string | null;
  run(ctx: BenchContext): Promise<Row[]>;
}
