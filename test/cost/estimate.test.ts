import { resolveEnvironmentConfig } from '../../lib/infra/config/environment-config';
import type { LakeEnvironmentSettings } from '../../lib/infra/config/environment-config';
import {
  HOURS_PER_MONTH,
  JOBS,
  MIN_MEASURED_ROWS,
  THROUGHPUT_DEFAULT,
  WORKLOAD_DEFAULTS,
  defaultThroughput,
  estimateCost,
  glueRuns,
} from '../../lib/cost/estimate';
import type { CostEstimate, Workload } from '../../lib/cost/estimate';
import { PRICES, PRICES_AS_OF } from '../../lib/cost/prices';
import { runsPerDay } from '../../lib/cost/schedule';
import { throughputFromReports } from '../../lib/cost/throughput';
import {
  bytesPerQueryFromSummary,
  givenBytesPerQuery,
  MIN_MEASURED_QUERIES,
} from '../../lib/cost/bytes-per-query';
import type { RunReport } from '../../lib/contracts/run-report';

const workload = (w: Partial<Workload> = {}): Workload => ({
  ...WORKLOAD_DEFAULTS,
  throughput: defaultThroughput(),
  ...w,
});
const estimate = (s: LakeEnvironmentSettings = {}, w: Partial<Workload> = {}): CostEstimate =>
  estimateCost(resolveEnvironmentConfig('qa', s), workload(w));
const service = (e: CostEstimate, name: string): number =>
  e.services.find((s) => s.service === name)?.monthlyUsd ?? 0;
const line = (e: CostEstimate, service: string, item: RegExp) =>
  e.lines.filter((l) => l.service === service && item.test(l.item));

