import type { Command } from 'commander';
import { allTables } from '../../contracts';
import { tableHistory } from '../../local/history';
import type { VersionRecord } from '../../versions/history';
import type { CliContext } from '../context';
import { renderTable } from '../format';
import { wholeNumber } from '../options';
import { versionErrors } from '../versions';

/** `--limit N`: a whole number >= 0. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description(
      'Every version of a table, newest first: version (snapshot id), when, operation, run id, counts, rows added/removed, built from, quality gate outcome, anomalies, tags.',
    )
    .argument(
      '<table>',
      `a table (${allTables.map((t) => t.name).join(', ')}), optionally as processed.<name>`,
    )
    .option('--json', 'print the history as JSON')
    .option('--limit <n>', 'only the newest N versions', wholeNumber('limit'))
    .action((table: string, opts: { json?: boolean; limit?: number }) => {
      const h = versionErrors('history', () => tableHistory(ctx.home(), table, { limit: opts.limit }));
      if (opts.json) return ctx.out(JSON.stringify(h, null, 2));
      if (h.total === 0) return ctx.out(`${h.table} has no versions yet (run 'lake etl')`);
      ctx.out(renderHistory(h.versions));
      const shown = h.versions.length;
      ctx.out(
        `${h.table}: ${h.total} version record${h.total === 1 ? '' : 's'}${shown < h.total ? `, newest ${shown} shown` : ''}`,
      );
    });
}

const dash = (v: number | string | null | undefined): string | number =>
  v === null || v === undefined ? '-' : v;

function operation(v: VersionRecord): string {
  if (v.rollback) return `rollback (undid ${v.rollback.from ?? '?'})`;
  return v.undone ? `${v.operation} (undone)` : v.operation;
}

function source(v: VersionRecord): string {
  if (v.builtFrom.tables.length) return v.builtFrom.tables.map((t) => `${t.table}@${t.version}`).join(' ');
  if (v.builtFrom.batches.length) return `batches ${v.builtFrom.batches.join(' ')}`;
  return v.builtFrom.files.length ? `${v.builtFrom.files.length} raw file(s)` : '-';
}

/** The flagged metrics, `metric value (band low..high)`; critical ones marked. */
export function anomalies(v: VersionRecord): string {
  if (!v.anomalies?.length) return '-';
  return v.anomalies
    .map(
      (a) =>
        `${a.metric} ${a.value} (${a.band[0]}..${a.band[1]})${a.severity === 'critical' ? ' critical' : ''}`,
    )
    .join('; ');
}

export function renderHistory(versions: readonly VersionRecord[]): string {
  return renderTable(
    [
      'version',
      'made current at',
      'operation',
      'run id',
      'in',
      'out',
      'quar.',
      'dup.',
      '+rows',
      '-rows',
      'built from',
      'quality',
      'anomalies',
      'tags',
    ],
    versions.map((v) => [
      `${v.version}${v.current ? ' *' : ''}`,
      v.madeCurrentAt,
      operation(v),
      dash(v.runId),
      dash(v.counts?.input),
      dash(v.counts?.output),
      dash(v.counts?.quarantined),
      dash(v.counts?.duplicates),
      dash(v.rowsAdded),
      dash(v.rowsRemoved),
      source(v),
      v.quality?.outcome ?? '-',
      anomalies(v),
      [...v.tags, ...v.branches.filter((b) => b !== 'main')].join(' ') || '-',
    ]),
    { maxWidth: 60 },
  );
}
