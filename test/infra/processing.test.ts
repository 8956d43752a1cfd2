import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { allTables, datasets } from '../../lib/contracts';
import { LakeNames } from '../../lib/infra/config/lake-names';
import { DataQualitySchedule } from '../../lib/infra/processing/data-quality-schedule';
import { rulesetSeverities } from '../../lib/infra/governance/table-definitions';
import { DEFAULT_GLUE_JOBS_DIR, LakeEtl } from '../../lib/infra/processing/lake-etl';
import { runsPerDay } from '../../lib/cost/schedule';
import { LakeZone } from '../../lib/infra/storage/lake-zones';
import { allowedActions, resourcesOf, testApp, testStack } from './helpers';

const names = new LakeNames('shoplake-t');
let t: Template;
let outdir: string;
let missingScript: unknown;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'infra-etl-'));
  const app = testApp({ outdir, bundle: true });
  const stack = testStack(app);
  const key = new Key(stack, 'K');
  const zone = (id: string) => new LakeZone(new Bucket(stack, id), key);
  const common = {
    names,
    zones: {
      key,
      raw: zone('Raw'),
      processed: zone('Processed'),
      curated: zone('Curated'),
      quarantine: zone('Quarantine'),
    },
  };
  const etl = new LakeEtl(stack, 'Etl', common);
  new DataQualitySchedule(stack, 'Dq', { names, evaluationRole: etl.role });
  try {
    new LakeEtl(stack, 'Broken', {
      ...common,
      names: new LakeNames('other'),
      glueJobsDir: mkdtempSync(join(tmpdir(), 'no-glue-')),
    });
  } catch (e) {
    missingScript = e;
  }
  t = Template.fromStack(stack);
  app.synth();
});

type Job = {
  Name: string;
  GlueVersion: string;
  WorkerType: string;
  NumberOfWorkers: number;
  Timeout: number;
  MaxRetries: number;
  SecurityConfiguration: unknown;
  DefaultArguments: Record<string, unknown>;
  Command: { Name: string; PythonVersion: string };
};
const jobs = (): Job[] => resourcesOf(t, 'AWS::Glue::Job').map(([, r]) => r.Properties as unknown as Job);

/** The job arguments the Glue entry scripts read (lake_jobs.glue_runtime.ARGS). */
function entryArgs(): string[] {
  const src = readFileSync(join(DEFAULT_GLUE_JOBS_DIR, 'lake_jobs', 'glue_runtime.py'), 'utf8');
  const m = /ARGS = \(([^)]*)\)/.exec(src);
  return [...(m?.[1] ?? '').matchAll(/"([a-z_]+)"/g)].map((x) => x[1] as string);
}

