/**
 * The dataset checks of a contract (lib/contracts/checks.ts) as Glue Data Quality rules (DQDL), with the same
 * thresholds and severities as the jobs' gate. Pure: the catalog construct puts them into the table's rulesets.
 *
 * Glue evaluates a ruleset on the published table (the daily schedule, lib/infra/processing), not on the batch a
 * run is about to publish, so three kinds of checks stay with the gate in the job (glue-jobs/lake_jobs/checks.py):
 * - `quarantineShare`: a share of one batch's records; the published table holds no quarantined record;
 * - `rowCount`: a band over the table's recent runs needs DQDL's dynamic rules (`avg(last(N))`), which Glue
 *   supports only inside a Glue ETL job, not in a Data Catalog ruleset;
 * - `referential`: DQDL's ReferentialIntegrity compares numeric columns only, and needs the reference table passed
 *   as an additional data source of each evaluation run; the keys here are strings.
 */
import { checksOf } from '../../contracts/checks';
import type { CheckSeverity, DatasetCheck } from '../../contracts/checks';
import type { DatasetContract } from '../../contracts';

/** A DQDL string literal. */
export function dqString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface CheckRule {
  /** the check's name in the contract (and in the run reports) */
  readonly check: string;
  readonly severity: CheckSeverity;
  readonly rule: string;
}

export interface JobOnlyCheck {
  readonly check: string;
  readonly why: string;
}

const JOB_ONLY: Readonly<Record<'quarantineShare' | 'rowCount' | 'referential', string>> = {
  quarantineShare: 'a share of one batch; the published table holds no quarantined record',
  rowCount: 'a band over recent runs needs dynamic rules, which Glue supports only inside Glue ETL',
  referential: 'ReferentialIntegrity compares numeric columns only, and needs the reference as a data source',
};

function rule(contract: DatasetContract, c: DatasetCheck): string | undefined {
  switch (c.kind) {
    case 'uniqueKey':
      return contract.businessKey.length === 1
        ? `Uniqueness ${dqString(contract.businessKey[0] as string)} = 1.0`
        : `IsPrimaryKey ${contract.businessKey.map(dqString).join(' ')}`;
    case 'completeness':
      return `Completeness ${dqString(c.column)} >= ${c.min}`;
    case 'freshness':
      // hours since the newest event, on Spark SQL's clock (DataFreshness would judge every row, old ones too)
      return `CustomSql ${dqString(
        `select (unix_timestamp(current_timestamp()) - unix_timestamp(max(${contract.timeColumn}))) / 3600.0 from primary`,
      )} <= ${c.maxAgeHours}`;
    default:
      return undefined;
  }
}

/** The dataset's checks that Glue can evaluate on the table, and those only the job's gate evaluates (and why). */
export function checkRules(contract: DatasetContract): {
  readonly rules: readonly CheckRule[];
  readonly jobOnly: readonly JobOnlyCheck[];
} {
  const rules: CheckRule[] = [];
  const jobOnly: JobOnlyCheck[] = [];
  for (const c of checksOf(contract.name)) {
    const r = rule(contract, c);
    if (r !== undefined) rules.push({ check: c.name, severity: c.severity, rule: r });
    else jobOnly.push({ check: c.name, why: JOB_ONLY[c.kind as keyof typeof JOB_ONLY] });
  }
  return { rules, jobOnly };
}
