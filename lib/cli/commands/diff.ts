import type { Command } from 'commander';
import { allTables } from '../../contracts';
import { diffVersions } from '../../local/diff';
import type { TableDiff } from '../../local/diff';
import type { CliContext } from '../context';
import { cellText, renderTable } from '../format';
import { wholeNumber } from '../options';
import { versionErrorsAsync } from '../versions';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description(
      'Rows added, removed and changed in a table between two versions, by business key (exact counts; the listing is cut by --limit).',
    )
    .argument('<table>', `a table (${allTables.map((t) => t.name).join(', ')})`)
    .argument('<from>', 'the older version: a snapshot id, a time (ISO 8601) or a tag/branch name')
    .argument('<to>', 'the newer version (same forms; e.g. main for the current one)')
    .option('--json', 'print the diff as JSON')
    .option('--limit <n>', 'most changed rows listed (default 20)', wholeNumber('limit'))
    .action(async (table: string, from: string, to: string, opts: { json?: boolean; limit?: number }) => {
      const d: TableDiff = await versionErrorsAsync('diff', () =>
        diffVersions(ctx.home(), table, from, to, { limit: opts.limit }),
      );
      ctx.out(opts.json ? JSON.stringify(d, null, 2) : renderDiff(d));
    });
}

export function renderDiff(d: TableDiff): string {
  const lines = [
    `${d.table} from ${d.from.version} (${d.from.committedAt}) to ${d.to.version} (${d.to.committedAt})`,
    `added ${d.added}, removed ${d.removed}, changed ${d.changed}`,
  ];
  const cols = Object.entries(d.changedColumns);
  if (cols.length) lines.push(`changed columns: ${cols.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  if (d.rows.length) {
    lines.push(
      renderTable(
        ['change', ...d.businessKey, 'columns', 'before -> after'],
        d.rows.map((r) => [
          r.change,
          ...d.businessKey.map((k) => r.key[k] ?? null),
          r.columns.join(' ') || '-',
          r.change === 'changed'
            ? r.columns
                .map((c) => `${c}: ${cellText(r.before?.[c] ?? null)} -> ${cellText(r.after?.[c] ?? null)}`)
                .join('; ')
            : '-',
        ]),
        { maxWidth: 80 },
      ),
    );
  }
  if (d.truncated)
    lines.push(`(${d.rows.length} of ${d.added + d.removed + d.changed} changes listed; --limit N for more)`);
  return lines.join('\n');
}
