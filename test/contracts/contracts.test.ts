import { readFileSync } from 'node:fs';
import {
  allTables,
  curatedTables,
  datasets,
  checksOf,
  datasetContract,
  glossary,
  hasColumn,
  tableContract,
} from '../../lib/contracts';
import { contractsJson, contractsJsonPath } from '../../lib/contracts/export';
import { fxRates, products, categories } from '../../lib/contracts/reference';
import { canRead, grants, roles, visibleColumns } from '../../lib/governance/grants';

const numeric = new Set(['int', 'bigint', 'double', 'decimal(18,2)', 'decimal(18,4)']);

describe('dataset contracts', () => {
  it('the JSON the Spark jobs read is exactly the TypeScript declaration (run `npx tsx lib/contracts/export.ts`)', () => {
    expect(readFileSync(contractsJsonPath, 'utf8')).toBe(contractsJson());
    // every agreement the jobs and TypeScript share is in it
    expect(Object.keys(JSON.parse(contractsJson()) as object)).toEqual(
      expect.arrayContaining([
        'datasets',
        'curated',
        'checks',
        'iceberg',
        'layout',
        'ids',
        'runReport',
        'combinedLog',
      ]),
    );
  });

  it.each(allTables.map((t) => [t.name, t] as const))('%s is internally consistent', (_name, t) => {
    const names = t.columns.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const k of [...t.businessKey, t.timeColumn]) expect(names).toContain(k);
    expect(['timestamp', 'date']).toContain(t.columns.find((c) => c.name === t.timeColumn)?.type);
    for (const c of t.columns) {
      expect(c.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(c.description.length).toBeGreaterThan(3);
      const r = c.rules ?? {};
      if (r.min !== undefined || r.max !== undefined) expect(numeric.has(c.type)).toBe(true);
      if (r.allowed || r.pattern || r.maxLength) expect(c.type).toBe('string');
      if (r.pattern) expect(() => new RegExp(`^(?:${r.pattern})$`)).not.toThrow();
      if (r.requiredWhen) expect(names).toContain(r.requiredWhen.column);
      // filtering on personal data would let a caller without the PII grant probe it
      if (c.filter) expect(c.pii ?? false).toBe(false);
    }
    const params = t.columns.flatMap((c) => (c.filter ? [c.filter.param] : []));
    expect(new Set(params).size).toBe(params.length);
  });

  it.each(datasets.map((d) => [d.name, d] as const))(
    '%s: dataset checks name their own columns, once each, and block a batch over 20%% quarantined',
    (name, d) => {
      const checks = checksOf(name);
      const names = checks.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      expect(checks).toContainEqual(
        expect.objectContaining({ kind: 'quarantineShare', max: 0.2, severity: 'critical' }),
      );
      const columns = d.columns.map((c) => c.name);
      for (const c of checks) {
        if (c.kind === 'completeness' || c.kind === 'referential') expect(columns).toContain(c.column);
        if (c.kind === 'referential') {
          expect(hasColumn(c.references)).toBe(true);
          if (c.when) expect(columns).toContain(c.when.column);
        }
        if (c.kind === 'rowCount') expect(c.minRatio).toBeLessThan(c.maxRatio);
      }
    },
  );

  it('routes are unique and business keys are required or derived', () => {
    const routes = allTables.map((t) => t.api.route);
    expect(new Set(routes).size).toBe(routes.length);
    for (const d of datasets) {
      for (const k of d.businessKey) {
        const col = d.columns.find((c) => c.name === k);
        expect(col?.source === 'derived' || col?.rules?.required === true).toBe(true);
      }
    }
  });

  it('reference data covers every currency and product category the contracts allow', () => {
    const allowed = datasetContract('transactions').columns.find((c) => c.name === 'currency')?.rules
      ?.allowed;
    expect([...(allowed ?? [])].sort()).toEqual(Object.keys(fxRates).sort());
    expect(new Set(products.map((p) => p.id)).size).toBe(products.length);
    expect(categories.length).toBeGreaterThan(3);
  });

  it('every table has a positive freshness objective; streamed data is expected sooner than daily exports', () => {
    for (const t of allTables) expect(t.freshnessObjectiveMinutes).toBeGreaterThan(0);
    expect(datasetContract('ad_events').freshnessObjectiveMinutes).toBe(30);
    expect(datasetContract('transactions').freshnessObjectiveMinutes).toBe(26 * 60);
  });

  it('every curated column declares its derivation from columns of its own inputs', () => {
    for (const t of curatedTables) {
      for (const c of t.columns) {
        expect(c.derivedFrom).toBeDefined();
        for (const ref of [...(c.derivedFrom?.from ?? []), ...(c.derivedFrom?.filteredBy ?? [])]) {
          expect(hasColumn(ref)).toBe(true);
          expect(t.inputs as readonly string[]).toContain(ref.split('.')[0]);
        }
      }
    }
  });

  it('glossary terms name existing columns, in English and French, each term once', () => {
    for (const g of glossary) {
      expect(g.columns.length).toBeGreaterThan(0);
      expect(g.fr.length).toBeGreaterThan(0);
      for (const ref of g.columns) expect([g.term, ref, hasColumn(ref)]).toEqual([g.term, ref, true]);
    }
    expect(new Set(glossary.map((g) => g.term)).size).toBe(glossary.length);
  });

  it('looking up an unknown table names the known ones', () => {
    expect(() => tableContract('orders')).toThrow(/unknown table 'orders' \(known: transactions/);
  });
});

describe('grants', () => {
  it('every role reads only declared tables', () => {
    for (const r of roles) for (const t of grants[r].tables) expect(() => tableContract(t)).not.toThrow();
  });

  it('roles without the PII grant never see a PII column', () => {
    const tx = tableContract('transactions');
    const piiCols = tx.columns.filter((c) => c.pii).map((c) => c.name);
    expect(piiCols).toEqual(['customer_email', 'customer_name']);
    for (const r of roles) {
      const seen = visibleColumns(r, tx).map((c) => c.name);
      for (const p of piiCols) expect(seen.includes(p)).toBe(grants[r].pii);
    }
  });

  it('marketing reads ad and campaign data but not transactions', () => {
    expect(canRead('marketing', 'ad_events')).toBe(true);
    expect(canRead('marketing', 'campaign_performance')).toBe(true);
    expect(canRead('marketing', 'transactions')).toBe(false);
    expect(canRead('bi', 'server_logs')).toBe(false);
  });
});
