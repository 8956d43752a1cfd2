import type { LakeNames } from '../config/lake-names';
import type { LakeZone } from '../storage/lake-zones';
import type { DataLakeCatalog } from './data-lake-catalog';
import type { LakeFormationSetup } from './lake-formation-setup';

/** The Glue Data Catalog table optimizers CloudFormation declares (AWS::Glue::TableOptimizer `Type`). */
export const TABLE_OPTIMIZER_TYPES = ['compaction', 'retention', 'orphan_file_deletion'] as const;
export type TableOptimizerType = (typeof TABLE_OPTIMIZER_TYPES)[number];

export interface TableOptimizersProps {
  readonly names: LakeNames;
  /** Its Iceberg tables are the ones kept up. */
  readonly catalog: DataLakeCatalog;
  /** Where the processed and curated tables live (the optimizers rewrite and delete files there). */
  readonly zones: { readonly processed: LakeZone; readonly curated: LakeZone };
  /** The optimizers' Lake Formation grants wait for its settings and registered locations. */
  readonly lakeFormation: LakeFormationSetup;
  /** Optimizers to run on every Iceberg table. @default every one of TABLE_OPTIMIZER_TYPES */
  readonly types?: readonly TableOptimizerType[];
}

/** The optimizer defaults, applied by TableOptimizers. */
export const TABLE_OPTIMIZERS_DEFAULTS = {
  types: TABLE_OPTIMIZER_TYPES,
} as const satisfies Partial<TableOptimizersProps>;
