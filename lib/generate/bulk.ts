/**
 * Large `transactions` CSV files for benchmarks: an exact number of rows, written day by day so that memory
 * stays bounded (one day's orders at a time) whatever the row count.
 */
import { open } from 'node:fs/promises';
import { generateCustomers } from './population';
import { emptySummary, type DatasetSummary } from './summary';
import { DAY_MS, weekdayFactor, windowStart } from './time';
import {
  TransactionsCsvWriter,
  generateDayOrders,
  ordersPerScaleDay,
  type CsvStyle,
  type Order,
} from './transactions';

export interface BulkCsvOptions {
  /** days the rows are spread over (one Iceberg partition each). @default 30 */
  days?: number;
  /** first day. @default the `days` days ending yesterday (UTC) */
  start?: Date;
  /** share of malformed rows. @default 0 (a clean file, e.g. for DuckDB's strict CSV reader) */
  badRate?: number;
  /** share of exact duplicate rows. @default 0 */
  duplicateRate?: number;
  /** file conventions. @default no BOM, LF line ends, minimal quoting */
  style?: Partial<CsvStyle>;
}

export interface BulkCsvResult {
  rows: number;
  bytes: number;
  ms: number;
  summary: DatasetSummary;
}

/** Expected CSV rows per order (1 + 0.38 x (1 + 0.9) lines). */
const linesPerOrder = 1.72;

function rowsOf(o: Order): number {
  return o.lines.reduce((n, l) => n + (l.duplicated ? 2 : 1), 0);
}

/** The first orders holding exactly `quota` rows (the last one cut to fit). */
function take(orders: readonly Order[], quota: number): { orders: Order[]; rows: number } {
  const out: Order[] = [];
  let rows = 0;
  for (const o of orders) {
    if (rows >= quota) break;
    const n = rowsOf(o);
    if (rows + n <= quota) {
      out.push(o);
      rows += n;
      continue;
    }
    const lines = [];
    for (const l of o.lines) {
      const k = l.duplicated ? 2 : 1;
      if (rows + k > quota) break;
      lines.push(l);
      rows += k;
    }
    if (lines.length > 0) out.push({ ...o, lines, clean: lines.every((l) => !l.defect) });
    break;
  }
  return { orders: out, rows };
}

/** Yields the CSV file's bytes in chunks (about one day each): `rows` data rows after the header. */
export function* transactionCsvChunks(
  rows: number,
  seed: number,
  opts: BulkCsvOptions = {},
): Generator<Buffer, DatasetSummary> {
  const days = Math.max(1, Math.min(opts.days ?? 30, Math.max(1, rows)));
  const startMs = windowStart(days, opts.start);
  const perDay = rows / days;
  const customers = generateCustomers(seed, Math.max(0.02, perDay / (ordersPerScaleDay * linesPerOrder)));
  const style: CsvStyle = { bom: false, crlf: false, quoteAll: false, ...opts.style };
  const chunks: Buffer[] = [];
  const summary = emptySummary('transactions');
  const writer = new TransactionsCsvWriter(style, (c) => chunks.push(c), seed, 'bulk', summary);
  let written = 0;
  for (let d = 0; d < days; d++) {
    const dayMs = startMs + d * DAY_MS;
    const quota = Math.round((d + 1) * perDay) - Math.round(d * perDay);
    let got = 0;
    for (let pass = 0; got < quota && pass < 50; pass++) {
      const need = quota - got;
      const scale =
        (need * (pass === 0 ? 1 : 1.3) + 2) / (ordersPerScaleDay * weekdayFactor(dayMs) * linesPerOrder);
      const day = generateDayOrders({
        seed,
        dayMs,
        scale,
        customers,
        badRate: opts.badRate ?? 0,
        duplicateRate: opts.duplicateRate ?? 0,
        idSuffix: pass === 0 ? '' : `X${pass}`,
      });
      const t = take(day, need);
      writer.addOrders(t.orders);
      got += t.rows;
    }
    written += got;
    if (chunks.length > 0) yield Buffer.concat(chunks.splice(0));
  }
  writer.finish();
  if (chunks.length > 0) yield Buffer.concat(chunks.splice(0));
  if (written !== rows) throw new Error(`bulk CSV: wrote ${written} rows, wanted ${rows}`);
  return summary;
}

/** Writes a transactions CSV of exactly `rows` data rows to `path`, chunk by chunk. */
export async function writeTransactionsCsv(
  path: string,
  rows: number,
  seed: number,
  opts: BulkCsvOptions = {},
): Promise<BulkCsvResult> {
  const t0 = performance.now();
  const fh = await open(path, 'w');
  let bytes = 0;
  let summary: DatasetSummary = emptySummary('transactions');
  try {
    const it = transactionCsvChunks(rows, seed, opts);
    for (;;) {
      const r = it.next();
      if (r.done) {
        summary = r.value;
        break;
      }
      await fh.write(r.value);
      bytes += r.value.length;
    }
  } finally {
    await fh.close();
  }
  summary.files = 1;
  return { rows: summary.records, bytes, ms: performance.now() - t0, summary };
}

/** A small transactions CSV in memory (tests, fixtures). */
export function transactionRowsCsv(rows: number, seed: number, opts: BulkCsvOptions = {}): Buffer {
  return Buffer.concat([...transactionCsvChunks(rows, seed, opts)]);
}
