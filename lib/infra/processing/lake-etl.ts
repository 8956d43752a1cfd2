import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, DockerImage, FileSystem, Stack } from 'aws-cdk-lib';
import { CfnJob, CfnSecurityConfiguration, CfnTrigger, CfnWorkflow } from 'aws-cdk-lib/aws-glue';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { curatedTables as allCurated, datasetContract, datasets as allDatasets } from '../../contracts';
import { rulesetNames } from '../governance/table-definitions';
import {
  acknowledgeZoneTables,
  catalogStatement,
  credentialVendingStatement,
  glueArn,
  zoneTablesArn,
} from '../governance/catalog-policies';
import { acknowledge, iam5 } from '../nag';
import type { DatasetName } from '../../contracts';
import { withDefaults } from '../config/defaults';
import { jobTables } from './job-tables';
import { LAKE_ETL_DEFAULTS } from './lake-etl-props';
import type { LakeEtlProps } from './lake-etl-props';

function requirePath(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`LakeEtl: ${path} is missing: ${what}`);
}

/** The job reads exactly this asset object (CDK's asset bucket is shared by the whole bootstrap). */
function assetRead(asset: Asset): PolicyStatement {
  return new PolicyStatement({
    effect: Effect.ALLOW,
    actions: ['s3:GetObject'],
    resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
  });
}

/** Files of the glue-jobs tree that are not part of the shipped `lake_jobs` package. */
const PACKAGE_EXCLUDE = ['__pycache__', '*.pyc', '.pytest_cache', '.ruff_cache'];

/** Where the jobs write run reports and OpenLineage events: this prefix of the processed bucket (read by the API). */
export const REPORTS_PREFIX = '_reports';
export const DEFAULT_GLUE_JOBS_DIR = join(__dirname, '..', '..', '..', 'glue-jobs');
/** The Spark catalog name the Glue jobs use for the Glue Data Catalog (Iceberg). */
export const GLUE_SPARK_CATALOG = 'glue_catalog';

/** Spark settings that make `glue_catalog` an Iceberg catalog backed by the Glue Data Catalog and S3. */
export function icebergSparkConf(warehouse: string): string {
  const c = `spark.sql.catalog.${GLUE_SPARK_CATALOG}`;
  return [
    'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    `${c}=org.apache.iceberg.spark.SparkCatalog`,
    `${c}.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog`,
    `${c}.io-impl=org.apache.iceberg.aws.s3.S3FileIO`,
    `${c}.warehouse=${warehouse}`,
    `${c}.glue.lakeformation-enabled=true`,
    'spark.sql.session.timeZone=UTC',
  ].join(' --conf ');
}

/**
 * The batch and stream ETL on AWS Glue 5.1: one job per dataset (`glue_entry/<dataset>_job.py`) and one curated
 * job (`glue_entry/curated_job.py`), all shipping the `lake_jobs` package as `--extra-py-files`, Iceberg enabled
 * with the Glue catalog, bookmarks on, encrypted by a security configuration. Two workflows: `batch` (schedule ->
 * batch datasets -> curated after transactions succeeded) and `stream` (ad_events every few minutes).
 */
export class LakeEtl extends Construct {
  public readonly role: Role;
  public readonly securityConfiguration: CfnSecurityConfiguration;
  public readonly jobs: ReadonlyMap<DatasetName | 'curated', CfnJob>;
  /**
   * Tags and rollbacks of the lake's tables (`glue_entry/maintenance_job.py`, lake_jobs.maintenance): each run names
   * its operation in its arguments, e.g. `--operation rollback --table processed.transactions --version <id|tag>`,
   * or `--operation tag --table T --tag NAME [--version V] [--retain_days N]`, or `--operation tag --all true --tag NAME`.
   */
  public readonly maintenanceJob: CfnJob;
  public readonly workflows: { readonly batch: CfnWorkflow; readonly stream: CfnWorkflow };
  public readonly libraryAsset: Asset;