describe('estimateCost', () => {
  const base = estimate();

  test('lines add up to their services and the services to the total', () => {
    for (const s of base.services) {
      const sum = base.lines.filter((l) => l.service === s.service).reduce((n, l) => n + l.monthlyUsd, 0);
      expect(s.monthlyUsd).toBeCloseTo(sum, 9);
    }
    expect(base.totalUsd).toBeCloseTo(
      base.lines.reduce((n, l) => n + l.monthlyUsd, 0),
      9,
    );
    for (const l of base.lines) expect(l.monthlyUsd).toBeCloseTo(l.quantity * l.unitPrice, 9);
    expect(base.totalUsd).toBeGreaterThan(0);
  });

  test('every service the lake deploys is priced, with the date and region of the prices', () => {
    expect(base.services.map((s) => s.service)).toEqual(
      expect.arrayContaining([
        'S3',
        'Kinesis',
        'Firehose',
        'Glue',
        'Athena',
        'API Gateway',
        'Lambda',
        'KMS',
        'CloudWatch',
      ]),
    );
    expect(base.pricesAsOf).toBe(PRICES_AS_OF);
    expect(base.notes.join('\n')).toContain(PRICES_AS_OF);
    for (const zone of [
      'raw: Standard',
      'raw: Standard-IA',
      'raw: Glacier',
      'processed',
      'curated',
      'quarantine',
    ])
      expect(line(base, 'S3', new RegExp(`^${zone}`)).length).toBeGreaterThan(0);
  });

  test('more provisioned shards cost more shard-hours, by exactly the shard price', () => {
    const one = estimate({ streaming: { mode: 'provisioned', shardCount: 1 } });
    const four = estimate({ streaming: { mode: 'provisioned', shardCount: 4 } });
    const perShard =
      HOURS_PER_MONTH * (PRICES.kinesisShardHour.value + PRICES.kinesisExtendedRetentionShardHour.value);
    expect(service(four, 'Kinesis') - service(one, 'Kinesis')).toBeCloseTo(3 * perShard, 6);
    expect(line(one, 'Kinesis', /on-demand/)).toEqual([]);
  });

  test('more workers, or bigger ones, cost more DPU-hours', () => {
    const two = service(estimate({ etl: { numberOfWorkers: 2 } }), 'Glue');
    const five = service(estimate({ etl: { numberOfWorkers: 5 } }), 'Glue');
    const bigger = service(estimate({ etl: { workerType: 'G.2X' } }), 'Glue');
    expect(five).toBeGreaterThan(two);
    expect(bigger).toBeGreaterThan(two);
  });

  test('a stream job every 5 minutes runs three times as often as every 15', () => {
    const config = (schedule: string) =>
      resolveEnvironmentConfig('qa', { etl: { streamSchedule: schedule } });
    const runs = (schedule: string) =>
      glueRuns(config(schedule), workload()).find((r) => r.job === 'ad_events');
    expect(runs('cron(0/5 * * * ? *)')?.runsPerMonth).toBeCloseTo(
      3 * (runs('cron(0/15 * * * ? *)')?.runsPerMonth ?? 0),
      6,
    );
  });

  test('more data costs more storage, stream and delivery; more API requests more Athena, API Gateway, Lambda', () => {
    const more = estimate({}, { gbPerDay: 10 });
    for (const s of ['S3', 'Kinesis', 'Firehose']) expect(service(more, s)).toBeGreaterThan(service(base, s));
    const busy = estimate({}, { apiRequestsPerDay: 50000 });
    for (const s of ['Athena', 'API Gateway', 'Lambda'])
      expect(service(busy, s)).toBeGreaterThan(service(base, s));
  });

  test('the lifecycle rules move raw data between storage classes', () => {
    const later = estimate({ storage: { rawInfrequentAccessDays: 90, rawGlacierDays: 365 } });
    const gb = (e: CostEstimate, item: RegExp) => line(e, 'S3', item)[0]?.quantity ?? 0;
    expect(gb(later, /^raw: Standard \(/)).toBeGreaterThan(gb(base, /^raw: Standard \(/));
    expect(gb(later, /^raw: Glacier/)).toBe(0);
    const total = (e: CostEstimate) =>
      gb(e, /^raw: Standard \(/) + gb(e, /^raw: Standard-IA/) + gb(e, /^raw: Glacier/);
    expect(total(later)).toBeCloseTo(total(base), 6);
  });

  test('the WAF is priced only where the environment enables it', () => {
    expect(service(base, 'WAF')).toBe(0);
    expect(service(estimate({ api: { waf: true } }), 'WAF')).toBeGreaterThan(0);
  });

  test('Athena bills at least 10 MB per query', () => {
    const tiny = estimate({}, { bytesScanned: givenBytesPerQuery(1024) });
    const ten = estimate({}, { bytesScanned: givenBytesPerQuery(10 * 1024 * 1024) });
    expect(service(tiny, 'Athena')).toBeCloseTo(service(ten, 'Athena'), 9);
  });

  test('another region than the prices is said so', () => {
    expect(estimate({ region: 'eu-west-1' }).notes.join('\n')).toMatch(
      /eu-west-1, priced differently from us-east-1/,
    );
  });

  test.each<[string, Partial<Workload>, RegExp]>([
    ['negative volume', { gbPerDay: -1 }, /gbPerDay must be a number >= 0/],
    ['a share above 1', { streamShare: 1.5 }, /streamShare must be from 0 to 1/],
    [
      'no throughput',
      { throughput: { ...defaultThroughput(), curated: { rowsPerSecondPerDpu: 0, source: 'measured' } } },
      /throughput of job curated/,
    ],
  ])('%s is refused with the field named', (_what, w, error) => {
    expect(() => estimate({}, w)).toThrow(error);
  });

  test('a schedule it cannot count is refused with the schedule', () => {
    expect(() => estimate({ etl: { batchSchedule: 'cron(0 2 ? * MON-FRI *)' } })).toThrow(
      /cron\(0 2 \? \* MON-FRI \*\): only schedules that run every day/,
    );
  });
});

describe('runsPerDay', () => {
  test.each([
    ['cron(0 2 * * ? *)', 1],
    ['cron(0/15 * * * ? *)', 96],
    ['cron(*/10 * * * ? *)', 144],
    ['cron(0,30 8-17 * * ? *)', 20],
    ['rate(5 minutes)', 288],
    ['rate(2 hours)', 12],
    ['rate(1 day)', 1],
  ])('%s runs %d times a day', (expr, n) => {
    expect(runsPerDay(expr)).toBe(n);
  });

  test.each(['cron(61 * * * ? *)', 'cron(0 2 * *)', 'every day', 'rate(0 minutes)'])(
    '%s is refused',
    (expr) => {
      expect(() => runsPerDay(expr)).toThrow(`schedule ${expr}:`);
    },
  );
});

describe('throughputFromReports', () => {
  const report = (
    dataset: string,
    rows: number,
    ms: number,
    status: RunReport['status'] = 'succeeded',
  ): RunReport => ({ dataset, status, input_rows: rows, duration_ms: ms }) as unknown as RunReport;

  test('large succeeded runs are measured per DPU (4 vCPUs), the rest keeps the default', () => {
    const reports: Record<string, RunReport[]> = {
      transactions: [report('transactions', 200_000, 10_000), report('transactions', 400_000, 30_000)],
      server_logs: [report('server_logs', 1000, 1000)],
      social_posts: [report('social_posts', 500_000, 1000, 'failed')],
      daily_sales: [report('daily_sales', MIN_MEASURED_ROWS, 5000)],
      campaign_performance: [report('campaign_performance', 300_000, 15_000)],
    };
    const t = throughputFromReports((table) => reports[table] ?? [], 2);
    // 600,000 rows in 40 s on 2 cores: 15,000 rows/s, 30,000 per 4 vCPUs
    expect(t.transactions).toEqual({ rowsPerSecondPerDpu: 30_000, source: 'measured' });
    // both curated tables: 400,000 rows in 20 s
    expect(t.curated).toEqual({ rowsPerSecondPerDpu: 40_000, source: 'measured' });
    for (const j of ['server_logs', 'social_posts', 'ad_events'] as const)
      expect(t[j]).toEqual({ rowsPerSecondPerDpu: THROUGHPUT_DEFAULT, source: 'default' });
    expect(Object.keys(t).sort()).toEqual([...JOBS].sort());
  });

  test('a faster measured job costs fewer DPU-hours than the default', () => {
    const fast = {
      ...defaultThroughput(),
      transactions: { rowsPerSecondPerDpu: 50_000, source: 'measured' as const },
    };
    const config = resolveEnvironmentConfig('qa', {});
    const dpu = (w: Workload) => glueRuns(config, w).find((r) => r.job === 'transactions')?.dpuHours ?? 0;
    expect(dpu(workload({ gbPerDay: 50, throughput: fast }))).toBeLessThan(dpu(workload({ gbPerDay: 50 })));
  });
});

describe('bytesPerQueryFromSummary', () => {
  const MiB = 1024 * 1024;
  // 20 queries of 2 MiB each, over a local lake of 4 MiB of processed data a day
  const summary = {
    queries: 20,
    bytes: 20 * 2 * MiB,
    lake: { processedBytes: 40 * MiB, processedBytesPerDay: 4 * MiB, days: 10 },
  };

  test('scales the local mean by the ratio of a day of processed data, workload over local', () => {
    // 1 GB/day x 0.2 processed = 204.8 MiB a day, 51.2 times the local 4 MiB: 2 MiB x 51.2 = 102.4 MiB
    const b = bytesPerQueryFromSummary(summary, { gbPerDay: 1, processedRatio: 0.2 });
    expect(b.source).toBe('measured');
    expect(b.perQuery).toBeCloseTo(107_374_182.4, 3);
    expect(b.measured).toEqual({
      queries: 20,
      localBytesPerQuery: 2 * MiB,
      localProcessedBytesPerDay: 4 * MiB,
      workloadProcessedBytesPerDay: expect.closeTo(214_748_364.8, 3),
      scale: expect.closeTo(51.2, 9),
    });
    expect(b.basis).toBe(
      '20 queries of the local server scanned 2.0 MB each on average, over a lake of 4.0 MB of processed data a day; ' +
        "a query scans the days it asks for, so that is scaled by a day's processed data in the workload " +
        "(1 GB x 0.2 = 204.8 MB) over the local lake's: x 51.2 = 102.4 MB " +
        '(the local measure counts whole files, Athena reads only the columns it needs: this errs high)',
    );
    // ten times the volume, ten times the bytes
    expect(bytesPerQueryFromSummary(summary, { gbPerDay: 10, processedRatio: 0.2 }).perQuery).toBeCloseTo(
      1_073_741_824,
      2,
    );
  });

  test(`keeps the default below ${MIN_MEASURED_QUERIES} queries, or with no processed data to scale by`, () => {
    const few = bytesPerQueryFromSummary({ ...summary, queries: 9 }, { gbPerDay: 1, processedRatio: 0.2 });
    expect(few).toEqual({
      perQuery: 64 * MiB,
      source: 'default',
      basis:
        'the local server measured 9 queries, fewer than 10: 64.0 MB assumed (lake serve measures the queries it answers)',
    });
    expect(bytesPerQueryFromSummary(null, { gbPerDay: 1, processedRatio: 0.2 }).basis).toMatch(
      /^the local server measured 0 queries, fewer than 10/,
    );
    const empty = bytesPerQueryFromSummary({ ...summary, lake: null }, { gbPerDay: 1, processedRatio: 0.2 });
    expect(empty.source).toBe('default');
    expect(empty.basis).toMatch(/over a lake with no processed data to scale by/);
  });

  test('the estimate bills the measured figure and says how it was reached', () => {
    const bytesScanned = bytesPerQueryFromSummary(summary, { gbPerDay: 1, processedRatio: 0.2 });
    const e = estimate({}, { bytesScanned });
    // 1000 queries a day x 365/12 days x 102.4 MiB = 2.9704 TiB
    expect(line(e, 'Athena', /scanned by API queries/)[0]?.quantity).toBeCloseTo(2.970377604, 6);
    expect(e.notes).toContain(`Athena bytes per query (measured): ${bytesScanned.basis}.`);
  });
});
