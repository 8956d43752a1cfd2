/**
 * Ad-campaign events (impression, click, conversion) matching lib/contracts/ad-events.ts. Conversions point at
 * real generated orders (so revenue attribution joins `processed.transactions` on order_id) and are made by
 * the customers who placed them; impressions >> clicks >> conversions per campaign, ad and channel.
 */
import { gzipSync } from 'node:zlib';
import { fxRates } from '../contracts/reference';
import { countryPicker, type Customer } from './population';
import { Rng, Weighted, hash32 } from './prng';
import { emptySummary, type AdEventDefect, type DatasetSummary } from './summary';
import { DAY_MS, instantInDay } from './time';
import type { Order } from './transactions';

export const adEventTypes = ['impression', 'click', 'conversion'] as const;
export type AdEventType = (typeof adEventTypes)[number];
export const adChannels = ['search', 'social', 'display', 'email', 'video'] as const;
export type AdChannel = (typeof adChannels)[number];
export const adDevices = ['desktop', 'mobile', 'tablet'] as const;

/** One event as producers send it (raw field names of the `ad_events` contract). */
export type AdEvent = {
  event_id: string;
  /** `impression` | `click` | `conversion` (an unknown type only in deliberately malformed events) */
  event_type: string;
  campaign_id: string;
  ad_id: string;
  channel: string;
  customer_id: string | null;
  /** the order a conversion led to; null for impressions and clicks */
  order_id: string | null;
  /** in `currency`, 4 decimals */
  cost: number;
  currency: string;
  /** the order's value in `currency` for conversions; null otherwise */
  revenue: number | null;
  /** ISO 8601 UTC with milliseconds and `Z` */
  event_time: string;
  device: string;
  country: string;
};

export interface Campaign {
  readonly id: string;
  readonly channel: AdChannel;
  readonly currency: string;
  readonly ads: readonly string[];
  /** cost of one impression / one click, in `currency` */
  readonly cpi: number;
  readonly cpc: number;
  readonly ctr: number;
  /** share of the impression budget */
  readonly weight: number;
}

/** The shop's running campaigns (fixed reference data, like the catalog). */
export const campaigns: readonly Campaign[] = [
  {
    id: 'CMP-BF26-SEARCH',
    channel: 'search',
    currency: 'USD',
    ads: ['AD-BF26-S1', 'AD-BF26-S2', 'AD-BF26-S3'],
    cpi: 0,
    cpc: 1.35,
    ctr: 0.045,
    weight: 14,
  },
  {
    id: 'CMP-BRAND-SEARCH',
    channel: 'search',
    currency: 'USD',
    ads: ['AD-BRAND-S1', 'AD-BRAND-S2'],
    cpi: 0,
    cpc: 0.42,
    ctr: 0.08,
    weight: 6,
  },
  {
    id: 'CMP-WINTER-SOCIAL',
    channel: 'social',
    currency: 'EUR',
    ads: ['AD-WIN-SO1', 'AD-WIN-SO2', 'AD-WIN-SO3', 'AD-WIN-SO4'],
    cpi: 0.0062,
    cpc: 0,
    ctr: 0.012,
    weight: 24,
  },
  {
    id: 'CMP-RETARGET-DISPLAY',
    channel: 'display',
    currency: 'USD',
    ads: ['AD-RT-D1', 'AD-RT-D2'],
    cpi: 0.0028,
    cpc: 0,
    ctr: 0.006,
    weight: 30,
  },
  {
    id: 'CMP-NEWSLETTER-W47',
    channel: 'email',
    currency: 'GBP',
    ads: ['AD-NL-E1'],
    cpi: 0.0004,
    cpc: 0,
    ctr: 0.03,
    weight: 8,
  },
  {
    id: 'CMP-UNBOXING-VIDEO',
    channel: 'video',
    currency: 'EUR',
    ads: ['AD-UNB-V1', 'AD-UNB-V2'],
    cpi: 0.011,
    cpc: 0,
    ctr: 0.009,
    weight: 18,
  },
];

const campaignPicker = new Weighted(campaigns.map((c) => [c, c.weight] as const));
const devicePicker = new Weighted([
  ['desktop', 45],
  ['mobile', 48],
  ['tablet', 7],
] as const);

/** Impressions per day at scale 1 (all campaigns). */
export const impressionsPerScaleDay = 20_000;
/** Share of orders that an ad conversion is attributed to (decided per order id, the same in every part). */
export const attributionShare = 0.06;

