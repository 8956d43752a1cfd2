import fc from 'fast-check';
import { countries, fxRates, products } from '../../lib/contracts/reference';
import { adEventTypes, campaigns, generateLake } from '../../lib/generate';
import type { AdEvent } from '../../lib/generate';
import { csvRecord } from '../../lib/generate/csv';
import { combinedLog, gunzipLines, readCsv, splitCsv, tryJson } from './parse';

const start = new Date('2026-01-05T00:00:00Z');
const lake = generateLake({ days: 14, scale: 0.05, seed: 77, start, badRate: 0 });
const txFiles = lake.files.filter((f) => f.dataset === 'transactions').map((f) => readCsv(f.content));
const rows = txFiles.flatMap((f) => f.rows.map((r) => r.fields as string[]));
const share = <T>(xs: readonly T[], p: (x: T) => boolean): number => xs.filter(p).length / xs.length;

describe('CSV quoting', () => {
  test('any fields round-trip through csvRecord and an RFC 4180 splitter', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', ' ', '\r', '\n', 'x', '漢') });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), fc.boolean(), (fields, all) => {
        const rec = csvRecord(fields, all);
        // a record with line breaks inside quotes stays one record for a full parser; ours splits on commas only
        expect(splitCsv(rec)).toEqual(fields);
      }),
    );
  });

  test('generated names with commas and quotes are quoted and read back', () => {
    const names = rows.map((r) => r[4] as string);
    expect(names.some((n) => n.includes(','))).toBe(true);
    expect(names.some((n) => n.includes('"'))).toBe(true);
    expect(names.some((n) => n.includes("'"))).toBe(true);
    expect(names.some((n) => [...n].some((ch) => ch.charCodeAt(0) > 127))).toBe(true);
    for (const n of names) expect(lake.customers.some((c) => c.name === n)).toBe(true);
  });

  test('files come with and without BOM and CRLF; timestamps in both spellings', () => {
    expect(txFiles.some((f) => f.bom)).toBe(true);
    expect(txFiles.some((f) => !f.bom)).toBe(true);
    expect(txFiles.some((f) => f.crlf)).toBe(true);
    expect(txFiles.some((f) => !f.crlf)).toBe(true);
    const created = rows.map((r) => r[14] as string);
    expect(share(created, (c) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(c))).toBeGreaterThan(0.3);
    expect(share(created, (c) => /T.*[+-]\d{2}:\d{2}$/.test(c))).toBeGreaterThan(0.2);
    expect(created.some((c) => c.endsWith('Z'))).toBe(true);
    // every created_at falls in its file's day (UTC)
    for (const r of rows) {
      const ms = Date.parse(
        (r[14] as string).includes('T') ? (r[14] as string) : `${(r[14] as string).replace(' ', 'T')}Z`,
      );
      expect(ms).toBeGreaterThanOrEqual(start.getTime());
      expect(ms).toBeLessThan(start.getTime() + 14 * 86_400_000);
    }
  });
});

describe('transactions distributions', () => {
  test('statuses have realistic shares', () => {
    const st = rows.map((r) => r[12]);
    expect(share(st, (s) => s === 'completed')).toBeGreaterThan(0.7);
    for (const s of ['refunded', 'cancelled', 'pending']) {
      expect(share(st, (x) => x === s)).toBeGreaterThan(0.02);
      expect(share(st, (x) => x === s)).toBeLessThan(0.15);
    }
  });

  test('currency follows the country; prices are the catalog price converted (discounts at most 25%)', () => {
    const cur: Record<string, string> = {
      US: 'USD',
      GB: 'GBP',
      JP: 'JPY',
      SE: 'SEK',
      CA: 'CAD',
      AU: 'AUD',
      BR: 'BRL',
      IN: 'INR',
    };
    const seenCountries = new Set<string>();
    for (const r of rows) {
      const country = r[13] as string;
      seenCountries.add(country);
      expect(countries).toContain(country);
      expect(r[10]).toBe(cur[country] ?? 'EUR');
      const p = products.find((x) => x.id === r[5]);
      expect(p?.name).toBe(r[6]);
      const usd = Number(r[9]) * (fxRates[r[10] as string] as number);
      expect(usd).toBeGreaterThan((p?.price as number) * 0.74);
      expect(usd).toBeLessThan((p?.price as number) * 1.01 + 0.01);
    }
    expect(seenCountries.size).toBeGreaterThanOrEqual(10);
    expect(new Set(rows.map((r) => r[10])).size).toBeGreaterThanOrEqual(6);
  });

  test('orders have one to several lines', () => {
    const perOrder = new Map<string, number>();
    for (const r of rows) perOrder.set(r[1] as string, (perOrder.get(r[1] as string) ?? 0) + 1);
    const counts = [...perOrder.values()];
    expect(share(counts, (n) => n === 1)).toBeGreaterThan(0.5);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(3);
  });

  test('scale is linear', () => {
    const a = generateLake({ days: 2, scale: 0.2, seed: 3, start, badRate: 0 }).summary;
    const b = generateLake({ days: 2, scale: 0.4, seed: 3, start, badRate: 0 }).summary;
    for (const d of ['transactions', 'server_logs', 'social_posts', 'ad_events'] as const) {
      const ratio = b.datasets[d].records / a.datasets[d].records;
      expect(ratio).toBeGreaterThan(1.75);
      expect(ratio).toBeLessThan(2.25);
    }
  });
});

