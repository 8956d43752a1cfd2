/**
 * Orders and their `transactions` CSV export: one order has 1..n lines, each line one CSV row in the raw
 * format of the `transactions` contract (RFC 4180 quoting; some files with a BOM and CRLF line ends;
 * `created_at` as ISO 8601 with an offset or as `YYYY-MM-DD HH:MM:SS` UTC).
 */
import { fxRates, products, type Product } from '../contracts/reference';
import { csvField, csvRecord } from './csv';
import type { Customer } from './population';
import { Rng, Weighted } from './prng';
import { emptySummary, type DatasetSummary, type TransactionDefect, malformedKinds } from './summary';
import { instantInDay, isoDay, isoWithOffset, sqlUtc, weekdayFactor } from './time';

export const transactionColumns = [
  'transaction_id',
  'order_id',
  'customer_id',
  'customer_email',
  'customer_name',
  'product_id',
  'product_name',
  'category',
  'quantity',
  'unit_price',
  'currency',
  'payment_method',
  'status',
  'country',
  'created_at',
] as const;

export const transactionHeader = transactionColumns.join(',');

export type LineStatus = 'completed' | 'refunded' | 'cancelled' | 'pending';

export interface OrderLine {
  readonly transactionId: string;
  readonly product: Product;
  readonly quantity: number;
  /** unit price in the order's currency, as written (2 decimals; JPY whole) */
  readonly unitPrice: string;
  readonly status: LineStatus;
  /** set when this line is written as a malformed row */
  readonly defect?: TransactionDefect;
  /** the line is written twice (an exact duplicate row later in the same file) */
  readonly duplicated?: boolean;
}

export interface Order {
  readonly orderId: string;
  readonly customer: Customer;
  /** epoch ms (UTC) */
  readonly createdAt: number;
  readonly currency: string;
  readonly paymentMethod: string;
  readonly lines: readonly OrderLine[];
  /** sum of quantity x unit price, in `currency` */
  readonly total: number;
  /** every line of the order is written as a valid row */
  readonly clean: boolean;
}

/** Orders per day at scale 1 (before the weekday factor and noise); ~1.6 lines each. */
export const ordersPerScaleDay = 900;

const statusPicker = new Weighted<LineStatus>([
  ['completed', 82],
  ['refunded', 7],
  ['cancelled', 6],
  ['pending', 5],
]);

const paymentPicker = new Weighted([
  ['card', 55],
  ['paypal', 20],
  ['wallet', 12],
  ['bank_transfer', 8],
  ['gift_card', 5],
] as const);

// popular, cheap things sell more often
const productPicker = new Weighted(products.map((p, i) => [p, 12 / Math.sqrt(p.price) + (i % 3)] as const));

const defectPicker = new Weighted(
  (Object.keys(malformedKinds.transactions) as TransactionDefect[]).map((k) => [k, 1] as const),
);

function price(usd: number, currency: string): string {
  const local = usd / (fxRates[currency] ?? 1);
  return currency === 'JPY' ? String(Math.round(local)) : local.toFixed(2);
}

export interface DayOrdersOptions {
  seed: number;
  /** midnight UTC of the day, epoch ms */
  dayMs: number;
  scale: number;
  customers: readonly Customer[];
  /** share of order lines written malformed (0..1) */
  badRate: number;
  /** share of valid lines also written a second time (exact duplicates); default badRate / 8 */
  duplicateRate?: number;
  /** the window's last day: more orders still pending */
  recent?: boolean;
  /** first order sequence number of the day (bulk files use several "days" per real day) */
  idSuffix?: string;
  /** stop after this many CSV rows (bulk writer) */
  maxRows?: number;
}

