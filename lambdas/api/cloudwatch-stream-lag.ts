/**
 * The ad-events stream's delivery lag on AWS, read from CloudWatch with one GetMetricData call. A record is not yet
 * delivered while it waits on the Kinesis stream (Firehose, its only reader, has not read it yet:
 * `GetRecords.IteratorAgeMilliseconds`, Maximum) or in Firehose's buffer (`DeliveryToS3.DataFreshness`, Maximum, in
 * seconds: the age of the oldest record Firehose holds that is not yet in S3). The oldest undelivered record is
 * therefore as old as the larger of the two, taken from each metric's newest datapoint in the window.
 *
 * How many records are not yet delivered is not in the metrics (CloudWatch counts what passes, not what waits), so
 * `undeliveredRecords` stays null. The note gives, over the same window, the records that came into the stream
 * (`IncomingRecords`) and those Firehose delivered (`DeliveryToS3.Records`): their difference is how much the backlog
 * grew over the window, not the backlog itself.
 *
 * A CloudWatch error never fails the route: the lag is then unknown (`reachable: false`, the reason in the note).
 */
import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { StreamLag } from '../../lib/status/pipeline-status';

/** The metrics read, by query id (CloudWatch wants ids that start with a lower-case letter). */
const METRICS = {
  iteratorAge: { namespace: 'AWS/Kinesis', name: 'GetRecords.IteratorAgeMilliseconds', stat: 'Maximum' },
  freshness: { namespace: 'AWS/Firehose', name: 'DeliveryToS3.DataFreshness', stat: 'Maximum' },
  incoming: { namespace: 'AWS/Kinesis', name: 'IncomingRecords', stat: 'Sum' },
  delivered: { namespace: 'AWS/Firehose', name: 'DeliveryToS3.Records', stat: 'Sum' },
} as const;
export type LagMetric = keyof typeof METRICS;

/** One metric's datapoints over the window, in any order. */
export interface MetricSeries {
  readonly timestamps: readonly Date[];
  readonly values: readonly number[];
}

export interface LagWindow {
  readonly streamName: string;
  readonly deliveryStreamName: string;
  /** how far back the datapoints go (minutes) */
  readonly windowMinutes: number;
  /** seconds per datapoint */
  readonly periodSeconds: number;
}

const PERIOD_SECONDS = 60;

function newest(s: MetricSeries | undefined): { at: Date; value: number } | undefined {
  let best: { at: Date; value: number } | undefined;
  s?.timestamps.forEach((at, i) => {
    const value = s.values[i];
    if (value !== undefined && Number.isFinite(value) && (!best || at > best.at)) best = { at, value };
  });
  return best;
}

const sum = (s: MetricSeries | undefined): number | undefined =>
  s && s.values.length > 0 ? s.values.reduce((a, b) => a + b, 0) : undefined;

/**
 * The lag the datapoints tell, as of their newest sample. Pure: the datapoints and the clock are given. The age is
 * the one measured at the sample (not extrapolated to `now`); the oldest record arrived that long before the end
 * of the sample's period.
 */
