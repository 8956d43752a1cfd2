/**
 * The jobs' throughput, measured from the last run reports of a lake home: rows read per second of run time, per
 * DPU. A DPU is 4 vCPUs; the local Spark runs on the machine's cores, so a local figure is scaled by 4 / cores.
 * Only runs of at least MIN_MEASURED_ROWS rows count: a small run is mostly the fixed cost of a run (planning,
 * commits), which the estimate counts on its own. A job with no such run keeps the documented default
 * (THROUGHPUT_DEFAULT).
 */
import { availableParallelism } from 'node:os';
import { curatedTables } from '../contracts';
import type { RunReport } from '../contracts/run-report';
import { readRunReports } from '../local/runner';
import { JOBS, MIN_MEASURED_ROWS, THROUGHPUT_DEFAULT } from './estimate';
import type { JobName, Throughput } from './estimate';

/** Reports measured per job: its newest ones. */
export const MEASURED_RUNS = 5;

const VCPUS_PER_DPU = 4;

/** The reports that say something about speed: succeeded runs that read many rows, newest last. */
function timed(reports: readonly RunReport[]): RunReport[] {
  return reports.filter(
    (r) => r.status === 'succeeded' && r.input_rows >= MIN_MEASURED_ROWS && r.duration_ms > 0,
  );
}

/** Pure: reports per table (oldest first) and the cores they ran on -> each job's throughput. */
export function throughputFromReports(
  reportsOf: (table: string) => readonly RunReport[],
  localCores: number,
): Record<JobName, Throughput> {
  const tablesOf = (job: JobName): string[] => (job === 'curated' ? curatedTables.map((c) => c.name) : [job]);
  const out = {} as Record<JobName, Throughput>;
  for (const job of JOBS) {
    const runs = tablesOf(job).flatMap((t) => timed(reportsOf(t)).slice(-MEASURED_RUNS));
    const rows = runs.reduce((n, r) => n + r.input_rows, 0);
    const seconds = runs.reduce((n, r) => n + r.duration_ms / 1000, 0);
    out[job] =
      rows > 0 && seconds > 0
        ? {
            rowsPerSecondPerDpu: ((rows / seconds) * VCPUS_PER_DPU) / Math.max(1, localCores),
            source: 'measured',
          }
        : { rowsPerSecondPerDpu: THROUGHPUT_DEFAULT, source: 'default' };
  }
  return out;
}

/** The throughput measured in a lake home's run reports. */
export function measuredThroughput(
  home: string,
  localCores = availableParallelism(),
): Record<JobName, Throughput> {
  return throughputFromReports((t) => readRunReports(home, t), localCores);
}
