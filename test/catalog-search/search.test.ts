import { CatalogSearch, SearchInputError, tableDocuments } from '../../lib/catalog-search/catalog-search';
import type { TableFacts } from '../../lib/catalog-search/catalog-search';
import { visibleTo } from '../../lib/catalog-search/grants';
import { tokenize, withinOneEdit } from '../../lib/catalog-search/text';
import { tableContract } from '../../lib/contracts';

const catalog = CatalogSearch.fromContracts({});
const asAdmin = visibleTo('admin');
const search = (q: string, role: 'admin' | 'analyst' | 'marketing' | 'bi' = 'admin', extra = {}) =>
  catalog.search({ q, ...extra }, role, visibleTo(role));
const ids = (q: string, role?: 'admin' | 'analyst' | 'marketing' | 'bi') =>
  search(q, role).hits.map((h) => h.id);

describe('text', () => {
  it('tokens lose case and accents and split snake_case', () => {
    expect(tokenize('Customer_EMAIL, Catégorie')).toEqual(['customer', 'email', 'categorie']);
  });
  it('one edit: insertion, deletion, substitution, transposition; never two', () => {
    expect(['emai', 'emaill', 'emoil', 'emial'].map((w) => withinOneEdit(w, 'email'))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(withinOneEdit('eiaml', 'email')).toBe(false);
    expect(withinOneEdit('mail', 'email')).toBe(true);
    expect(withinOneEdit('ml', 'email')).toBe(false);
  });
});

describe('catalog search', () => {
  it('an exact column name ranks first, ahead of columns that share its words', () => {
    const hits = search('customer_email').hits;
    expect(hits[0]?.id).toBe('processed.transactions.customer_email');
    expect(hits[0]?.exactName).toBe(true);
    expect(hits.slice(1).map((h) => h.exactName)).not.toContain(true);
    expect(ids('transactions')[0]).toBe('processed.transactions');
  });

  it('a name match outranks a glossary match, which outranks a description match', () => {
    // `status` is a column name; it also appears in descriptions of other columns
    const hits = search('status').hits;
    expect(hits[0]?.name).toBe('status');
    expect(Object.keys(hits[0]?.matched ?? {})).toContain('name');
    // `commande` only reaches columns through the French glossary
    const fr = search('commande').hits;
    expect(fr.map((h) => h.id)).toEqual(
      expect.arrayContaining(['processed.transactions.order_id', 'processed.ad_events.order_id']),
    );
    expect(fr.every((h) => Object.keys(h.matched).includes('glossary'))).toBe(true);
  });

  it('finds a column by its French synonym, with or without accents', () => {
    expect(ids('courriel')[0]).toBe('processed.transactions.customer_email');
    expect(ids('remboursement')).toEqual(
      expect.arrayContaining(['curated.daily_sales.refunds', 'curated.daily_sales.refunded_usd']),
    );
    expect(ids('quantite')).toEqual(expect.arrayContaining(['processed.transactions.quantity']));
  });

  it('tolerates one typo and matches prefixes, but not two typos', () => {
    expect(ids('emial')[0]).toBe('processed.transactions.customer_email');
    expect(ids('campa')).toEqual(expect.arrayContaining(['processed.ad_events.campaign_id']));
    expect(ids('eiaml')).not.toContain('processed.transactions.customer_email');
  });

  it('hides from a role what it may not read: no hit, no facet, no column name', () => {
    expect(ids('email', 'analyst')).toEqual([]);
    const r = search('customer', 'analyst');
    const text = JSON.stringify(r);
    expect(text).not.toMatch(/customer_email|customer_name/);
    expect(r.facets.tag.pii).toBeUndefined();
    expect(ids('order', 'marketing')).not.toContain('processed.transactions.order_id');
    expect(ids('order', 'marketing')).toContain('processed.ad_events.order_id');
    expect(ids('customer_email', 'admin')[0]).toBe('processed.transactions.customer_email');
  });

  it('facets count the hits by type, zone, dataset, tag and owner, and filters narrow them', () => {
    const r = search('revenue');
    const n = r.hits.length;
    expect(Object.values(r.facets.type).reduce((a, b) => a + b, 0)).toBe(r.total);
    expect(r.facets.zone.curated).toBeGreaterThan(0);
    const curatedOnly = search('revenue', 'admin', { owner: 'marketing-data', type: 'column' });
    expect(curatedOnly.hits.every((h) => h.owner === 'marketing-data' && h.kind === 'column')).toBe(true);
    expect(curatedOnly.total).toBeLessThan(r.total);
    expect(n).toBeGreaterThan(0);
    const zone = search('revenue', 'admin', { zone: 'curated' });
    expect(zone.total).toBe(r.facets.zone.curated);
    expect(zone.hits.every((h) => h.database === 'curated')).toBe(true);
    const pii = search('customer', 'admin', { tag: 'pii' });
    expect(pii.hits.map((h) => h.name).sort()).toEqual(['customer_email', 'customer_name']);
    for (const h of r.hits) expect(h.link).toBe(`/v1/datasets/${h.table}`);
  });

  it('the live facts tag tables (stale, empty) and a new set of facts is a new index', () => {
    const facts: TableFacts = {
      rowCount: 0,
      newestEventTime: null,
      version: '1',
      lastRunStatus: 'succeeded',
      lastRunAt: '2026-01-01T00:00:00Z',
      stale: true,
      quality: null,
    };
    const withFacts = CatalogSearch.fromContracts({ ad_events: facts });
    const stale = withFacts.search({ q: 'ad events', tag: 'stale' }, 'admin', asAdmin);
    expect(stale.hits.map((h) => h.id)).toEqual(['processed.ad_events']);
    expect(stale.hits[0]?.facts?.rowCount).toBe(0);
    expect(withFacts.fingerprint).not.toBe(catalog.fingerprint);
    expect(catalog.search({ q: 'ad events', tag: 'stale' }, 'admin', asAdmin).total).toBe(0);
    // a table with a version but no known row count (the run reports on AWS keep none) is no missing table
    const counted = CatalogSearch.fromContracts({ ad_events: { ...facts, rowCount: null } });
    expect(counted.search({ q: 'ad_events', type: 'table' }, 'admin', asAdmin).hits[0]?.tags).not.toContain(
      'no-table-yet',
    );
    const missing = CatalogSearch.fromContracts({ ad_events: { ...facts, rowCount: null, version: null } });
    expect(missing.search({ q: 'ad_events', type: 'table' }, 'admin', asAdmin).hits[0]?.tags).toContain(
      'no-table-yet',
    );
  });

  it.each([
    [{ q: '' }, 'q'],
    [{ q: '   ' }, 'q'],
    [{ q: 'x'.repeat(2000) }, 'q'],
    [{ q: 'order', type: 'view' }, 'type'],
    [{ q: 'order', zone: 'raw' }, 'zone'],
    [{ q: 'order', tag: 'secret' }, 'tag'],
    [{ q: 'order', owner: 'nobody' }, 'owner'],
    [{ q: 'order', limit: 0 }, 'limit'],
  ])('bad input %j names the field %s', (opts, field) => {
    let err: unknown;
    try {
      catalog.search(opts as never, 'admin', asAdmin);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SearchInputError);
    expect((err as SearchInputError).field).toBe(field);
  });

  it('documents of a table: one for the table and one per column', () => {
    const t = tableContract('transactions');
    expect(tableDocuments(t)).toHaveLength(t.columns.length + 1);
  });
});
