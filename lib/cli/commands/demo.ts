import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createKey } from '../../serve/api-keys';
import { describeCatalog } from '../../local/lake-catalog';
import { landRawKeys } from '../../local/land';
import type { RunReport } from '../../local/runner';
import { CliError, dim } from '../context';
import { generateWithProgress } from '../generate-run';
import type { Step, Steps } from '../progress';
import type { CliContext } from '../context';
import { formatCount, formatDuration, renderTable } from '../format';
import { runEtl } from '../etl-run';
import { maintainWhenDue } from '../maintenance';
import { positiveInt, withSampleDataOptions } from '../options';
import type { SampleDataOptions } from '../options';
import { produceAndDeliver, splitLiveTail } from '../../stream/demo-leg';
import type { StreamLegResult } from '../../stream/demo-leg';

function hasData(home: string): boolean {
  return ['raw', 'warehouse'].some((z) => existsSync(join(home, z)) && readdirSync(join(home, z)).length > 0);
}

function looksLikeLakeHome(home: string): boolean {
  return readdirSync(home).every((e) => ['raw', 'warehouse', 'quarantine', 'reports', 'state'].includes(e));
}

export function register(program: Command, ctx: CliContext): void {
  withSampleDataOptions(program.command('demo'))
    .description(
      'Build the lake end to end on this machine: set up, generate sample data, stream the ad events, run every job, summarise.',
    )
    .option('--fresh', 'delete the lake home first (only a folder that holds nothing but a lake)')
    .option(
      '--no-stream',
      'land all ad events directly instead of streaming the latest through the Kinesis emulator',
    )
    .option(
      '--stream-events <n>',
      'how many of the latest ad events go through the stream (the rest land as earlier deliveries)',
      positiveInt('stream-events'),
      10_000,
    )
    .action(async (opts: SampleDataOptions & { fresh?: boolean; stream: boolean; streamEvents: number }) => {
      const started = Date.now();
      const home = ctx.home();
      const p = ctx.progress;
      const step = (i: number, title: string): string => `[${i}/5] ${title}`;
      if (opts.fresh && existsSync(home)) {
        if (!looksLikeLakeHome(home))
          throw new CliError(`--fresh: ${home} holds files that are not a lake's; not deleting it`);
        rmSync(home, { recursive: true, force: true });
      }
      await p.run(step(1, 'toolchain'), async () => ctx.ensureToolchain(), { summary: () => 'ready' });

      if (hasData(home)) {
        p.start(step(2, 'sample data')).done(
          `${home} already holds a lake: not generating again (lake demo --fresh starts over)`,
        );
        p.start(step(3, 'ad events')).done('skipped');
      } else {
        const { lake } = await p.run(
          step(2, `sample data (${opts.days} days, scale ${opts.scale}, seed ${opts.seed})`),
          (s) =>
            generateWithProgress(
              s,
              home,
              { days: opts.days, scale: opts.scale, seed: opts.seed, badRate: opts.badRate },
              { landDeliveries: false },
            ),
          {
            summary: ({ landed }) =>
              landed.manifests.map((m) => `${m.dataset} ${m.files.length} file(s)`).join(', '),
          },
        );
        const split = opts.stream
          ? splitLiveTail(lake.deliveryFiles, lake.adEvents, opts.streamEvents)
          : null;
        await p.run(
          step(
            3,
            `ad events: ${formatCount(lake.adEvents.length)}${split ? `, the last ${formatCount(split.live.length)} through the stream` : ''}`,
          ),
          async (s) => {
            if (!split) {
              const keys = landRawKeys(home, lake.deliveryFiles);
              return `landed as ${keys.length} delivery file(s) under raw/ad_events/`;
            }
            const keys = landRawKeys(home, split.history);
            ctx.log(
              `earlier deliveries: ${keys.length} file(s) landed under raw/ad_events/ as the delivery worker wrote them`,
            );
            try {
              const r = await streamLeg(ctx, s, home, split.live);
              return `produced ${formatCount(r.produced)} records (${formatCount(Math.round(r.producedPerSecond))}/s), delivered ${formatCount(r.deliveredRecords)} to raw/ad_events/ and ${formatCount(r.deliveredErrorRecords)} to raw/ad_events_errors/ in ${r.files} file(s)`;
            } catch (e) {
              ctx.warn(
                `the stream leg failed (${(e as Error).message}); landing those ad events directly instead`,
              );
              landRawKeys(home, split.liveFiles);
              return 'landed directly (the stream leg failed)';
            }
          },
          { summary: (text) => text },
        );
      }

      const reports = await runEtl(ctx, { quiet: false, title: step(4, 'ETL on local Spark') });
      // the tables' upkeep, when their metadata says it is due (lib/local/upkeep.ts)
      await maintainWhenDue(ctx);
      const text = await p.run(step(5, 'summary'), () => summary(ctx, reports, Date.now() - started), {
        summary: () => 'tables read, an analyst API key made',
      });
      ctx.out(text);
    });
}

