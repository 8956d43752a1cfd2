/**
 * The lake's folder layout, the same keys under the same zones locally (folders under the lake home) and on AWS
 * (buckets and prefixes given to the jobs). Declared once: the local runtime and the jobs (JSON export) build
 * their paths from it.
 *
 *   raw/<dataset prefix>ingest_date=YYYY-MM-DD/batch=<id>/<file>   landed files, never rewritten
 *   raw/ad_events/YYYY/MM/DD/HH/<file>.ndjson.gz                   stream deliveries (arrival time)
 *   raw/ad_events_errors/YYYY/MM/DD/HH/<file>.ndjson.gz            stream records that could not be parsed
 *   warehouse/<database>/<table>/{metadata,data}                    Iceberg tables (Hadoop catalog `lake`)
 *   quarantine/<dataset>/run_id=<id>/                               rejected records: reason + original text
 *   reports/<dataset>/<run_id>.json                                 one run report per job run
 *   reports/<dataset>/<run_id>.openlineage.jsonl                    its OpenLineage run events, one a line
 *   state/ledger/<dataset>.json                                     raw files each job has processed
 *   state/ingest/<batch id>.json                                    ingest manifests
 *   state/lineage/outbox/                                           lineage events not yet sent to the receiver
 *   state/                                                          also stream checkpoints, API keys, emulator data
 */

/** Zone folders under the lake home. */
export const lakeZones = {
  raw: 'raw',
  warehouse: 'warehouse',
  quarantine: 'quarantine',
  reports: 'reports',
  state: 'state',
} as const;
export type LakeZone = keyof typeof lakeZones;

/** Keys inside a zone; `{name}` is a placeholder. */
export const lakeKeys = {
  /** raw: the folder of one ingest batch (the dataset prefix ends with `/`) */
  ingestBatch: '{prefix}ingest_date={ingestDate}/batch={batchId}',
  /** quarantine: the folder of one run's rejected records */
  quarantineRun: '{dataset}/run_id={runId}',
  /** reports: one run's report */
  runReport: '{dataset}/{runId}.json',
  /** reports: one run's OpenLineage events (START, then COMPLETE or FAIL), one JSON document a line */
  lineageEvents: '{dataset}/{runId}.openlineage.jsonl',
  /** state: lineage events waiting for the OpenLineage receiver */
  lineageOutbox: 'lineage/outbox',
  /** state: the raw files a dataset's job has processed */
  ledger: 'ledger/{dataset}.json',
  /** state: the manifest of one ingest batch */
  ingestManifest: 'ingest/{batchId}.json',
} as const;
export type LakeKey = keyof typeof lakeKeys;

/** A key of the layout with its placeholders filled; a missing value is an error, not an `undefined` folder. */
export function lakeKey(key: LakeKey, values: Readonly<Record<string, string>>): string {
  return lakeKeys[key].replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`lake key ${key}: no value for {${name}}`);
    return v;
  });
}