/** The orders placed on one UTC day, sorted by time. Pure: a function of (seed, day, scale, customers, badRate). */
export function generateDayOrders(o: DayOrdersOptions): Order[] {
  const day = isoDay(o.dayMs);
  const rng = Rng.derive(o.seed, `orders:${day}${o.idSuffix ?? ''}`);
  const bad = Rng.derive(o.seed, `orders-bad:${day}${o.idSuffix ?? ''}`);
  const dupRate = o.duplicateRate ?? o.badRate / 8;
  const mean = ordersPerScaleDay * o.scale * weekdayFactor(o.dayMs) * rng.range(0.88, 1.12);
  const n = rng.count(mean);
  const times: { t: number; c: Customer }[] = [];
  const nc = o.customers.length;
  for (let i = 0; i < n; i++) {
    // loyal customers buy more often: a skewed pick over the population
    const c = o.customers[Math.min(nc - 1, Math.floor(nc * Math.pow(rng.next(), 1.7)))] as Customer;
    times.push({ t: instantInDay(rng, o.dayMs, c.offsetMin), c });
  }
  times.sort((a, b) => a.t - b.t);
  const stamp = day.replace(/-/g, '');
  const orders: Order[] = [];
  let rows = 0;
  for (let i = 0; i < times.length; i++) {
    const { t, c } = times[i] as { t: number; c: Customer };
    const orderId = `O-${stamp}${o.idSuffix ?? ''}-${String(i + 1).padStart(6, '0')}`;
    let status = statusPicker.draw(rng);
    if (o.recent && status === 'completed' && rng.chance(0.12)) status = 'pending';
    const nLines = Math.min(6, 1 + (rng.chance(0.38) ? rng.count(0.9) + 1 : 0));
    const lines: OrderLine[] = [];
    const seen = new Set<string>();
    let total = 0;
    let clean = true;
    for (let l = 0; l < nLines; l++) {
      let product = productPicker.draw(rng);
      if (seen.has(product.id)) product = rng.pick(products);
      if (seen.has(product.id)) continue;
      seen.add(product.id);
      const quantity = rng.chance(0.78) ? 1 : rng.chance(0.7) ? 2 : rng.int(3, 6);
      const discount = rng.chance(0.12) ? rng.pick([0.9, 0.85, 0.8, 0.75]) : 1;
      const unitPrice = price(product.price * discount, c.currency);
      // a refund often covers one line of a multi-line order only
      const lineStatus: LineStatus =
        status === 'refunded' && nLines > 1 && l > 0 && rng.chance(0.5) ? 'completed' : status;
      let defect: TransactionDefect | undefined;
      let duplicated = false;
      if (bad.chance(o.badRate)) {
        defect = defectPicker.draw(bad);
        clean = false;
      } else if (bad.chance(dupRate)) duplicated = true;
      total += quantity * Number(unitPrice);
      lines.push({
        transactionId: `T-${orderId.slice(2)}-${l + 1}`,
        product,
        quantity,
        unitPrice,
        status: lineStatus,
        defect,
        duplicated,
      });
      rows += duplicated ? 2 : 1;
    }
    orders.push({
      orderId,
      customer: c,
      createdAt: t,
      currency: c.currency,
      paymentMethod: paymentPicker.draw(rng),
      lines,
      total: Math.round(total * 100) / 100,
      clean,
    });
    if (o.maxRows !== undefined && rows >= o.maxRows) break;
  }
  return orders;
}

export interface CsvStyle {
  bom: boolean;
  crlf: boolean;
  /** quote every field (some exporters do) */
  quoteAll: boolean;
}

/** The file conventions of one day's export (a function of seed and day). */
export function csvStyleFor(seed: number, dayMs: number): CsvStyle {
  const rng = Rng.derive(seed, `csv-style:${isoDay(dayMs)}`);
  return { bom: rng.chance(0.3), crlf: rng.chance(0.4), quoteAll: rng.chance(0.15) };
}

const badDates = [
  (d: Date) =>
    `${p2(d.getUTCDate())}/${p2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`,
  (d: Date) =>
    `${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}-${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`,
  (d: Date) =>
    `${p2(d.getUTCDate())}.${p2(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
  (d: Date) => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T25:61:00`,
];
function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
const unknownStatuses = ['shipped', 'on_hold', 'returned', 'unknown', 'backordered'];
const badQuantities = ['two', 'N/A', '1 pc', 'x2', 'one'];
const badEmails = [
  (e: string) => e.replace('@', '.'),
  (e: string) => `${e.split('@')[0]}@localhost`,
  (e: string) => e.replace('@', '@@'),
  (e: string) => e.replace('@', ' at '),
];

const productParts = new Map<string, string>(
  products.map((p) => [p.id, `${p.id},${csvField(p.name)},${csvField(p.category)}`] as const),
);
function productPart(p: Product): string {
  return productParts.get(p.id) ?? `${p.id},${csvField(p.name)},${csvField(p.category)}`;
}

/** Appends the rows of orders to `out` (chunks of a file), counting into `summary`. */
export class TransactionsCsvWriter {
  private text = '';
  private readonly eol: string;
  private readonly dups: string[] = [];
  private readonly rng: Rng;

  constructor(
    private readonly style: CsvStyle,
    private readonly sink: (chunk: Buffer) => void,
    seed: number,
    label: string,
    readonly summary: DatasetSummary = emptySummary('transactions'),
  ) {
    this.eol = style.crlf ? '\r\n' : '\n';
    this.rng = Rng.derive(seed, `csv-render:${label}`);
    if (style.bom) this.text += '\uFEFF';
    this.text += transactionHeader + this.eol;
  }

  private readonly customerParts = new Map<Customer, string>();

  private customerPart(c: Customer): string {
    let p = this.customerParts.get(c);
    if (p === undefined) {
      p = `${c.id},${csvField(c.email)},${csvField(c.name)}`;
      this.customerParts.set(c, p);
    }
    return p;
  }

  private flushText(): void {
    if (this.text.length > 0) {
      this.sink(Buffer.from(this.text, 'utf8'));
      this.text = '';
    }
  }

  addOrders(orders: readonly Order[]): void {
    for (const o of orders) for (const l of o.lines) this.addLine(o, l);
  }

