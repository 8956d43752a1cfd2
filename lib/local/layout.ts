/**
 * The lake home (default `./.lake`, or `--home DIR` / `LAKE_HOME`) and its folders, as the contracts declare the
 * lake's layout (lib/contracts/lake-layout.ts): the same keys under the same zones as on S3.
 */
import { dirname, join, resolve } from 'node:path';
import { lakeKey, lakeZones } from '../contracts/lake-layout';

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
    raw: join(h, lakeZones.raw),
    warehouse: join(h, lakeZones.warehouse),
    quarantine: join(h, lakeZones.quarantine),
    reports: join(h, lakeZones.reports),
    state: join(h, lakeZones.state),
  };
}

/** Folder of an Iceberg table in the local Hadoop catalog. */
export function tableDir(l: LakeLayout, database: string, table: string): string {
  return join(l.warehouse, database, table);
}

/** Folder of a dataset's run reports. */
export function runReportsDir(l: LakeLayout, dataset: string): string {
  return join(l.reports, dirname(lakeKey('runReport', { dataset, runId: '-' })));
}

/** Path of an ingest batch's manifest. */
export function ingestManifestPath(l: LakeLayout, batchId: string): string {
  return join(l.state, lakeKey('ingestManifest', { batchId }));
}
