import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DESTROY_DATA_CONTEXT_KEY,
  ENVIRONMENTS_CONTEXT_KEY,
  environmentConfigFromContext,
  parseFlag,
  resolveEnvironmentConfig,
} from '../../lib/infra/config/environment-config';
import type { LakeEnvironmentSettings } from '../../lib/infra/config/environment-config';
import { withDefaults } from '../../lib/infra/config/defaults';
import { LakeNames, catalogPrefix } from '../../lib/infra/config/lake-names';

const reader = (ctx: Record<string, unknown>) => ({ tryGetContext: (k: string) => ctx[k] });

describe('resolveEnvironmentConfig defaults (each documented @default)', () => {
  const c = resolveEnvironmentConfig('qa', {});

  test.each([
    ['prefix', c.prefix, 'shoplake-qa'],
    ['destroyData', c.destroyData, false],
    ['cdkQualifier', c.cdkQualifier, 'hnb659fds'],
    ['lakeFormationAdmins', c.lakeFormationAdmins, undefined],
    ['logRetentionDays', c.logRetentionDays, 90],
    ['account', c.account, undefined],
    ['region', c.region, undefined],
    ['storage.rawInfrequentAccessDays', c.storage.rawInfrequentAccessDays, 30],
    ['storage.rawGlacierDays', c.storage.rawGlacierDays, 180],
    ['storage.quarantineExpirationDays', c.storage.quarantineExpirationDays, 90],
    ['storage.athenaResultsExpirationDays', c.storage.athenaResultsExpirationDays, 30],
    ['storage.accessLogsExpirationDays', c.storage.accessLogsExpirationDays, 365],
    ['storage.noncurrentVersionExpirationDays', c.storage.noncurrentVersionExpirationDays, 90],
    ['streaming.mode', c.streaming.mode, 'on-demand'],
    ['streaming.shardCount', c.streaming.shardCount, 1],
    ['streaming.retentionHours', c.streaming.retentionHours, 168],
    ['streaming.bufferIntervalSeconds', c.streaming.bufferIntervalSeconds, 300],
    ['streaming.bufferSizeMiB', c.streaming.bufferSizeMiB, 64],
    ['etl.glueVersion', c.etl.glueVersion, '5.1'],
    ['etl.workerType', c.etl.workerType, 'G.1X'],
    ['etl.numberOfWorkers', c.etl.numberOfWorkers, 2],
    ['etl.timeoutMinutes', c.etl.timeoutMinutes, 60],
    ['etl.maxRetries', c.etl.maxRetries, 1],
    ['etl.batchSchedule', c.etl.batchSchedule, 'cron(0 2 * * ? *)'],
    ['etl.streamSchedule', c.etl.streamSchedule, 'cron(0/15 * * * ? *)'],
    ['etl.dataQualitySchedule', c.etl.dataQualitySchedule, 'cron(0 5 * * ? *)'],
    ['query.bytesScannedCutoffMiB', c.query.bytesScannedCutoffMiB, 10240],
    ['api.throttlingRateLimit', c.api.throttlingRateLimit, 20],
    ['api.throttlingBurstLimit', c.api.throttlingBurstLimit, 40],
    ['api.reservedConcurrency', c.api.reservedConcurrency, 10],
    ['api.memoryMiB', c.api.memoryMiB, 512],
    ['api.waf', c.api.waf, false],
    ['api.wafRateLimit', c.api.wafRateLimit, 1000],
    ['api.principalRoles', c.api.principalRoles, {}],
    ['monitoring.alarmEmail', c.monitoring.alarmEmail, undefined],
    ['monitoring.iteratorAgeMs', c.monitoring.iteratorAgeMs, 600000],
    ['monitoring.firehoseFreshnessSeconds', c.monitoring.firehoseFreshnessSeconds, 900],
    ['monitoring.apiLatencyP99Ms', c.monitoring.apiLatencyP99Ms, 10000],
    ['monitoring.quarantineSharePercent', c.monitoring.quarantineSharePercent, 5],
  ])('%s defaults to %j', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  test('account and region default to CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION', () => {
    const r = resolveEnvironmentConfig(
      'qa',
      {},
      { defaultAccount: '111122223333', defaultRegion: 'eu-west-1' },
    );
    expect([r.account, r.region]).toEqual(['111122223333', 'eu-west-1']);
  });
});

describe('explicit settings win, and zero/false are kept (?? not ||)', () => {
  test('falsy values survive', () => {
    const r = resolveEnvironmentConfig('qa', {
      etl: { maxRetries: 0 },
      streaming: { bufferIntervalSeconds: 0 },
      api: { waf: false },
    });
    expect(r.etl.maxRetries).toBe(0);
    expect(r.streaming.bufferIntervalSeconds).toBe(0);
    expect(r.api.waf).toBe(false);
  });
});

describe('withDefaults (how every construct applies its defaults object)', () => {
  test('an undefined prop keeps the default; 0, false and empty strings win', () => {
    const d = { a: 1, b: true, c: 'x', d: 5 };
    expect(withDefaults(d, { a: 0, b: false, c: '', d: undefined, e: 7 })).toEqual({
      a: 0,
      b: false,
      c: '',
      d: 5,
      e: 7,
    });
  });
});

describe('data deletion flag', () => {
  test('RETAIN unless asked; the -c override wins over the environment', () => {
    expect(resolveEnvironmentConfig('qa', { destroyData: true }).destroyData).toBe(true);
    expect(
      resolveEnvironmentConfig('qa', { destroyData: true }, { destroyDataOverride: 'false' }).destroyData,
    ).toBe(false);
    expect(resolveEnvironmentConfig('qa', {}, { destroyDataOverride: 'true' }).destroyData).toBe(true);
  });
  test('a malformed flag is refused', () => {
    expect(() => parseFlag(DESTROY_DATA_CONTEXT_KEY, 'yes')).toThrow(/true or false/);
  });
});

describe('validation', () => {
  test.each<[string, LakeEnvironmentSettings, RegExp]>([
    ['stream retention under 7 days', { streaming: { retentionHours: 24 } }, /retentionHours/],
    ['unknown capacity mode', { streaming: { mode: 'auto' as never } }, /streaming.mode/],
    ['empty admin list', { lakeFormationAdmins: [] }, /must not be empty/],
    ['prefix with capitals', { prefix: 'Shop' }, /prefix/],
    ['prefix too long for bucket names', { prefix: 'a'.repeat(25) }, /prefix/],
    ['glacier before IA', { storage: { rawInfrequentAccessDays: 60, rawGlacierDays: 40 } }, /rawGlacierDays/],
    [
      'principal mapped to an unknown role',
      { api: { principalRoles: { 'arn:aws:iam::111122223333:role/x': 'root' as never } } },
      /not a data role/,
    ],
    ['principal that is not an ARN', { api: { principalRoles: { alice: 'analyst' } } }, /not an IAM ARN/],
    [
      'a quarantine share over 100%',
      { monitoring: { quarantineSharePercent: 120 } },
      /monitoring.quarantineSharePercent must be between 0 and 100/,
    ],
  ])('%s is refused', (_what, settings, error) => {
    expect(() => resolveEnvironmentConfig('qa', settings)).toThrow(error);
  });
});

describe('cdk.json context', () => {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
    app: string;
    context: Record<string, unknown>;
  };

  test('the app runs through tsx', () => {
    expect(cdkJson.app).toBe('npx tsx bin/app.ts');
  });

  test('dev is the default environment; dev and prod differ in prefix', () => {
    const dev = environmentConfigFromContext(reader(cdkJson.context), {});
    const prod = environmentConfigFromContext(reader({ ...cdkJson.context, env: 'prod' }), {});
    expect(dev.envName).toBe('dev');
    expect(dev.prefix).not.toBe(prod.prefix);
    expect(prod.streaming.mode).toBe('provisioned');
    expect(prod.api.waf).toBe(true);
  });

  test('an unknown environment names the known ones', () => {
    expect(() => environmentConfigFromContext(reader({ ...cdkJson.context, env: 'staging' }), {})).toThrow(
      /dev, prod/,
    );
  });

  test('a user-added environment works with defaults only', () => {
    const envs = { ...(cdkJson.context[ENVIRONMENTS_CONTEXT_KEY] as object), staging: {} };
    const c = environmentConfigFromContext(reader({ [ENVIRONMENTS_CONTEXT_KEY]: envs, env: 'staging' }), {});
    expect(c.prefix).toBe('shoplake-staging');
  });
});

describe('names', () => {
  test('Glue names use underscores, other names the prefix', () => {
    const n = new LakeNames('shoplake-dev');
    expect(catalogPrefix('shoplake-dev')).toBe('shoplake_dev');
    expect(n.database('processed')).toBe('shoplake_dev_processed');
    expect(n.job('ad_events')).toBe('shoplake-dev-ad-events');
    expect(n.workgroup('bi')).toBe('shoplake-dev-bi');
    expect(n.stack('storage')).toBe('shoplake-dev-storage');
  });
});
