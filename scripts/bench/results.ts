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
  /**
   * An open-loop run for latency, offering 75% of `latencyBasis`'s throughput (of the knee's, in
   * runs before that was measured).
   */
  latency?: RunResult;
  /**
   * The steady run at the knee's concurrency just before the latency run: what the workload
   * sustained then (open-loop workloads, runs from 2026-12-04 on).
   */
  latencyBasis?: RunResult;
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
  /** Logical CPUs. */
  cpus: number;
  /** The CPU model. */
  model: string;
  /** Memory, GiB. */
  memoryGiB: number;
  /** Node.js version of the bench's client. */
  node: string;
  /** Operating system and kernel. */
  os?: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverageAtStart?: number[];
  /** The same when it ended. */
  loadAverageAtEnd?: number[];
}

/** The whole benchmark run. */
export interface BenchReport {
  /** When the run started (ISO 8601). */
  startedAt: string;
  /** When it ended. */
  finishedAt?: string;
  /** The machine it ran on. */
  machine: MachineInfo;
  /** Versions of Fabric, the client packages and the repository commit. */
  versions?: Record<string, string>;
  /** The network's and the bench's settings. */
  settings: Record<string, string | number>;
  /** Every workload's figures. */
  workloads: WorkloadResult[];
  /** Issue 16's targets, evaluated once (targets.ts); every output reads these. */
  targets?: TargetResult[];
  /** How far repeated measurements moved, and whether that makes the run noisy. */
  noise?: NoiseReport;
  /** Hyperledger Caliper's figures on the same network, when its run took place. */
  caliper?: unknown;
  /** Further figures (network start timings and the like). */
  extra: Record<string, unknown>;
}
