/**
 * Metadata search over the catalog: tables and columns from the contracts, the business glossary, and the live
 * facts of each table (rows, freshness, version, last run), ranked with BM25F and field boosts.
 *
 * Ranking: an exact name (the whole query is a table's or column's name) first, then by score, where a column or
 * table name counts more than a glossary term, a glossary term more than a tag, a tag more than a description.
 * Each role gets its own index over only what it may read, so that neither hits, facets nor term statistics tell of
 * a hidden table or column. The index is rebuilt when the facts change (their fingerprint differs).
 */
import { allTables, glossaryTerms } from '../contracts';
import type { AnyContract } from '../contracts';
import { Bm25Index } from './bm25';
import { normalize } from './text';

export type SearchField = 'name' | 'glossary' | 'tags' | 'description' | 'table';

/** Field boosts: name > glossary > tag > description (the table a column belongs to helps a little). */
export const FIELD_BOOSTS: Readonly<Record<SearchField, { boost: number }>> = {
  name: { boost: 6 },
  glossary: { boost: 3.5 },
  tags: { boost: 2 },
  description: { boost: 1 },
  table: { boost: 0.5 },
};

/** What is known of a table beyond its contract (absent: nothing known yet). */
export interface TableFacts {
  /** null when not known: no table yet, or a source that keeps no row counts (the run reports on AWS) */
  readonly rowCount: number | null;
  readonly newestEventTime: string | null;
  readonly version: string | null;
  readonly lastRunStatus: string | null;
  readonly lastRunAt: string | null;
  /** whether the newest successful run is older than the freshness objective */
  readonly stale: boolean;
  /** outcome of the last quality gate, when there is one */
  readonly quality: string | null;
}

export interface SearchDoc {
  readonly id: string;
  readonly kind: 'table' | 'column';
  readonly name: string;
  readonly table: string;
  readonly database: string;
  readonly owner: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly glossary: readonly string[];
  readonly pii: boolean;
  readonly type?: string;
  readonly facts?: TableFacts;
}

export interface SearchHit {
  readonly kind: 'table' | 'column';
  /** `processed.transactions` or `processed.transactions.customer_id` */
  readonly id: string;
  readonly name: string;
  readonly table: string;
  readonly database: string;
  readonly owner: string;
  readonly description: string;
  readonly type?: string;
  readonly tags: readonly string[];
  readonly glossary: readonly string[];
  readonly score: number;
  readonly exactName: boolean;
  /** field -> index terms that matched */
  readonly matched: Partial<Record<SearchField, string[]>>;
  /** the dataset's catalog entry in the API */
  readonly link: string;
  readonly facts?: TableFacts;
}

export type FacetName = 'type' | 'zone' | 'dataset' | 'tag' | 'owner';
export type Facets = Record<FacetName, Record<string, number>>;

export interface SearchResult {
  readonly query: string;
  readonly total: number;
  readonly hits: readonly SearchHit[];
  readonly facets: Facets;
}

export interface SearchOptions {
  readonly q: string;
  readonly type?: 'table' | 'column';
  /** `processed` or `curated` */
  readonly zone?: string;
  readonly tag?: string;
  readonly owner?: string;
  readonly limit?: number;
}

export const MAX_QUERY_LENGTH = 200;
export const MAX_LIMIT = 100;

export class SearchInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SearchInputError';
  }
}

function factTags(f: TableFacts | undefined): string[] {
  if (!f) return [];
  const out: string[] = [];
  if (f.rowCount === null && f.version === null) out.push('no-table-yet');
  else if (f.rowCount === 0) out.push('empty');
  if (f.stale) out.push('stale');
  if (f.lastRunStatus === 'failed') out.push('failed-run');
  return out;
}

/** The documents of one table: the table itself and each of its columns. */
export function tableDocuments(t: AnyContract, facts?: TableFacts): SearchDoc[] {
  const table = `${t.database}.${t.name}`;
  const common = { table: t.name, database: t.database, owner: t.owner, ...(facts ? { facts } : {}) };
  const tableTags = [
    t.database,
    t.owner,
    ...('raw' in t ? [t.raw.format] : ['aggregate']),
    ...factTags(facts),
  ];
  return [
    {
      id: table,
      kind: 'table',
      name: t.name,
      description: t.description,
      tags: tableTags,
      glossary: [],
      pii: false,
      ...common,
    },
    ...t.columns.map((c): SearchDoc => {
      const terms = glossaryTerms(t.name, c.name).flatMap((g) => [g.term, ...g.synonyms, ...g.fr]);
      const tags = [
        ...(c.pii ? ['pii'] : []),
        c.source,
        ...(t.businessKey.includes(c.name) ? ['business-key'] : []),
        ...(c.name === t.timeColumn ? ['time-column'] : []),
        ...(c.filter ? ['filterable'] : []),
      ];
      return {
        id: `${table}.${c.name}`,
        kind: 'column',
        name: c.name,
        description: c.description,
        tags,
        glossary: terms,
        pii: c.pii ?? false,
        type: c.type,
        ...common,
      };
    }),
  ];
}

/** Every tag the contracts can give (the vocabulary a `tag` filter is checked against; never role-dependent). */
export function tagVocabulary(tables: readonly AnyContract[] = allTables): Set<string> {
  const all = tables.flatMap((t) => tableDocuments(t).flatMap((d) => d.tags));
  return new Set([...all, 'no-table-yet', 'empty', 'stale', 'failed-run']);
}

