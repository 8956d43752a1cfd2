/**
 * Which tables each Glue job writes, so that every table is refreshed as often as its contract's freshness objective
 * needs and has exactly one writer. A dataset job writes its dataset. A curated table with a streamed input is
 * rebuilt by that input's job right after it, on the stream's schedule, as `lake stream run` does locally (a curated
 * table of the ad stream would otherwise be a day old on AWS); every other curated table is built by the curated job
 * after the batch. The job passes them to the entry script as `--tables` (lake_jobs.glue_runtime.job_tables).
 */
import { curatedTables as allCurated } from '../../contracts';
import type { CuratedContract, DatasetName } from '../../contracts';

export type EtlJobName = DatasetName | 'curated';

export function jobTables(
  datasets: readonly DatasetName[],
  streamed: ReadonlySet<DatasetName>,
  curated: readonly CuratedContract[] = allCurated,
): ReadonlyMap<EtlJobName, readonly string[]> {
  const out = new Map<EtlJobName, string[]>(datasets.map((d) => [d, [d]]));
  const batchCurated: string[] = [];
  for (const c of curated) {
    const streamInput = c.inputs.find((i) => streamed.has(i) && datasets.includes(i));
    if (streamInput) out.get(streamInput)?.push(c.name);
    else batchCurated.push(c.name);
  }
  out.set('curated', batchCurated);
  return out;
}
