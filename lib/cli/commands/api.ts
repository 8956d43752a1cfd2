/** `lake keys create|list|revoke` and `lake serve`: the local API (same router as the Lambda handler). */
import type { Command } from 'commander';
import { createKey, readKeys, revokeKey } from '../../serve/api-keys';
import { lakeExampleRange } from '../../serve/example-range';
import { guarded } from '../../serve/native-memory';
import { createLocalRouter } from '../../serve/local-app';
import { reloadingEngine } from '../../serve/reloading-engine';
import { scanRecorder } from '../../serve/scan-summary';
import { startServer } from '../../serve/server';
import { SYNC_BUDGET_MS } from '../../../lambdas/api/config';
import { staticAssets } from '../../serve/static-assets';
import { dashboardFiles, ensureDashboard } from '../../dashboard/bundle';
import { jsonLogger, type LogLevel } from '../../../lambdas/api/logger';
import { grants, isRole, roles } from '../../governance/grants';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { renderTable } from '../format';
import { intOption } from '../options';

export function register(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description('API keys of the local server (stored hashed in <home>/state/api-keys.json).');
  keys
    .command('create')
    .description('Create an API key for a data role and print it (shown only this once).')
    .requiredOption('--role <role>', `data role: ${roles.join(', ')}`)
    .option('--label <text>', 'a note to recognise the key by in `lake keys list`')
    .option('--json', 'print {id, role, key} as JSON')
    .action((opts: { role: string; label?: string; json?: boolean }) => {
      if (!isRole(opts.role)) throw new CliError(`unknown role '${opts.role}' (roles: ${roles.join(', ')})`);
      const { key, entry } = createKey(ctx.home(), opts.role, opts.label);
      if (opts.json) ctx.out(JSON.stringify({ id: entry.id, role: entry.role, key }));
      else {
        ctx.out(key);
        ctx.log(
          `key ${entry.id} for role '${entry.role}' (${grants[entry.role].description}); it is not stored in clear, keep it now.`,
        );
        ctx.log(`try: curl -H 'x-api-key: ${key}' http://127.0.0.1:8080/v1/datasets`);
      }
    });
  keys
    .command('list')
    .description('List API keys (ids and roles; the keys themselves are not stored).')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const list = readKeys(ctx.home()).map((k) => ({
        id: k.id,
        role: k.role,
        createdAt: k.createdAt,
        label: k.label ?? null,
      }));
      if (opts.json) ctx.out(JSON.stringify(list, null, 2));
      else
        ctx.out(
          renderTable(
            ['id', 'role', 'created', 'label'],
            list.map((k) => [k.id, k.role, k.createdAt, k.label]),
          ),
        );
    });

  keys
    .command('revoke')
    .description('Revoke an API key by its id (see `lake keys list`); a running server refuses it at once.')
    .argument('<id>', 'the key id (12 hex digits, the part after `lake_`)')
    .action((id: string) => {
      const entry = revokeKey(ctx.home(), id);
      if (!entry) throw new CliError(`no API key with id '${id}' (see \`lake keys list\`)`);
      ctx.log(`key ${entry.id} (role '${entry.role}') revoked`);
    });

  program
    .command('serve')
    .description(
      'Serve the HTTP API on the local lake (DuckDB over the current Iceberg snapshots). Ctrl-C stops it.',
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--budget-ms <ms>',
      'how long a request waits for its query before answering 202',
      String(SYNC_BUDGET_MS.default),
    )
    .option('--rate <n>', 'requests per second per key (token bucket)', '20')
    .option('--burst <n>', 'bucket size per key', '40')
    .option('--log-level <level>', 'debug, info, warn, error or silent', 'info')
    .action(
      async (opts: {
        port: string;
        host: string;
        budgetMs: string;
        rate: string;
        burst: string;
        logLevel: string;
      }) => {
        const port = intOption('--port', opts.port, 0, 65535);
        const home = ctx.home();
        // results hold native memory V8 does not count: collect when the resident size grew (native-memory.ts)
        const engine = guarded(
          await reloadingEngine(home, {
            onReload: () => ctx.log('new snapshots committed: the API now reads them'),
          }),
        );
        const examples = await lakeExampleRange(engine);
        // what the queries scanned, for `lake cost`: written every few seconds and on stop
        const scans = scanRecorder({
          home,
          tables: () => engine.tables(),
          onError: (e) => ctx.warn(`could not keep the scanned-bytes summary: ${e.message}`),
        });
        const router = createLocalRouter({
          home,
          engine,
          examples,
          scans,
          syncBudgetMs: intOption('--budget-ms', opts.budgetMs, 0, SYNC_BUDGET_MS.max),
          throttle: {
            ratePerSecond: intOption('--rate', opts.rate, 1, 100000),
            burst: intOption('--burst', opts.burst, 1, 100000),
          },
          logger: jsonLogger({ service: 'lake-serve', level: opts.logLevel as LogLevel }),
        });
        const page = await ensureDashboard(ctx.log);
        const srv = await startServer(router, {
          port,
          host: opts.host,
          assets: staticAssets(page.dir, dashboardFiles),
        });
        if (readKeys(home).length === 0)
          ctx.warn('no API keys yet: create one with `lake keys create --role analyst`');
        ctx.log(`lake API on ${srv.url} (lake home ${home})`);
        ctx.log(`dashboard: ${srv.url}/ (asks for an API key once)`);
        ctx.log(
          `try: curl -H "x-api-key: $KEY" '${srv.url}/v1/metrics/daily-sales?from=${examples.from}&to=${examples.to}'`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await srv.close();
        try {
          scans.close();
        } catch (e) {
          ctx.warn(`could not keep the scanned-bytes summary: ${(e as Error).message}`);
        }
        await engine.close();
      },
    );
}