interface RoleIndex {
  readonly docs: ReadonlyMap<string, SearchDoc>;
  readonly index: Bm25Index<SearchField>;
}

/** A searchable catalog: build once per set of facts; indexes are made per visibility on first use. */
export class CatalogSearch {
  private readonly byAudience = new Map<string, RoleIndex>();
  private readonly vocabulary: Set<string>;
  private readonly owners: Set<string>;
  private readonly zones: Set<string>;

  constructor(
    private readonly docs: readonly SearchDoc[],
    /** identifies the facts the documents were built from: a different fingerprint needs a new CatalogSearch */
    readonly fingerprint: string,
    tables: readonly AnyContract[] = allTables,
  ) {
    this.vocabulary = tagVocabulary(tables);
    this.owners = new Set(tables.map((t) => t.owner));
    this.zones = new Set(tables.map((t) => t.database));
  }

  static fromContracts(
    facts: Readonly<Record<string, TableFacts>>,
    tables: readonly AnyContract[] = allTables,
  ): CatalogSearch {
    const docs = tables.flatMap((t) => tableDocuments(t, facts[t.name]));
    return new CatalogSearch(docs, JSON.stringify(facts), tables);
  }

  /**
   * `audience` names a visibility (a role); `canSee` must give the same answers for the same audience.
   */
  search(opts: SearchOptions, audience: string, canSee: (d: SearchDoc) => boolean): SearchResult {
    const q = this.validate(opts);
    const index = this.indexFor(audience, canSee);
    const exact = normalize(q.trim());
    const hits: SearchHit[] = [];
    for (const m of index.index.search(q)) {
      const d = index.docs.get(m.id);
      if (!d) continue;
      if (opts.type && d.kind !== opts.type) continue;
      if (opts.zone && d.database !== opts.zone) continue;
      if (opts.tag && !d.tags.includes(opts.tag)) continue;
      if (opts.owner && d.owner !== opts.owner) continue;
      hits.push({
        kind: d.kind,
        id: d.id,
        name: d.name,
        table: d.table,
        database: d.database,
        owner: d.owner,
        description: d.description,
        ...(d.type ? { type: d.type } : {}),
        tags: d.tags,
        glossary: d.glossary,
        score: Math.round(m.score * 1000) / 1000,
        exactName: normalize(d.name) === exact || normalize(d.id) === exact,
        matched: m.matched,
        link: `/v1/datasets/${d.table}`,
        ...(d.facts ? { facts: d.facts } : {}),
      });
    }
    hits.sort((a, b) => Number(b.exactName) - Number(a.exactName) || b.score - a.score);
    const facets: Facets = { type: {}, zone: {}, dataset: {}, tag: {}, owner: {} };
    const bump = (f: FacetName, k: string): void => {
      facets[f][k] = (facets[f][k] ?? 0) + 1;
    };
    for (const h of hits) {
      bump('type', h.kind);
      bump('zone', h.database);
      bump('dataset', h.table);
      bump('owner', h.owner);
      for (const t of h.tags) bump('tag', t);
    }
    return { query: q, total: hits.length, hits: hits.slice(0, opts.limit ?? 20), facets };
  }

  private validate(opts: SearchOptions): string {
    const q = opts.q ?? '';
    if (q.trim() === '') throw new SearchInputError('q', 'is required: the text to search for');
    if (q.length > MAX_QUERY_LENGTH)
      throw new SearchInputError('q', `is ${q.length} characters; at most ${MAX_QUERY_LENGTH}`);
    if (opts.type !== undefined && opts.type !== 'table' && opts.type !== 'column')
      throw new SearchInputError('type', `must be table or column (got '${String(opts.type)}')`);
    if (opts.zone !== undefined && !this.zones.has(opts.zone))
      throw new SearchInputError(
        'zone',
        `unknown zone '${opts.zone}' (known: ${[...this.zones].sort().join(', ')})`,
      );
    if (opts.tag !== undefined && !this.vocabulary.has(opts.tag))
      throw new SearchInputError(
        'tag',
        `unknown tag '${opts.tag}' (known: ${[...this.vocabulary].sort().join(', ')})`,
      );
    if (opts.owner !== undefined && !this.owners.has(opts.owner))
      throw new SearchInputError(
        'owner',
        `unknown owner '${opts.owner}' (known: ${[...this.owners].sort().join(', ')})`,
      );
    const limit = opts.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw new SearchInputError('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
    return q;
  }

  private indexFor(audience: string, canSee: (d: SearchDoc) => boolean): RoleIndex {
    const cached = this.byAudience.get(audience);
    if (cached) return cached;
    const visible = this.docs.filter(canSee);
    const built: RoleIndex = {
      docs: new Map(visible.map((d) => [d.id, d])),
      index: new Bm25Index(
        FIELD_BOOSTS,
        visible.map((d) => ({
          id: d.id,
          fields: {
            name: d.name,
            glossary: d.glossary.join(' '),
            tags: d.tags.join(' '),
            description: d.description,
            table: d.kind === 'column' ? d.table : '',
          },
        })),
      ),
    };
    this.byAudience.set(audience, built);
    return built;
  }
}
