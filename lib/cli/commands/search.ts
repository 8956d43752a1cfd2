import type { Command } from 'commander';
import { CatalogSearch, SearchInputError } from '../../catalog-search/catalog-search';
import type { SearchResult } from '../../catalog-search/catalog-search';
import { visibleTo } from '../../catalog-search/grants';
import { isRole, roles } from '../../governance/grants';
import { localTableFacts } from '../../status/local-status';
import { CliError } from '../context';
import type { CliContext } from '../context';
import { renderTable } from '../format';

interface SearchOpts {
  json?: boolean;
  role: string;
  type?: string;
  zone?: string;
  tag?: string;
  owner?: string;
  limit: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('search')
    .description(
      'Search the catalog: table and column names, glossary terms (English and French), tags, owners, descriptions; ranked, typo-tolerant, with facets.',
    )
    .argument('<text...>', 'what to look for, e.g. "commande", "email", "refund"')
    .option(
      '--role <role>',
      `search as this data role: sees only what it may read (${roles.join(', ')})`,
      'admin',
    )
    .option('--type <type>', 'only tables or only columns (table|column)')
    .option('--zone <zone>', 'only tables and columns of this zone (processed|curated)')
    .option('--tag <tag>', 'only hits with this tag (pii, business-key, stale, ...)')
    .option('--owner <team>', 'only tables and columns of this owner')
    .option('--limit <n>', 'hits to show', '20')
    .option('--json', 'print hits and facets as JSON')
    .action(async (words: string[], opts: SearchOpts) => {
      if (!isRole(opts.role)) throw new CliError(`unknown role '${opts.role}' (known: ${roles.join(', ')})`);
      const role = opts.role;
      const catalog = CatalogSearch.fromContracts(await localTableFacts(ctx.home()));
      let result: SearchResult;
      try {
        result = catalog.search(
          {
            q: words.join(' '),
            ...(opts.type !== undefined ? { type: opts.type as 'table' | 'column' } : {}),
            ...(opts.zone !== undefined ? { zone: opts.zone } : {}),
            ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
            ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
            limit: Number(opts.limit),
          },
          role,
          visibleTo(role),
        );
      } catch (e) {
        if (e instanceof SearchInputError) throw new CliError(`${optionName(e.field)} ${e.message}`);
        throw e;
      }
      ctx.out(opts.json ? JSON.stringify(result, null, 2) : render(result));
    });
}

const optionName = (field: string): string => (field === 'q' ? 'the search text' : `--${field}`);

function render(r: SearchResult): string {
  if (r.total === 0) return `no match for '${r.query}' (try fewer words, or another spelling)`;
  const rows = r.hits.map((h) => [
    h.kind,
    h.id,
    h.type ?? '',
    h.score,
    [...h.tags.filter((t) => t === 'pii' || t === 'stale'), ...Object.keys(h.matched)].join(' '),
    h.description,
  ]);
  const facets = Object.entries(r.facets)
    .map(
      ([f, counts]) =>
        `${f}: ${Object.entries(counts)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
    )
    .join('\n  ');
  return [
    renderTable(['what', 'name', 'type', 'score', 'matched in', 'description'], rows, { maxWidth: 60 }),
    '',
    `${r.total} hit(s)${r.total > r.hits.length ? `, ${r.hits.length} shown` : ''}; facets:`,
    `  ${facets}`,
    'details: lake catalog <table>   lineage: lake lineage <table.column>',
  ].join('\n');
}
