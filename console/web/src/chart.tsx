/**
 * A feed's round history as a line chart (uPlot: small, fast, made for time series). The element
 * carries the round ids it plots in `data-rounds`, so a test reads what the chart was given.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** One plotted point. */
export interface Point {
  /** The round id. */
  readonly roundId: string;
  /** When the round was observed (its observations timestamp), Unix seconds. */
  readonly time: number;
  /** The answer in its decimals, as a float for plotting only. */
  readonly value: number;
}

/** The chart of a feed's rounds. */
export function RoundChart({ points, label }: { points: readonly Point[]; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = el.current;
    if (target === null || points.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.max(320, target.clientWidth || 720),
        height: 280,
        scales: { x: { time: true } },
        axes: [
          {},
          {
            size: 90,
            // Enough significant digits that neighbouring ticks never read alike.
            values: (_u, splits) => splits.map((v) => String(Number(v.toPrecision(8)))),
          },
        ],
        series: [{}, { label, stroke: '#1565c0', width: 2, points: { show: true, size: 6 } }],
      },
      [points.map((p) => p.time), points.map((p) => p.value)],
      target,
    );
    return () => {
      plot.destroy();
    };
  }, [points, label]);
  return (
    <div
      ref={el}
      data-testid="round-chart"
      data-rounds={points.map((p) => p.roundId).join(',')}
      aria-label={`${label}: ${points.length} rounds`}
    />
  );
}
