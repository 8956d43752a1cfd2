import { readFileSync } from 'node:fs';
import { allTables, datasets } from '../../lib/contracts';
import { contractsJsonPath } from '../../lib/contracts/export';
import type { AnyContract } from '../../lib/contracts';
import {
  COMBINED_LOG_REGEX,
  dqdlRules,
  dqdlRulesets,
  rulesetSeverities,
  glueColumns,
  icebergSchema,
  rawTableDefinition,
} from '../../lib/infra/governance/table-definitions';
import { checkRules } from '../../lib/infra/governance/check-rules';

const byName = (n: string): AnyContract => {
  const c = allTables.find((t) => t.name === n);
  if (!c) throw new Error(n);
  return c;
};

describe('Glue columns from the contracts', () => {
  test.each(allTables.map((c) => [c.name, c] as const))(
    '%s: every column, in order, typed and commented',
    (_n, c) => {
      const cols = glueColumns(c);
      expect(cols.map((x) => x.name)).toEqual(c.columns.map((x) => x.name));
      expect(cols.map((x) => x.type)).toEqual(c.columns.map((x) => x.type));
      cols.forEach((col, i) => {
        const src = c.columns[i];
        expect(col.comment.startsWith(src?.description.slice(0, 200) ?? '?')).toBe(true);
        expect(col.comment.length).toBeLessThanOrEqual(255);
        expect(col.comment.includes('[PII]')).toBe(src?.pii === true);
      });
    },
  );
});

describe('Iceberg schema', () => {
  test.each(allTables.map((c) => [c.name, c] as const))(
    '%s: unique field ids, day partition on the time column',
    (_n, c) => {
      const s = icebergSchema(c);
      const ids = s.fields.map((f) => f.id);
      expect(new Set(ids).size).toBe(ids.length);
      const time = s.fields.find((f) => f.name === c.timeColumn);
      expect(s.partitionFields).toEqual([
        { sourceId: time?.id, fieldId: 1000, name: `${c.timeColumn}_day`, transform: 'day' },
      ]);
    },
  );

  test('types map to Iceberg: instants are timestamptz, bigint is long, arrays are lists with their own element id', () => {
    const s = icebergSchema(byName('social_posts'));
    const f = (n: string) => s.fields.find((x) => x.name === n);
    expect(f('created_at')?.type).toBe('timestamptz');
    expect(f('likes')?.type).toBe('long');
    const hashtags = JSON.parse(f('hashtags')?.type ?? '{}') as {
      type: string;
      element: string;
      'element-id': number;
    };
    const mentions = JSON.parse(f('mentions')?.type ?? '{}') as { 'element-id': number };
    expect(hashtags).toMatchObject({ type: 'list', element: 'string' });
    const fieldIds = new Set(s.fields.map((x) => x.id));
    expect(fieldIds.has(hashtags['element-id'])).toBe(false);
    expect(hashtags['element-id']).not.toBe(mentions['element-id']);
    expect(f('post_date')?.type).toBe('date');
  });
});

describe('raw tables', () => {
  test.each(datasets.map((d) => [d.name, d] as const))(
    '%s: partition projection over its raw prefix',
    (_n, d) => {
      const def = rawTableDefinition(d, 'raw-bucket');
      expect(def.parameters['projection.enabled']).toBe('true');
      expect(def.parameters['storage.location.template']).toMatch(
        new RegExp(`^s3://raw-bucket/${d.raw.prefix}`),
      );
      expect(def.partitionKeys).toHaveLength(1);
    },
  );

  test('batch files are projected by ingest date, stream deliveries by arrival hour', () => {
    expect(
      rawTableDefinition(byName('transactions') as never, 'b').parameters['storage.location.template'],
    ).toBe('s3://b/transactions/ingest_date=${ingest_date}/');
    expect(rawTableDefinition(byName('ad_events') as never, 'b').parameters).toMatchObject({
      'storage.location.template': 's3://b/ad_events/${delivery_hour}/',
      'projection.delivery_hour.format': 'yyyy/MM/dd/HH',
      'projection.delivery_hour.interval.unit': 'HOURS',
    });
  });

  test('CSV: header skipped, OpenCSVSerde; JSON: nested fields become structs', () => {
    const csv = rawTableDefinition(byName('transactions') as never, 'b');
    expect(csv.serde.library).toBe('org.apache.hadoop.hive.serde2.OpenCSVSerde');
    expect(csv.parameters['skip.header.line.count']).toBe('1');
    const json = rawTableDefinition(byName('social_posts') as never, 'b');
    expect(json.columns.find((c) => c.name === 'user')?.type).toBe(
      'struct<id:string,handle:string,followers:bigint,verified:boolean>',
    );
    expect(json.columns.find((c) => c.name === 'metrics')?.type).toBe(
      'struct<likes:bigint,shares:bigint,comments:bigint>',
    );
  });

  test("the combined-log SerDe applies the jobs' grammar: the exported regex, one named group per column", () => {
    const def = rawTableDefinition(byName('server_logs') as never, 'b');
    const exported = (
      JSON.parse(readFileSync(contractsJsonPath, 'utf8')) as { combinedLog: { regex: string } }
    ).combinedLog.regex;
    expect(def.serde).toEqual({
      library: 'org.apache.hadoop.hive.serde2.RegexSerDe',
      parameters: { 'input.regex': exported },
    });
    expect(COMBINED_LOG_REGEX).toBe(exported);
    // RegexSerDe maps capture group i to column i: every group is a named one, in column order
    const groups = [...exported.matchAll(/\((?!\?)|\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g)].map((m) => m[1] ?? '?');
    expect(groups).toEqual(
      def.columns.map((c) => c.name.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase())),
    );
  });
});

