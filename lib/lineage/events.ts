/**
 * The OpenLineage run events the jobs keep in the lake home, beside the run reports
 * (`reports/<dataset>/<run_id>.openlineage.jsonl`, one event a line). A line that is not JSON (a run still writing)
 * is skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from '../local/layout';
import type { RunEvent } from './graph';
import { EVENTS_SUFFIX, parseEventLines } from './run-files';

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
    for (const name of names.filter((n) => n.endsWith(EVENTS_SUFFIX)).sort())
      out.push(...parseEventLines<RunEvent>(readFileSync(join(dir, name), 'utf8')));
  }
  return out;
}
