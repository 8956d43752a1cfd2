import type { DatasetName, TableName } from '../../contracts';

/**
 * Every physical name the app gives a resource, derived from the environment prefix in one place, so that two
 * environments never collide in one account. Buckets are left unnamed (CloudFormation names them).
 */
export class LakeNames {
  /** `shoplake_dev`: prefix of Glue databases. */
  readonly catalog: string;

  /** `shoplake-dev/jobs`: CloudWatch namespace of the Glue jobs' run metrics (lake_jobs.run_metrics). */
  readonly metricsNamespace: string;

  constructor(readonly prefix: string) {
    this.catalog = catalogPrefix(prefix);
    this.metricsNamespace = `${prefix}/jobs`;
  }

  stack(part: string): string {
    return `${this.prefix}-${part}`;
  }

  /** Glue database of a zone: `shoplake_dev_raw`, `shoplake_dev_processed`, `shoplake_dev_curated`. */
  database(zone: 'raw' | 'processed' | 'curated'): string {
    return `${this.catalog}_${zone}`;
  }

  job(table: DatasetName | 'curated' | 'maintenance'): string {
    return `${this.prefix}-${table.replace(/_/g, '-')}`;
  }

  workgroup(name: 'api' | 'analysts' | 'bi'): string {
    return `${this.prefix}-${name}`;
  }

  /** A table's Data Quality ruleset of its critical rules, or of its warnings (lib/infra/governance). */
  ruleset(table: TableName, severity: 'critical' | 'warn' = 'critical'): string {
    return `${this.prefix}-${table.replace(/_/g, '-')}-dq${severity === 'warn' ? '-warn' : ''}`;
  }

  resource(name: string): string {
    return `${this.prefix}-${name}`;
  }
}

/** `shoplake-dev` -> `shoplake_dev`: Glue database and Athena-visible names allow no dashes. */
export function catalogPrefix(prefix: string): string {
  return prefix.replace(/-/g, '_');
}
