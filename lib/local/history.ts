/** `lake history`: the history of a local table, from its Iceberg metadata and the run reports of the lake home. */
import { readRunReports } from './runner';
import { lakeMetadata } from './versions';
import { buildHistory } from '../versions/history';
import type { TableHistory } from '../versions/history';
import { tableByName } from '../versions/model';

export interface HistoryOptions {
  /** the newest N records (default: all) */
  readonly limit?: number;
}

/** `lake history <table>`: the table's versions, newest first. */
export function tableHistory(home: string, table: string, opts: HistoryOptions = {}): TableHistory {
  const contract = tableByName(table);
  const entry = lakeMetadata(home).find((t) => t.contract === contract);
  const h = buildHistory(contract, entry?.metadata ?? null, readRunReports(home, contract.name));
  const limit = opts.limit ?? h.versions.length;
  return { ...h, total: h.versions.length, versions: h.versions.slice(0, Math.max(0, limit)) };
}