  constructor(scope: Construct, id: string, props: LakeEtlProps) {
    super(scope, id);
    const names = props.names;
    const s = withDefaults(LAKE_ETL_DEFAULTS, props);
    const dir = props.glueJobsDir ?? DEFAULT_GLUE_JOBS_DIR;
    const datasets = props.datasets ?? allDatasets.map((d) => d.name);
    const streamed = new Set<DatasetName>(props.streamedDatasets ?? LAKE_ETL_DEFAULTS.streamedDatasets);
    const stack = Stack.of(this);
    const zones = props.zones;

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('glue.amazonaws.com'),
      description: `${names.prefix}: runs the lake's Glue jobs (Lake Formation grants decide table access)`,
    });
    this.securityConfiguration = new CfnSecurityConfiguration(this, 'Security', {
      name: names.resource('etl'),
      encryptionConfiguration: {
        s3Encryptions: [{ s3EncryptionMode: 'SSE-KMS', kmsKeyArn: zones.key.keyArn }],
        cloudWatchEncryption: { cloudWatchEncryptionMode: 'SSE-KMS', kmsKeyArn: zones.key.keyArn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: zones.key.keyArn },
      },
    });

    requirePath(join(dir, 'lake_jobs'), 'the lake_jobs package (glue-jobs/lake_jobs)');
    this.libraryAsset = new Asset(this, 'LakeJobsPackage', {
      path: join(dir, 'lake_jobs'),
      exclude: PACKAGE_EXCLUDE,
      // The zip must hold `lake_jobs/` at its root for `--extra-py-files`: bundle it into a sub-folder, locally.
      bundling: {
        image: DockerImage.fromRegistry('local-bundling-only'),
        local: {
          tryBundle(outputDir: string): boolean {
            FileSystem.copyDirectory(join(dir, 'lake_jobs'), join(outputDir, 'lake_jobs'), {
              exclude: PACKAGE_EXCLUDE,
            });
            return true;
          },
        },
      },
    });
    this.role.addToPrincipalPolicy(assetRead(this.libraryAsset));

    const processedRoot = `s3://${zones.processed.bucket.bucketName}`;
    const commonArgs: Record<string, string> = {
      '--datalake-formats': 'iceberg',
      '--conf': icebergSparkConf(`${processedRoot}/`),
      '--extra-py-files': this.libraryAsset.s3ObjectUrl,
      '--job-bookmark-option': 'job-bookmark-enable',
      '--enable-metrics': 'true',
      '--enable-observability-metrics': 'true',
      '--enable-continuous-cloudwatch-log': 'true',
      '--enable-glue-datacatalog': 'true',
      '--enable-job-insights': 'true',
      '--TempDir': `${processedRoot}/_glue/tmp/`,
      // lake_jobs.glue_runtime.ARGS: the same lake_jobs.config.LakeConfig as locally, with S3 roots and the deployed names
      '--catalog': GLUE_SPARK_CATALOG,
      '--processed_database': names.database('processed'),
      '--curated_database': names.database('curated'),
      '--raw_root': `s3://${zones.raw.bucket.bucketName}`,
      '--warehouse': `${processedRoot}/`,
      '--quarantine_root': `s3://${zones.quarantine.bucket.bucketName}`,
      '--reports_root': `${processedRoot}/${REPORTS_PREFIX}`,
      '--state_root': `${processedRoot}/_state`,
      '--reprocess': 'false',
      // the quality gate's mode (lake_jobs.checks): a run may pass 'report' for a backfill
      '--gate': 'enforce',
      '--metrics_namespace': names.metricsNamespace,
    };

    const tablesOf = jobTables(datasets, streamed);
    const jobs = new Map<DatasetName | 'curated', CfnJob>();
    const job = (name: DatasetName | 'curated' | 'maintenance'): CfnJob => {
      const tables = name === 'maintenance' ? undefined : tablesOf.get(name);
      const scriptPath = join(dir, 'glue_entry', `${name}_job.py`);
      requirePath(scriptPath, 'a Glue entry script (glue-jobs/glue_entry/<name>_job.py)');
      const script = new Asset(this, `Script-${name}`, { path: scriptPath });
      this.role.addToPrincipalPolicy(assetRead(script));
      const j = new CfnJob(this, `Job-${name}`, {
        name: names.job(name),
        description:
          name === 'curated'
            ? `Recomputes the curated tables whose inputs changed (${tables?.join(', ')}).`
            : name === 'maintenance'
              ? 'Tags, rolls back, publishes or discards a table version, or maintains tables (arguments: --operation, --table, --version, --tag).'
              : `Raw -> processed.${name} (validate, quarantine, MERGE)${
                  (tables?.length ?? 0) > 1 ? `, then ${tables?.slice(1).join(', ')}` : ''
                }.`,
        role: this.role.roleArn,
        command: { name: 'glueetl', pythonVersion: '3', scriptLocation: script.s3ObjectUrl },
        glueVersion: s.glueVersion,
        workerType: s.workerType,
        numberOfWorkers: s.numberOfWorkers,
        timeout: s.timeoutMinutes,
        // a retried rollback would be refused (its target is already current): maintenance runs once
        maxRetries: name === 'maintenance' ? 0 : s.maxRetries,
        executionProperty: { maxConcurrentRuns: 1 },
        securityConfiguration: this.securityConfiguration.ref,
        // the tables this job writes (job-tables.ts): the entry script runs exactly these
        defaultArguments: tables ? { ...commonArgs, '--tables': tables.join(',') } : commonArgs,
      });
      if (name !== 'maintenance') jobs.set(name, j);
      return j;
    };
    for (const d of datasets) job(d);
    const curatedJob = job('curated');
    this.maintenanceJob = job('maintenance');
    this.jobs = jobs;

    this.workflows = {
      batch: new CfnWorkflow(this, 'BatchWorkflow', {
        name: names.resource('batch'),
        description: 'Batch datasets on a schedule, then the curated tables once transactions are in.',
        maxConcurrentRuns: 1,
      }),
      stream: new CfnWorkflow(this, 'StreamWorkflow', {
        name: names.resource('stream'),
        description: 'Streamed datasets (Firehose deliveries) every few minutes.',
        maxConcurrentRuns: 1,
      }),
    };
    const startOnCreation = props.startTriggers ?? true;
    const scheduled = (wf: 'batch' | 'stream', schedule: string, members: DatasetName[]): void => {
      if (members.length === 0) return;
      const t = new CfnTrigger(this, `${wf}-schedule`, {
        name: names.resource(`${wf}-schedule`),
        type: 'SCHEDULED',
        schedule,
        startOnCreation,
        workflowName: this.workflows[wf].ref,
        actions: members.map((m) => ({ jobName: names.job(m) })),
      });
      for (const m of members) t.addResourceDependency(jobs.get(m) as CfnJob);
    };
    const batchMembers = datasets.filter((d) => !streamed.has(d));
    const streamMembers = datasets.filter((d) => streamed.has(d));
    scheduled('batch', s.batchSchedule, batchMembers);
    scheduled('stream', s.streamSchedule, streamMembers);
    if (batchMembers.includes('transactions')) {
      const after = new CfnTrigger(this, 'curated-after-inputs', {
        name: names.resource('curated-after-inputs'),
        type: 'CONDITIONAL',
        startOnCreation,
        workflowName: this.workflows.batch.ref,
        predicate: {
          logical: 'AND',
          conditions: [{ logicalOperator: 'EQUALS', jobName: names.job('transactions'), state: 'SUCCEEDED' }],
        },
        actions: [{ jobName: curatedJob.name }],
      });
      after.addResourceDependency(curatedJob);
      after.addResourceDependency(jobs.get('transactions') as CfnJob);
    }

    const rulesets = [...datasets.map((d) => datasetContract(d)), ...allCurated].flatMap((c) =>
      rulesetNames(names, c),
    );
    this.grantPermissions(props, stack, rulesets);
  }

  private grantPermissions(props: LakeEtlProps, stack: Stack, rulesetNames: string[]): void {
    const names = props.names;
    const { raw, processed, curated, quarantine } = props.zones;
    raw.grantRead(this.role);
    for (const zone of [processed, curated, quarantine]) zone.grantReadWrite(this.role);
    const glueLogs = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: '/aws-glue/*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.role.addToPrincipalPolicy(catalogStatement(this, names, 'readwrite', 'GlueCatalogOfThisLake'));
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DataQualityOfThisLake',
        effect: Effect.ALLOW,
        actions: [
          'glue:GetDataQualityRuleset',
          'glue:PublishDataQuality',
          'glue:GetDataQualityResult',
          'glue:StartDataQualityRulesetEvaluationRun',
        ],
        resources: [
          ...rulesetNames.map((r) => glueArn(this, 'dataQualityRuleset', r)),
          zoneTablesArn(this, names, 'processed'),
          zoneTablesArn(this, names, 'curated'),
        ],
      }),
    );
    this.role.addToPrincipalPolicy(credentialVendingStatement());
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'JobLogsAndMetrics',
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
        resources: [glueLogs],
      }),
    );
    const policy = this.role.node.findChild('DefaultPolicy');
    for (const [zone, z] of Object.entries({ raw, processed, curated, quarantine })) {
      acknowledge(
        policy,
        iam5(policy, z.objectsArn()),
        `The jobs read or write files with run-generated names anywhere in the ${zone} zone (Iceberg data and metadata, quarantine and report files).`,
      );
    }
    acknowledgeZoneTables(
      policy,
      names,
      (database) =>
        `The jobs read and commit the tables of ${database} (Iceberg commits update the Glue table); Lake Formation grants bound them further.`,
    );
    acknowledge(
      policy,
      'AwsSolutions-IAM5[Resource::*]',
      "lakeformation:GetDataAccess has no resource-level permissions, and cloudwatch:PutMetricData is limited by a namespace condition (Glue, Glue Data Quality, this lake's run metrics namespace).",
    );
    acknowledge(
      policy,
      iam5(policy, glueLogs),
      'Glue names its job log groups under /aws-glue/ (suffixed with the security configuration) at run time.',
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'JobMetrics',
        effect: Effect.ALLOW,
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'cloudwatch:namespace': ['Glue', 'Glue Data Quality', names.metricsNamespace] },
        },
      }),
    );
  }
}
