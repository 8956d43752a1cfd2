/**
 * `lake stream up|down|status|produce|deliver|run`: the real-time ad-events path on this machine (lib/stream/).
 * The stream target is the managed Kinesis emulator in the lake home unless `--endpoint`/LAKE_KINESIS_ENDPOINT or
 * `--aws`/LAKE_STREAM_TARGET=aws say otherwise (see lib/stream/config.ts).
 */
import type { Command } from 'commander';
import { runJobs } from '../../local/runner';
import { maintainWhenDue } from '../maintenance';
import { warmByDefault } from '../../local/resident-spark';
import { warmStreamJobs } from '../../stream/warm';
import { resolveBuffering, resolveStreamTarget } from '../../stream/config';
import type { DeliveryBuffering, StreamTarget } from '../../stream/config';
import { openStream } from '../../stream/connect';
import type { OpenStream } from '../../stream/connect';
import { deliver, filesOf } from '../../stream/delivery';
import type { DeliveredFile } from '../../stream/delivery';
import { startEmulator, stopEmulator } from '../../stream/emulator';
import { adEventSource, newSeed } from '../../stream/events';
import { produce } from '../../stream/producer';
import { percentile, runStream, STREAM_TABLES } from '../../stream/run';
import type { JobRunMeasure, StreamRunResult } from '../../stream/run';
import { streamStatus } from '../../stream/status';
import type { StreamStatus } from '../../stream/status';
import { kinesisWriter } from '../../stream/writer';
import { nonNegativeNumber, positiveInt } from '../options';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { formatCount, formatDuration } from '../format';
import type { Step } from '../progress';

interface GroupOptions {
  streamName?: string;
  shards?: number;
  endpoint?: string;
  aws?: boolean;
}

