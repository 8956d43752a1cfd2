/**
 * Athena bytes per API query, from what the local server measured (`lake serve` keeps the summary of its queries'
 * `x-lake-scanned-bytes` in the lake home: lib/serve/scan-summary.ts).
 *
 * The model: an API query reads a range of days of the tables it names, so what it scans grows with the data a day
 * holds. A query on AWS scans what it scanned locally times the ratio of a day's processed data there to a day's
 * processed data in the local lake:
 *
 *   bytes per query = (local scanned bytes / local queries)
 *                     x (workload processed bytes per day / local processed bytes per day)
 *   workload processed bytes per day = gbPerDay x processedRatio (as the storage lines count it)
 *
 * It assumes that callers on AWS ask for ranges of as many days as the local ones did. The local measure is the
 * whole size of the files a query reads, where Athena reads only the columns it needs: the figure errs high. With
 * fewer than MIN_MEASURED_QUERIES queries, or no processed data recorded to scale by, the default is kept.
 */
import { BYTES_PER_QUERY_DEFAULT } from './estimate';
import type { BytesScanned, Workload } from './estimate';
import { readScanSummary } from '../serve/scan-summary';
import type { ScanSummary } from '../serve/scan-summary';

/** The fewest measured queries whose mean is used. */
export const MIN_MEASURED_QUERIES = 10;

const GB = 1024 ** 3;

function size(bytes: number): string {
  const mb = bytes / 1024 / 1024;
  return mb >= 1 ? `${mb.toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

const fallback = (why: string): BytesScanned => ({
  perQuery: BYTES_PER_QUERY_DEFAULT,
  source: 'default',
  basis: `${why}: ${size(BYTES_PER_QUERY_DEFAULT)} assumed (lake serve measures the queries it answers)`,
});

/** Pure: the local summary (or none) and the workload -> the bytes a query scans on AWS. */
export function bytesPerQueryFromSummary(
  summary: Pick<ScanSummary, 'queries' | 'bytes' | 'lake'> | null,
  workload: Pick<Workload, 'gbPerDay' | 'processedRatio'>,
): BytesScanned {
  const n = summary?.queries ?? 0;
  if (!summary || n < MIN_MEASURED_QUERIES)
    return fallback(`the local server measured ${n} queries, fewer than ${MIN_MEASURED_QUERIES}`);
  const localPerDay = summary.lake?.processedBytesPerDay ?? 0;
  if (!(localPerDay > 0))
    return fallback(`the local server measured ${n} queries over a lake with no processed data to scale by`);
  const local = summary.bytes / n;
  const workloadPerDay = workload.gbPerDay * workload.processedRatio * GB;
  const scale = workloadPerDay / localPerDay;
  const perQuery = local * scale;
  return {
    perQuery,
    source: 'measured',
    basis:
      `${n} queries of the local server scanned ${size(local)} each on average, over a lake of ${size(localPerDay)} of processed data a day; ` +
      `a query scans the days it asks for, so that is scaled by a day's processed data in the workload ` +
      `(${workload.gbPerDay} GB x ${workload.processedRatio} = ${size(workloadPerDay)}) over the local lake's: x ${scale.toPrecision(3)} = ${size(perQuery)} ` +
      `(the local measure counts whole files, Athena reads only the columns it needs: this errs high)`,
    measured: {
      queries: n,
      localBytesPerQuery: local,
      localProcessedBytesPerDay: localPerDay,
      workloadProcessedBytesPerDay: workloadPerDay,
      scale,
    },
  };
}

/** A figure given by the caller. */
export function givenBytesPerQuery(bytes: number): BytesScanned {
  return { perQuery: bytes, source: 'given', basis: `${size(bytes)}, as given (--bytes-per-query)` };
}

/** The bytes per query measured by the local server of a lake home, scaled to the workload. */
export function measuredBytesPerQuery(
  home: string,
  workload: Pick<Workload, 'gbPerDay' | 'processedRatio'>,
): BytesScanned {
  return bytesPerQueryFromSummary(readScanSummary(home), workload);
}
