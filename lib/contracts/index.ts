import { adEvents } from './ad-events';
import { anomalyBandOf } from './anomalies';
import { checksOf } from './checks';
import { combinedLogFields, combinedLogRegex, groupName } from './combined-log';
import { icebergTableSpec } from './iceberg';
import { idFormat } from './ids';
import { lakeKeys, lakeZones } from './lake-layout';
import { campaignPerformance, dailySales } from './curated';
import { fxRates, products, reportingCurrency } from './reference';
import { runReportFields, runStatuses } from './run-report';
import { serverLogs } from './server-logs';
import { socialPosts } from './social-posts';
import { transactions } from './transactions';
import type { AnyContract, CuratedContract, DatasetContract, DatasetName, TableName } from './types';

export * from './types';
export { checksOf, defaultChecks } from './checks';
export type { CheckSeverity, DatasetCheck } from './checks';
export { anomalyBandOf, defaultAnomalyBand } from './anomalies';
export type { AnomalyBand } from './anomalies';
export { glossary, glossaryTerms } from './glossary';
export type { GlossaryTerm } from './glossary';

export const datasets: readonly DatasetContract[] = [transactions, serverLogs, socialPosts, adEvents];
export const curatedTables: readonly CuratedContract[] = [dailySales, campaignPerformance];
export const allTables: readonly AnyContract[] = [...datasets, ...curatedTables];

export function datasetContract(name: string): DatasetContract {
  const c = datasets.find((d) => d.name === name);
  if (!c) throw new Error(`unknown dataset '${name}' (known: ${datasets.map((d) => d.name).join(', ')})`);
  return c;
}

export function tableContract(name: string): AnyContract {
  const c = allTables.find((d) => d.name === name);
  if (!c) throw new Error(`unknown table '${name}' (known: ${allTables.map((d) => d.name).join(', ')})`);
  return c;
}

/** `table.column` -> whether a contract declares it. */
export function hasColumn(ref: string): boolean {
  const [table, column] = ref.split('.');
  return allTables.some((t) => t.name === table && t.columns.some((c) => c.name === column));
}

export function isDatasetName(name: string): name is DatasetName {
  return datasets.some((d) => d.name === name);
}

export function isTableName(name: string): name is TableName {
  return allTables.some((d) => d.name === name);
}

/** The JSON the Spark jobs read (glue-jobs/lake_jobs/contracts.json). */
export function contractsDocument(): object {
  return {
    reportingCurrency,
    fxRates,
    products,
    datasets,
    curated: curatedTables,
    checks: Object.fromEntries(datasets.map((d) => [d.name, checksOf(d.name)])),
    anomalies: Object.fromEntries(datasets.map((d) => [d.name, anomalyBandOf(d.name)])),
    iceberg: Object.fromEntries(allTables.map((t) => [t.name, icebergTableSpec(t)])),
    layout: { zones: lakeZones, keys: lakeKeys },
    ids: idFormat,
    combinedLog: {
      regex: combinedLogRegex,
      fields: combinedLogFields.map((f) => ({ column: f.column, group: groupName(f.column) })),
    },
    runReport: {
      statuses: runStatuses,
      fields: Object.entries(runReportFields).map(([name, f]) => ({ name, ...f })),
    },
  };
}
