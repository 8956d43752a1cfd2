import type { Command } from 'commander';
import { allTables, isTableName } from '../../contracts';
import { describeCatalog } from '../../local/lake-catalog';
import type { CatalogEntry } from '../../local/lake-catalog';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { formatBytes, formatCount, renderTable } from '../format';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('catalog')
    .description(
      'Datasets and curated tables: columns (types, descriptions, PII), row counts, freshness and current version.',
    )
    .argument('[dataset]', `one table (${allTables.map((t) => t.name).join(', ')})`)
    .option('--json', 'print the catalog as JSON')
    .action(async (name: string | undefined, opts: { json?: boolean }) => {
      if (name !== undefined && !isTableName(name))
        throw new CliError(`unknown dataset '${name}' (known: ${allTables.map((t) => t.name).join(', ')})`);
      const entries = await describeCatalog(ctx.home(), name);
      if (opts.json) ctx.out(JSON.stringify(name === undefined ? entries : entries[0], null, 2));
      else if (name === undefined) ctx.out(overview(entries));
      else if (entries[0]) ctx.out(detail(entries[0]));
    });
}

function overview(entries: readonly CatalogEntry[]): string {
  const rows = entries.map((e) => [
    e.qualifiedName,
    e.rowCount === null ? 'no table yet' : formatCount(e.rowCount),
    e.version ? `${e.version.snapshotId} @ ${e.version.committedAt}` : '-',
    e.freshness.newestEventTime ?? '-',
    e.freshness.lastSuccessfulRun?.startedAt ?? '-',
    e.columns.filter((c) => c.pii).length,
  ]);
  return [
    renderTable(
      ['table', 'rows', 'current snapshot (committed at)', 'newest event', 'last good run', 'pii cols'],
      rows,
      { maxWidth: 70 },
    ),
    '',
    'details: lake catalog <dataset>   query: lake query "SELECT * FROM processed.transactions LIMIT 10"',
  ].join('\n');
}

function detail(e: CatalogEntry): string {
  const lines = [
    `${e.qualifiedName} (${e.kind}, owner ${e.owner})`,
    `  ${e.description}`,
    `  business key: ${e.businessKey.join(', ')}   partitioned by: ${e.partitioning}   retention: ${e.retentionDays} days`,
    `  rows: ${e.rowCount === null ? 'no table yet' : formatCount(e.rowCount)}`,
    e.version
      ? `  version: snapshot ${e.version.snapshotId} committed at ${e.version.committedAt} (${e.version.operation}); ${e.version.snapshotCount} snapshot(s), ${e.version.dataFiles} data file(s), ${formatBytes(e.version.bytes)}`
      : '  version: none (run lake etl)',
    `  freshness: newest ${e.timeColumn} ${e.freshness.newestEventTime ?? '-'}; last successful run ${e.freshness.lastSuccessfulRun ? `${e.freshness.lastSuccessfulRun.runId} at ${e.freshness.lastSuccessfulRun.startedAt}` : '-'}`,
    '',
    renderTable(
      ['column', 'type', 'pii', 'source', 'description'],
      e.columns.map((c) => [c.name, c.type, c.pii ? 'PII' : '', c.source, c.description]),
      { maxWidth: 90 },
    ),
  ];
  return lines.join('\n');
}
