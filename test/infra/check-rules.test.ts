/** The dataset checks as DQDL rules: same thresholds and severities as the gate, and the ones Glue cannot judge. */
import { datasets } from '../../lib/contracts';
import type { DatasetContract } from '../../lib/contracts';
import { checkRules, dqString } from '../../lib/infra/governance/check-rules';

const contract = (name: string): DatasetContract => {
  const c = datasets.find((d) => d.name === name);
  if (!c) throw new Error(`no dataset ${name}`);
  return c;
};

it('turns the transactions checks into rules with their thresholds and severities', () => {
  expect(checkRules(contract('transactions')).rules).toEqual([
    { check: 'unique_key', severity: 'critical', rule: 'Uniqueness "transaction_id" = 1.0' },
    { check: 'customer_id_complete', severity: 'critical', rule: 'Completeness "customer_id" >= 0.99' },
    { check: 'amount_usd_complete', severity: 'critical', rule: 'Completeness "amount_usd" >= 0.99' },
    {
      check: 'fresh',
      severity: 'warn',
      rule: 'CustomSql "select (unix_timestamp(current_timestamp()) - unix_timestamp(max(created_at))) / 3600.0 from primary" <= 36',
    },
  ]);
});

it('leaves to the job the checks Glue cannot judge on the table, saying why', () => {
  const { jobOnly } = checkRules(contract('ad_events'));
  expect(jobOnly.map((j) => j.check)).toEqual(['quarantine_share', 'row_count', 'conversion_order_known']);
  expect(jobOnly.find((j) => j.check === 'row_count')?.why).toMatch(/dynamic rules/);
  expect(jobOnly.find((j) => j.check === 'conversion_order_known')?.why).toMatch(/numeric columns only/);
});

it('every check of every dataset is either a rule or left to the job', () => {
  for (const d of datasets) {
    const { rules, jobOnly } = checkRules(d);
    const names = [...rules.map((r) => r.check), ...jobOnly.map((j) => j.check)].sort();
    expect(names.length).toBe(new Set(names).size);
    expect(rules.length).toBeGreaterThan(0);
  }
});

it('quotes DQDL strings', () => {
  expect(dqString('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
});
