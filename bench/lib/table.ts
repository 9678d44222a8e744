/** bench/RESULTS.md: the judged rows as one Markdown table, with the run's conditions above it. */
import type { RunEnvironment } from './env.js';
import type { JudgedRow } from './results.js';

function num(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = unit === 'ms' && abs < 10 ? 3 : abs >= 1000 ? 0 : abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratioText(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)}x`;
}

function metText(row: JudgedRow): string {
  if (row.notRun !== undefined) return 'not run';
  if (row.met === null) return row.target.kind === 'judged' || row.target.kind === 'none' ? '—' : '?';
  return row.met ? 'met' : '**missed**';
}

/** Pipes and newlines would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** `links`: where README.md and the JSON are, relative to the table's own file. */
export function renderTable(rows: readonly JudgedRow[], env: RunEnvironment, links: { readme: string; json: string }): string {
  const lines: string[] = [];
  lines.push('# Benchmark results');
  lines.push('');
  lines.push(`Written by \`npm run bench\` (see [README.md](${links.readme}) for the method, the scenarios, what limits each figure and the coalescing proposal). Raw JSON: [${links.json}](${links.json}).`);
  lines.push('');
  lines.push(
    `Run of ${env.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, **${env.mode} mode**, ${env.durationS} s, on ${env.cores} × ${env.cpus} (${env.memoryGiB} GiB), ` +
      `load average ${env.loadAverageStart.join(' / ')} at start and ${env.loadAverageEnd.join(' / ')} at the end (the cores are shared with other agents' test suites: ` +
      `absolute figures are noisy; the ratios compare kinds measured in the same run, interleaved). ${env.node}, ${env.chromium}, commit ${env.commit}${env.root ? ', as root' : ''}.`,
  );
  lines.push('');
  lines.push('"Ours" is the LAN Party engine (standalone bundle) or host; "raw" a bare RTCDataChannel negotiated through the same broker (the floor); "stock" PeerJS 1.5.5 with GDevelop\'s settings (`binary`, `reliable: false`, `{eventName, data}`). Ratios are ours ÷ baseline.');
  lines.push('');
  lines.push('| Scenario | Metric | Ours | Raw | Stock PeerJS | Ours/raw | Ours/stock | Target | Met | Where | Samples | Notes |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const metric = row.unit ? `${row.metric} (${row.unit})` : row.metric;
    const note = row.notRun !== undefined ? `not run: ${row.notRun}` : (row.note ?? '');
    lines.push(
      `| ${cell(row.scenario)} | ${cell(metric)} | ${num(row.ours, row.unit)} | ${num(row.raw, row.unit)} | ${num(row.stock, row.unit)} | ${ratioText(row.vsRaw)} | ${ratioText(row.vsStock)} | ${cell(row.targetText)} | ${metText(row)} | ${row.where} | ${cell(row.samples)} | ${cell(note)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