  private addLine(o: Order, l: OrderLine): void {
    const rng = this.rng;
    const c = o.customer;
    const created =
      rng.next() < 0.5
        ? sqlUtc(o.createdAt)
        : isoWithOffset(o.createdAt, c.offsetMin, { millis: rng.chance(0.2), z: rng.chance(0.5) });
    const f: string[] = [
      l.transactionId,
      o.orderId,
      c.id,
      c.email,
      c.name,
      l.product.id,
      l.product.name,
      l.product.category,
      String(l.quantity),
      l.unitPrice,
      o.currency,
      o.paymentMethod,
      l.status,
      c.country,
      created,
    ];
    const s = this.summary;
    s.records++;
    if (l.defect === undefined && !this.style.quoteAll) {
      // fast path: the common valid row, from cached quoted parts
      const line = `${l.transactionId},${o.orderId},${this.customerPart(c)},${productPart(l.product)},${l.quantity},${l.unitPrice},${o.currency},${o.paymentMethod},${l.status},${c.country},${created}${this.eol}`;
      s.valid++;
      this.text += line;
      if (l.duplicated) this.dups.push(line);
      if (this.text.length > 1 << 16) this.flushText();
      return;
    }
    switch (l.defect) {
      case undefined:
        break;
      case 'missing_column':
        f.splice(rng.int(1, f.length - 1), 1);
        break;
      case 'extra_column':
        f.splice(rng.int(1, f.length), 0, rng.pick(['gift wrap', '', 'promo:BF26', 'N']));
        break;
      case 'bad_date':
        f[14] = rng.pick(badDates)(new Date(o.createdAt));
        break;
      case 'unknown_status':
        f[12] = rng.pick(unknownStatuses);
        break;
      case 'non_numeric_quantity':
        f[8] = rng.pick(badQuantities);
        break;
      case 'invalid_email':
        f[3] = rng.pick(badEmails)(c.email);
        break;
      case 'non_utf8':
        s.malformed.non_utf8 = (s.malformed.non_utf8 ?? 0) + 1;
        this.addLatin1Row(f);
        return;
    }
    if (l.defect) s.malformed[l.defect] = (s.malformed[l.defect] ?? 0) + 1;
    else s.valid++;
    const line = csvRecord(f, this.style.quoteAll) + this.eol;
    this.text += line;
    if (l.duplicated) this.dups.push(line);
    if (this.text.length > 1 << 16) this.flushText();
  }

  /** A row whose customer name is in Latin-1 (or carries a broken UTF-8 sequence): not valid UTF-8. */
  private addLatin1Row(f: string[]): void {
    const q = this.style.quoteAll;
    const name = f[4] as string;
    const pre = `${csvRecord(f.slice(0, 4), q)},`;
    const post = `,${csvRecord(f.slice(5), q)}${this.eol}`;
    const field = csvField(name, q);
    let nameBytes: Buffer;
    if (/[\u0080-\u00ff]/.test(name) && [...name].every((ch) => ch.charCodeAt(0) <= 0xff))
      nameBytes = Buffer.from(field, 'latin1');
    else {
      // a stray 0xFF (never valid in UTF-8) inside the field
      const at = field.startsWith('"') ? 1 : 0;
      nameBytes = Buffer.concat([
        Buffer.from(field.slice(0, at)),
        Buffer.from([0xff]),
        Buffer.from(field.slice(at), 'utf8'),
      ]);
    }
    this.text += pre;
    this.flushText();
    this.sink(nameBytes);
    this.text += post;
  }

  /** Writes the duplicate rows (re-exported lines at the end of the file) and flushes. */
  finish(): void {
    for (const d of this.dups) {
      this.text += d;
      this.summary.records++;
      this.summary.duplicates++;
    }
    this.dups.length = 0;
    this.flushText();
  }
}

/** One day's CSV export file. */
export function transactionsDayFile(
  seed: number,
  dayMs: number,
  orders: readonly Order[],
  summary: DatasetSummary,
): { name: string; content: Buffer } {
  const chunks: Buffer[] = [];
  const w = new TransactionsCsvWriter(
    csvStyleFor(seed, dayMs),
    (c) => chunks.push(c),
    seed,
    isoDay(dayMs),
    summary,
  );
  w.addOrders(orders);
  w.finish();
  summary.files++;
  return { name: `orders_export_${isoDay(dayMs)}.csv`, content: Buffer.concat(chunks) };
}

export interface WindowOptions {
  seed: number;
  scale: number;
  days: number;
  /** midnight UTC of the first day, epoch ms */
  startMs: number;
  badRate: number;
}

/** Every day's orders of a window (index = day number). */
export function generateWindowOrders(o: WindowOptions, customers: readonly Customer[]): Order[][] {
  const out: Order[][] = [];
  for (let d = 0; d < o.days; d++) {
    const dayMs = o.startMs + d * 86_400_000;
    out.push(
      generateDayOrders({
        seed: o.seed,
        dayMs,
        scale: o.scale,
        customers,
        badRate: o.badRate,
        recent: d === o.days - 1,
      }),
    );
  }
  return out;
}