/** Whether the lake's ad events attribute this order (a pure function of seed and order id). */
export function isAttributed(seed: number, orderId: string): boolean {
  return hash32(`${seed >>> 0}:attr:${orderId}`) % 10_000 < attributionShare * 10_000;
}

function uuid(r: Rng): string {
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[r.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const round2 = (x: number): number => Math.round(x * 100) / 100;

function makeEvent(
  r: Rng,
  type: AdEventType,
  c: Campaign,
  t: number,
  customer: Customer | null,
  order?: Order,
): AdEvent {
  const cost =
    type === 'impression' ? c.cpi * r.range(0.7, 1.3) : type === 'click' ? c.cpc * r.range(0.6, 1.5) : 0;
  const revenue = order
    ? round2((order.total * (fxRates[order.currency] ?? 1)) / (fxRates[c.currency] ?? 1))
    : null;
  return {
    event_id: uuid(r),
    event_type: type,
    campaign_id: c.id,
    ad_id: r.pick(c.ads),
    channel: c.channel,
    customer_id: customer ? customer.id : null,
    order_id: order ? order.orderId : null,
    cost: round4(cost),
    currency: c.currency,
    revenue,
    event_time: new Date(t).toISOString(),
    device: devicePicker.draw(r),
    country: customer ? customer.country : countryPicker.draw(r),
  };
}

/** A conversion and the click that led to it (same customer, campaign and ad). */
function conversionPath(r: Rng, order: Order, conversionAt: number): AdEvent[] {
  const c = campaignPicker.draw(r);
  const click = makeEvent(r, 'click', c, conversionAt - r.int(120_000, 3 * 3_600_000), order.customer);
  const conv = makeEvent(r, 'conversion', c, conversionAt, order.customer, order);
  return [click, { ...conv, ad_id: click.ad_id, device: click.device }];
}

const otherDefects: readonly AdEventDefect[] = [
  'non_json',
  'unknown_event_type',
  'negative_cost',
  'missing_campaign_id',
];

/** What a producer puts on the stream: an event object, or (a malformed record) text that is not JSON. */
export type AdEventPayload = AdEvent | string;

/** A raw stream record: the event's JSON, or (malformed) something else. */
export interface AdEventRecord {
  /** the object sent, when it is an object */
  event?: AdEvent;
  /** the bytes put on the stream / written to the file (one line, no line end) */
  data: string;
  /** epoch ms when the record reached the delivery worker */
  arrivalMs: number;
  defect?: AdEventDefect;
  duplicate?: boolean;
}

function applyDefect(r: Rng, e: AdEvent, kind: AdEventDefect): AdEventRecord['event'] {
  switch (kind) {
    case 'unknown_event_type':
      return { ...e, event_type: r.pick(['view', 'install', 'hover', 'impressions']) };
    case 'negative_cost':
      return { ...e, cost: -round4(r.range(0.01, 2)) };
    case 'conversion_without_order_id':
      return { ...e, order_id: null };
    case 'missing_campaign_id': {
      const copy: Partial<AdEvent> = { ...e };
      delete copy.campaign_id;
      return copy as AdEvent;
    }
    case 'non_json':
      return undefined;
  }
}

function nonJson(r: Rng, e: AdEvent): string {
  const s = JSON.stringify(e);
  return r.pick([
    () => s.slice(0, r.int(10, s.length - 2)),
    () => `event_id=${e.event_id}&type=${e.event_type}&campaign=${e.campaign_id}`,
    () => s.replace(/"/g, "'"),
    () => `<event id="${e.event_id}"/>`,
  ])();
}

/** Turns events into stream records: malformed kinds at `badRate`, exact re-sends at `duplicateRate`. */
export function toRecords(
  r: Rng,
  events: readonly AdEvent[],
  badRate: number,
  duplicateRate: number,
  arrival: (e: AdEvent) => number,
  summary: DatasetSummary,
): AdEventRecord[] {
  const out: AdEventRecord[] = [];
  for (const e of events) {
    const arrivalMs = arrival(e);
    summary.records++;
    if (r.chance(badRate)) {
      const kind: AdEventDefect =
        e.event_type === 'conversion' ? 'conversion_without_order_id' : r.pick(otherDefects);
      const bad = applyDefect(r, e, kind);
      summary.malformed[kind] = (summary.malformed[kind] ?? 0) + 1;
      out.push({ event: bad, data: bad ? JSON.stringify(bad) : nonJson(r, e), arrivalMs, defect: kind });
      continue;
    }
    summary.valid++;
    const data = JSON.stringify(e);
    out.push({ event: e, data, arrivalMs });
    if (r.chance(duplicateRate)) {
      summary.records++;
      summary.duplicates++;
      out.push({ event: e, data, arrivalMs: arrivalMs + r.int(200, 2 * 3_600_000), duplicate: true });
    }
  }
  return out;
}

export interface LakeAdEventsOptions {
  seed: number;
  startMs: number;
  days: number;
  scale: number;
  badRate: number;
  /** share of valid events delivered twice; default badRate / 2 */
  duplicateRate?: number;
  /** share of events that arrive hours late; default 0.03 */
  lateRate?: number;
}

/** The events of a window: campaign traffic plus the conversions of attributed clean orders; `onDay` hears the
 * events made so far after each day. */
export function lakeAdEvents(
  o: LakeAdEventsOptions,
  customers: readonly Customer[],
  ordersByDay: readonly (readonly Order[])[],
  onDay: (events: number) => void = () => undefined,
): AdEvent[] {
  const events: AdEvent[] = [];
  for (let d = 0; d < o.days; d++) {
    const dayMs = o.startMs + d * DAY_MS;
    const r = Rng.derive(o.seed, `ads:${dayMs}`);
    for (const order of ordersByDay[d] ?? []) {
      if (order.clean && isAttributed(o.seed, order.orderId))
        events.push(...conversionPath(r, order, order.createdAt + r.int(1_000, 90_000)));
    }
    for (const c of campaigns) {
      const total = campaigns.reduce((a, x) => a + x.weight, 0);
      const n = r.count((impressionsPerScaleDay * o.scale * c.weight) / total);
      for (let i = 0; i < n; i++) {
        const known = r.chance(0.3) ? (customers[r.int(0, customers.length - 1)] as Customer) : null;
        const t = instantInDay(r, dayMs, 0);
        events.push(makeEvent(r, 'impression', c, t, known));
        if (r.chance(c.ctr)) {
          const clicker =
            known ?? (r.chance(0.35) ? (customers[r.int(0, customers.length - 1)] as Customer) : null);
          events.push(makeEvent(r, 'click', c, t + r.int(1_000, 60_000), clicker));
        }
      }
    }
    onDay(events.length);
  }
  return events;
}

/**
 * Delivered files: gzip NDJSON grouped by arrival hour, under `ad_events/YYYY/MM/DD/HH/` as the delivery worker
 * writes them; `onFile` hears the records put in files so far after each file.
 */
export function adEventFiles(
  o: LakeAdEventsOptions,
  events: readonly AdEvent[],
  summary: DatasetSummary = emptySummary('ad_events'),
  onFile: (records: number) => void = () => undefined,
): { name: string; key: string; content: Buffer; records: AdEventRecord[] }[] {
  const r = Rng.derive(o.seed, 'ads-delivery');
  const lateRate = o.lateRate ?? 0.03;
  const records = toRecords(
    r,
    events,
    o.badRate,
    o.duplicateRate ?? o.badRate / 2,
    (e) =>
      Date.parse(e.event_time) + (r.chance(lateRate) ? r.int(3_600_000, 30 * 3_600_000) : r.int(200, 90_000)),
    summary,
  );
  records.sort((a, b) => a.arrivalMs - b.arrivalMs);
  const byHour = new Map<number, AdEventRecord[]>();
  for (const rec of records) {
    const h = Math.floor(rec.arrivalMs / 3_600_000);
    let list = byHour.get(h);
    if (!list) byHour.set(h, (list = []));
    list.push(rec);
  }
  const files: { name: string; key: string; content: Buffer; records: AdEventRecord[] }[] = [];
  let filed = 0;
  for (const [h, list] of [...byHour.entries()].sort((a, b) => a[0] - b[0])) {
    const first = new Date((list[0] as AdEventRecord).arrivalMs).toISOString();
    const stamp = first.slice(0, 19).replace(/[:T]/g, '-');
    const name = `lake-ad-events-1-${stamp}-${hash32(`${o.seed}:${h}`).toString(16).padStart(8, '0')}.ndjson.gz`;
    const key = `ad_events/${first.slice(0, 4)}/${first.slice(5, 7)}/${first.slice(8, 10)}/${first.slice(11, 13)}/${name}`;
    const body = list.map((x) => `${x.data}\n`).join('');
    files.push({ name, key, content: gzipSync(Buffer.from(body, 'utf8'), { level: 6 }), records: list });
    summary.files++;
    filed += list.length;
    onFile(filed);
  }
  return files;
}

export interface GenerateAdEventsOptions {
  /** number of records returned (re-sent duplicates included) */
  count: number;
  /** @default 42 */
  seed?: number;
  /** time of the first event. @default now minus the span of the events (they end about now) */
  start?: Date;
  /** event rate that spaces event_time. @default 50 */
  eventsPerSecond?: number;
  /** share of events sent twice with the same event_id (exact copies). @default 0 */
  duplicateRate?: number;
  /** share of contract-violating objects (unknown type, negative cost, conversion without order_id, missing campaign_id). @default 0 */
  badRate?: number;
  /** orders conversions point at (clean ones are used); @default none: conversions get no order and are not generated */
  orders?: readonly Order[];
  /** known customers for impressions and clicks. @default the orders' customers */
  customers?: readonly Customer[];
  /** seed the lake's attribution used: orders it attributed are skipped. @default seed */
  lakeSeed?: number;
}

/**
 * N ad events for the stream producer: a mix of impressions, clicks and conversions in time order. Conversions
 * use orders not yet attributed by the lake's own ad events, each at most once (cycling when exhausted).
 * Malformed events here are objects that violate the contract's rules; `adEventPayloads` adds non-JSON records.
 */
export function generateAdEvents(opts: GenerateAdEventsOptions): AdEvent[] {
  return streamRecords(opts, false).map((x) => x.event as AdEvent);
}

/** Like `generateAdEvents`, as the bytes to put on the stream, with non-JSON records among the malformed ones. */
export function adEventPayloads(opts: GenerateAdEventsOptions): Buffer[] {
  return streamRecords(opts, true).map((x) => Buffer.from(x.data, 'utf8'));
}

function streamRecords(opts: GenerateAdEventsOptions, allowNonJson: boolean): AdEventRecord[] {
  const seed = opts.seed ?? 42;
  const r = Rng.derive(seed, `stream:${opts.start ? opts.start.getTime() : 'now'}`);
  const rate = opts.eventsPerSecond ?? 50;
  const spanMs = Math.ceil((opts.count / rate) * 1000);
  const startMs = opts.start ? opts.start.getTime() : Date.now() - spanMs;
  const candidates = (opts.orders ?? []).filter(
    (o) => o.clean && !isAttributed(opts.lakeSeed ?? seed, o.orderId),
  );
  const orderQueue = shuffle(r, candidates);
  const customers = opts.customers ?? [
    ...new Map(candidates.map((o) => [o.customer.id, o.customer])).values(),
  ];
  const summary = emptySummary('ad_events');
  const dupRate = opts.duplicateRate ?? 0;
  const badRate = opts.badRate ?? 0;
  const out: AdEventRecord[] = [];
  let next = 0;
  let t = startMs;
  while (out.length < opts.count) {
    t += Math.max(1, Math.round((-Math.log(1 - r.next()) * 1000) / rate));
    const x = r.next();
    let batch: AdEvent[];
    if (x < 0.015 && orderQueue.length > 0) {
      const order = orderQueue[next++ % orderQueue.length] as Order;
      batch = conversionPath(r, order, t).map((e) =>
        e.event_type === 'click'
          ? { ...e, event_time: new Date(t - r.int(5_000, 600_000)).toISOString() }
          : e,
      );
    } else {
      const c = campaignPicker.draw(r);
      const who =
        customers.length > 0 && r.chance(0.3)
          ? (customers[r.int(0, customers.length - 1)] as Customer)
          : null;
      batch = [makeEvent(r, x < 0.1 ? 'click' : 'impression', c, t, who)];
    }
    const recs = toRecords(r, batch, badRate, dupRate, () => t, summary);
    for (const rec of recs) {
      if (out.length >= opts.count) break;
      if (rec.defect === 'non_json' && !allowNonJson) {
        // objects only: a non-JSON record becomes an event with an unknown type
        const e = rec.event ?? { ...(batch[0] as AdEvent), event_type: 'view' };
        out.push({ ...rec, event: e, data: JSON.stringify(e), defect: 'unknown_event_type' });
      } else if (rec.defect === 'non_json') out.push(rec);
      else out.push(rec);
    }
  }
  return out;
}

function shuffle<T>(r: Rng, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}
