import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { useColorScheme } from '../components/use-color-scheme';
import type { RttSeries } from '../model/rtt-history';

const WIDTH = 132;
const HEIGHT = 34;
const WINDOW_S = 60;

interface Props {
  series: RttSeries;
  /** Accessible summary ("RTT over the last minute: 2 to 5 ms"). */
  label: string;
}

/** A sparkline of the last minute of RTT (uPlot on a canvas: cheap to redraw every second). */
export function RttChart({ series, label }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const scheme = useColorScheme();

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const style = getComputedStyle(el);
    const line = style.getPropertyValue('--chart-line').trim() || '#6366f1';
    const fill = style.getPropertyValue('--chart-fill').trim() || 'rgba(99,102,241,0.15)';
    const chart = new uPlot(
      {
        width: WIDTH,
        height: HEIGHT,
        pxAlign: 1,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        padding: [3, 1, 1, 1],
        axes: [{ show: false }, { show: false }],
        scales: {
          x: { time: false, range: (_u, _min, max) => [max - WINDOW_S, max] },
          y: { range: (_u, _min, max) => [0, Math.max(4, (max ?? 0) * 1.25)] },
        },
        series: [{}, { stroke: line, fill, width: 1.5, spanGaps: false, points: { show: false } }],
      },
      [[], []],
      el,
    );
    plot.current = chart;
    return () => {
      chart.destroy();
      plot.current = null;
    };
  }, [scheme]);

  useEffect(() => {
    plot.current?.setData([series.times, series.rtts]);
  }, [series, scheme]);

  return <div ref={container} className="rtt-chart" role="img" aria-label={label} />;
}
