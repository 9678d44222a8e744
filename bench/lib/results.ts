/**
 * What a scenario reports: rows of one metric each, with our figure, each
 * baseline's figure from the same run, and the target. `met` is computed here,
 * once, from the target's kind, so the JSON and the table never disagree.
 */
import { ratio } from './stats.js';

export type Baseline = 'raw' | 'stock';

export type Where = 'loopback' | 'simulated LAN' | 'loopback (host process)' | 'Chromium page';

export type Target =
  /** ours / baseline at most `max` (lower is better: times). */
  | { kind: 'ratioMax'; vs: Baseline; max: number }
  /** ours / baseline at least `min` (higher is better: rates). */
  | { kind: 'ratioMin'; vs: Baseline; min: number }
  /** ours at most `max`, in the row's unit. */
  | { kind: 'absMax'; max: number }
  /** A target judged by the scenario (e.g. growth, "all join"), with its text. */
  | { kind: 'judged'; text: string; met: boolean | null }
  | { kind: 'none' };

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  ours: number | null;
  raw: number | null;
  stock: number | null;
  target: Target;
  where: Where;
  /** Samples behind the figure (e.g. 2,000 round trips), or a short description. */
  samples: string;
  note?: string;
  /** Set when the row could not be measured: the reason. */
  notRun?: string;
}

export interface JudgedRow extends Row {
  vsRaw: number | null;
  vsStock: number | null;
  met: boolean | null;
  targetText: string;
}

export function targetText(target: Target, unit: string): string {
  switch (target.kind) {
    case 'ratioMax':
      return `≤ ${target.max}x ${target.vs === 'raw' ? 'raw' : 'stock'}`;
    case 'ratioMin':
      return `≥ ${target.min}x ${target.vs === 'raw' ? 'raw' : 'stock'}`;
    case 'absMax':
      return `< ${target.max} ${unit}`;
    case 'judged':
      return target.text;
    case 'none':
      return '';
  }
}

export function judge(row: Row): JudgedRow {
  const vsRaw = ratio(row.ours, row.raw);
  const vsStock = ratio(row.ours, row.stock);
  let met: boolean | null = null;
  const t = row.target;
  if (row.notRun === undefined) {
    if (t.kind === 'ratioMax' || t.kind === 'ratioMin') {
      const r = t.vs === 'raw' ? vsRaw : vsStock;
      met = r === null ? null : t.kind === 'ratioMax' ? r <= t.max : r >= t.min;
    } else if (t.kind === 'absMax') {
      met = row.ours === null ? null : row.ours < t.max;
    } else if (t.kind === 'judged') {
      met = t.met;
    }
  }
  return { ...row, vsRaw, vsStock, met, targetText: targetText(t, row.unit) };
}

/** Rows saying a whole scenario did not run, and why. */
export function notRunRows(scenario: string, metrics: ReadonlyArray<{ scenario?: string; metric: string; unit: string; target: Target; where: Where }>, reason: string): Row[] {
  return metrics.map((m) => ({ ...m, scenario: m.scenario ?? scenario, ours: null, raw: null, stock: null, samples: '0', notRun: reason }));
}

/** A row's figure columns from one measure taken of each kind: ours is the engine's, then the two baselines'. */
export function columns(of: (kind: 'engine' | Baseline) => number | null): Pick<Row, 'ours' | Baseline> {
  return { ours: of('engine'), raw: of('raw'), stock: of('stock') };
}
