/**
 * The lake home's folder layout (default `./.lake`, or `--home DIR` / `LAKE_HOME`). It mirrors the S3 zones:
 * the same keys under the same prefixes, so that code and docs speak of one layout.
 *
 *   raw/<dataset prefix>ingest_date=YYYY-MM-DD/batch=<id>/<file>   landed files, never rewritten
 *   raw/ad_events/YYYY/MM/DD/HH/<file>.ndjson.gz                   stream deliveries (arrival time)
 *   raw/ad_events_errors/YYYY/MM/DD/HH/<file>.ndjson.gz            stream records that could not be parsed
 *   warehouse/<database>/<table>/{metadata,data}                    Iceberg tables (Hadoop catalog `lake`)
 *   quarantine/<dataset>/run_id=<id>/                               rejected records: reason + original text
 *   reports/<dataset>/<run_id>.json                                 one run report per job run
 *   state/                                                          ledgers, stream checkpoints, API keys, emulator data
 */
import { resolve, join } from 'node:path';

export interface LakeLayout {
  readonly home: string;
  readonly raw: string;
  readonly warehouse: string;
  readonly quarantine: string;
  readonly reports: string;
  readonly state: string;
}

export function resolveHome(explicit?: string): string {
  return resolve(explicit ?? process.env.LAKE_HOME ?? '.lake');
}

export function layout(home: string): LakeLayout {
  const h = resolve(home);
  return {
    home: h,
    raw: join(h, 'raw'),
    warehouse: join(h, 'warehouse'),
    quarantine: join(h, 'quarantine'),
    reports: join(h, 'reports'),
    state: join(h, 'state'),
  };
}

/** Folder of an Iceberg table in the local Hadoop catalog. */
export function tableDir(l: LakeLayout, database: string, table: string): string {
  return join(l.warehouse, database, table);
}
