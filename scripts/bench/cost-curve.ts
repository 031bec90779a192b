/**
 * The cost bench's results and how they are read: the shape of bench/results/cost.json, which
 * points of a dimension an operation's growth is read between (a page only where it is equally
 * full), and the curve printed at the end of `npm run bench:cost` and in the README's table.
 * Pure, so the README generator and the tests use it without the bench's settings or network.
 */
import type { CpuSample } from './cpu';

/** The dimensions this bench varies. */
export const DIMENSIONS = ['rounds', 'feeds', 'members'] as const;
/** One dimension of state. */
export type Dimension = (typeof DIMENSIONS)[number];

/** One operation's figures at one size. */
export interface OpCost {
  /** Operations completed per second at the fixed number in flight. */
  throughput: number;
  /** Median latency (ms). */
  p50Ms: number;
  /** 99th percentile latency (ms). */
  p99Ms: number;
  /** Operations that completed. */
  completed: number;
  /** Operations that failed. */
  failed: number;
  /** The first failure's message, when there was one. */
  firstError?: string;
  /** CPU ms per operation by component (client, peers, orderers, chaincode, cas+kms, total). */
  cpuMsPerOp: CpuSample;
}

/** One size of one dimension: the state measured in and each operation's cost. */
export interface CostPoint {
  /** The dimension's size at this point (rounds, feeds or members' worth). */
  size: number;
  /** What the ledger held when the operations were measured. */
  state: Record<string, number>;
  /** Seconds the seeding up to this size took. */
  seedSeconds: number;
  ops: Record<string, OpCost>;
}

/** All sizes of one dimension. */
export interface CostDimension {
  /** Which state grows. */
  dimension: Dimension;
  /** What grows and how it was seeded, in words. */
  description: string;
  /** When it was measured (ISO 8601). */
  measuredAt: string;
  /** One point per size, smallest first. */
  points: CostPoint[];
}

/** bench/results/cost.json. */
export interface CostReport {
  /** The run's id (its start time). */
  runId: string;
  /** The machine it ran on. */
  machine: Record<string, unknown>;
  /** Sizes, durations and concurrency. */
  settings: Record<string, string | number>;
  /** The dimensions measured. */
  dimensions: CostDimension[];
}

const fmt = (n: number | undefined, d = 1): string =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(d);

/**
 * The records on the page a `page …` operation reads at a point (a `: middle` page's own count
 * where it was recorded, else the first page's), or `undefined` for an operation that reads none.
 *
 * @param point - a point of a dimension
 * @param op - the operation's name
 */
export function pageRecords(point: CostPoint, op: string): number | undefined {
  if (!op.startsWith('page ')) return undefined;
  const middle = op.endsWith(': middle') ? point.state.middlePageRecords : undefined;
  return middle ?? point.state.recordsPerPage;
}

/**
 * The points between which an operation's growth is read: every point that measured it, except
 * that a page is compared only between points where it holds as many records as at its fullest (a
 * page of the one round a 1-round ledger holds is not the work of a page of a hundred), when two
 * or more points have such a page.
 *
 * @param d - the dimension
 * @param op - the operation's name
 * @returns the points, in order of size
 */
export function comparablePoints(d: CostDimension, op: string): CostPoint[] {
  const withOp = d.points.filter((p) => p.ops[op] !== undefined);
  const counts = withOp.map((p) => pageRecords(p, op));
  if (counts.some((n) => n === undefined)) return withOp;
  const fullest = Math.max(...counts.map((n) => n ?? 0));
  const full = withOp.filter((p) => pageRecords(p, op) === fullest);
  return full.length >= 2 ? full : withOp;
}

/**
 * An operation's CPU growth across a dimension, over {@link comparablePoints}: `x1.02`, with the
 * page size and the first size when a page is compared from a later size than the dimension's
 * first; `undefined` when fewer than two points measured it.
 *
 * @param d - the dimension
 * @param op - the operation's name
 */
export function cpuGrowth(
  d: CostDimension,
  op: string,
): { from: number; to: number; note?: string } | undefined {
  const points = comparablePoints(d, op);
  const first = points[0];
  const last = points[points.length - 1];
  const from = first?.ops[op]?.cpuMsPerOp.total;
  const to = last?.ops[op]?.cpuMsPerOp.total;
  if (first === undefined || first === last || from === undefined || to === undefined) {
    return undefined;
  }
  const note =
    first === d.points[0]
      ? undefined
      : `pages of ${String(pageRecords(first, op))} records, from size ${String(first.size)}`;
  return { from, to, ...(note === undefined ? {} : { note }) };
}

/**
 * The curve of one dimension as text: per operation, CPU and latency at each size, and growth.
 *
 * @param d - the dimension's points
 * @returns the printable table
 */
export function curveText(d: CostDimension): string {
  const lines = [`${d.dimension}: ${d.description}`];
  const header = [
    'operation'.padEnd(32),
    ...d.points.map((p) => `size ${String(p.size)}`.padStart(30)),
  ];
  lines.push(header.join(' ') + '   growth (CPU)');
  const names = [...new Set(d.points.flatMap((p) => Object.keys(p.ops)))];
  for (const name of names) {
    const cells = d.points.map((p) => {
      const o = p.ops[name];
      if (o === undefined) return '-'.padStart(30);
      return `${fmt(o.cpuMsPerOp.total, 2)} ms CPU, p50 ${fmt(o.p50Ms, 0)} ms`.padStart(30);
    });
    const g = cpuGrowth(d, name);
    const growth =
      g === undefined || g.from <= 0
        ? '-'
        : `x${(g.to / g.from).toFixed(2)}${g.note === undefined ? '' : ` (${g.note})`}`;
    lines.push([name.padEnd(32), ...cells].join(' ') + `   ${growth}`);
  }
  for (const p of d.points) {
    const state = Object.entries(p.state)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ');
    lines.push(`  size ${String(p.size)}: ${state}; seeded in ${p.seedSeconds.toFixed(0)} s`);
  }
  return lines.join('\n');
}