describe('server log distributions', () => {
  const lines = lake.files
    .filter((f) => f.dataset === 'server_logs')
    .flatMap((f) => f.content.toString('utf8').split('\n'))
    .filter((l) => l.length > 0)
    .map((l) => combinedLog.exec(l) as RegExpExecArray);

  test('every line parses; IPv4 and IPv6 clients; "-" sizes and users', () => {
    expect(lines.every((m) => m !== null)).toBe(true);
    expect(share(lines, (m) => (m[1] as string).includes(':'))).toBeGreaterThan(0.05);
    expect(share(lines, (m) => m[15] === '-')).toBeGreaterThan(0.02);
    expect(lines.some((m) => m[3] !== '-')).toBe(true);
    expect(lines.some((m) => (m[12] as string).includes('?'))).toBe(true);
    expect(new Set(lines.map((m) => m[10])).size).toBeGreaterThan(1);
  });

  test('bots, monitors and scripts; 3xx/4xx/5xx shares', () => {
    const ua = lines.map((m) => m[17] as string);
    for (const bot of ['Googlebot', 'bingbot', 'curl/', 'python-requests', 'UptimeRobot'])
      expect(ua.some((u) => u.includes(bot))).toBe(true);
    const status = lines.map((m) => Number(m[14]));
    expect(share(status, (s) => s >= 300 && s < 400)).toBeGreaterThan(0.03);
    expect(share(status, (s) => s >= 400 && s < 500)).toBeGreaterThan(0.02);
    expect(share(status, (s) => s >= 500)).toBeGreaterThan(0.003);
    expect(share(status, (s) => s >= 500)).toBeLessThan(0.05);
    expect(share(status, (s) => s < 300)).toBeGreaterThan(0.75);
  });

  test('more traffic in the evening than at night (server-local hours)', () => {
    const hour = (m: RegExpExecArray) => Number(m[7]) - Number((m[10] as string).slice(0, 3)); // approximate UTC hour
    const h = lines.map((m) => ((hour(m) % 24) + 24) % 24);
    const evening = h.filter((x) => x >= 18 && x <= 21).length;
    const night = h.filter((x) => x >= 2 && x <= 5).length;
    expect(evening).toBeGreaterThan(3 * night);
  });
});

describe('social post and ad event distributions', () => {
  const posts = lake.files
    .filter((f) => f.dataset === 'social_posts')
    .flatMap((f) =>
      f.name.endsWith('.json')
        ? (JSON.parse(f.content.toString('utf8')) as unknown[])
        : f.content.toString('utf8').split('\n').filter(Boolean).map(tryJson),
    )
    .map(
      (p) =>
        p as {
          platform: string;
          lang?: string;
          text: string;
          hashtags: string[];
          user: { followers: number };
          metrics: { likes: number };
        },
    );

  test('several platforms, languages, JSON Lines and JSON array files, nested user and metrics', () => {
    expect(new Set(posts.map((p) => p.platform)).size).toBe(5);
    expect(new Set(posts.map((p) => p.lang)).size).toBeGreaterThanOrEqual(5);
    expect(lake.files.some((f) => f.name.endsWith('.jsonl'))).toBe(true);
    expect(lake.files.some((f) => f.dataset === 'social_posts' && f.name.endsWith('.json'))).toBe(true);
    expect(
      posts.every((p) => typeof p.user.followers === 'number' && typeof p.metrics.likes === 'number'),
    ).toBe(true);
    expect(share(posts, (p) => p.hashtags.length > 0)).toBeGreaterThan(0.5);
  });

  test('positive, negative and neutral wording', () => {
    const en = posts.filter((p) => p.lang === 'en').map((p) => p.text.toLowerCase());
    expect(en.some((t) => /love|amazing|excellent/.test(t))).toBe(true);
    expect(en.some((t) => /disappointed|terrible|worst|broke/.test(t))).toBe(true);
    expect(en.some((t) => /just ordered|anyone tried|back in stock/.test(t))).toBe(true);
  });

  test('impressions >> clicks >> conversions per channel; some events arrive hours late', () => {
    const events = lake.deliveryFiles.flatMap((f) =>
      gunzipLines(f.content).map((l) => ({ e: JSON.parse(l) as AdEvent, key: f.key })),
    );
    const by = (ch: string, t: string) =>
      events.filter((x) => x.e.channel === ch && x.e.event_type === t).length;
    for (const ch of new Set(campaigns.map((c) => c.channel))) {
      expect(by(ch, 'impression')).toBeGreaterThan(10 * by(ch, 'click'));
    }
    const n = (t: string) => events.filter((x) => x.e.event_type === t).length;
    expect(n('click')).toBeGreaterThan(3 * n('conversion'));
    expect(n('conversion')).toBeGreaterThan(0);
    expect(events.every((x) => (adEventTypes as readonly string[]).includes(x.e.event_type))).toBe(true);
    const late = events.filter((x) => {
      const [, y, mo, d, h] = /^ad_events\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(
        x.key,
      ) as RegExpExecArray;
      return Date.parse(`${y}-${mo}-${d}T${h}:00:00Z`) - Date.parse(x.e.event_time) > 3_600_000;
    });
    expect(late.length / events.length).toBeGreaterThan(0.01);
    expect(late.length / events.length).toBeLessThan(0.06);
  });
});