describe('LakeEtl defaults', () => {
  test('a job per dataset plus curated and maintenance, Glue 5.1, G.1X x 2, 60 min, 1 retry, one run at a time', () => {
    expect(
      jobs()
        .map((j) => j.Name)
        .sort(),
    ).toEqual(
      [...datasets.map((d) => names.job(d.name)), names.job('curated'), names.job('maintenance')].sort(),
    );
    for (const j of jobs()) {
      expect(j).toMatchObject({
        GlueVersion: '5.1',
        WorkerType: 'G.1X',
        NumberOfWorkers: 2,
        Timeout: 60,
        MaxRetries: j.Name === names.job('maintenance') ? 0 : 1,
        // two runs of one job never race on its table
        ExecutionProperty: { MaxConcurrentRuns: 1 },
        Command: { Name: 'glueetl', PythonVersion: '3' },
      });
      expect(j.SecurityConfiguration).toEqual({ Ref: expect.stringMatching(/^EtlSecurity/) });
    }
  });

  test('Iceberg on the Glue catalog, bookmarks on, the lake_jobs package as extra Python files', () => {
    for (const j of jobs()) {
      const a = j.DefaultArguments;
      expect(a['--datalake-formats']).toBe('iceberg');
      expect(a['--job-bookmark-option']).toBe('job-bookmark-enable');
      const conf = JSON.stringify(a['--conf']);
      expect(conf).toContain(
        'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
      );
      expect(conf).toContain('spark.sql.catalog.glue_catalog=org.apache.iceberg.spark.SparkCatalog');
      expect(conf).toContain(
        'spark.sql.catalog.glue_catalog.catalog-impl=org.apache.iceberg.aws.glue.GlueCatalog',
      );
      expect(JSON.stringify(a['--extra-py-files'])).toMatch(/\.zip/);
      expect(a['--catalog']).toBe('glue_catalog');
    }
  });

  test('the maintenance job runs glue_entry/maintenance_job.py with the lake arguments; each run names its operation', () => {
    const m = jobs().find((j) => j.Name === names.job('maintenance'));
    expect(m).toBeDefined();
    expect(m?.DefaultArguments).not.toHaveProperty('--operation');
    expect(m?.DefaultArguments['--warehouse']).toBeDefined();
    const script = readFileSync(join(DEFAULT_GLUE_JOBS_DIR, 'glue_entry', 'maintenance_job.py'), 'utf8');
    expect(script).toContain('"operation"');
    expect(script).toContain('maintenance_on_glue');
  });

  test('every argument the entry scripts require is set', () => {
    const required = entryArgs();
    expect(required.length).toBeGreaterThan(5);
    for (const j of jobs()) for (const arg of required) expect(j.DefaultArguments).toHaveProperty(`--${arg}`);
    expect(jobs()[0]?.DefaultArguments['--processed_database']).toBe(names.database('processed'));
  });

  test('security configuration: S3 SSE-KMS, CloudWatch and bookmarks encrypted with the key', () => {
    t.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      EncryptionConfiguration: {
        S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS' }],
        CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS' },
        JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS' },
      },
    });
  });

  test('triggers: batch datasets on the nightly schedule, ad_events every 15 minutes, curated after transactions', () => {
    t.resourceCountIs('AWS::Glue::Workflow', 2);
    t.hasResourceProperties('AWS::Glue::Trigger', {
      Type: 'SCHEDULED',
      Schedule: 'cron(0 2 * * ? *)',
      StartOnCreation: true,
      Actions: ['transactions', 'server_logs', 'social_posts'].map((d) => ({
        JobName: names.job(d as never),
      })),
    });
    t.hasResourceProperties('AWS::Glue::Trigger', {
      Type: 'SCHEDULED',
      Schedule: 'cron(0/15 * * * ? *)',
      Actions: [{ JobName: names.job('ad_events') }],
    });
    t.hasResourceProperties('AWS::Glue::Trigger', {
      Type: 'CONDITIONAL',
      Predicate: {
        Conditions: [{ JobName: names.job('transactions'), State: 'SUCCEEDED', LogicalOperator: 'EQUALS' }],
      },
      Actions: [{ JobName: names.job('curated') }],
    });
  });

  test("each table has exactly one job that writes it, named in that job's --tables", () => {
    const writers = new Map<string, string[]>();
    for (const j of jobs()) {
      const tables = j.DefaultArguments['--tables'];
      if (j.Name === names.job('maintenance')) {
        expect(tables).toBeUndefined();
        continue;
      }
      expect(typeof tables).toBe('string');
      for (const table of String(tables).split(','))
        writers.set(table, [...(writers.get(table) ?? []), j.Name]);
    }
    expect([...writers.keys()].sort()).toEqual(allTables.map((c) => c.name).sort());
    for (const [table, js] of writers)
      expect({ table, writers: js }).toEqual({ table, writers: [expect.any(String)] });
    // the stream's curated table is rebuilt by the stream's job, as `lake stream run` does locally
    expect(jobs().find((j) => j.Name === names.job('ad_events'))?.DefaultArguments['--tables']).toBe(
      'ad_events,campaign_performance',
    );
  });

  test('every table is refreshed within its freshness objective by the schedule that starts its writer', () => {
    type Trigger = {
      Type: string;
      Schedule?: string;
      Actions: { JobName: string }[];
      Predicate?: { Conditions: { JobName: string }[] };
    };
    const triggers = resourcesOf(t, 'AWS::Glue::Trigger').map(([, r]) => r.Properties as unknown as Trigger);
    // minutes between two runs of a job: its own schedule, or that of the job whose success starts it
    const periodOf = (job: string, seen: readonly string[] = []): number => {
      if (seen.includes(job)) throw new Error(`trigger cycle through ${job}`);
      const starts = triggers.filter((tr) => tr.Actions.some((a) => a.JobName === job));
      if (starts.length === 0) throw new Error(`no trigger starts ${job}`);
      return Math.min(
        ...starts.map((tr) =>
          tr.Type === 'SCHEDULED'
            ? (24 * 60) / runsPerDay(tr.Schedule as string)
            : Math.max(...(tr.Predicate?.Conditions ?? []).map((c) => periodOf(c.JobName, [...seen, job]))),
        ),
      );
    };
    const late = allTables.flatMap((c) => {
      const writer = jobs().find((j) =>
        String(j.DefaultArguments['--tables'] ?? '')
          .split(',')
          .includes(c.name),
      );
      const period = periodOf(writer?.Name as string);
      return period <= c.freshnessObjectiveMinutes
        ? []
        : [`${c.name}: refreshed every ${period} min, objective ${c.freshnessObjectiveMinutes} min`];
    });
    expect(late).toEqual([]);
  });

  test("the jobs may publish metrics only to Glue's namespaces and this lake's run metrics namespace", () => {
    expect(jobs()[0]?.DefaultArguments['--metrics_namespace']).toBe('shoplake-t/jobs');
    const statements = resourcesOf(t, 'AWS::IAM::Policy')
      .flatMap(
        ([, p]) => (p.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      )
      .filter((s) => JSON.stringify(s.Action).includes('cloudwatch:PutMetricData'));
    expect(statements).toEqual([
      {
        Sid: 'JobMetrics',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: {
          StringEquals: { 'cloudwatch:namespace': ['Glue', 'Glue Data Quality', 'shoplake-t/jobs'] },
        },
      },
    ]);
  });

  test('the job role has explicit actions only', () => {
    expect(allowedActions(t).filter((a) => a.includes('*'))).toEqual([]);
  });

  test('the package asset is a folder with lake_jobs/ at its root (zipped on publish)', () => {
    const assets = readdirSync(outdir).filter(
      (f) => f.startsWith('asset.') && existsSync(join(outdir, f, 'lake_jobs', '__init__.py')),
    );
    expect(assets).toHaveLength(1);
    const dir = join(outdir, assets[0] as string, 'lake_jobs');
    expect(existsSync(join(dir, 'contracts.json'))).toBe(true);
    expect(existsSync(join(dir, '__pycache__'))).toBe(false);
  });

  test('a missing package or entry script fails the synth with its path', () => {
    expect(String(missingScript)).toMatch(/no-glue-[^/]+\/lake_jobs is missing/);
  });
});

