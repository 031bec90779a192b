/**
 * The shape of bench/results/results.json: one run's workloads, targets, noise verdict, machine,
 * versions and settings. Its own file so the writers (report.ts, charts.ts, readme.ts) share it
 * without importing one another.
 */
import type { RunResult } from './load';
import type { MeasuredWorkload, TargetResult } from './targets';

/** One workload's headline figures. */
export interface WorkloadResult extends MeasuredWorkload {
  name: string;
  /** What the workload does, for the table. */
  description: string;
  /** The run at the knee (highest throughput). */
  knee: RunResult;
  /** An open-loop run offering 75% of the knee's throughput, for latency. */
  latency?: RunResult;
  /** Every run of the knee search (and of the head-to-head series). */
  runs: RunResult[];
}

/** How steady the machine was: the spread of repeated measurements against a threshold. */
export interface NoiseReport {
  /** Spread ((max − min) / mean) above which a measurement is called noisy. */
  threshold: number;
  /** The largest spread seen (knee windows, head-to-head baselines). */
  maxSpread: number;
  /** Some measurement's spread exceeded the threshold. */
  noisy: boolean;
  /** What was noisy, with its spread. */
  noisyParts: { part: string; spread: number }[];
}

/** The machine a run was on. */
export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  os?: string;
  loadAverageAtStart?: number[];
  loadAverageAtEnd?: number[];
}

/** The whole benchmark run. */
export interface BenchReport {
  startedAt: string;
  finishedAt?: string;
  machine: MachineInfo;
  versions?: Record<string, string>;
  settings: Record<string, string | number>;
  workloads: WorkloadResult[];
  /** Issue 16's targets, evaluated once (targets.ts); every output reads these. */
  targets?: TargetResult[];
  noise?: NoiseReport;
  /** Hyperledger Caliper's figures on the same network, when its run took place. */
  caliper?: unknown;
  extra: Record<string, unknown>;
}
