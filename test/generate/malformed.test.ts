import { generateLake, malformedKinds, expectedQuarantineReasons, malformedTotal } from '../../lib/generate';
import type { DatasetSummary, GeneratedLake } from '../../lib/generate';
import { combinedLog, gunzipLines, readCsv, strictUtf8, tryJson } from './parse';

const start = new Date('2026-05-10T00:00:00Z');
const lakes: [string, GeneratedLake][] = [
  ['badRate 0.08', generateLake({ days: 4, scale: 0.05, seed: 5, start, badRate: 0.08 })],
  ['badRate 0.4', generateLake({ days: 2, scale: 0.2, seed: 6, start, badRate: 0.4, emptyFiles: true })],
];

interface Found {
  records: number;
  valid: number;
  duplicates: number;
  malformed: Record<string, number>;
}

function found(): Found {
  return { records: 0, valid: 0, duplicates: 0, malformed: {} };
}
function bump(f: Found, kind: string): void {
  f.malformed[kind] = (f.malformed[kind] ?? 0) + 1;
}
function nonZero(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([, n]) => n > 0));
}
function expectMatches(f: Found, s: DatasetSummary): void {
  expect(nonZero(f.malformed)).toEqual(nonZero(s.malformed));
  expect({ records: f.records, valid: f.valid, duplicates: f.duplicates }).toEqual({
    records: s.records,
    valid: s.valid,
    duplicates: s.duplicates,
  });
  expect(s.records).toBe(s.valid + s.duplicates + malformedTotal(s));
}

const statuses = new Set(['completed', 'refunded', 'cancelled', 'pending']);
const email = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const isoOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})$/;
const sqlUtc = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe.each(lakes)('malformed records match the summary (%s)', (_label, lake) => {
  const files = (d: string) => lake.files.filter((f) => f.dataset === d && f.content.length > 0);

  test('transactions: field counts, encoding, values, duplicate ids', () => {
    const f = found();
    const ids = new Set<string>();
    for (const file of files('transactions')) {
      const csv = readCsv(file.content);
      expect(csv.header).toBe(
        'transaction_id,order_id,customer_id,customer_email,customer_name,product_id,product_name,category,quantity,unit_price,currency,payment_method,status,country,created_at',
      );
      for (const row of csv.rows) {
        f.records++;
        const x = row.fields;
        if (x === null) bump(f, 'non_utf8');
        else if (x.length === 14) bump(f, 'missing_column');
        else if (x.length === 16) bump(f, 'extra_column');
        else if (x.length !== 15) bump(f, `fields_${x.length}`);
        else if (!statuses.has(x[12] as string)) bump(f, 'unknown_status');
        else if (!/^\d+$/.test(x[8] as string)) bump(f, 'non_numeric_quantity');
        else if (!email.test(x[3] as string)) bump(f, 'invalid_email');
        else if (!isoOffset.test(x[14] as string) && !sqlUtc.test(x[14] as string)) bump(f, 'bad_date');
        else if (ids.has(x[0] as string)) f.duplicates++;
        else {
          ids.add(x[0] as string);
          f.valid++;
        }
      }
    }
    expectMatches(f, lake.summary.datasets.transactions);
  });

  test('server_logs: binary garbage and truncated lines', () => {
    const f = found();
    for (const file of files('server_logs')) {
      const lines = file.content
        .subarray(0, file.content.length - 1)
        .toString('latin1')
        .split('\n');
      expect(file.content[file.content.length - 1]).toBe(0x0a);
      let at = 0;
      for (const l of lines) {
        const bytes = file.content.subarray(at, at + l.length);
        at += l.length + 1;
        f.records++;
        const text = strictUtf8(bytes);
        if (text === null) bump(f, 'binary_garbage');
        else if (!combinedLog.test(text)) bump(f, 'truncated_line');
        else f.valid++;
      }
    }
    expectMatches(f, lake.summary.datasets.server_logs);
  });

  test('social_posts: truncated JSON lines and missing required fields', () => {
    const f = found();
    const classify = (p: Record<string, unknown>) => {
      f.records++;
      const user = p.user as Record<string, unknown> | undefined;
      if (p.post_id === undefined) bump(f, 'missing_post_id');
      else if (p.text === undefined) bump(f, 'missing_text');
      else if (user?.id === undefined) bump(f, 'missing_user_id');
      else if (p.created_at === undefined) bump(f, 'missing_created_at');
      else f.valid++;
    };
    for (const file of files('social_posts')) {
      const text = file.content.toString('utf8');
      if (file.name.endsWith('.json')) {
        const arr = JSON.parse(text) as Record<string, unknown>[];
        expect(Array.isArray(arr)).toBe(true);
        arr.forEach(classify);
      } else
        for (const line of text.split('\n').filter((l) => l.length > 0)) {
          const v = tryJson(line);
          if (v === undefined) {
            f.records++;
            bump(f, 'truncated_json');
          } else classify(v as Record<string, unknown>);
        }
    }
    expectMatches(f, lake.summary.datasets.social_posts);
  });

  test('ad_events: non-JSON, unknown types, negative cost, conversions without order, duplicate ids', () => {
    const f = found();
    const ids = new Set<string>();
    let lines = 0;
    for (const file of lake.deliveryFiles) {
      expect(file.key).toMatch(/^ad_events\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[^/]+\.ndjson\.gz$/);
      for (const line of gunzipLines(file.content)) {
        lines++;
        f.records++;
        const e = tryJson(line) as Record<string, unknown> | undefined;
        if (e === undefined || typeof e !== 'object' || e === null) bump(f, 'non_json');
        else if (!['impression', 'click', 'conversion'].includes(e.event_type as string))
          bump(f, 'unknown_event_type');
        else if ((e.cost as number) < 0) bump(f, 'negative_cost');
        else if (e.event_type === 'conversion' && !e.order_id) bump(f, 'conversion_without_order_id');
        else if (e.campaign_id === undefined) bump(f, 'missing_campaign_id');
        else if (ids.has(e.event_id as string)) f.duplicates++;
        else {
          ids.add(e.event_id as string);
          f.valid++;
        }
      }
    }
    expect(lake.adEvents.length).toBe(lines);
    expect(lake.adEvents.filter((p) => typeof p === 'string').length).toBe(f.malformed.non_json ?? 0);
    expectMatches(f, lake.summary.datasets.ad_events);
  });

  test('expected quarantine reasons are contract reason codes', () => {
    for (const d of ['transactions', 'server_logs', 'social_posts', 'ad_events'] as const) {
      const reasons = expectedQuarantineReasons(d, lake.summary.datasets[d]);
      for (const r of Object.keys(reasons))
        expect(r).toMatch(/^(parse|required|min|max|allowed|pattern|type):[a-z_]+$/);
      expect(Object.values(reasons).reduce((a, b) => a + b, 0)).toBe(
        malformedTotal(lake.summary.datasets[d]),
      );
    }
  });
});