export function lagFromMetrics(
  w: LagWindow,
  series: Readonly<Partial<Record<LagMetric, MetricSeries>>>,
  now: Date,
): StreamLag {
  const names = `stream ${w.streamName}, delivery stream ${w.deliveryStreamName}`;
  const window = `the last ${w.windowMinutes} min`;
  const incoming = sum(series.incoming);
  const delivered = sum(series.delivered);
  const flow =
    incoming !== undefined || delivered !== undefined
      ? `over ${window}, ${incoming ?? 0} records came into the stream and ${delivered ?? 0} were delivered to S3 (their difference is how much the backlog grew, not the backlog)`
      : undefined;
  const unknownCount = 'records not yet delivered are not in the metrics (null)';
  const iterator = newest(series.iteratorAge);
  const fresh = newest(series.freshness);
  const ages = [
    ...(iterator ? [{ ...iterator, ms: iterator.value, what: 'waiting on the stream (iterator age)' }] : []),
    ...(fresh ? [{ ...fresh, ms: fresh.value * 1000, what: 'in the Firehose buffer (data freshness)' }] : []),
  ];
  const base = { stream: w.streamName, reachable: true, undeliveredRecords: null };
  if (ages.length === 0) {
    const why =
      incoming === undefined && delivered === undefined
        ? `idle or unknown: no CloudWatch datapoints in ${window} for ${names}: nothing was written, read or delivered (an idle stream), or no stream publishes under these names`
        : `unknown: records moved (${flow ?? ''}) but no reader reported an iterator age and Firehose no data freshness in ${window} for ${names}`;
    return {
      ...base,
      oldestUndeliveredAt: null,
      oldestUndeliveredAgeMinutes: null,
      note: `lag ${why}; ${unknownCount}`,
    };
  }
  const oldest = ages.reduce((a, b) => (b.ms > a.ms ? b : a));
  const sampleEnd = Math.min(oldest.at.getTime() + w.periodSeconds * 1000, now.getTime());
  const parts = [
    `from CloudWatch (${names}): the oldest undelivered record is ${Math.round(oldest.ms / 1000)} s old, ${oldest.what}, as of ${new Date(sampleEnd).toISOString()}`,
    iterator ? `iterator age ${Math.round(iterator.value / 1000)} s` : `no iterator age in ${window}`,
    fresh
      ? `data freshness ${Math.round(fresh.value)} s`
      : `no data freshness in ${window} (nothing buffered)`,
    unknownCount,
    ...(flow ? [flow] : []),
  ];
  return {
    ...base,
    oldestUndeliveredAt: new Date(sampleEnd - oldest.ms).toISOString(),
    oldestUndeliveredAgeMinutes: Math.round(oldest.ms / 60000),
    note: parts.join('; '),
  };
}

export interface CloudWatchStreamLagOptions {
  readonly client: CloudWatchClient;
  readonly streamName: string;
  readonly deliveryStreamName: string;
  /** how far back the datapoints are read; CloudWatch publishes them a minute or more late (minutes) @default 10 */
  readonly windowMinutes?: number;
}

function queries(w: LagWindow): MetricDataQuery[] {
  return (Object.keys(METRICS) as LagMetric[]).map((id) => {
    const m = METRICS[id];
    const dimension =
      m.namespace === 'AWS/Kinesis'
        ? { Name: 'StreamName', Value: w.streamName }
        : { Name: 'DeliveryStreamName', Value: w.deliveryStreamName };
    return {
      Id: id,
      MetricStat: {
        Metric: { Namespace: m.namespace, MetricName: m.name, Dimensions: [dimension] },
        Period: w.periodSeconds,
        Stat: m.stat,
      },
      ReturnData: true,
    };
  });
}

/** Reads the lag from CloudWatch at each call; never throws (an error is an unreachable lag with its reason). */
export function cloudWatchStreamLag(opts: CloudWatchStreamLagOptions): (now: Date) => Promise<StreamLag> {
  const w: LagWindow = {
    streamName: opts.streamName,
    deliveryStreamName: opts.deliveryStreamName,
    windowMinutes: opts.windowMinutes ?? 10,
    periodSeconds: PERIOD_SECONDS,
  };
  return async (now) => {
    // whole minutes at both ends, as CloudWatch answers fastest
    const minute = 60_000;
    const end = new Date(Math.ceil(now.getTime() / minute) * minute);
    const start = new Date(end.getTime() - w.windowMinutes * minute);
    const series: Partial<Record<LagMetric, { timestamps: Date[]; values: number[] }>> = {};
    try {
      let token: string | undefined;
      do {
        const out = await opts.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries(w),
            StartTime: start,
            EndTime: end,
            ScanBy: 'TimestampDescending',
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const r of out.MetricDataResults ?? []) {
          const id = r.Id as LagMetric;
          if (!(id in METRICS)) continue;
          if (r.StatusCode === 'InternalError' || r.StatusCode === 'Forbidden')
            throw new Error(`${METRICS[id].name}: ${r.StatusCode}`);
          const s = (series[id] ??= { timestamps: [], values: [] });
          s.timestamps.push(...(r.Timestamps ?? []));
          s.values.push(...(r.Values ?? []));
        }
        token = out.NextToken;
      } while (token);
    } catch (e) {
      return {
        stream: w.streamName,
        reachable: false,
        undeliveredRecords: null,
        oldestUndeliveredAt: null,
        oldestUndeliveredAgeMinutes: null,
        note: `CloudWatch not readable (${(e as Error).name}: ${(e as Error).message}): lag unknown`,
      };
    }
    return lagFromMetrics(w, series, now);
  };
}
