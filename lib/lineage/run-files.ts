/**
 * The file names of what a job run keeps beside the others of its dataset, from the layout's
 * `{dataset}/{runId}<ending>` keys: its report and its OpenLineage events. Read by the lake home's reader and by the
 * API's S3 reader alike.
 */
import { lakeKeys } from '../contracts/lake-layout';

const RUN_KEY = '{dataset}/{runId}';

/** `.openlineage.jsonl`: one run's events, one JSON document a line */
export const EVENTS_SUFFIX = lakeKeys.lineageEvents.slice(RUN_KEY.length);
/** `.json`: one run's report */
export const REPORT_SUFFIX = lakeKeys.runReport.slice(RUN_KEY.length);

/** The events of a file's text; a line that is not JSON (a run still writing) is skipped. */
export function parseEventLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a line being written: the next read sees it whole
    }
  }
  return out;
}
