import { products } from '../../lib/contracts/reference';
import {
  adEventPayloads,
  generateAdEvents,
  generateLake,
  generatePeopleAndOrders,
  isAttributed,
} from '../../lib/generate';
import type { AdEvent } from '../../lib/generate';
import { combinedLog, gunzipLines, readCsv, tryJson } from './parse';

const start = new Date('2026-07-01T00:00:00Z');
const lake = generateLake({ days: 5, scale: 0.08, seed: 21, start });

/** Valid transaction rows, read back from the CSV files. */
const rows = lake.files
  .filter((f) => f.dataset === 'transactions')
  .flatMap((f) => readCsv(f.content).rows)
  .flatMap((r) => (r.fields && r.fields.length === 15 ? [r.fields] : []));
const orderCustomer = new Map(rows.map((x) => [x[1] as string, x[2] as string]));
const customerIds = new Set(rows.map((x) => x[2] as string));
const events = lake.deliveryFiles
  .flatMap((f) => gunzipLines(f.content))
  .map((l) => tryJson(l) as AdEvent | undefined)
  .filter((e): e is AdEvent => typeof e === 'object' && e !== null);

describe('cross-source consistency', () => {
  test('every conversion points at a real order, placed by the converting customer', () => {
    const conversions = events.filter((e) => e.event_type === 'conversion' && e.order_id);
    expect(conversions.length).toBeGreaterThan(10);
    for (const c of conversions) {
      expect(orderCustomer.has(c.order_id as string)).toBe(true);
      expect(c.customer_id).toBe(orderCustomer.get(c.order_id as string));
      expect(customerIds.has(c.customer_id as string)).toBe(true);
    }
    expect(lake.summary.attributedOrders).toBe(new Set(conversions.map((c) => c.order_id)).size);
  });

  test('conversion revenue is the order total in the campaign currency', () => {
    const { fxRates } = jest.requireActual<typeof import('../../lib/contracts/reference')>(
      '../../lib/contracts/reference',
    );
    const totals = new Map<string, number>();
    for (const x of rows) {
      if (!/^\d+$/.test(x[8] as string)) continue;
      const usd = Number(x[8]) * Number(x[9]) * (fxRates[x[10] as string] as number);
      totals.set(x[1] as string, (totals.get(x[1] as string) ?? 0) + usd);
    }
    for (const c of events.filter((e) => e.event_type === 'conversion' && e.order_id && e.revenue !== null)) {
      const usd = (c.revenue as number) * (fxRates[c.currency] as number);
      expect(Math.abs(usd - (totals.get(c.order_id as string) as number))).toBeLessThan(0.05 * usd + 0.05);
    }
  });

  test('clicks and impressions name known customers or nobody', () => {
    const all = new Set(lake.customers.map((c) => c.id));
    expect(events.filter((e) => e.customer_id !== null && !all.has(e.customer_id))).toEqual([]);
    expect(events.some((e) => e.customer_id !== null)).toBe(true);
    expect(events.some((e) => e.customer_id === null)).toBe(true);
  });

  test('the checkout confirmations in the logs are the generated orders', () => {
    const confirmed = new Set<string>();
    for (const f of lake.files.filter((x) => x.dataset === 'server_logs'))
      for (const line of f.content.toString('utf8').split('\n')) {
        const m = combinedLog.exec(line);
        const q = m?.[12]?.match(/^\/checkout\/complete\?order_id=(\S+)$/);
        if (q) confirmed.add(q[1] as string);
      }
    const all = new Set(lake.orders.flat().map((o) => o.orderId));
    expect([...confirmed].filter((o) => !all.has(o))).toEqual([]);
    // a confirmation line may itself be one of the malformed log lines
    const missing = [...orderCustomer.keys()].filter((o) => !confirmed.has(o));
    expect(missing.length).toBeLessThan(0.06 * orderCustomer.size);
  });

  test('product paths in logs and product names in posts come from the catalog', () => {
    const ids = new Set(products.map((p) => p.id));
    const logText = lake.files
      .filter((x) => x.dataset === 'server_logs')
      .map((f) => f.content.toString('latin1'))
      .join('');
    const seen = [...logText.matchAll(/"GET \/products\/(P-\d+)\/[a-z0-9-]+/g)].map((m) => m[1] as string);
    expect(seen.length).toBeGreaterThan(100);
    for (const id of seen) expect(ids.has(id)).toBe(true);
    const posts = lake.files
      .filter((f) => f.dataset === 'social_posts')
      .flatMap((f) =>
        f.name.endsWith('.json')
          ? (JSON.parse(f.content.toString('utf8')) as unknown[])
          : f.content.toString('utf8').split('\n').map(tryJson),
      )
      .filter(
        (p): p is { text: string } =>
          typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string',
      );
    const mentioning = posts.filter((p) => products.some((x) => p.text.includes(x.name)));
    expect(mentioning.length / posts.length).toBeGreaterThan(0.8);
  });

  test('transaction ids and order ids are unique and stable across files', () => {
    const tids = rows.map((x) => x[0] as string);
    const dupCount = tids.length - new Set(tids).size;
    expect(dupCount).toBe(lake.summary.datasets.transactions.duplicates);
    for (const x of rows) expect(x[0]?.startsWith(`T-${(x[1] as string).slice(2)}-`)).toBe(true);
  });
});

describe('stream producer events', () => {
  const { orders, customers } = generatePeopleAndOrders({ days: 5, scale: 0.08, seed: 21, start });
  const flat = orders.flat();
  const byId = new Map(flat.map((o) => [o.orderId, o]));

  test('N events, conversions on real orders the lake has not attributed, each at most once', () => {
    const evs = generateAdEvents({
      count: 4_000,
      seed: 21,
      start: new Date('2026-07-06T12:00:00Z'),
      orders: flat,
      customers,
    });
    expect(evs).toHaveLength(4_000);
    const conv = evs.filter((e) => e.event_type === 'conversion');
    expect(conv.length).toBeGreaterThan(10);
    for (const c of conv) {
      const o = byId.get(c.order_id as string);
      expect(o).toBeDefined();
      expect(o?.clean).toBe(true);
      expect(isAttributed(21, c.order_id as string)).toBe(false);
      expect(c.customer_id).toBe(o?.customer.id);
    }
    expect(new Set(conv.map((c) => c.order_id)).size).toBe(conv.length);
    const n = (t: string) => evs.filter((e) => e.event_type === t).length;
    expect(n('impression')).toBeGreaterThan(5 * n('click'));
    expect(n('click')).toBeGreaterThan(2 * n('conversion'));
    const times = evs.map((e) => Date.parse(e.event_time));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.parse('2026-07-06T11:00:00Z'));
  });

  test('the duplicate share re-sends whole events with the same event_id', () => {
    const evs = generateAdEvents({ count: 5_000, seed: 2, start, duplicateRate: 0.1 });
    const byEventId = new Map<string, AdEvent[]>();
    for (const e of evs) byEventId.set(e.event_id, [...(byEventId.get(e.event_id) ?? []), e]);
    const dups = evs.length - byEventId.size;
    expect(dups / evs.length).toBeGreaterThan(0.06);
    expect(dups / evs.length).toBeLessThan(0.14);
    const differing = [...byEventId.values()].filter((same) =>
      same.some((e) => JSON.stringify(e) !== JSON.stringify(same[0])),
    );
    expect(differing).toEqual([]);
    expect(
      generateAdEvents({ count: 2_000, seed: 2, start }).length -
        new Set(generateAdEvents({ count: 2_000, seed: 2, start }).map((e) => e.event_id)).size,
    ).toBe(0);
  });

  test('bad events violate the contract; payloads add non-JSON records', () => {
    const evs = generateAdEvents({ count: 3_000, seed: 4, start, badRate: 0.1, orders: flat });
    const bad = evs.filter(
      (e) =>
        !['impression', 'click', 'conversion'].includes(e.event_type) ||
        e.cost < 0 ||
        e.campaign_id === undefined ||
        (e.event_type === 'conversion' && !e.order_id),
    );
    expect(bad.length / evs.length).toBeGreaterThan(0.06);
    expect(bad.length / evs.length).toBeLessThan(0.14);
    const payloads = adEventPayloads({ count: 3_000, seed: 4, start, badRate: 0.1, orders: flat });
    expect(payloads).toHaveLength(3_000);
    const nonJson = payloads.filter((p) => tryJson(p.toString('utf8')) === undefined).length;
    expect(nonJson).toBeGreaterThan(10);
  });
});