/** Produces the live tail to the local stream and delivers it, as two steps under `parent`. */
async function streamLeg(
  ctx: CliContext,
  parent: Steps,
  home: string,
  live: Parameters<typeof produceAndDeliver>[1],
): Promise<StreamLegResult> {
  let producing: Step | undefined;
  let delivering: Step | undefined;
  let produced = 0;
  try {
    const r = await produceAndDeliver(home, live, {
      log: (l) => ctx.log(l),
      produced(records, total) {
        producing ??= parent.start('produce', { unit: 'records', total });
        producing.count(records, total);
        produced = records;
      },
      delivered(records, files) {
        producing?.done(`${formatCount(produced)} records on the stream`);
        delivering ??= parent.start('deliver', { unit: 'records' });
        delivering.count(records);
        delivering.note(`${files} file(s)`);
      },
    });
    delivering?.done(
      `${formatCount(r.deliveredRecords + r.deliveredErrorRecords)} records in ${r.files} file(s)`,
    );
    return r;
  } catch (e) {
    producing?.fail();
    delivering?.fail();
    throw e;
  }
}

async function summary(ctx: CliContext, reports: readonly RunReport[], tookMs: number): Promise<string> {
  const home = ctx.home();
  const entries = await describeCatalog(home);
  const rows = entries.map((e) => [e.qualifiedName, e.rowCount, e.version ? e.version.snapshotId : '-']);
  const reasons: [string, string, number][] = reports.flatMap((r) =>
    Object.entries(r.quarantine_reasons ?? {}).map(([k, v]): [string, string, number] => [r.dataset, k, v]),
  );
  const failed = reports.filter((r) => r.status === 'failed');
  const q = (s: string): string => JSON.stringify(s);
  // an API key for the analyst role (no PII), and a date range the lake holds, for a first API call
  const { key } = createKey(home, 'analyst', 'lake demo');
  const newest = entries.find((e) => e.name === 'daily_sales')?.freshness.newestEventTime;
  const to = newest ? new Date(Date.parse(newest.slice(0, 10)) + 86_400_000) : new Date();
  const from = new Date(to.getTime() - 7 * 86_400_000);
  const day = (d: Date): string => d.toISOString().slice(0, 10);
  return [
    '',
    `== the lake is built (${formatDuration(tookMs)})${failed.length > 0 ? ` -- ${failed.length} run(s) FAILED: ${failed.map((r) => r.dataset).join(', ')}` : ''}`,
    '',
    'rows per table:',
    renderTable(['table', 'rows', 'current snapshot'], rows),
    '',
    'quarantined rows by reason (this run):',
    reasons.length === 0
      ? '  none'
      : renderTable(
          ['dataset', 'reason', 'rows'],
          reasons.sort((a, b) => b[2] - a[2]),
        ),
    '',
    'where the data is:',
    `  lake home    ${home}`,
    `  raw zone     ${join(home, 'raw')}   (files as they arrived, never rewritten)`,
    `  tables       ${join(home, 'warehouse')}   (Iceberg: processed.*, curated.*)`,
    `  quarantine   ${join(home, 'quarantine')}   (rejected records with their reason)`,
    `  run reports  ${join(home, 'reports')}`,
    '',
    'next:',
    `  npx lake query ${q('SELECT status, count(*) AS lines, sum(amount_usd) AS usd FROM processed.transactions GROUP BY status ORDER BY lines DESC')}`,
    `  npx lake query ${q('SELECT order_date, sum(revenue_usd) AS revenue FROM curated.daily_sales GROUP BY 1 ORDER BY 1')}`,
    `  npx lake query ${q('SELECT status_class, count(*) FROM processed.server_logs GROUP BY 1 ORDER BY 1')} --format csv`,
    `  npx lake query ${q('SELECT campaign_id, sum(clicks) clicks, sum(revenue_usd) revenue FROM curated.campaign_performance GROUP BY 1 ORDER BY revenue DESC LIMIT 5')}`,
    '  npx lake catalog                 # tables, freshness, versions;  npx lake catalog transactions   # columns, PII',
    '  npx lake serve                   # the HTTP API and the dashboard on 127.0.0.1:8080, then open:',
    `  http://127.0.0.1:8080/#key=${key}`,
    '                                   # the dashboard, signed in with a new analyst key (shown once; the part',
    '                                   # after # stays in the browser); or, in another shell:',
    `  curl -H 'x-api-key: ${key}' 'http://127.0.0.1:8080/v1/metrics/daily-sales?from=${day(from)}&to=${day(to)}'`,
    '                                   # (npx lake keys create --role admin for a key that sees PII)',
    '  npx lake etl --json              # run again: nothing new, nothing changes',
    '  npx lake down                    # stop the warm Spark the runs share (it stops itself after 30 idle minutes)',
    dim('', ctx.colour),
  ].join('\n');
}
