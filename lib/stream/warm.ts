/**
 * The stream's job runs share the lake's resident Spark. Before the first event, `warmStreamJobs` starts it and
 * makes one job run, which opens the stream's tables in it (a first run in a new session takes several times as
 * long as the next ones): events then wait for the next small run, not for a JVM, a session and a first run.
 */
import { ensureResident } from '../local/resident-spark';
import type { RunJobsResult } from '../local/runner';

export interface WarmFigures {
  /** starting (or finding) the resident Spark */
  readonly startMs: number;
  /** the first job run in it */
  readonly firstRunMs: number;
  readonly firstRun: RunJobsResult;
}

export async function warmStreamJobs(
  home: string,
  runJobs: (home: string) => Promise<RunJobsResult>,
  onLog?: (line: string) => void,
): Promise<WarmFigures> {
  const t0 = performance.now();
  await ensureResident(home, onLog ? { onLog } : {});
  const t1 = performance.now();
  const firstRun = await runJobs(home);
  return { startMs: t1 - t0, firstRunMs: performance.now() - t1, firstRun };
}
