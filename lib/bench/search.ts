/**
 * Bench section `search`: how long a metadata search takes, p50 and p99, warm,
 * - over the real catalog (the contracts' tables and columns with their glossary), in process and through
 *   `GET /v1/catalog/search` over real HTTP on 127.0.0.1;
 * - over a generated catalog of 10,000 columns (100 tables of 100, names and descriptions drawn from a vocabulary of
 *   a few thousand words), in process;
 * and how long building an audience's index takes (the first search of a role builds it).
 *
 * The queries mix what people type: exact column names, single words, two words, prefixes, one-typo words, French
 * glossary terms, and words that match nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogSearch, type SearchDoc } from '../catalog-search/catalog-search';
import { visibleTo } from '../catalog-search/grants';
import { allTables, tableContract } from '../contracts';
import type { AnyContract, Column } from '../contracts';
import { Rng } from '../generate/prng';
import type { BenchContext, BenchSection } from './bench';
import { benchServer, percentiles, timed } from './local-api';

const DOMAIN = [
  'customer', 'order', 'amount', 'revenue', 'refund', 'campaign', 'click', 'session', 'product', 'price',
  'quantity', 'country', 'currency', 'email', 'status', 'event', 'time', 'date', 'channel', 'device', 'page',
  'referrer', 'sentiment', 'score', 'spend', 'conversion', 'impression', 'basket', 'shipping', 'discount',
  'invoice', 'payment', 'account', 'region', 'store', 'warehouse', 'supplier', 'category', 'brand', 'margin',
]; // prettier-ignore

/** Words of the generated catalog: the domain's and pseudo-words of two or three syllables (deterministic). */
function vocabulary(rng: Rng, size: number): string[] {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'ru',
    'sa',
    'ti',
    'vo',
    'ze',
    'pa',
    'do',
    'fi',
    'gu',
    'ha',
    'je',
  ];
  const words = new Set(DOMAIN);
  while (words.size < size)
    words.add(
      Array.from({ length: rng.int(2, 3) }, () => rng.pick(syllables)).join('') +
        rng.pick(['', 'r', 'n', 's']),
    );
  return [...words];
}

/** `tables` tables of `perTable` columns, shaped like the transactions contract. */
export function generatedCatalog(tables: number, perTable: number, seed = 11): AnyContract[] {
  const rng = new Rng(seed);
  const words = vocabulary(rng, 3000);
  const template = tableContract('transactions');
  const sentence = (n: number): string => Array.from({ length: n }, () => rng.pick(words)).join(' ');
  return Array.from({ length: tables }, (_, t): AnyContract => {
    const names = new Set<string>();
    while (names.size < perTable)
      names.add(Array.from({ length: rng.int(1, 3) }, () => rng.pick(words)).join('_'));
    const columns = [...names].map((name): Column => ({
      name,
      type: rng.pick(['string', 'bigint', 'double', 'timestamp'] as const),
      description: `${sentence(rng.int(4, 12))}.`,
      source: 'raw',
      ...(rng.next() < 0.05 ? { pii: true } : {}),
    }));
    const [first] = columns;
    return {
      ...template,
      name: `${rng.pick(DOMAIN)}_${t}` as AnyContract['name'],
      owner: `team-${t % 7}`,
      description: `${sentence(10)}.`,
      columns,
      businessKey: [first?.name ?? 'id'],
      timeColumn: first?.name ?? 'id',
    } as AnyContract;
  });
}

/** What people type, drawn from the catalog's own names and words. */
function queries(tables: readonly AnyContract[], n: number, rng: Rng): string[] {
  const columns = tables.flatMap((t) => t.columns.map((c) => c.name));
  const words = [...new Set(columns.flatMap((c) => c.split('_')))];
  const typo = (w: string): string =>
    w.length < 5 ? w : `${w.slice(0, 2)}${w[3] ?? ''}${w[2] ?? ''}${w.slice(4)}`;
  const kinds: (() => string)[] = [
    () => rng.pick(columns),
    () => rng.pick(words),
    () => `${rng.pick(words)} ${rng.pick(words)}`,
    () => rng.pick(words).slice(0, 4),
    () => typo(rng.pick(words)),
    () => rng.pick(['commande', 'courriel', 'remboursement', 'quantite', 'campagne', 'revenu']),
    () => rng.pick(['zzzz', 'qwerty', 'nothingmatches']),
  ];
  return Array.from({ length: n }, (_, i) => (kinds[i % kinds.length] as () => string)());
}

function buildAndSearch(
  b: BenchContext,
  label: string,
  catalog: () => CatalogSearch,
  canSee: (d: SearchDoc) => boolean,
  qs: readonly string[],
): Promise<void> {
  const t0 = performance.now();
  const built = catalog();
  built.search({ q: 'order' }, 'bench', canSee);
  b.figure({ label: `${label}: build the index`, value: performance.now() - t0, unit: 'ms' });
  return timed(qs, 50, (q) => built.search({ q }, 'bench', canSee)).then((times) =>
    percentiles(b, `${label}: search`, times, `${qs.length} queries, warm, in process`),
  );
}

async function run(b: BenchContext): Promise<void> {
  const n = Number(b.options.searchQueries ?? process.env.LAKE_BENCH_SEARCH_QUERIES ?? 2000);
  const columns = Number(b.options.searchColumns ?? process.env.LAKE_BENCH_SEARCH_COLUMNS ?? 10_000);
  const rng = new Rng(5);

  const real = allTables.reduce((a, t) => a + t.columns.length, 0);
  b.log(`real catalog: ${allTables.length} tables, ${real} columns`);
  await buildAndSearch(
    b,
    'real catalog, analyst',
    () => CatalogSearch.fromContracts({}),
    visibleTo('analyst'),
    queries(allTables, n, rng),
  );

  const perTable = 100;
  const generated = generatedCatalog(Math.ceil(columns / perTable), perTable);
  const count = generated.reduce((a, t) => a + t.columns.length, 0);
  await buildAndSearch(
    b,
    `${count.toLocaleString('en-US')} generated columns`,
    () => CatalogSearch.fromContracts({}, generated),
    () => true,
    queries(generated, n, rng),
  );

  // the route itself, over HTTP, on a lake home of its own (no data: search reads the contracts and the reports)
  const home = join(b.scratch, 'lake');
  mkdirSync(home, { recursive: true });
  const srv = await benchServer(home, 'analyst');
  try {
    const http = queries(allTables, Math.min(n, 500), rng);
    const times = await timed(http, 20, async (q) => {
      const res = await fetch(`${srv.url}/v1/catalog/search?${new URLSearchParams({ q }).toString()}`, {
        headers: { 'x-api-key': srv.key },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`search '${q}': HTTP ${res.status}`);
    });
    percentiles(
      b,
      'GET /v1/catalog/search, real catalog, analyst',
      times,
      `${http.length} requests, warm, 127.0.0.1`,
    );
  } finally {
    await srv.close();
  }
}

export const searchSection: BenchSection = {
  name: 'search',
  title: 'Metadata search: query time over the real catalog and over 10,000 generated columns',
  run,
};
