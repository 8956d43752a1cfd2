import { CloudFormationValidatePlugin, Tags, Validations } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { EnvironmentConfig } from './config/environment-config';
import { LakeNames } from './config/lake-names';
import { AccessStack } from './stacks/access-stack';
import { CatalogStack } from './stacks/catalog-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { ProcessingStack } from './stacks/processing-stack';
import { StorageStack } from './stacks/storage-stack';
import { StreamingStack } from './stacks/streaming-stack';

export interface LakeAppOptions {
  /** Register cdk-nag AwsSolutions + Serverless and the CloudFormation validation plugin. @default true */
  readonly validations?: boolean;
  /** Folder of the Glue code. @default '<repo>/glue-jobs' */
  readonly glueJobsDir?: string;
  /** API handler file. @default '<repo>/lambdas/api/handler.ts' */
  readonly apiEntry?: string;
}

export interface LakeStacks {
  readonly storage: StorageStack;
  readonly catalog: CatalogStack;
  readonly streaming: StreamingStack;
  readonly processing: ProcessingStack;
  readonly access: AccessStack;
  readonly monitoring: MonitoringStack;
}

/** Every stack of one environment, named `<prefix>-<part>`, plus the validation plugins. */
export function buildLakeApp(app: App, config: EnvironmentConfig, opts: LakeAppOptions = {}): LakeStacks {
  const names = new LakeNames(config.prefix);
  const base = {
    config,
    names,
    env:
      config.account !== undefined || config.region !== undefined
        ? { account: config.account, region: config.region }
        : undefined,
  };
  const stack = (part: string, description: string) => ({
    ...base,
    stackName: names.stack(part),
    description: `${config.prefix}: ${description}`,
  });

  const storage = new StorageStack(
    app,
    names.stack('storage'),
    stack('storage', 'KMS key and data lake buckets'),
  );
  const catalog = new CatalogStack(app, names.stack('catalog'), {
    ...stack('catalog', 'Glue catalog from the contracts, Data Quality rulesets, Lake Formation'),
    storage,
  });
  const streaming = new StreamingStack(app, names.stack('streaming'), {
    ...stack('streaming', 'Kinesis and Firehose to raw'),
    storage,
  });
  const processing = new ProcessingStack(app, names.stack('processing'), {
    ...stack('processing', 'Glue 5.1 jobs, workflows and triggers'),
    storage,
    glueJobsDir: opts.glueJobsDir,
  });
  processing.addStackDependency(
    catalog,
    'Lake Formation settings, tables and locations exist before the ETL grants',
  );
  const access = new AccessStack(app, names.stack('access'), {
    ...stack('access', 'Athena workgroups, data roles, REST API'),
    storage,
    apiEntry: opts.apiEntry,
  });
  access.addStackDependency(catalog, 'tables exist before their Lake Formation grants');
  const monitoring = new MonitoringStack(app, names.stack('monitoring'), {
    ...stack('monitoring', 'dashboard, alarms, alarm topic'),
    streaming,
    processing,
    access,
    catalog,
  });
  const stacks = { storage, catalog, streaming, processing, access, monitoring };
  for (const s of Object.values(stacks)) {
    Tags.of(s).add('project', 'shop-data-lake');
    Tags.of(s).add('environment', config.envName);
  }
  if (opts.validations ?? true) {
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app),
      new ServerlessChecks(app),
      new CloudFormationValidatePlugin(),
    );
  }
  return stacks;
}
