/**
 * `lake cost`: the estimated monthly AWS bill of an environment of cdk.json, per service (lib/cost/estimate.ts),
 * with the jobs' throughput measured from the lake home's last run reports where there are some, and Athena's bytes
 * per query from what the local server's queries scanned (lib/cost/bytes-per-query.ts), unless given.
 */
import type { Command } from 'commander';
import { configFromCdkJson } from '../../preflight';
import type { EnvironmentConfig } from '../../infra/config/environment-config';
import { WORKLOAD_DEFAULTS, estimateCost } from '../../cost/estimate';
import type { CostEstimate } from '../../cost/estimate';
import { givenBytesPerQuery, measuredBytesPerQuery } from '../../cost/bytes-per-query';
import { measuredThroughput } from '../../cost/throughput';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { renderTable } from '../format';
import { nonNegativeNumber } from '../options';

interface CostOptions {
  env: string;
  gbPerDay: number;
  apiRequestsPerDay: number;
  bytesPerQuery?: number;
  json?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('cost')
    .description(
      "Estimated monthly AWS bill of an environment, per service, from its cdk.json config, a workload and AWS's list prices (lib/cost/prices.ts)",
    )
    .option('--env <name>', 'environment of cdk.json (lake:environments)', 'dev')
    .option(
      '--gb-per-day <n>',
      'data the sources send per day, uncompressed (GB)',
      nonNegativeNumber('gb-per-day', 1e6),
      WORKLOAD_DEFAULTS.gbPerDay,
    )
    .option(
      '--api-requests-per-day <n>',
      'requests to the REST API per day (one Athena query each)',
      nonNegativeNumber('api-requests-per-day', 1e10),
      WORKLOAD_DEFAULTS.apiRequestsPerDay,
    )
    .option(
      '--bytes-per-query <n>',
      "bytes an API query scans on Athena (default: the local server's measure, scaled to the workload)",
      nonNegativeNumber('bytes-per-query', 1e15),
    )
    .option('--json', 'print the estimate as JSON')
    .action((opts: CostOptions) => {
      let config: EnvironmentConfig;
      try {
        config = configFromCdkJson(opts.env);
      } catch (e) {
        throw new CliError((e as Error).message, 2);
      }
      let estimate: CostEstimate;
      try {
        const volume = { gbPerDay: opts.gbPerDay, processedRatio: WORKLOAD_DEFAULTS.processedRatio };
        estimate = estimateCost(config, {
          ...WORKLOAD_DEFAULTS,
          gbPerDay: opts.gbPerDay,
          apiRequestsPerDay: opts.apiRequestsPerDay,
          bytesScanned:
            opts.bytesPerQuery !== undefined
              ? givenBytesPerQuery(opts.bytesPerQuery)
              : measuredBytesPerQuery(ctx.home(), volume),
          throughput: measuredThroughput(ctx.home()),
        });
      } catch (e) {
        throw new CliError(`cannot estimate ${opts.env}: ${(e as Error).message}`, 2);
      }
      ctx.out(opts.json ? JSON.stringify(estimate, null, 2) : render(estimate));
    });
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

const quantity = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(2) : n.toPrecision(3);

function render(e: CostEstimate): string {
  const w = e.workload;
  return [
    `${e.env}: about ${usd(e.totalUsd)} a month`,
    '',
    renderTable(
      ['service', 'item', 'quantity', 'unit', 'unit price', 'monthly'],
      e.lines.map((l) => [
        l.service,
        l.item,
        quantity(l.quantity),
        l.unit,
        `$${l.unitPrice}`,
        usd(l.monthlyUsd),
      ]),
      { maxWidth: 64 },
    ),
    '',
    renderTable(
      ['service', 'monthly'],
      [...e.services.map((s) => [s.service, usd(s.monthlyUsd)]), ['total', usd(e.totalUsd)]],
    ),
    '',
    `workload: ${w.gbPerDay} GB/day (${Math.round(w.streamShare * 100)}% through the stream), ${w.apiRequestsPerDay} API requests/day, ` +
      `${quantity(w.bytesScanned.perQuery / 1024 / 1024)} MB scanned per query (${w.bytesScanned.source}); throughput (rows/s per DPU): ` +
      Object.entries(w.throughput)
        .map(([job, t]) => `${job} ${Math.round(t.rowsPerSecondPerDpu)} (${t.source})`)
        .join(', '),
    ...e.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