describe('shares and options', () => {
  const [, low] = lakes[0] as [string, GeneratedLake];
  const [, high] = lakes[1] as [string, GeneratedLake];

  test('every malformed kind occurs', () => {
    for (const d of Object.keys(malformedKinds) as (keyof typeof malformedKinds)[]) {
      for (const kind of Object.keys(malformedKinds[d])) {
        const n =
          (low.summary.datasets[d].malformed[kind] ?? 0) + (high.summary.datasets[d].malformed[kind] ?? 0);
        expect({ d, kind, present: n > 0 }).toEqual({ d, kind, present: true });
      }
    }
  });

  test('the malformed share follows badRate', () => {
    for (const [lake, rate] of [
      [low, 0.08],
      [high, 0.4],
    ] as const) {
      for (const d of ['transactions', 'server_logs', 'ad_events'] as const) {
        const s = lake.summary.datasets[d];
        const share = malformedTotal(s) / s.records;
        expect(share).toBeGreaterThan(rate * 0.6);
        expect(share).toBeLessThan(rate * 1.4);
      }
    }
  });

  test('badRate 0 gives clean files', () => {
    const clean = generateLake({ days: 2, scale: 0.03, seed: 5, start, badRate: 0 });
    for (const s of Object.values(clean.summary.datasets)) {
      expect(malformedTotal(s)).toBe(0);
      expect(s.duplicates).toBe(0);
      expect(s.valid).toBe(s.records);
    }
  });

  test('emptyFiles adds one zero-byte file per batch dataset', () => {
    const empty = high.files.filter((f) => f.content.length === 0);
    expect(empty.map((f) => f.dataset).sort()).toEqual(['server_logs', 'social_posts', 'transactions']);
    expect(high.summary.datasets.transactions.emptyFiles).toBe(1);
    expect(low.files.some((f) => f.content.length === 0)).toBe(false);
  });
});