describe('Data Quality rulesets (DQDL) from the contract rules and checks', () => {
  const bodyRules = (body: string): string[] =>
    body.slice('Rules = [\n  '.length, -'\n]'.length).split(',\n  ');

  test('every rule kind of the contract becomes a DQDL rule', () => {
    const r = dqdlRulesets(byName('transactions')).critical;
    expect(r).toMatch(/^Rules = \[/);
    expect(r).toContain('IsComplete "customer_email"');
    expect(r).toContain('ColumnValues "quantity" >= 1');
    expect(r).toContain('ColumnValues "quantity" <= 1000');
    expect(r).toContain('ColumnValues "status" in ["completed", "refunded", "cancelled", "pending"]');
    expect(r).toContain('ColumnValues "customer_email" matches "[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+"');
    expect(r).toContain('ColumnLength "customer_email" <= 254');
  });

  test('optional columns accept NULL; conditional requirements use where', () => {
    const r = dqdlRulesets(byName('ad_events'));
    expect(r.warn).toContain(
      '(ColumnValues "device" in ["desktop", "mobile", "tablet", "ctv", "console", "wearable", "other"]) or (ColumnValues "device" = NULL)',
    );
    expect(r.critical).toContain('IsComplete "order_id" where "event_type = \'conversion\'"');
  });

  test("a dataset's checks join its rulesets by severity; its uniqueKey check takes the place of the key rule", () => {
    const t = dqdlRulesets(byName('transactions'));
    expect(t.critical).toContain('Uniqueness "transaction_id" = 1.0');
    expect(t.critical).not.toContain('IsPrimaryKey');
    expect(t.critical).toContain('Completeness "customer_id" >= 0.99');
    expect(t.warn).toContain(
      'CustomSql "select (unix_timestamp(current_timestamp()) - unix_timestamp(max(created_at)))',
    );
    expect(t.critical).not.toContain('CustomSql');
  });

  test('one rule per contract rule and Glue-evaluable check, plus row count (and the key where no check has it)', () => {
    for (const c of allTables) {
      const checks = c.database === 'processed' ? checkRules(c).rules : [];
      let expected = 1 + checks.length + (checks.some((r) => r.check === 'unique_key') ? 0 : 1);
      for (const col of c.columns) {
        const x = col.rules ?? {};
        expected += [x.required, x.requiredWhen, x.min, x.max, x.allowed, x.pattern, x.maxLength].filter(
          (v) => v !== undefined && v !== false,
        ).length;
      }
      const r = dqdlRulesets(c);
      expect([c.name, bodyRules(r.critical).length + (r.warn ? bodyRules(r.warn).length : 0)]).toEqual([
        c.name,
        expected,
      ]);
      // the two documents partition the rules, each in the rules' order
      const rules = dqdlRules(c);
      expect(bodyRules(r.critical)).toEqual(
        rules.filter((x) => x.severity === 'critical').map((x) => x.rule),
      );
      expect(r.warn ? bodyRules(r.warn) : []).toEqual(
        rules.filter((x) => x.severity === 'warn').map((x) => x.rule),
      );
    }
  });

  test('the warnings are the allowed lists the outside world defines and the warn checks; the rest is critical', () => {
    for (const c of allTables) {
      const warn = dqdlRules(c).filter((r) => r.severity === 'warn');
      const warnColumns = c.columns.filter(
        (col) => col.rules?.allowed && (col.rules.allowedSeverity ?? 'warn') === 'warn',
      );
      const warnChecks =
        c.database === 'processed' ? checkRules(c).rules.filter((r) => r.severity === 'warn') : [];
      expect(warn.map((r) => r.rule)).toEqual([
        ...warnColumns.map((col) => expect.stringContaining(`ColumnValues "${col.name}" in`)),
        ...warnChecks.map((x) => x.rule),
      ]);
      expect(rulesetSeverities(c)).toEqual(warn.length > 0 ? ['critical', 'warn'] : ['critical']);
    }
    expect(dqdlRulesets(byName('ad_events')).critical).toContain(
      'ColumnValues "event_type" in ["impression", "click", "conversion"]',
    );
    expect(dqdlRulesets(byName('social_posts')).warn).toMatch(/ColumnValues "platform" in \[[^\]]*"bluesky"/);
  });

  test('curated tables get a composite primary key', () => {
    expect(dqdlRulesets(byName('daily_sales')).critical).toContain(
      'IsPrimaryKey "order_date" "category" "country"',
    );
  });
});