/** Aborts on the first SIGINT/SIGTERM; a second one exits at once. */
function stopSignal(ctx: CliContext): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    ctx.log(`${sig}: stopping (flushing buffers; ${sig} again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function register(program: Command, ctx: CliContext): void {
  const group = program
    .command('stream')
    .description(
      'The real-time ad-events stream: a local Kinesis emulator, a producer, and a Firehose-like delivery worker to raw/ad_events/.',
    )
    .option('--stream-name <name>', 'stream name (default: $LAKE_STREAM_NAME or lake-ad-events)')
    .option(
      '--shards <n>',
      'shards when the stream is created (default: $LAKE_STREAM_SHARDS or 2)',
      positiveInt('shards'),
    )
    .option(
      '--endpoint <url>',
      'a Kinesis endpoint you run yourself (default: the managed emulator in the lake home)',
    )
    .option('--aws', 'use real Kinesis (region and credentials from the AWS SDK default chain)');
  const stream = streamGroup(group, ctx);
  registerUp(stream);
  registerDown(stream);
  registerStatus(stream);
  registerProduce(stream);
  registerDeliver(stream);
  registerRun(stream);
}

/** What the subcommands share: the group's options resolved to a target, an opened stream, buffering options. */
interface StreamGroup {
  readonly group: Command;
  readonly ctx: CliContext;
  target(): StreamTarget;
  open(): Promise<OpenStream>;
  buffering(o: { bufferBytes?: number; bufferMs?: number }): DeliveryBuffering;
}

function streamGroup(group: Command, ctx: CliContext): StreamGroup {
  const target = (): StreamTarget => {
    const g = group.opts<GroupOptions>();
    try {
      return resolveStreamTarget({
        streamName: g.streamName,
        shardCount: g.shards,
        endpoint: g.endpoint,
        aws: g.aws,
      });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  };
  return {
    group,
    ctx,
    target,
    async open() {
      const opened = await openStream(ctx.home(), target());
      if (opened.startedEmulator) ctx.log(`started the Kinesis emulator at ${opened.target.endpoint ?? ''}`);
      if (opened.createdStream)
        ctx.log(`created stream ${opened.target.streamName} (${opened.target.shardCount} shards)`);
      return opened;
    },
    buffering(o) {
      try {
        return resolveBuffering({
          ...(o.bufferBytes !== undefined ? { maxBytes: o.bufferBytes } : {}),
          ...(o.bufferMs !== undefined ? { maxMs: o.bufferMs } : {}),
        });
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    },
  };
}

/** `stream up`: starts the managed emulator and creates the stream. */
function registerUp(s: StreamGroup): void {
  s.group
    .command('up')
    .description(
      'Start the local Kinesis emulator (127.0.0.1, data in <home>/state/kinesis/) and create the stream.',
    )
    .option(
      '--port <n>',
      'port (default: the previous one when free, else any free port)',
      positiveInt('port'),
    )
    .action(async (o: { port?: number }) => {
      const home = s.ctx.home();
      const t = s.target();
      if (t.kind !== 'managed-emulator')
        throw new CliError(`'stream up' manages the local emulator; the target is ${t.kind}`);
      const e = await startEmulator(home, o.port !== undefined ? { port: o.port } : {});
      const opened = await openStream(home, { ...t });
      opened.client.destroy();
      s.ctx.out(
        `emulator ${e.started ? 'started' : 'already running'}: pid ${e.pid}, ${e.endpoint}, data in ${e.dataDir}`,
      );
      s.ctx.out(
        `stream ${t.streamName}: ${opened.createdStream ? `created with ${t.shardCount} shards` : 'exists'}, ACTIVE`,
      );
    });
}

/** `stream down`: stops the managed emulator. */
function registerDown(s: StreamGroup): void {
  s.group
    .command('down')
    .description('Stop the local Kinesis emulator (its data stays in <home>/state/kinesis/).')
    .action(async () => {
      const r = await stopEmulator(s.ctx.home());
      s.ctx.out(r.stopped ? `emulator stopped (pid ${r.pid ?? '?'})` : 'emulator was not running');
    });
}

/** `stream status`: the emulator, the stream, its shards and the delivery checkpoints. */
function registerStatus(s: StreamGroup): void {
  s.group
    .command('status')
    .description('Emulator, stream, shards and delivery checkpoints.')
    .option('--json', 'print as JSON')
    .action(async (o: { json?: boolean }) => {
      const { status, target } = await streamStatus(s.ctx.home(), s.target());
      s.ctx.out(o.json ? JSON.stringify(status, null, 2) : describeStatus(status, target));
    });
}

function describeStatus(status: StreamStatus, t: StreamTarget): string {
  const e = status.emulator;
  const lines = [`target: ${t.kind}${t.endpoint ? ` (${t.endpoint})` : ''}`];
  if (e)
    lines.push(
      e.running ? `emulator: running, pid ${e.pid}, ${e.endpoint}` : `emulator: not running (${e.reason})`,
    );
  lines.push(`stream ${t.streamName}: ${status.streamStatus ?? 'unknown (emulator not running)'}`);
  for (const sh of status.shards ?? [])
    lines.push(`  ${sh.id}  ${sh.open ? 'open' : 'closed'}${sh.parent ? `  (child of ${sh.parent})` : ''}`);
  const cps = Object.entries(status.checkpoints ?? {});
  lines.push(cps.length === 0 ? 'delivery checkpoints: none yet' : 'delivery checkpoints:');
  for (const [id, c] of cps)
    lines.push(
      `  ${id}  ${c.finished ? 'finished' : (c.sequenceNumber ?? '-')}${c.pending ? '  (a delivery to redo)' : ''}`,
    );
  return lines.join('\n');
}

/** `stream produce`: generated ad events onto the stream. */
function registerProduce(s: StreamGroup): void {
  s.group
    .command('produce')
    .description(
      'Put generated ad events on the stream (PutRecords, batches of <= 500 records / 5 MiB, failed entries retried with backoff).',
    )
    .option('--events <n>', 'events to send', positiveInt('events'), 1000)
    .option(
      '--rate <r>',
      'events per second (default: as fast as the stream takes them)',
      positiveInt('rate'),
    )
    .option(
      '--duplicates <p>',
      'share of events sent a second time (as a retrying producer would), 0..1',
      nonNegativeNumber('duplicates', 1),
      0,
    )
    .option(
      '--bad-rate <p>',
      'share of malformed records (contract violations, non-JSON), 0..1',
      nonNegativeNumber('bad-rate', 1),
      0,
    )
    .option('--seed <n>', 'seed of the events (default: a new one each time)', positiveInt('seed'))
    .option('--json', 'print the counts as JSON')
    .action(
      async (o: {
        events: number;
        rate?: number;
        duplicates: number;
        badRate: number;
        seed?: number;
        json?: boolean;
      }) => {
        const opened = await s.open();
        const seed = o.seed ?? newSeed();
        const stop = stopSignal(s.ctx);
        try {
          const r = await s.ctx.progress.run(
            `produce to ${opened.target.streamName}`,
            (step) =>
              produce(
                kinesisWriter(opened.client),
                opened.target.streamName,
                adEventSource({ count: o.events, seed, badRate: o.badRate }),
                {
                  ...(o.rate !== undefined ? { rate: o.rate } : {}),
                  duplicates: o.duplicates,
                  seed,
                  signal: stop.signal,
                  onProgress: (events) => step.count(events),
                },
              ),
            {
              unit: 'events',
              total: o.events,
              summary: (x) => `${formatCount(x.events)} events, ${formatCount(x.records)} records`,
            },
          );
          if (o.json) s.ctx.out(JSON.stringify({ seed, ...r }, null, 2));
          else {
            s.ctx.out(
              `produced ${formatCount(r.records)} records (${formatCount(r.events)} events + ${formatCount(r.duplicatesSent)} duplicates, seed ${seed}) ` +
                `to ${opened.target.streamName} in ${formatDuration(r.durationMs)}: ${formatCount(Math.round(r.recordsPerSecond))} records/s`,
            );
            s.ctx.out(
              `${r.batches} PutRecords batches, ${r.putRecordsCalls} calls, ${r.retriedEntries} entries retried`,
            );
            s.ctx.out(
              `per shard: ${Object.entries(r.perShard)
                .map(([k, v]) => `${k} ${formatCount(v)}`)
                .join(', ')}`,
            );
          }
        } finally {
          stop.dispose();
          opened.client.destroy();
        }
      },
    );
}

/** `stream deliver`: the stream to raw, once or following. */
function registerDeliver(s: StreamGroup): void {
  s.group
    .command('deliver')
    .description(
      'Deliver the stream to raw/ad_events/YYYY/MM/DD/HH/ as gzip NDJSON (non-JSON to raw/ad_events_errors/); resumes from its checkpoints.',
    )
    .option('--follow', 'keep delivering until SIGINT/SIGTERM (then flush)')
    .option(
      '--buffer-bytes <n>',
      'flush a shard buffer at this size (default: $LAKE_STREAM_BUFFER_BYTES or 1 MiB)',
      positiveInt('buffer-bytes'),
    )
    .option(
      '--buffer-ms <n>',
      'flush a shard buffer after this time (default: $LAKE_STREAM_BUFFER_MS or 5000)',
      positiveInt('buffer-ms'),
    )
    .option('--json', 'print the counts as JSON')
    .action(async (o: { follow?: boolean; bufferBytes?: number; bufferMs?: number; json?: boolean }) => {
      const opened = await s.open();
      const stop = stopSignal(s.ctx);
      try {
        const r = await s.ctx.progress.run(
          `deliver ${opened.target.streamName} to raw`,
          (step) => {
            const files = fileCounter(step);
            return deliver(s.ctx.home(), opened.client, opened.target.streamName, {
              follow: o.follow ?? false,
              buffering: s.buffering(o),
              signal: stop.signal,
              log: (l) => s.ctx.log(l),
              onFile: (f) => {
                files(f);
                if (o.follow)
                  s.ctx.log(
                    `delivered ${f.records + f.errorRecords} record(s) to ${f.key ?? f.errorKey ?? '?'}${f.redone ? ' (redone after a crash)' : ''}`,
                  );
              },
            });
          },
          { unit: 'records', summary: (x) => `${formatCount(x.records + x.errorRecords)} records` },
        );
        if (o.json) s.ctx.out(JSON.stringify(r, null, 2));
        else
          s.ctx.out(
            `delivered ${formatCount(r.records)} record(s) in ${r.files} file(s) to raw/ad_events/ and ${formatCount(r.errorRecords)} in ${r.errorFiles} file(s) ` +
              `to raw/ad_events_errors/ from ${r.shards} shard(s) in ${formatDuration(r.durationMs)}${r.redoneDeliveries > 0 ? ` (${r.redoneDeliveries} interrupted delivery redone)` : ''}`,
          );
      } finally {
        stop.dispose();
        opened.client.destroy();
      }
    });
}

/** Counts the records and files the delivery worker writes, on `step`. */
function fileCounter(step: Step): (f: DeliveredFile) => void {
  let records = 0;
  let files = 0;
  return (f) => {
    records += f.records + f.errorRecords;
    files += filesOf(f);
    step.count(records);
    step.note(`${formatCount(files)} file(s)`);
  };
}

/** One line per job run of `stream run`: how long, what became queryable, and the delays it measured. */
function jobRunLine(m: JobRunMeasure): string {
  const reports = m.reports
    .map((x) => `${x.dataset} ${x.status} ${x.output_rows}/${x.input_rows}`)
    .join(', ');
  return (
    `job run (${seconds(m.finishedAtMs - m.startedAtMs)}, exit ${m.exitCode}): ${m.files} file(s), ${formatCount(m.events)} event(s) queryable; ` +
    `delay p50 ${seconds(percentile(m.delaysMs, 50))}, max ${seconds(percentile(m.delaysMs, 100))}  [${reports}]`
  );
}

/** The closing summary of `stream run`: what went through, and the event-to-queryable delay over all events. */
function runSummary(r: StreamRunResult): string {
  const d = r.delaysMs;
  return [
    `produced ${formatCount(r.produced.records)} record(s), delivered ${formatCount(r.delivered.records)} (+${formatCount(r.delivered.errorRecords)} to the error prefix) in ${r.delivered.files} file(s), ${r.jobRuns.length} job run(s)`,
    d.length > 0
      ? `event-to-queryable delay over ${formatCount(d.length)} events: p50 ${seconds(percentile(d, 50))}, p95 ${seconds(percentile(d, 95))}, max ${seconds(percentile(d, 100))}`
      : 'no event became queryable during the run (run longer than the job interval plus a job run)',
    ...(r.unprocessedEvents > 0
      ? [`${formatCount(r.unprocessedEvents)} delivered event(s) wait for the next job run (lake etl)`]
      : []),
  ].join('\n');
}

/** `stream run`: produce, deliver and run the stream jobs together, reporting the event-to-queryable delay. */
function registerRun(s: StreamGroup): void {
  s.group
    .command('run')
    .description(
      'Produce (at a rate), deliver (follow) and run the ad_events + campaign_performance jobs every few seconds; prints the event-to-queryable delay.',
    )
    .option('--rate <r>', 'events per second', positiveInt('rate'), 50)
    .option(
      '--job-interval <s>',
      'seconds between job runs (a run only starts when new raw files exist)',
      positiveInt('job-interval'),
      5,
    )
    .option(
      '--duration <s>',
      'stop after this many seconds (default: until SIGINT/SIGTERM)',
      positiveInt('duration'),
    )
    .option(
      '--buffer-bytes <n>',
      'delivery buffer size per shard (default 1 MiB)',
      positiveInt('buffer-bytes'),
    )
    .option('--buffer-ms <n>', 'delivery buffer time per shard (default 5000)', positiveInt('buffer-ms'))
    .option('--duplicates <p>', 'share of events sent twice, 0..1', nonNegativeNumber('duplicates', 1), 0)
    .option('--bad-rate <p>', 'share of malformed records, 0..1', nonNegativeNumber('bad-rate', 1), 0)
    .action(
      async (o: {
        rate: number;
        jobInterval: number;
        duration?: number;
        bufferBytes?: number;
        bufferMs?: number;
        duplicates: number;
        badRate: number;
      }) => {
        s.ctx.ensureToolchain({ quiet: true });
        const home = s.ctx.home();
        const opened = await s.open();
        const stop = stopSignal(s.ctx);
        const buf = s.buffering(o);
        s.ctx.log(
          `stream run: ${o.rate} events/s -> ${opened.target.streamName} -> raw (buffer ${formatCount(buf.maxBytes)} B / ${seconds(buf.maxMs)}) -> ` +
            `ad_events + campaign_performance every ${o.jobInterval} s${o.duration ? `, for ${o.duration} s` : '; Ctrl-C stops'}`,
        );
        const p = s.ctx.progress;
        // a job run beside `lake etl` or maintenance waits for the lake's run lock rather than failing
        const streamJobs = (h: string) =>
          runJobs(h, { datasets: STREAM_TABLES, warm: warmByDefault(), wait: 900 });
        if (warmByDefault())
          await p.run('warm Spark', () => warmStreamJobs(home, streamJobs, (l) => s.ctx.log(l)), {
            summary: (w) =>
              `started in ${seconds(w.startMs)}, first job run ${seconds(w.firstRunMs)} (exit ${w.firstRun.exitCode})`,
          });
        const producing = p.start('produce', { unit: 'events' });
        const delivering = p.start('deliver', { unit: 'records' });
        const jobs = p.start('job runs', { unit: 'runs' });
        let runs = 0;
        try {
          const r = await runStream({
            home,
            client: opened.client,
            writer: kinesisWriter(opened.client),
            streamName: opened.target.streamName,
            payloads: adEventSource({ badRate: o.badRate }),
            rate: o.rate,
            duplicates: o.duplicates,
            buffering: buf,
            jobIntervalMs: o.jobInterval * 1000,
            ...(o.duration !== undefined ? { durationMs: o.duration * 1000 } : {}),
            signal: stop.signal,
            runJobs: streamJobs,
            log: (l) => s.ctx.log(l),
            onProduced: (events) => producing.count(events),
            onDelivered: fileCounter(delivering),
            onJobStart: () => jobs.note(`run ${runs + 1} running`),
            onJobRun: (m) => {
              jobs.count(++runs);
              jobs.note(
                `last delay p50 ${seconds(percentile(m.delaysMs, 50))}, max ${seconds(percentile(m.delaysMs, 100))}`,
              );
              s.ctx.log(jobRunLine(m));
            },
            // the streamed table gets a few small files every run: compacted (and expired) once it is due
            afterJobRun: async () => {
              await maintainWhenDue(s.ctx, STREAM_TABLES, { wait: 900 });
            },
          });
          producing.done(
            `${formatCount(r.produced.events)} events, ${formatCount(r.produced.records)} records`,
          );
          delivering.done(
            `${formatCount(r.delivered.records + r.delivered.errorRecords)} records in ${r.delivered.files + r.delivered.errorFiles} file(s)`,
          );
          if (r.jobRuns.some((m) => m.exitCode !== 0))
            jobs.fail(`${r.jobRuns.filter((m) => m.exitCode !== 0).length} of ${r.jobRuns.length} failed`);
          else jobs.done(`${r.jobRuns.length} run(s)`);
          s.ctx.out(runSummary(r));
          if (r.jobRuns.some((m) => m.exitCode !== 0)) process.exitCode = 1;
        } finally {
          stop.dispose();
          opened.client.destroy();
        }
      },
    );
}