describe('DataQualitySchedule defaults', () => {
  test('one daily schedule per table starts its ruleset evaluation as the ETL role', () => {
    const schedules = resourcesOf(t, 'AWS::Scheduler::Schedule', 'Dq');
    expect(schedules).toHaveLength(allTables.length);
    for (const c of allTables) {
      const hit = schedules.find(
        ([, s]) => (s.Properties?.Name as string) === `shoplake-t-dq-${c.name.replace(/_/g, '-')}`,
      );
      expect(hit?.[1].Properties).toMatchObject({
        ScheduleExpression: 'cron(0 5 * * ? *)',
        Target: { Arn: 'arn:aws:scheduler:::aws-sdk:glue:startDataQualityRulesetEvaluationRun' },
      });
      const input = JSON.stringify(hit?.[1].Properties?.Target);
      // the critical ruleset, and the warnings' where the table has some
      expect(input).toContain(names.ruleset(c.name));
      expect(input.includes(names.ruleset(c.name, 'warn'))).toBe(rulesetSeverities(c).includes('warn'));
      expect(input).toContain(names.database(c.database));
      expect(input).toContain('EtlRole');
    }
  });

  test('the scheduler may pass only the evaluation role, only to Glue', () => {
    const policy = JSON.stringify(resourcesOf(t, 'AWS::IAM::Policy', 'DqSchedulerRole')[0]?.[1].Properties);
    expect(policy).toContain('iam:PassRole');
    expect(policy).toContain('"iam:PassedToService":"glue.amazonaws.com"');
  });
});
