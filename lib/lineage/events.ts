/**
 * The OpenLineage run events the jobs keep in the lake home, beside the run reports
 * (`reports/<dataset>/<run_id>.openlineage.jsonl`, one event a line). A line that is not JSON (a run still writing)
 * is skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lakeKeys } from '../contracts/lake-layout';
import { layout } from '../local/layout';
import type { RunEvent } from './graph';

/** The file name ending of a run's events, from the layout's `{dataset}/{runId}<suffix>`. */
export const EVENTS_SUFFIX = lakeKeys.lineageEvents.slice('{dataset}/{runId}'.length);

export function readLineageEvents(home: string): RunEvent[] {
  const root = layout(home).reports;
  if (!existsSync(root)) return [];
  const out: RunEvent[] = [];
  for (const dataset of readdirSync(root)) {
    const dir = join(root, dataset);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith(EVENTS_SUFFIX)).sort()) {
      for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          out.push(JSON.parse(line) as RunEvent);
        } catch {
          // a line being written: the next read sees it whole
        }
      }
    }
  }
  return out;
}
