/**
 * A whole sample lake in memory: customers and orders first, then every source drawn from them, so ids agree
 * across sources (conversions point at real orders of the customers who placed them; logs hold their
 * checkout requests; posts mention catalog products).
 */
import type { DatasetName } from '../contracts/types';
import { adEventFiles, lakeAdEvents, type AdEventPayload, type AdEventRecord } from './ad-events';
import { generateCustomers, type Customer } from './population';
import { serverLogDayFile } from './server-logs';
import { socialPostFiles } from './social-posts';
import { emptySummary, type LakeSummary } from './summary';
import { DAY_MS, isoDay, windowStart } from './time';
import { generateWindowOrders, transactionsDayFile, type Order } from './transactions';

export const generateDefaults = { days: 7, scale: 1, seed: 42, badRate: 0.02 } as const;

export interface LakeOptions {
  /** @default 7 */
  days?: number;
  /** linear size factor; 1 = about 900 orders (~1,450 transaction rows), 6,000 requests, 240 posts, 20,000 impressions a day. @default 1 */
  scale?: number;
  /** @default 42 */
  seed?: number;
  /** first day (its UTC midnight is used). @default the `days` days ending yesterday (UTC) */
  start?: Date;
  /** share of malformed records in every source. @default 0.02 */
  badRate?: number;
  /** add one zero-byte file to transactions, server_logs and social_posts. @default false */
  emptyFiles?: boolean;
}

export interface GeneratedFile {
  readonly dataset: DatasetName;
  /** file name as the source system names it */
  readonly name: string;
  readonly content: Buffer;
  /** records in the file, malformed ones included */
  readonly records: number;
}

/** A gzip NDJSON file as the delivery worker writes it: key under the raw zone, records by arrival hour. */
export interface DeliveryFile {
  readonly key: string;
  readonly name: string;
  readonly content: Buffer;
  /** records in the file, malformed ones included */
  readonly records: number;
}

export interface GeneratedLake {
  /** batch source files (transactions, server_logs, social_posts): land them with `lake ingest` */
  files: GeneratedFile[];
  /** ad events for the stream, in arrival order: objects, or strings for the non-JSON records; re-sends included */
  adEvents: AdEventPayload[];
  /** the same ad events as gzip NDJSON delivery files grouped by arrival hour (late events in later hours) */
  deliveryFiles: DeliveryFile[];
  customers: Customer[];
  /** orders per day of the window */
  orders: Order[][];
  summary: LakeSummary;
}

function resolved(o: LakeOptions): Required<Omit<LakeOptions, 'start'>> & { startMs: number } {
  const days = o.days ?? generateDefaults.days;
  const scale = o.scale ?? generateDefaults.scale;
  const seed = o.seed ?? generateDefaults.seed;
  const badRate = o.badRate ?? generateDefaults.badRate;
  if (!Number.isInteger(days) || days < 1) throw new Error(`days must be a positive integer, got ${days}`);
  if (!(scale >= 0)) throw new Error(`scale must be >= 0, got ${scale}`);
  if (!(badRate >= 0 && badRate <= 1)) throw new Error(`badRate must be within 0..1, got ${badRate}`);
  return {
    days,
    scale,
    seed: seed >>> 0,
    badRate,
    emptyFiles: o.emptyFiles ?? false,
    startMs: windowStart(days, o.start),
  };
}

/** The customers and orders of a window: what `generateLake` builds its sources on (the stream producer reuses it). */
export function generatePeopleAndOrders(opts: LakeOptions = {}): {
  customers: Customer[];
  orders: Order[][];
} {
  const o = resolved(opts);
  const customers = generateCustomers(o.seed, o.scale);
  return { customers, orders: generateWindowOrders(o, customers) };
}

/**
 * Generates every source of a sample lake. Pure: the same options give byte-identical files. `onRecords` hears the
 * records generated so far, source by source (generating a large lake takes a while).
 */
export function generateLake(
  opts: LakeOptions = {},
  onRecords: (generated: number) => void = () => undefined,
): GeneratedLake {
  const o = resolved(opts);
  const customers = generateCustomers(o.seed, o.scale);
  const orders = generateWindowOrders(o, customers);
  const datasets = {
    transactions: emptySummary('transactions'),
    server_logs: emptySummary('server_logs'),
    social_posts: emptySummary('social_posts'),
    ad_events: emptySummary('ad_events'),
  };
  const files: GeneratedFile[] = [];
  const generated = (): number => Object.values(datasets).reduce((n, d) => n + d.records, 0);
  /** One day's file of `dataset`, with the records `make` added to the dataset's summary. */
  const dayFile = (
    dataset: 'transactions' | 'server_logs',
    make: () => { name: string; content: Buffer },
  ): GeneratedFile => {
    const before = datasets[dataset].records;
    const file = make();
    return { dataset, ...file, records: datasets[dataset].records - before };
  };
  for (let d = 0; d < o.days; d++) {
    const dayMs = o.startMs + d * DAY_MS;
    const dayOrders = orders[d] as Order[];
    files.push(
      dayFile('transactions', () => transactionsDayFile(o.seed, dayMs, dayOrders, datasets.transactions)),
    );
    files.push(
      dayFile('server_logs', () =>
        serverLogDayFile(
          { seed: o.seed, dayMs, scale: o.scale, badRate: o.badRate, orders: dayOrders },
          datasets.server_logs,
        ),
      ),
    );
    onRecords(generated());
  }
  for (const f of socialPostFiles(o, datasets.social_posts)) files.push({ dataset: 'social_posts', ...f });
  onRecords(generated());
  if (o.emptyFiles) {
    const day = isoDay(o.startMs);
    for (const [dataset, name] of [
      ['transactions', `orders_export_${day}_empty.csv`],
      ['server_logs', `access-${day}-empty.log`],
      ['social_posts', `twitter_${day}_empty.jsonl`],
    ] as const) {
      files.push({ dataset, name, content: Buffer.alloc(0), records: 0 });
      datasets[dataset].files++;
      datasets[dataset].emptyFiles++;
    }
  }
  // the ad events are made first, then turned into records and files: what is counted meanwhile is the events made,
  // then the records filed
  const before = generated();
  const events = lakeAdEvents(o, customers, orders, (n) => onRecords(before + n));
  const delivered = adEventFiles(o, events, datasets.ad_events, (n) =>
    onRecords(before + Math.max(n, events.length)),
  );
  onRecords(generated());
  const records: AdEventRecord[] = delivered.flatMap((f) => f.records);
  const adEvents: AdEventPayload[] = records.map((r) => r.event ?? r.data);
  const flat = orders.flat();
  const attributed = new Set(
    records
      .filter((r) => r.event?.event_type === 'conversion' && r.event.order_id)
      .map((r) => r.event?.order_id),
  );
  return {
    files,
    adEvents,
    deliveryFiles: delivered.map(({ key, name, content, records: r }) => ({
      key,
      name,
      content,
      records: r.length,
    })),
    customers,
    orders,
    summary: {
      seed: o.seed,
      scale: o.scale,
      days: o.days,
      badRate: o.badRate,
      from: isoDay(o.startMs),
      to: isoDay(o.startMs + (o.days - 1) * DAY_MS),
      customers: customers.length,
      orders: flat.length,
      attributedOrders: attributed.size,
      datasets,
    },
  };
}
